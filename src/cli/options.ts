// ipvsadm's option table as data: every long/short option, the kind of argument popt gives it,
// the matrix row it sets, whether it is a command, and what it does with its argument. The value
// parsers reproduce ipvsadm's (strtol-based string_to_number, parse_service, parse_netmask, ...)
// down to their C library quirks.

import type { CommandName, OptionName } from './command';
import type { Daemon, Destination, Service, TimeoutConfig } from '../ipvs/types';
import {
  AF_INET,
  AF_INET6,
  DaemonState,
  FwdMethod,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  IP_VS_IFNAME_MAXLEN,
  IP_VS_PENAME_MAXLEN,
  IP_VS_SCHEDNAME_MAXLEN,
  NETMASK_V4_FULL,
  NETMASK_V6_FULL,
  SvcFlag,
  TunnelFlags,
} from '../ipvs/constants';
import { inetAton, inetPton4, inetPton6, ntop4, ntop6, u32ToDotted } from '../net/inet';
import { getServByName, protoName } from '../net/services';
import { resolveHostV4 } from '../net/hosts';
import { fail } from './matrix';

// ---- parse state ---------------------------------------------------------------------------

/** Name look-ups the parser needs; injectable so tests don't depend on the host's resolver. */
export interface ParseDeps {
  /** gethostbyname, IPv4 only: the first address as dotted quad, or null. */
  resolveHostV4(name: string): Promise<string | null>;
  /** getservbyname(name, proto): the port, or undefined. */
  getServByName(name: string, proto: string | undefined): number | undefined;
  /** The environment popt looks at (POSIXLY_CORRECT, POSIX_ME_HARDER); process.env if absent. */
  env?: Readonly<Record<string, string | undefined>>;
}

export const defaultDeps: ParseDeps = { resolveHostV4, getServByName };

/** ipvsadm's struct ipvs_command_entry plus the option mask, as the option handlers fill it. */
export interface ParseState {
  command: CommandName;
  options: Set<OptionName>;
  service: Service;
  dest: Destination;
  daemon: Daemon;
  timeouts: TimeoutConfig;
  /** The -b argument, kept for after the option loop (as ipvsadm does). */
  schedFlagsArg: string;
  deps: ParseDeps;
}

/** process_options' initial command entry: memset 0, then weight 1, DROUTE and a /32 netmask. */
export function initialState(deps: ParseDeps = defaultDeps): ParseState {
  return {
    command: 'list',
    options: new Set(),
    service: {
      af: 0,
      protocol: 0,
      address: '',
      port: 0,
      fwmark: 0,
      scheduler: '',
      flags: 0,
      timeout: 0,
      netmask: NETMASK_V4_FULL,
      peName: '',
    },
    dest: {
      af: 0,
      address: '',
      port: 0,
      fwdMethod: FwdMethod.DROUTE,
      weight: 1,
      upperThreshold: 0,
      lowerThreshold: 0,
      tunType: 0,
      tunPort: 0,
      tunFlags: 0,
      activeConns: 0,
      inactConns: 0,
      persistConns: 0,
    },
    daemon: { state: 0, mcastIfn: '', syncId: 0 },
    timeouts: { tcp: 0, tcpFin: 0, udp: 0 },
    schedFlagsArg: '',
    deps,
  };
}

// ---- C library emulation -------------------------------------------------------------------

/** isspace() in the C locale. */
const isCSpace = (c: string | undefined) => c !== undefined && (c === ' ' || (c >= '\t' && c <= '\r'));
const isCDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);
export const INT_MAX = 2147483647;
export const UINT_MAX = 4294967295;

/**
 * strtol(s, &end, 10) on LP64: leading white space, an optional sign, decimal digits. `end` is
 * the index after the digits, or 0 when there are none; out-of-range values clamp with erange.
 */
