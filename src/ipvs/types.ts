// Models of IPVS objects. Platform-neutral: the codec turns them into netlink attributes and back.
//
// Configuration (what a user sets) is kept apart from live state (connection counters and
// traffic statistics, which only the kernel reports): ServiceConfig / DestinationConfig are what
// one writes, Service / Destination what a listing reads back.
//
// Addresses are text (IPv4 dotted quad, IPv6 in any form inet_pton accepts; the codec reports IPv6
// in glibc's inet_ntop form). Ports are host-order numbers. Counters are bigint because the
// kernel's 64-bit statistics overflow a double's 53-bit integer range.

import type { AddressFamily, DaemonState, FwdMethod, Protocol, TunnelFlags, TunnelType } from './constants';

export interface Stats {
  conns: bigint;
  inpkts: bigint;
  outpkts: bigint;
  inbytes: bigint;
  outbytes: bigint;
  cps: bigint;
  inpps: bigint;
  outpps: bigint;
  inbps: bigint;
  outbps: bigint;
}

/** What identifies a virtual service: a fwmark (with its family), or protocol + address + port. */
export interface ServiceKey {
  af: AddressFamily;
  /** TCP/UDP/SCTP; NONE (0) for fwmark services as the kernel reports them. */
  protocol: Protocol;
  /** Virtual address; '' for fwmark services. */
  address: string;
  port: number;
  /** Non-zero for a firewall-mark service (then protocol/address/port are not sent). */
  fwmark: number;
}

/** A virtual service's settings. */
export interface ServiceConfig extends ServiceKey {
  scheduler: string;
  /** IP_VS_SVC_F_* bits (SvcFlag); HASHED is stripped when read back from the kernel. */
  flags: number;
  /** Persistence timeout in seconds. */
  timeout: number;
  /** IPv4: the mask as a host-order u32 (0xffffff00 for /24). IPv6: the prefix length. */
  netmask: number;
  /** Persistence engine name ('' when none). */
  peName: string;
}

/** A virtual service as the kernel reports it: its settings and its traffic statistics. */
export interface Service extends ServiceConfig {
  stats?: Stats;
}

/** What identifies a real server within its service. */
export interface DestinationKey {
  af: AddressFamily;
  address: string;
  port: number;
}

/** A real server's settings. */
export interface DestinationConfig extends DestinationKey {
  /** Forwarding method (conn_flags & 7). */
  fwdMethod: FwdMethod;
  weight: number;
  upperThreshold: number;
  lowerThreshold: number;
  tunType: TunnelType;
  tunPort: number;
  tunFlags: TunnelFlags;
}

/** A real server as the kernel reports it: settings, connection counters, statistics. */
export interface Destination extends DestinationConfig {
  activeConns: number;
  inactConns: number;
  persistConns: number;
  stats?: Stats;
}

export interface TimeoutConfig {
  tcp: number;
  tcpFin: number;
  udp: number;
}

export interface Daemon {
  state: DaemonState;
  mcastIfn: string;
  syncId: number;
  /** The optional fields are sent only when given and reported only when the kernel has them. */
  syncMaxlen?: number;
  /** IPv4 or IPv6 multicast group, as text. */
  mcastGroup?: string;
  mcastPort?: number;
  mcastTtl?: number;
}

export interface Info {
  /** IPVS version as 0x00MMmmpp (0x010201 is 1.2.1). */
  version: number;
  connTabSize: number;
}
