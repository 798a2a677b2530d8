// One table per concept: protocols, forwarding methods, tunnel types, tunnel checksum flags and
// service flags, with every name a parser or formatter needs (ipvsadm's switches and printed
// labels, the lower-case names of the service notation and of structured output). Formatters and
// parsers look names up here instead of repeating switches of their own.

import { FwdMethod, Protocol, SvcFlag, TunnelFlags, TunnelType } from '../ipvs/constants';

// ---- protocols -------------------------------------------------------------------------------

export interface ProtocolEntry {
  readonly protocol: Protocol;
  /** Lower-case name: /etc/services' protocol column, the service notation (`tcp:…`). */
  readonly name: 'tcp' | 'udp' | 'sctp';
  /** Upper-case label: `-L`'s Prot column and /proc/net/ip_vs_conn's Pro column. */
  readonly label: 'TCP' | 'UDP' | 'SCTP';
  /** ipvsadm's long option (also `-S`'s switch for SCTP). */
  readonly longOption: 'tcp-service' | 'udp-service' | 'sctp-service';
  readonly shortOption?: 't' | 'u';
  /** The switch `-S` prints. */
  readonly ruleSwitch: '-t' | '-u' | '--sctp-service';
}

export const PROTOCOLS: readonly ProtocolEntry[] = [
  { protocol: Protocol.TCP, name: 'tcp', label: 'TCP', longOption: 'tcp-service', shortOption: 't', ruleSwitch: '-t' },
  { protocol: Protocol.UDP, name: 'udp', label: 'UDP', longOption: 'udp-service', shortOption: 'u', ruleSwitch: '-u' },
  { protocol: Protocol.SCTP, name: 'sctp', label: 'SCTP', longOption: 'sctp-service', ruleSwitch: '--sctp-service' },
];

export const protocolByNumber = (protocol: number): ProtocolEntry | undefined => PROTOCOLS.find((p) => p.protocol === protocol);
export const protocolByName = (name: string): ProtocolEntry | undefined => PROTOCOLS.find((p) => p.name === name);
export const protocolByLabel = (label: string): ProtocolEntry | undefined => PROTOCOLS.find((p) => p.label === label);

// ---- forwarding methods --------------------------------------------------------------------

export interface ForwardingEntry {
  readonly method: FwdMethod;
  /** Lower-case name for structured output and the library. */
  readonly name: 'masq' | 'local' | 'tunnel' | 'route' | 'bypass';
  /** `-L`'s Forward column; ipvsadm has none for BYPASS (glibc prints its NULL as `(null)`). */
  readonly label?: 'Masq' | 'Local' | 'Tunnel' | 'Route';
  /** The switch `-S` prints (LOCALNODE is saved as `-g`, as ipvsadm does). */
  readonly ruleSwitch?: '-m' | '-i' | '-g';
  /** The option that selects it, for the three a user can choose. */
  readonly longOption?: 'masquerading' | 'ipip' | 'gatewaying';
  readonly shortOption?: 'm' | 'i' | 'g';
}

export const FORWARDING_METHODS: readonly ForwardingEntry[] = [
  { method: FwdMethod.MASQ, name: 'masq', label: 'Masq', ruleSwitch: '-m', longOption: 'masquerading', shortOption: 'm' },
  { method: FwdMethod.LOCALNODE, name: 'local', label: 'Local', ruleSwitch: '-g' },
  { method: FwdMethod.TUNNEL, name: 'tunnel', label: 'Tunnel', ruleSwitch: '-i', longOption: 'ipip', shortOption: 'i' },
  { method: FwdMethod.DROUTE, name: 'route', label: 'Route', ruleSwitch: '-g', longOption: 'gatewaying', shortOption: 'g' },
  { method: FwdMethod.BYPASS, name: 'bypass' },
];

/** The kernel's conn_flags carry the method in their low three bits. */
export const FWD_METHOD_MASK = 0x7;

export const forwardingByMethod = (fwdMethod: number): ForwardingEntry | undefined =>
  FORWARDING_METHODS.find((f) => f.method === (fwdMethod & FWD_METHOD_MASK));
export const forwardingByName = (name: string): ForwardingEntry | undefined => FORWARDING_METHODS.find((f) => f.name === name);

// ---- tunnels -------------------------------------------------------------------------------

export interface TunnelTypeEntry {
  readonly type: TunnelType;
  /** `--tun-type`'s argument, `--tun-info`'s column and the name everywhere else. */
  readonly name: 'ipip' | 'gue' | 'gre';
}

/** Indexed by TunnelType value (ipvsadm's tunnel_names[] and tunnel matrix rows). */
export const TUNNEL_TYPES: readonly TunnelTypeEntry[] = [
  { type: TunnelType.IPIP, name: 'ipip' },
  { type: TunnelType.GUE, name: 'gue' },
  { type: TunnelType.GRE, name: 'gre' },
];

