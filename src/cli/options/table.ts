// ipvsadm's popt option table as data: every long/short option, the kind of argument popt gives
// it, the matrix row it sets, whether it is a command, and what it does with its argument (the
// handlers below store into the parse state through the value parsers in values.ts).

import type { CommandName, OptionName } from '../command';
import {
  AF_INET,
  AF_INET6,
  DaemonState,
  FwdMethod,
  IPPROTO_TCP,
  IP_VS_IFNAME_MAXLEN,
  IP_VS_PENAME_MAXLEN,
  IP_VS_SCHEDNAME_MAXLEN,
  NETMASK_V6_FULL,
  SvcFlag,
  TunnelFlags,
} from '../../ipvs/constants';
import { fail } from '../matrix';
import { FORWARDING_METHODS, PROTOCOLS, TUNNEL_FLAGS } from '../../model/tables';
import { INT_MAX, stringToNumber, truncateBytes } from './c-numbers';
import type { ParseState } from './state';
import {
  MAX_TIMEOUT,
  SERVICE_ADDR,
  parseFwmark,
  parseMcastGroup,
  parseNetmask,
  parseService,
  parseTimeout,
  parseTunType,
  type AddressTarget,
} from './values';

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

// ---- handlers shared by several options ----------------------------------------------------

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
  ...PROTOCOLS.map(
    (p): OptionDef => ({ long: p.longOption, short: p.shortOption, arg: 'required', optname: 'service-address', handle: serviceOption(p.protocol) }),
  ),
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
  {
    long: 'netmask',
    short: 'M',
    arg: 'required',
    optname: 'netmask',
    handle: async (st, arg) => {
      st.service.netmask = await parseNetmask(arg!, st.service.af, st.deps);
    },
  },
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
  // -m, -i, -g in the forwarding table's order (masquerading, ipip, gatewaying, as ipvsadm's table).
  ...FORWARDING_METHODS.filter((f) => f.longOption).map(
    (f): OptionDef => ({ long: f.longOption!, short: f.shortOption, arg: 'none', optname: 'forwarding-method', handle: forwarding(f.method) }),
  ),
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
  ...TUNNEL_FLAGS.map((t): OptionDef => ({ long: t.longOption, arg: 'none', optname: t.longOption, handle: tunFlag(t.flags) })),
];

/** popt's look-up by long name: exact match only (no abbreviations), first entry wins. */
export function findLongOption(name: string): OptionDef | undefined {
  return OPTION_TABLE.find((o) => o.long === name);
}

/** popt's look-up by short name. */
export function findShortOption(ch: string): OptionDef | undefined {
  return OPTION_TABLE.find((o) => o.short === ch);
}
