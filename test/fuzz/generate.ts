// Fuzz inputs for tsipvsadm: random and mutated ipvsadm command lines, -R inputs and rules
// files, all from one seed. The option vocabulary comes from the option table itself, so new
// options are fuzzed without touching this file. Text is one byte per character (latin1), as
// the CLI reads it.

import { OPTION_TABLE, type OptionDef } from '../../src/cli/options/table';
import { VERBS } from '../../src/verbs/registry';

/** A seeded PRNG (mulberry32): the same seed gives the same cases on every machine. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
}

// ---- values --------------------------------------------------------------------------------

/** Addresses that exist in the guest (ipvs0 owns these ranges) and odd spellings of them. */
const V4 = ['10.7.0.1', '10.7.0.2', '10.7.1.1', '192.168.7.1', '172.20.0.1', '127.0.0.1', '0.0.0.0', '255.255.255.255', '10.7.0.300',
  '10.7', '10.7.0', '012.7.0.1', '0x0a.7.0.1', '10.7.0.1.', '.10.7.0.1', '10..7.1', '4294967295', '2130706433', '1.2.3.4.5', '-1.2.3.4',
  ' 10.7.0.1', '10.7.0.1 ', 'localhost', 'vip.example.test', 'rs-one'];
const V6 = ['2001:db8::1', '2001:db8::2', 'fdff::1', '::1', '::', '::ffff:10.7.0.1', '2001:db8:::1', 'fe80::1%lo', '2001:db8::g', '1:2:3:4:5:6:7:8:9'];
const PORTS = ['80', '0', '1', '443', '65535', '65536', '-1', '8080', 'http', 'https', 'domain', 'nosuchport', '0x50', '080', '99999999999', '', ' 80', '80x'];
const NUMBERS = ['0', '1', '2', '7', '10', '100', '65535', '65536', '2147483647', '2147483648', '4294967295', '4294967296', '-1', '-0', '+5',
  '0x10', '010', '1e3', '', ' 3', '3 ', '99999999999999999999', '1.5', 'abc'];
const SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'nosuch', 'RR', '', 'a-very-long-scheduler-name'];
const NETMASKS = ['255.255.255.255', '255.255.255.0', '255.0.0.0', '0.0.0.0', '24', '32', '128', '64', '255.255.0.255', 'x', '-1'];
const SCHED_FLAGS = ['flag-1', 'flag-2', 'flag-3', 'sh-fallback', 'sh-port', 'mh-fallback', 'mh-port', 'flag-1,flag-2', 'sh-port,sh-fallback', 'nosuch', ',', ''];
const TUN_TYPES = ['ipip', 'gue', 'gre', 'IPIP', 'none', '', '1'];
const DAEMON_STATES = ['master', 'backup', 'both', 'Master', ''];
/** No interface that exists: a started sync daemon would outlive the case (see fuzz.ts). */
const INTERFACES = ['nosuch0', 'eth9', '', 'a'.repeat(20)];
const MCAST_GROUPS = ['224.0.0.81', '239.1.1.1', 'ff02::1', '10.7.0.1', 'x', '224.0.0.256'];
const FWMARKS = ['1', '7', '0', '4294967295', '4294967296', '-1', '0x10', 'mark'];
const PE_NAMES = ['sip', 'nosuch', '', 'SIP'];

/** Bytes a shell or a rules file could carry: control characters, high bytes, UTF-8 text. */
const GARBAGE = ['', '-', '--', '---', '-=', '--=x', 'x', '\xff\xfe', '\xc3\xa9', '\xef\xbc\x91\xef\xbc\x90', '\x00', '\t', '%s%n', '\\', "'", '"',
  '-\xff', '--\xff', 'ipvsadm', '#', '*', '?'];

const v4port = (r: Rng) => `${r.pick(V4)}:${r.pick(PORTS)}`;
const v6port = (r: Rng) => (r.chance(0.7) ? `[${r.pick(V6)}]:${r.pick(PORTS)}` : r.pick(V6));
const address = (r: Rng) => (r.chance(0.7) ? (r.chance(0.8) ? v4port(r) : r.pick(V4)) : v6port(r));

/** A value for an option, by its long name; otherwise something from every pool. */
const VALUES: Record<string, (r: Rng) => string> = {
  'tcp-service': address,
  'udp-service': address,
  'sctp-service': address,
  'real-server': address,
  'fwmark-service': (r) => r.pick(FWMARKS),
  scheduler: (r) => r.pick(SCHEDULERS),
  persistent: (r) => r.pick(NUMBERS),
  netmask: (r) => r.pick(NETMASKS),
  weight: (r) => r.pick(NUMBERS),
  'u-threshold': (r) => r.pick(NUMBERS),
  'l-threshold': (r) => r.pick(NUMBERS),
  'mcast-interface': (r) => r.pick(INTERFACES),
  syncid: (r) => r.pick(NUMBERS),
  'start-daemon': (r) => r.pick(DAEMON_STATES),
  'stop-daemon': (r) => r.pick(DAEMON_STATES),
  pe: (r) => r.pick(PE_NAMES),
  'sched-flags': (r) => r.pick(SCHED_FLAGS),
  'mcast-group': (r) => r.pick(MCAST_GROUPS),
  'mcast-port': (r) => r.pick(PORTS),
  'mcast-ttl': (r) => r.pick(NUMBERS),
  'sync-maxlen': (r) => r.pick(NUMBERS),
  'tun-type': (r) => r.pick(TUN_TYPES),
  'tun-port': (r) => r.pick(PORTS),
};

