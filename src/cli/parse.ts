// ipvsadm's command-line parser: popt 1.19's option scanner as ipvsadm drives it, then
// process_options' validation steps in ipvsadm's order, with every default applied.

import { CliExit, type OptionName, type ParsedCommand } from './command';
import { fail, genericOptCheck, tunnelOptCheck, type MatrixCommand } from './matrix';
import { defaultDeps, initialState, type ParseDeps, type ParseState } from './options/state';
import { findLongOption, findShortOption, type OptionDef } from './options/table';
import { MAX_TIMEOUT, parseTimeout } from './options/values';
import { DEFAULT_SCHEDULER, SEGV_EXIT, parseSchedFlags } from './options/sched-flags';
import { FwdMethod, IPPROTO_UDP, SCHED_FLAGS_MASK, SvcFlag } from '../ipvs/constants';

/** The multicast interface --start-daemon uses when none is given. */
export const DEFAULT_MCAST_IFN = 'eth0';

// ---- popt ----------------------------------------------------------------------------------

export const POPT_ERROR_NOARG = -10;
export const POPT_ERROR_BADOPT = -11;
export const POPT_ERROR_UNWANTEDARG = -12;

/** poptStrerror for the errors ipvsadm's table can produce. */
export const POPT_MESSAGES: Readonly<Record<number, string>> = {
  [POPT_ERROR_NOARG]: 'missing argument',
  [POPT_ERROR_BADOPT]: 'unknown option',
  [POPT_ERROR_UNWANTEDARG]: 'option does not take an argument',
};

export type PoptResult =
  | { kind: 'option'; def: OptionDef; arg: string | null }
  | { kind: 'end' }
  | { kind: 'error'; code: number };

/**
 * poptGetNextOpt over ipvsadm's table (no aliases, no execs, no config files, default flags):
 * bundled short options, `--long[=value]`, exact long names only, required arguments taken from
 * the rest of the bundle or the next element whatever it looks like, the optional argument (-p)
 * only from an element not starting with '-', `--` ending options, and non-options collected as
 * leftovers wherever they stand.
 */
export class PoptContext {
  /** argv including argv[0]. */
  private readonly argv: string[];
  private next = 1;
  /** The unprocessed rest of a short-option bundle. */
  private nextCharArg: string | null = null;
  private restLeftover = false;
  /** Elements taken by `!#:+` argument expansion; the scanner skips them. */
  private readonly deleted = new Set<number>();
  private readonly leftovers: string[] = [];
  private nextLeftover = 0;

  /**
   * @param posixMeHarder popt's POPT_CONTEXT_POSIXMEHARDER, which poptGetContext sets when
   *   POSIXLY_CORRECT or POSIX_ME_HARDER is in the environment: the first non-option ends the
   *   options, as `--` does.
   */
  constructor(
    argv0: string,
    args: readonly string[],
    private readonly posixMeHarder = false,
  ) {
    this.argv = [argv0, ...args];
  }