export function cStrtol(s: string): { value: bigint; end: number; erange: boolean } {
  let i = 0;
  while (isCSpace(s[i])) i++;
  let negative = false;
  if (s[i] === '+' || s[i] === '-') negative = s[i++] === '-';
  const start = i;
  while (isCDigit(s[i])) i++;
  if (i === start) return { value: 0n, end: 0, erange: false };
  let value = BigInt(s.slice(start, i));
  if (negative) value = -value;
  if (value > LONG_MAX) return { value: LONG_MAX, end: i, erange: true };
  if (value < LONG_MIN) return { value: LONG_MIN, end: i, erange: true };
  return { value, end: i, erange: false };
}

/** ipvsadm's string_to_number: the whole string must be a number in [min, max]; else -1. */
export function stringToNumber(s: string, min: number, max: number): number {
  const { value, end, erange } = cStrtol(s);
  if (end === 0 || end !== s.length || erange) return -1;
  if (value < BigInt(min) || value > BigInt(max)) return -1;
  return Number(value);
}

/** atoi as glibc implements it: (int) strtol(s, NULL, 10). */
export function cAtoi(s: string): number {
  return Number(BigInt.asIntN(32, cStrtol(s).value));
}

/** The first `n` bytes of `s` in UTF-8 (strncpy into a fixed-size field). */
export function truncateBytes(s: string, n: number): string {
  const buf = Buffer.from(s, 'utf8');
  return buf.length <= n ? s : buf.subarray(0, n).toString('utf8');
}

/** C strings end at the first NUL. */
const cString = (s: string) => {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
};

// ---- value parsers -------------------------------------------------------------------------

/** MAX_TIMEOUT: 31 days. */
export const MAX_TIMEOUT = 86400 * 31;
/** IPVS_SVC_PERSISTENT_TIMEOUT: what -p without a value means. */
export const DEFAULT_PERSISTENT_TIMEOUT = 6 * 60;

/** parse_timeout: no value gives the persistence default; a bad value fails. */
export function parseTimeout(arg: string | null, min: number, max: number): number {
  if (arg === null) return DEFAULT_PERSISTENT_TIMEOUT;
  const n = stringToNumber(arg, min, max);
  if (n === -1) fail(`invalid timeout value \`${arg}' specified`);
  return n;
}

/** parse_fwmark: strtol into an unsigned long, 1 .. UINT_MAX. */
export function parseFwmark(arg: string): number {
  const { value, end, erange } = cStrtol(arg);
  if (end !== arg.length || end === 0 || erange || value <= 0n || value > BigInt(UINT_MAX)) {
    fail(`invalid fwmark value \`${arg}' specified`);
  }
  return Number(value);
}

/** parse_service's result bits. */
export const SERVICE_NONE = 0;
export const SERVICE_ADDR = 1;
export const SERVICE_PORT = 2;

/** The fields parse_service writes (a service, or the copy of it that -r parses into). */
export interface AddressTarget {
  af: number;
  protocol: number;
  address: string;
  port: number;
  netmask: number;
}

/** str_is_digit: true for the empty string too. */
const strIsDigit = (s: string) => /^[0-9]*$/.test(s);

/** inet_aton, else gethostbyname (IPv4, first address): a host-order u32, or null. */
async function hostToAddr(text: string, deps: ParseDeps): Promise<number | null> {
  const direct = inetAton(text);
  if (direct !== null) return direct;
  if (text === '') return null; // gethostbyname("") finds nothing (and node would warn)
  const resolved = await deps.resolveHostV4(text);
  if (resolved === null) return null;
  return inetAton(resolved);
}

/** service_to_port: getservbyname with the protocol parsed so far (none for protocol 0). */
function serviceToPort(name: string, protocol: number, deps: ParseDeps): number {
  const proto = protoName(protocol);
  if (proto === undefined) return -1;
  return deps.getServByName(name, proto) ?? -1;
}

/**
 * parse_service: `[v6]:port`, bare IPv6 (never a port), else `v4-or-host[:port]` split at the
 * last colon. Returns SERVICE_* bits; SERVICE_NONE means invalid.
 */
