// Public models of IPVS objects. Platform-neutral: the codec turns them into netlink attributes and back.
//
// Addresses are text (IPv4 dotted quad, IPv6 in any form inet_pton accepts; the codec reports IPv6
// in glibc's inet_ntop form). Ports are host-order numbers. Counters are bigint because the
// kernel's 64-bit statistics overflow a double's 53-bit integer range.

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

/** What identifies a virtual service: a fwmark, or protocol + address + port. */
export interface ServiceKey {
  /** AF_INET (2) or AF_INET6 (10). */
  af: number;
  /** IPPROTO_TCP/UDP/SCTP; 0 for fwmark services as the kernel reports them. */
  protocol: number;
  /** Virtual address; '' for fwmark services. */
  address: string;
  port: number;
  /** Non-zero for a firewall-mark service (then protocol/address/port are not sent). */
  fwmark: number;
}

export interface Service extends ServiceKey {
  scheduler: string;
  /** IP_VS_SVC_F_* bits; HASHED is stripped when read back from the kernel. */
  flags: number;
  /** Persistence timeout in seconds. */
  timeout: number;
  /** IPv4: the mask as a host-order u32 (0xffffff00 for /24). IPv6: the prefix length. */
  netmask: number;
  /** Persistence engine name ('' when none). */
  peName: string;
  stats?: Stats;
}

export interface Destination {
  af: number;
  address: string;
  port: number;
  /** FwdMethod value (conn_flags & 7). */
  fwdMethod: number;
  weight: number;
  upperThreshold: number;
  lowerThreshold: number;
  tunType: number;
  tunPort: number;
  tunFlags: number;
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
  /** DaemonState: 1 master, 2 backup. */
  state: number;
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
