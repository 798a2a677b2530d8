// Builders for the library: a whole ServiceConfig or DestinationConfig from the notation and a
// few options, every other field at ipvsadm's default (scheduler wlc, weight 1, direct routing,
// no persistence, netmask /32 or /128). The address family follows from the address.

import { AddressFamily, FwdMethod, NETMASK_V4_FULL, NETMASK_V6_FULL, SvcFlag, TunnelFlags, TunnelType } from '../ipvs/constants';
import type { DestinationConfig, DestinationKey, ServiceConfig, ServiceKey } from '../ipvs/types';
import { inetPton4 } from '../net/inet';
import { NotationError } from './errors';
import { parseDestinationNotation, parseServiceNotation } from './notation';
import { forwardingByName, SCHED_FLAG_WORDS, tunnelFlagsByName, tunnelTypeByName } from './tables';

/** ipvsadm's scheduler when -s is not given. */
export const DEFAULT_SCHEDULER = 'wlc';
/** ipvsadm's persistence timeout for -p without a value (seconds). */
export const DEFAULT_PERSISTENCE_TIMEOUT = 360;

export interface ServiceOptions {
  /** Scheduler name (default `wlc`). */
  scheduler?: string;
  /** Persistence: a timeout in seconds, or true for ipvsadm's default of 360. */
  persistent?: number | boolean;
  /** Persistence granularity: an IPv4 mask (`255.255.255.0`) or a prefix length (24, or 64 for IPv6). */
  netmask?: string | number;
  /** Persistence engine (`sip`). */
  pe?: string;
  /** One-packet scheduling (UDP; ipvsadm's `-o`). */
  onePacket?: boolean;
  /** Scheduler flags as ipvsadm's `-b` words (`sh-fallback`, `flag-1`, …). */
  schedFlags?: string[];
}

export type ForwardingName = 'masq' | 'route' | 'tunnel' | 'local';

export interface DestinationOptions {
  /** Weight (default 1). */
  weight?: number;
  /** Forwarding method: a name or a FwdMethod (default direct routing, ipvsadm's `-g`). */
  forwarding?: ForwardingName | FwdMethod;
  /** Connection thresholds (0: none). */
  upperThreshold?: number;
  lowerThreshold?: number;
  /** Tunnel encapsulation, for forwarding 'tunnel' (default ipip). */
  tunnel?: { type: 'ipip' | 'gue' | 'gre' | TunnelType; port?: number; checksum?: 'nocsum' | 'csum' | 'remcsum' | TunnelFlags };
  /** The port when the notation has none (ipvsadm takes the service's; default 0). */
  defaultPort?: number;
}

const asKey = <K>(k: string | K, parse: (s: string) => K): K => (typeof k === 'string' ? parse(k) : k);

/** A service's settings: `service('tcp:10.0.0.1:80', { scheduler: 'rr' })`. */
export function service(key: string | ServiceKey, opts: ServiceOptions = {}): ServiceConfig {
  const k = asKey(key, parseServiceNotation);
  let flags = 0;
  let timeout = 0;
  if (opts.persistent !== undefined && opts.persistent !== false) {
    flags |= SvcFlag.PERSISTENT;
    timeout = opts.persistent === true ? DEFAULT_PERSISTENCE_TIMEOUT : opts.persistent;
  }
  if (opts.onePacket) flags |= SvcFlag.ONEPACKET;
  const scheduler = opts.scheduler ?? DEFAULT_SCHEDULER;
  for (const word of opts.schedFlags ?? []) {
    const known = SCHED_FLAG_WORDS.get(word);
    if (!known) throw new NotationError(word, 'unknown scheduler flag');
    if (known.scheduler !== undefined && known.scheduler !== scheduler) {
      throw new NotationError(word, `scheduler flag for ${known.scheduler}, not ${scheduler}`);
    }
    flags |= known.bit;
  }
  return {
    af: k.af,
    protocol: k.protocol,
    address: k.address,
    port: k.port,
    fwmark: k.fwmark,
    scheduler,
    flags,
    timeout,
    netmask: netmaskFor(k.af, opts.netmask),
    peName: opts.pe ?? '',
  };
}

/** The netmask field: a host-order u32 mask for IPv4, a prefix length for IPv6. */
function netmaskFor(af: AddressFamily, mask: string | number | undefined): number {
  const v6 = af === AddressFamily.INET6;
  if (mask === undefined) return v6 ? NETMASK_V6_FULL : NETMASK_V4_FULL;
  if (typeof mask === 'number') {
    const max = v6 ? 128 : 32;
    if (!Number.isInteger(mask) || mask < (v6 ? 1 : 0) || mask > max) throw new NotationError(String(mask), `not a prefix length (0-${max})`);
    return v6 ? mask : mask === 0 ? 0 : (0xffffffff << (32 - mask)) >>> 0;
  }
  const b = v6 ? null : inetPton4(mask);
  if (!b) throw new NotationError(mask, v6 ? 'an IPv6 netmask is a prefix length' : 'not an IPv4 netmask');
  return ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
}

/** A real server's settings: `destination('10.0.0.2:80', { weight: 2, forwarding: 'masq' })`. */
export function destination(key: string | DestinationKey, opts: DestinationOptions = {}): DestinationConfig {
  const k = asKey(key, (s) => parseDestinationNotation(s, opts.defaultPort ?? 0));
  let fwdMethod = FwdMethod.DROUTE;
  if (typeof opts.forwarding === 'number') fwdMethod = opts.forwarding;
  else if (opts.forwarding !== undefined) {
    const entry = forwardingByName(opts.forwarding);
    if (!entry) throw new NotationError(opts.forwarding, 'unknown forwarding method (masq, route, tunnel, local)');
    fwdMethod = entry.method;
  }
  let tunType = TunnelType.IPIP;
  let tunFlags = TunnelFlags.NOCSUM;
  const t = opts.tunnel;
  if (t) {
    const type = typeof t.type === 'number' ? t.type : tunnelTypeByName(t.type)?.type;
    if (type === undefined) throw new NotationError(String(t.type), 'unknown tunnel type (ipip, gue, gre)');
    tunType = type;
    if (t.checksum !== undefined) {
      const flags = typeof t.checksum === 'number' ? t.checksum : tunnelFlagsByName(t.checksum)?.flags;
      if (flags === undefined) throw new NotationError(String(t.checksum), 'unknown tunnel checksum (nocsum, csum, remcsum)');
      tunFlags = flags;
    }
  }
  return {
    af: k.af,
    address: k.address,
    port: k.port,
    fwdMethod,
    weight: opts.weight ?? 1,
    upperThreshold: opts.upperThreshold ?? 0,
    lowerThreshold: opts.lowerThreshold ?? 0,
    tunType,
    tunPort: t?.port ?? 0,
    tunFlags,
  };
}

/** A full service for requests that only need the key (delete, zero, dest changes). */
export function serviceForKey(key: string | ServiceKey | ServiceConfig): ServiceConfig {
  const k = asKey(key, parseServiceNotation);
  return 'scheduler' in k ? (k as ServiceConfig) : service(k);
}

/** A full real server for requests that only need the key (delete). */
export function destinationForKey(key: string | DestinationKey | DestinationConfig): DestinationConfig {
  const k = asKey(key, (s) => parseDestinationNotation(s));
  return 'fwdMethod' in k ? (k as DestinationConfig) : destination(k);
}