export async function parseService(buf: string, target: AddressTarget, deps: ParseDeps): Promise<number> {
  if (strIsDigit(buf)) return SERVICE_NONE;
  let text = buf;
  let port: string | null = null;
  if (text.startsWith('[')) {
    text = text.slice(1);
    const close = text.indexOf(']');
    if (close < 0) return SERVICE_NONE;
    const after = text.slice(close + 1);
    text = text.slice(0, close);
    if (!after.startsWith(':')) return SERVICE_NONE;
    port = after.slice(1);
  }
  const v6 = inetPton6(text);
  if (v6) {
    target.address = ntop6(v6);
    target.af = AF_INET6;
    target.netmask = NETMASK_V6_FULL;
  } else {
    // The bracket form's port is forgotten here: only a colon inside the text counts.
    const colon = text.lastIndexOf(':');
    port = colon < 0 ? null : text.slice(colon + 1);
    if (colon >= 0) text = text.slice(0, colon);
    const addr = await hostToAddr(text, deps);
    if (addr === null) return SERVICE_NONE;
    target.address = u32ToDotted(addr);
    target.af = AF_INET;
  }
  let result = SERVICE_ADDR;
  if (port !== null) {
    result |= SERVICE_PORT;
    let n = stringToNumber(port, 0, 65535);
    if (n === -1) n = serviceToPort(port, target.protocol, deps);
    if (n === -1) return SERVICE_NONE;
    target.port = n;
  }
  return result;
}

/** -M: an IPv4 mask (inet_aton, else a host name) unless the service is already IPv6. */
async function parseNetmaskOption(st: ParseState, arg: string): Promise<void> {
  if (st.service.af !== AF_INET6) {
    const mask = await hostToAddr(arg, st.deps);
    if (mask === null) fail('illegal virtual server persistent mask specified');
    st.service.netmask = mask;
  } else {
    const prefix = cAtoi(arg) >>> 0;
    if (prefix < 1 || prefix > 128) fail('illegal ipv6 netmask specified');
    st.service.netmask = prefix;
  }
}

/** --mcast-group: IPv6 if the text has a colon, else IPv4; multicast only. */
function parseMcastGroup(arg: string): string {
  if (arg.includes(':')) {
    const b = inetPton6(arg);
    if (!b || b[0] !== 0xff) fail(`invalid IPv6 mcast-group \`${arg}'`);
    return ntop6(b);
  }
  const b = inetPton4(arg);
  if (!b || (b[0] & 0xf0) !== 0xe0) fail(`invalid IPv4 mcast-group \`${arg}'`);
  return ntop4(b);
}

/** parse_tun_type. */
export function parseTunType(name: string): number {
  return ['ipip', 'gue', 'gre'].indexOf(name);
}

/** A number option: strict string_to_number in [min, max], else fail(message). */
function numberOption(min: number, max: number, message: string, store: (st: ParseState, n: number) => void): Handler {
  return (st, arg) => {
    const n = stringToNumber(arg!, min, max);
    if (n === -1) fail(message);
    store(st, n);
  };
}

/** --start-daemon / --stop-daemon's argument, with each command's own message. */
function daemonState(message: string): Handler {
  return (st, arg) => {
    if (arg === 'master') st.daemon.state = DaemonState.MASTER;
    else if (arg === 'backup') st.daemon.state = DaemonState.BACKUP;
    else fail(message);
  };
}

/** -t / -u / --sctp-service: the protocol is set before the address, so port names use it. */
function serviceOption(protocol: number): Handler {
  return async (st, arg) => {
    st.service.protocol = protocol;
    const parse = await parseService(arg!, st.service, st.deps);
    if (!(parse & SERVICE_ADDR)) fail('illegal virtual server address[:port] specified');
  };
}

function forwarding(method: FwdMethod): Handler {
  return (st) => {
    st.dest.fwdMethod = method;
  };
}

function tunFlag(flag: TunnelFlags): Handler {
  return (st) => {
    st.dest.tunFlags |= flag;
  };
}

function svcFlag(flag: number): Handler {
  return (st) => {
    st.service.flags |= flag;
  };
}

// ---- the table -----------------------------------------------------------------------------