function valueFor(r: Rng, def: OptionDef | undefined): string {
  const gen = def && VALUES[def.long];
  if (gen && r.chance(0.9)) return gen(r);
  return r.pick([...NUMBERS, ...V4, ...PORTS, ...GARBAGE, ...SCHEDULERS]);
}

// ---- command lines -------------------------------------------------------------------------

const COMMANDS = OPTION_TABLE.filter((d) => d.command);
const OPTIONS = OPTION_TABLE.filter((d) => !d.command);

/** How an option is spelled: short, long, abbreviated long, --opt=value, bundled later. */
function spell(r: Rng, def: OptionDef, withValue: boolean): string[] {
  const value = withValue ? valueFor(r, def) : null;
  const long = () => {
    // popt accepts no abbreviations: these are illegal, as ipvsadm says.
    const name = r.chance(0.1) ? def.long.slice(0, 1 + r.int(def.long.length)) : def.long;
    return `${r.chance(0.05) ? '-' : '--'}${name}`;
  };
  if (def.short && r.chance(0.6)) {
    if (value === null) return [`-${def.short}`];
    return r.chance(0.2) ? [`-${def.short}${value}`] : [`-${def.short}`, value];
  }
  const name = long();
  if (value === null) return r.chance(0.05) ? [`${name}=${r.pick(NUMBERS)}`] : [name];
  return r.chance(0.3) ? [`${name}=${value}`] : [name, value];
}

/** Glue runs of short flags without arguments into one token (-Ln, -Lnc) now and then. */
function bundle(r: Rng, tokens: string[]): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    const prev = out.at(-1);
    if (prev && /^-[A-Za-z]+$/.test(prev) && /^-[A-Za-z]$/.test(t) && r.chance(0.4)) out[out.length - 1] = prev + t.slice(1);
    else out.push(t);
  }
  return out;
}

function randomOption(r: Rng): string[] {
  const def = r.pick(OPTIONS);
  const withValue = def.arg === 'required' || (def.arg === 'optional' && r.chance(0.5));
  return spell(r, def, withValue);
}

/** A command line as a user might type it: mostly a command and plausible options for it. */
export function commandLine(r: Rng): string[] {
  const tokens: string[] = [];
  const kind = r.int(20);
  if (kind === 0) {
    // garbage words and stray options
    for (let i = r.int(5); i >= 0; i--) tokens.push(r.chance(0.5) ? r.pick(GARBAGE) : randomOption(r).join(''));
    return tokens;
  }
  const cmd = r.pick(COMMANDS);
  tokens.push(...spell(r, cmd, cmd.arg === 'required' || (cmd.arg === 'optional' && r.chance(0.5))));
  // the usual companions, so that most lines get past the matrix and reach the kernel
  if (/service|server|zero|list/.test(cmd.long) && r.chance(0.8)) {
    tokens.push(...spell(r, r.pick(OPTIONS.filter((d) => /service$/.test(d.long))), true));
  }
  if (/server/.test(cmd.long) && r.chance(0.8)) tokens.push(...spell(r, OPTIONS.find((d) => d.long === 'real-server')!, true));
  for (let i = r.int(4); i > 0; i--) tokens.push(...randomOption(r));
  if (r.chance(0.05)) tokens.push(r.pick(GARBAGE));
  if (r.chance(0.03)) tokens.push(...spell(r, r.pick(COMMANDS), false)); // a second command
  return bundle(r, tokens);
}

/** A small edit of a line: drop, repeat, swap or replace a token, or change one byte. */
export function mutate(r: Rng, line: string[]): string[] {
  const out = [...line];
  for (let n = 1 + r.int(3); n > 0; n--) {
    const i = r.int(out.length + 1);
    switch (r.int(6)) {
      case 0: out.splice(i, 1); break;
      case 1: if (out.length) out.splice(i, 0, out[Math.min(i, out.length - 1)]); break;
      case 2: if (out.length > 1) { const j = r.int(out.length); [out[i % out.length], out[j]] = [out[j], out[i % out.length]]; } break;
      case 3: out.splice(i, 1, r.pick([...GARBAGE, ...NUMBERS, ...PORTS])); break;
      case 4: out.splice(i, 0, ...randomOption(r)); break;
      default: {
        if (!out.length) break;
        const k = i % out.length;
        const t = out[k];
        const at = r.int(t.length + 1);
        out[k] = t.slice(0, at) + String.fromCharCode(r.chance(0.5) ? r.int(256) : r.pick([0x2d, 0x3a, 0x5b, 0x5d, 0x3d, 0x2c])) + t.slice(at + 1);
      }
    }
  }
  return out;
}