export const tunnelTypeByValue = (type: number): TunnelTypeEntry | undefined => TUNNEL_TYPES.find((t) => t.type === type);
export const tunnelTypeByName = (name: string): TunnelTypeEntry | undefined => TUNNEL_TYPES.find((t) => t.name === name);

export interface TunnelFlagsEntry {
  readonly flags: TunnelFlags;
  readonly name: 'nocsum' | 'csum' | 'remcsum';
  /** The option that sets it, also what `-S` prints. */
  readonly longOption: 'tun-nocsum' | 'tun-csum' | 'tun-remcsum';
  /** `--tun-info`'s short form. */
  readonly label: '-c' | '+c' | 'r+c';
}

/** Indexed by TunnelFlags value (ipvsadm's tun_flags_opts[] and tun_flags_name[]). */
export const TUNNEL_FLAGS: readonly TunnelFlagsEntry[] = [
  { flags: TunnelFlags.NOCSUM, name: 'nocsum', longOption: 'tun-nocsum', label: '-c' },
  { flags: TunnelFlags.CSUM, name: 'csum', longOption: 'tun-csum', label: '+c' },
  { flags: TunnelFlags.REMCSUM, name: 'remcsum', longOption: 'tun-remcsum', label: 'r+c' },
];

export const tunnelFlagsByValue = (flags: number): TunnelFlagsEntry | undefined => TUNNEL_FLAGS.find((t) => t.flags === flags);
export const tunnelFlagsByName = (name: string): TunnelFlagsEntry | undefined => TUNNEL_FLAGS.find((t) => t.name === name);

// ---- service flags -------------------------------------------------------------------------

export interface ServiceFlagEntry {
  readonly bit: number;
  /** Lower-case name for structured output and the library. */
  readonly name: 'persistent' | 'hashed' | 'one-packet' | 'sched-flag-1' | 'sched-flag-2' | 'sched-flag-3';
  /** Set by the kernel on every service it holds; never a user's setting. */
  readonly kernelInternal?: true;
  /** The option that sets it, where one does (the scheduler flags are set through `-b WORD`). */
  readonly longOption?: 'persistent' | 'ops';
  readonly shortOption?: 'p' | 'o';
  /** A scheduler flag's `-b` word: per scheduler where the scheduler names it, else the generic one. */
  readonly schedWords?: { readonly generic: string; readonly [scheduler: string]: string };
}

export const SERVICE_FLAGS: readonly ServiceFlagEntry[] = [
  { bit: SvcFlag.PERSISTENT, name: 'persistent', longOption: 'persistent', shortOption: 'p' },
  { bit: SvcFlag.HASHED, name: 'hashed', kernelInternal: true },
  { bit: SvcFlag.ONEPACKET, name: 'one-packet', longOption: 'ops', shortOption: 'o' },
  { bit: SvcFlag.SCHED1, name: 'sched-flag-1', schedWords: { generic: 'flag-1', sh: 'sh-fallback', mh: 'mh-fallback' } },
  { bit: SvcFlag.SCHED2, name: 'sched-flag-2', schedWords: { generic: 'flag-2', sh: 'sh-port', mh: 'mh-port' } },
  { bit: SvcFlag.SCHED3, name: 'sched-flag-3', schedWords: { generic: 'flag-3' } },
];

/** The bits the kernel adds on its own; configurations compare without them. */
export const KERNEL_INTERNAL_FLAGS = SERVICE_FLAGS.filter((f) => f.kernelInternal).reduce((m, f) => m | f.bit, 0);

/** The scheduler flag entries, in bit order. */
export const SCHED_FLAGS: readonly ServiceFlagEntry[] = SERVICE_FLAGS.filter((f) => f.schedWords);

/** Schedulers that give the scheduler flags names of their own (`sh-fallback`, `mh-port`, …). */
const namesOwnFlags = (scheduler: string) => SCHED_FLAGS.some((f) => Object.prototype.hasOwnProperty.call(f.schedWords, scheduler) && scheduler !== 'generic');

/**
 * print_sched_flags: the words for the set scheduler-flag bits. sh and mh name only the flags
 * they define (a third bit on them prints nothing); every other scheduler gets `flag-N`.
 */
export function schedFlagWords(scheduler: string, flags: number): string[] {
  const own = namesOwnFlags(scheduler);
  const out: string[] = [];
  for (const f of SCHED_FLAGS) {
    if (!(flags & f.bit)) continue;
    const word = own ? f.schedWords![scheduler] : f.schedWords!.generic;
    if (word !== undefined) out.push(word);
  }
  return out;
}

/** parse_sched_flags' dictionary: every `-b` word, its bit, and the scheduler it requires. */
export const SCHED_FLAG_WORDS: ReadonlyMap<string, { bit: number; scheduler?: string }> = new Map(
  SCHED_FLAGS.flatMap((f) =>
    Object.entries(f.schedWords!).map(([sched, word]) => [word, sched === 'generic' ? { bit: f.bit } : { bit: f.bit, scheduler: sched }] as const),
  ),
);