export type ArgKind = 'none' | 'required' | 'optional';

/** What an option does with its argument (null: none given, only for optional arguments). */
export type Handler = (st: ParseState, arg: string | null) => void | Promise<void>;

export interface OptionDef {
  /** The long name, without the leading dashes. */
  readonly long: string;
  /** The short option character, if any. */
  readonly short?: string;
  readonly arg: ArgKind;
  /** The matrix row it sets (a repeat fails with "multiple '%s' options specified"). */
  readonly optname?: OptionName;
  /** Set for command options: legal only as the first option. */
  readonly command?: CommandName;
  /** Runs after the matrix row is set (for commands: only as the first option). */
  readonly handle?: Handler;
}

const noop: Handler = () => undefined;

/** ipvsadm's popt option table, in its order (popt takes the first match). */
export const OPTION_TABLE: readonly OptionDef[] = [
  { long: 'add-service', short: 'A', arg: 'none', command: 'add-service' },
  { long: 'edit-service', short: 'E', arg: 'none', command: 'edit-service' },
  { long: 'delete-service', short: 'D', arg: 'none', command: 'delete-service' },
  { long: 'clear', short: 'C', arg: 'none', command: 'flush' },
  { long: 'list', short: 'L', arg: 'none', command: 'list' },
  { long: 'list', short: 'l', arg: 'none', command: 'list' },
  { long: 'zero', short: 'Z', arg: 'none', command: 'zero' },
  { long: 'add-server', short: 'a', arg: 'none', command: 'add-server' },
  { long: 'edit-server', short: 'e', arg: 'none', command: 'edit-server' },
  { long: 'delete-server', short: 'd', arg: 'none', command: 'delete-server' },
  { long: 'set', arg: 'none', command: 'set' },
  { long: 'help', short: 'h', arg: 'none', command: 'help' },
  { long: 'version', short: 'v', arg: 'none', command: 'version' },
  { long: 'restore', short: 'R', arg: 'none', command: 'restore' },
  { long: 'save', short: 'S', arg: 'none', command: 'save' },
  {
    long: 'start-daemon',
    arg: 'required',
    command: 'start-daemon',
    handle: daemonState('illegal start-daemon parameter specified'),
  },
  { long: 'stop-daemon', arg: 'required', command: 'stop-daemon', handle: daemonState('illegal start_daemon specified') },
  { long: 'tcp-service', short: 't', arg: 'required', optname: 'service-address', handle: serviceOption(IPPROTO_TCP) },
  { long: 'udp-service', short: 'u', arg: 'required', optname: 'service-address', handle: serviceOption(IPPROTO_UDP) },
  { long: 'sctp-service', arg: 'required', optname: 'service-address', handle: serviceOption(IPPROTO_SCTP) },
  {
    long: 'fwmark-service',
    short: 'f',
    arg: 'required',
    optname: 'service-address',
    handle: (st, arg) => {
      st.service.af = AF_INET;
      st.service.protocol = IPPROTO_TCP;
      st.service.fwmark = parseFwmark(arg!);
    },
  },
  {
    long: 'scheduler',
    short: 's',
    arg: 'required',
    optname: 'scheduler',
    handle: (st, arg) => {
      st.service.scheduler = truncateBytes(arg!, IP_VS_SCHEDNAME_MAXLEN - 1);
    },
  },
  {
    long: 'persistent',
    short: 'p',
    arg: 'optional',
    optname: 'persistent',
    handle: (st, arg) => {
      st.service.flags |= SvcFlag.PERSISTENT;
      st.service.timeout = parseTimeout(arg, 1, MAX_TIMEOUT);
    },
  },
  { long: 'netmask', short: 'M', arg: 'required', optname: 'netmask', handle: (st, arg) => parseNetmaskOption(st, arg!) },
  {
    long: 'real-server',
    short: 'r',
    arg: 'required',
    optname: 'real-server',
    handle: async (st, arg) => {
      // Parsed into a copy of the service: its protocol picks port names, its port is the default.
      const copy: AddressTarget = { ...st.service };
      const parse = await parseService(arg!, copy, st.deps);
      st.dest.af = copy.af;
      st.dest.address = copy.address;
      st.dest.port = copy.port;
      if (!(parse & SERVICE_ADDR)) fail('illegal real server address[:port] specified');
      if (parse === SERVICE_ADDR) st.dest.port = st.service.port;
    },
  },
  { long: 'masquerading', short: 'm', arg: 'none', optname: 'forwarding-method', handle: forwarding(FwdMethod.MASQ) },
  { long: 'ipip', short: 'i', arg: 'none', optname: 'forwarding-method', handle: forwarding(FwdMethod.TUNNEL) },
  { long: 'gatewaying', short: 'g', arg: 'none', optname: 'forwarding-method', handle: forwarding(FwdMethod.DROUTE) },
  {
    long: 'weight',
    short: 'w',
    arg: 'required',
    optname: 'weight',
    handle: numberOption(0, INT_MAX, 'illegal weight specified', (st, n) => (st.dest.weight = n)),
  },
  {
    long: 'u-threshold',
    short: 'x',
    arg: 'required',
    optname: 'u-threshold',
    handle: numberOption(0, INT_MAX, 'illegal u_threshold specified', (st, n) => (st.dest.upperThreshold = n)),
  },
  {
    long: 'l-threshold',
    short: 'y',
    arg: 'required',
    optname: 'l-threshold',
    handle: numberOption(0, INT_MAX, 'illegal l_threshold specified', (st, n) => (st.dest.lowerThreshold = n)),
  },
  { long: 'numeric', short: 'n', arg: 'none', optname: 'numeric' },
  { long: 'connection', short: 'c', arg: 'none', optname: 'connection' },
  {
    long: 'mcast-interface',
    arg: 'required',
    optname: 'mcast-interface',
    handle: (st, arg) => {
      st.daemon.mcastIfn = truncateBytes(arg!, IP_VS_IFNAME_MAXLEN - 1);
    },
  },
  {
    long: 'syncid',
    arg: 'required',
    optname: 'syncid',
    handle: numberOption(0, 255, 'illegal syncid specified', (st, n) => (st.daemon.syncId = n)),
  },
  { long: 'timeout', arg: 'none', optname: 'timeout' },
  { long: 'daemon', arg: 'none', optname: 'daemon' },
  { long: 'stats', arg: 'none', optname: 'stats' },
  { long: 'rate', arg: 'none', optname: 'rate' },
  { long: 'thresholds', arg: 'none', optname: 'thresholds' },
  { long: 'persistent-conn', arg: 'none', optname: 'persistent-conn' },
  { long: 'nosort', arg: 'none', optname: 'nosort' },
  { long: 'sort', arg: 'none', handle: noop },
  { long: 'exact', short: 'X', arg: 'none', optname: 'exact' },
  {
    long: 'ipv6',
    short: '6',
    arg: 'none',
    handle: (st) => {
      if (!st.service.fwmark) fail('-6 used before -f\n');
      st.service.af = AF_INET6;
      st.service.netmask = NETMASK_V6_FULL;
    },
  },
  { long: 'ops', short: 'o', arg: 'none', optname: 'ops', handle: svcFlag(SvcFlag.ONEPACKET) },
  {
    long: 'pe',
    arg: 'required',
    optname: 'pe',
    handle: (st, arg) => {
      st.service.peName = truncateBytes(arg!, IP_VS_PENAME_MAXLEN);
    },
  },
  {
    long: 'sched-flags',
    short: 'b',
    arg: 'required',
    optname: 'sched-flags',
    handle: (st, arg) => {
      // snprintf into a 128-byte buffer.
      st.schedFlagsArg = truncateBytes(arg!, 127);
    },
  },
  {
    long: 'mcast-group',
    arg: 'required',
    optname: 'mcast-group',
    handle: (st, arg) => {
      st.daemon.mcastGroup = parseMcastGroup(arg!);
    },
  },
  {
    long: 'mcast-port',
    arg: 'required',
    optname: 'mcast-port',
    handle: numberOption(1, 65535, 'illegal mcast-port specified', (st, n) => (st.daemon.mcastPort = n)),
  },
  {
    long: 'mcast-ttl',
    arg: 'required',
    optname: 'mcast-ttl',
    handle: numberOption(1, 255, 'illegal mcast-ttl specified', (st, n) => (st.daemon.mcastTtl = n)),
  },
  {
    long: 'sync-maxlen',
    arg: 'required',
    optname: 'sync-maxlen',
    handle: numberOption(1, 65535 - 20 - 8, 'illegal sync-maxlen specified', (st, n) => (st.daemon.syncMaxlen = n)),
  },
  { long: 'tun-info', arg: 'none', optname: 'tun-info' },
  {
    long: 'tun-type',
    arg: 'required',
    optname: 'tun-type',
    handle: (st, arg) => {
      const type = parseTunType(arg!);
      if (type === -1) fail('illegal tunnel type specified');
      st.dest.tunType = type;
    },
  },
  {
    long: 'tun-port',
    arg: 'required',
    optname: 'tun-port',
    handle: numberOption(1, 65535, 'illegal tunnel port specified', (st, n) => (st.dest.tunPort = n)),
  },
  { long: 'tun-nocsum', arg: 'none', optname: 'tun-nocsum', handle: tunFlag(TunnelFlags.NOCSUM) },
  { long: 'tun-csum', arg: 'none', optname: 'tun-csum', handle: tunFlag(TunnelFlags.CSUM) },
  { long: 'tun-remcsum', arg: 'none', optname: 'tun-remcsum', handle: tunFlag(TunnelFlags.REMCSUM) },
];