  getNextOpt(): PoptResult {
    const argc = this.argv.length;
    for (;;) {
      if (this.nextCharArg === null && this.next === argc) return { kind: 'end' };
      let def: OptionDef | undefined;
      let longArg: string | null = null;

      if (this.nextCharArg === null) {
        if (this.deleted.has(this.next)) {
          this.next++;
          continue;
        }
        const orig = this.argv[this.next++];
        if (this.restLeftover || orig[0] !== '-' || orig === '-') {
          if (this.posixMeHarder) this.restLeftover = true;
          this.leftovers.push(orig);
          continue;
        }
        if (orig === '--') {
          this.restLeftover = true;
          continue;
        }
        if (orig[1] === '-') {
          const body = orig.slice(2);
          const eq = body.indexOf('=');
          if (eq >= 0) longArg = body.slice(eq + 1);
          def = findLongOption(eq >= 0 ? body.slice(0, eq) : body);
          if (!def) return { kind: 'error', code: POPT_ERROR_BADOPT };
        } else {
          // No option of ipvsadm's is a single-dash long option: this is a bundle.
          this.nextCharArg = orig.slice(1);
        }
      }

      if (this.nextCharArg !== null) {
        const bundle = this.nextCharArg;
        this.nextCharArg = null;
        def = findShortOption(bundle[0]);
        if (!def) return { kind: 'error', code: POPT_ERROR_BADOPT };
        if (bundle.length > 1) this.nextCharArg = bundle.slice(1);
      }
      if (!def) return { kind: 'error', code: POPT_ERROR_BADOPT }; // can't happen

      if (def.arg === 'none') {
        if (longArg !== null || (this.nextCharArg !== null && this.nextCharArg[0] === '=')) {
          return { kind: 'error', code: POPT_ERROR_UNWANTEDARG };
        }
        return { kind: 'option', def, arg: null };
      }

      let arg: string | null;
      if (longArg !== null) {
        arg = this.expandNextArg(longArg);
      } else if (this.nextCharArg !== null) {
        const rest = this.nextCharArg;
        this.nextCharArg = null;
        arg = this.expandNextArg(rest[0] === '=' ? rest.slice(1) : rest);
      } else if (this.next === argc) {
        if (def.arg !== 'optional') return { kind: 'error', code: POPT_ERROR_NOARG };
        arg = null;
      } else if (def.arg === 'optional' && this.argv[this.next][0] === '-') {
        arg = null;
      } else {
        arg = this.expandNextArg(this.argv[this.next++]);
      }
      return { kind: 'option', def, arg };
    }
  }

  /** poptBadOption(POPT_BADOPTION_NOALIAS): the argv element last consumed, as written. */
  badOption(): string {
    return this.argv[this.next - 1];
  }

  /** The position in `args` (argv without argv[0]) of the element last consumed. */
  lastIndex(): number {
    return this.next - 2;
  }

  /** poptGetArg: the next leftover, or null. */
  getArg(): string | null {
    return this.nextLeftover < this.leftovers.length ? this.leftovers[this.nextLeftover++] : null;
  }

  /**
   * popt's expandNextArg: each `!#:+` in an option argument is replaced by the next element
   * that doesn't start with '-', which is then skipped by the scanner. (Where popt would search
   * forever because no such element is left, the text is kept as written.)
   */
  private expandNextArg(s: string): string {
    if (!s.includes('!#:+')) return s;
    let found: string | null = null;
    let out = '';
    for (let i = 0; i < s.length; ) {
      const c = s[i++];
      if (c === '!' && s.startsWith('#:+', i)) {
        if (found === null) found = this.findNextArg();
        if (found !== null) {
          i += 3;
          out += found;
          continue;
        }
      }
      out += c;
    }
    return out;
  }

  private findNextArg(): string | null {
    for (let i = this.next; i < this.argv.length; i++) {
      if (this.deleted.has(i) || this.argv[i][0] === '-') continue;
      this.deleted.add(i);
      return this.argv[i];
    }
    return null;
  }
}

// ---- errors --------------------------------------------------------------------------------

/** The "Try ... --help" line: exit 255. */
export function tryHelp(argv0: string): CliExit {
  return new CliExit(255, `Try \`${argv0} -h' or '${argv0} --help' for more information.\n`);
}

/**
 * A popt error after the first option: "%s: %s\n" and exit 255. Unlike every other parse
 * failure ipvsadm does not exit here but returns -1 from the line, so under -R the next line
 * still runs (and the status is 255 only if this was the last line).
 */
export class PoptError extends CliExit {}

// ---- ipvsadm -------------------------------------------------------------------------------

function toParsed(st: ParseState): ParsedCommand {
  return {
    command: st.command,
    options: st.options,
    service: st.service,
    dest: st.dest,
    daemon: st.daemon,
    timeouts: st.timeouts,
  };
}

function setOption(st: ParseState, name: OptionName): void {
  if (st.options.has(name)) fail(`multiple '${name}' options specified`);
  st.options.add(name);
}

/**
 * Parse one ipvsadm command line (`args` without argv[0]) the way ipvsadm 1.31 does, with
 * every default applied. Failures throw CliExit with ipvsadm's stderr text and exit status.
 */