/** An argv vector: random, or a mutation of a random one, sometimes with a verb in front. */
export function argvVector(r: Rng, verbs = true): string[] {
  const line = commandLine(r);
  const vec = r.chance(0.4) ? mutate(r, line) : line;
  if (verbs && r.chance(0.03)) {
    const verb = r.pick(VERBS);
    // metrics --listen serves until SIGTERM: a hang by design, not a finding.
    return [verb.name, ...vec.filter((t) => !t.startsWith('--l')), ...(verb.name === 'export' && r.chance(0.5) ? ['--format', r.pick(['json', 'yaml', 'rules', 'xml'])] : [])];
  }
  return vec;
}

// ---- -R inputs and rules files ---------------------------------------------------------------

/** What ipvsadm -S -n prints for services and servers like these: the backbone of -R input. */
function savedLine(r: Rng): string {
  const svc = r.chance(0.8) ? `-t ${r.pick(['10.7.0.1', '10.7.0.2', '192.168.7.1'])}:${r.pick(['80', '443', '53'])}` : `-f ${r.pick(['1', '7'])}`;
  if (r.chance(0.4)) return `-A ${svc} -s ${r.pick(SCHEDULERS.slice(0, 13))}${r.chance(0.3) ? ` -p ${r.pick(['300', '60'])}` : ''}`;
  return `-a ${svc} -r ${r.pick(['10.7.0.11', '10.7.0.12', '10.7.1.5'])}:${r.pick(['80', '8080'])} ${r.pick(['-m', '-g', '-i'])} -w ${r.int(5)}`;
}

const SEPARATORS = [' ', ' ', ' ', '  ', '\t', '\r', ' \t '];
const ENDINGS = ['\n', '\n', '\n', '\r\n', ' \n', '\n\n', '', '  ', '\t\n'];

/** -R input: lines (saved rules, random or mutated command lines, junk), with odd spacing. */
export function restoreInput(r: Rng): string {
  let text = '';
  for (let n = r.int(8); n >= 0; n--) {
    let tokens: string[];
    switch (r.int(6)) {
      case 0: tokens = commandLine(r); break;
      case 1: tokens = mutate(r, savedLine(r).split(' ')); break;
      case 2: tokens = [r.pick(GARBAGE), ...(r.chance(0.5) ? [r.pick(GARBAGE)] : [])]; break;
      default: tokens = savedLine(r).split(' ');
    }
    if (r.chance(0.1)) tokens.unshift('ipvsadm');
    if (r.chance(0.05)) tokens.unshift('#');
    if (r.chance(0.02)) tokens.push('x'.repeat(4090 + r.int(12))); // around scanf's 4096 field width
    text += tokens.map((t) => t.replace(/[ \t\r\n]/g, '')).filter(Boolean).join(r.pick(SEPARATORS)) + r.pick(ENDINGS);
  }
  if (r.chance(0.1)) text = text.slice(0, r.int(text.length + 1)); // cut anywhere
  return text;
}

/** A rules file as tsipvsadm-rules reads it (# comment lines, which it drops before -R). */
export function rulesFile(r: Rng): string {
  const lines = ['# ipvsadm.rules'];
  for (let n = r.int(6); n >= 0; n--) lines.push(r.chance(0.15) ? `# ${r.pick(GARBAGE)} comment` : savedLine(r));
  let text = lines.join('\n') + '\n';
  if (r.chance(0.4)) text = restoreInput(r) + text;
  return text;
}

/** The -R text a rules file becomes (grep -v '^#'). */
export const rulesToRestore = (text: string) =>
  text.split('\n').filter((l, i, all) => !l.startsWith('#') && !(i === all.length - 1 && l === '')).map((l) => l + '\n').join('');

/** A starting state as setup lines (valid for ipvsadm -R): a few services with servers. */
export function startingState(r: Rng): string[][] {
  const setup: string[][] = [];
  const services: Array<[string, string, boolean]> = [['-t 10.7.0.1:80', '80', false], ['-t 10.7.0.2:443', '443', false], ['-u 10.7.0.1:53', '53', false],
    ['-f 7', '80', false], ['-t [2001:db8::1]:80', '80', true]];
  for (const [svc, port, v6] of services.filter(() => r.chance(0.6))) {
    setup.push(`-A ${svc} -s ${r.pick(SCHEDULERS.slice(0, 13))}${r.chance(0.3) ? ' -p 120' : ''}`.split(' '));
    for (let i = 1 + r.int(3); i > 1; i--) {
      const host = v6 ? `[2001:db8::${10 + i}]` : `10.7.0.${10 + i}`;
      // direct routing and tunnelling keep the service's port
      const method = r.pick(['-m', '-m', '-g', '-i']);
      setup.push(`-a ${svc} -r ${host}:${method === '-m' ? r.pick(['80', '8080']) : port} ${method} -w ${r.int(4)}`.split(' '));
    }
  }
  return setup;
}