/** popt's look-up by long name: exact match only (no abbreviations), first entry wins. */
export function findLongOption(name: string): OptionDef | undefined {
  return OPTION_TABLE.find((o) => o.long === name);
}

/** popt's look-up by short name. */
export function findShortOption(ch: string): OptionDef | undefined {
  return OPTION_TABLE.find((o) => o.short === ch);
}

// ---- scheduler flags -----------------------------------------------------------------------

/** -b words: their flag bit, and the scheduler they require (if any). */
export const SCHED_FLAG_WORDS: Readonly<Record<string, { bit: number; scheduler?: string }>> = {
  'flag-1': { bit: SvcFlag.SCHED1 },
  'flag-2': { bit: SvcFlag.SCHED2 },
  'flag-3': { bit: SvcFlag.SCHED3 },
  'sh-fallback': { bit: SvcFlag.SCHED1, scheduler: 'sh' },
  'sh-port': { bit: SvcFlag.SCHED2, scheduler: 'sh' },
  'mh-fallback': { bit: SvcFlag.SCHED1, scheduler: 'mh' },
  'mh-port': { bit: SvcFlag.SCHED2, scheduler: 'mh' },
};

/** The scheduler ipvsadm falls back to when -s is absent or empty. */
export const DEFAULT_SCHEDULER = 'wlc';

/** The SIGSEGV exit status of a shell-run process (ipvsadm crashes on `-b ,`). */
export const SEGV_EXIT = 139;

/**
 * parse_sched_flags: strtok(",") items; the scheduler checked is -s's or wlc. An argument made
 * only of commas makes ipvsadm dereference NULL; the result is a crash, signalled here as
 * `null`.
 */
export function parseSchedFlags(scheduler: string, arg: string): number | null {
  const sched = scheduler || DEFAULT_SCHEDULER;
  const words = cString(arg)
    .split(',')
    .filter((w) => w !== '');
  if (words.length === 0) return null;
  let flags = 0;
  for (const word of words) {
    const known = Object.prototype.hasOwnProperty.call(SCHED_FLAG_WORDS, word) ? SCHED_FLAG_WORDS[word] : undefined;
    if (!known) fail(`invalid scheduler flag \`${word}'`);
    flags |= known.bit;
    if (known.scheduler !== undefined && known.scheduler !== sched) fail(`incompatible scheduler flag \`${word}'`);
  }
  return flags;
}