export async function parseCommandLine(args: string[], argv0: string, deps: ParseDeps = defaultDeps): Promise<ParsedCommand> {
  const st = initialState(deps);
  // No arguments at all: list everything.
  if (args.length === 0) return toParsed(st);

  const env = deps.env ?? process.env;
  const popt = new PoptContext(argv0, args, env.POSIXLY_CORRECT !== undefined || env.POSIX_ME_HARDER !== undefined);

  // The first option must be a command.
  const first = popt.getNextOpt();
  if (first.kind !== 'option' || first.def.command === undefined) throw tryHelp(argv0);
  st.command = first.def.command;
  if (st.command === 'help' || st.command === 'version') return toParsed(st);
  await first.def.handle?.(st, first.arg);

  for (;;) {
    const r = popt.getNextOpt();
    if (r.kind === 'end') break;
    if (r.kind === 'error') throw new PoptError(255, `${popt.badOption()}: ${POPT_MESSAGES[r.code]}\n`);
    if (r.def.command !== undefined) fail(`invalid option \`${popt.badOption()}'`);
    if (r.def.optname !== undefined) setOption(st, r.def.optname);
    await r.def.handle?.(st, r.arg);
  }

  if (st.command === 'set') {
    const tcp = popt.getArg();
    const tcpFin = tcp === null ? null : popt.getArg();
    const udp = tcpFin === null ? null : popt.getArg();
    if (tcp === null || tcpFin === null || udp === null) fail('--set option requires 3 timeout values');
    st.timeouts.tcp = parseTimeout(tcp, 0, MAX_TIMEOUT);
    st.timeouts.tcpFin = parseTimeout(tcpFin, 0, MAX_TIMEOUT);
    st.timeouts.udp = parseTimeout(udp, 0, MAX_TIMEOUT);
  }

  const extra = popt.getArg();
  if (extra !== null) fail(`unexpected argument ${extra}`);

  if (st.schedFlagsArg !== '') {
    const bits = parseSchedFlags(st.service.scheduler, st.schedFlagsArg);
    if (bits === null) throw new CliExit(SEGV_EXIT, '');
    st.service.flags = (st.service.flags & ~SCHED_FLAGS_MASK) | bits;
  }

  validate(st);
  return toParsed(st);
}

/** process_options after parse_options: the matrix, then each command's own checks and defaults. */
function validate(st: ParseState): void {
  const { service: svc, dest, options } = st;
  const cmd = st.command as MatrixCommand;
  genericOptCheck(cmd, options);

  if (cmd === 'add-service' || cmd === 'edit-service') {
    if (!svc.fwmark && !svc.port && !(svc.flags & SvcFlag.PERSISTENT)) {
      fail('Zero port specified for non-persistent service');
    }
    if (svc.flags & SvcFlag.ONEPACKET && !svc.fwmark && svc.protocol !== IPPROTO_UDP) {
      fail('One-Packet Scheduling is only for UDP virtual services');
    }
    if (svc.scheduler === '') svc.scheduler = DEFAULT_SCHEDULER;
  }

  if (cmd === 'start-daemon' && st.daemon.mcastIfn === '') st.daemon.mcastIfn = DEFAULT_MCAST_IFN;

  if (cmd === 'add-server' || cmd === 'edit-server') {
    const method = dest.fwdMethod;
    if (!svc.fwmark && (method === FwdMethod.TUNNEL || method === FwdMethod.DROUTE)) dest.port = svc.port;
    if (dest.af !== svc.af && method !== FwdMethod.TUNNEL) {
      fail('Different address family is allowed only for tunneling servers');
    }
    const tunnelOptions: OptionName[] = ['tun-type', 'tun-port', 'tun-nocsum', 'tun-csum', 'tun-remcsum'];
    if (tunnelOptions.some((o) => options.has(o)) && method !== FwdMethod.TUNNEL) {
      fail('Tunnel options conflict with forward method');
    }
    tunnelOptCheck(dest.tunType, options);
  }

  if (cmd === 'list') {
    const has = (...names: OptionName[]) => names.some((n) => options.has(n));
    if (
      (has('connection', 'timeout', 'daemon') && has('stats', 'rate', 'thresholds')) ||
      (has('timeout', 'daemon') && has('persistent-conn'))
    ) {
      fail('options conflicts in the list command');
    }
  }
}
