// Constants of the kernel's IPVS generic-netlink interface (include/uapi/linux/ip_vs.h, Linux 6.1).
// Kept apart from any logic so the codec and the formatters read them by name.

export const IPVS_GENL_NAME = 'IPVS';
export const IPVS_GENL_VERSION = 1;

export const AF_INET = 2;
export const AF_INET6 = 10;

export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_SCTP = 132;

/** Address families IPVS speaks (UNSPEC: not yet known, as ipvsadm's parser starts out). */
export enum AddressFamily {
  UNSPEC = 0,
  INET = AF_INET,
  INET6 = AF_INET6,
}

/** Service protocols (NONE: a firewall-mark service, whose protocol the kernel reports as 0). */
export enum Protocol {
  NONE = 0,
  TCP = IPPROTO_TCP,
  UDP = IPPROTO_UDP,
  SCTP = IPPROTO_SCTP,
}

export enum IpvsCommand {
  NEW_SERVICE = 1,
  SET_SERVICE = 2,
  DEL_SERVICE = 3,
  GET_SERVICE = 4,
  NEW_DEST = 5,
  SET_DEST = 6,
  DEL_DEST = 7,
  GET_DEST = 8,
  NEW_DAEMON = 9,
  DEL_DAEMON = 10,
  GET_DAEMON = 11,
  SET_CONFIG = 12,
  GET_CONFIG = 13,
  SET_INFO = 14,
  GET_INFO = 15,
  ZERO = 16,
  FLUSH = 17,
}

export enum CmdAttr {
  SERVICE = 1,
  DEST = 2,
  DAEMON = 3,
  TIMEOUT_TCP = 4,
  TIMEOUT_TCP_FIN = 5,
  TIMEOUT_UDP = 6,
}

export enum SvcAttr {
  AF = 1,
  PROTOCOL = 2,
  ADDR = 3,
  PORT = 4,
  FWMARK = 5,
  SCHED_NAME = 6,
  FLAGS = 7,
  TIMEOUT = 8,
  NETMASK = 9,
  STATS = 10,
  PE_NAME = 11,
  STATS64 = 12,
}

export enum DestAttr {
  ADDR = 1,
  PORT = 2,
  FWD_METHOD = 3,
  WEIGHT = 4,
  U_THRESH = 5,
  L_THRESH = 6,
  ACTIVE_CONNS = 7,
  INACT_CONNS = 8,
  PERSIST_CONNS = 9,
  STATS = 10,
  ADDR_FAMILY = 11,
  STATS64 = 12,
  TUN_TYPE = 13,
  TUN_PORT = 14,
  TUN_FLAGS = 15,
}

export enum DaemonAttr {
  STATE = 1,
  MCAST_IFN = 2,
  SYNC_ID = 3,
  SYNC_MAXLEN = 4,
  MCAST_GROUP = 5,
  MCAST_GROUP6 = 6,
  MCAST_PORT = 7,
  MCAST_TTL = 8,
}

export enum StatsAttr {
  CONNS = 1,
  INPKTS = 2,
  OUTPKTS = 3,
  INBYTES = 4,
  OUTBYTES = 5,
  CPS = 6,
  INPPS = 7,
  OUTPPS = 8,
  INBPS = 9,
  OUTBPS = 10,
  PAD = 11,
}

export enum InfoAttr {
  VERSION = 1,
  CONN_TAB_SIZE = 2,
}

/** Service flags (struct ip_vs_service_user.flags). */
export const SvcFlag = {
  PERSISTENT: 0x0001,
  HASHED: 0x0002, // kernel-internal: always set in replies, never meaningful to users
  ONEPACKET: 0x0004,
  SCHED1: 0x0008,
  SCHED2: 0x0010,
  SCHED3: 0x0020,
} as const;
export const SCHED_FLAGS_MASK = SvcFlag.SCHED1 | SvcFlag.SCHED2 | SvcFlag.SCHED3;

/** Forwarding methods (conn_flags & IP_VS_CONN_F_FWD_MASK). */
export enum FwdMethod {
  MASQ = 0,
  LOCALNODE = 1,
  TUNNEL = 2,
  DROUTE = 3,
  BYPASS = 4,
}

export enum TunnelType {
  IPIP = 0,
  GUE = 1,
  GRE = 2,
}

export enum TunnelFlags {
  NOCSUM = 0,
  CSUM = 1,
  REMCSUM = 2,
}

export enum DaemonState {
  NONE = 0,
  MASTER = 1,
  BACKUP = 2,
}

export const IP_VS_SCHEDNAME_MAXLEN = 16;
export const IP_VS_PENAME_MAXLEN = 16;
export const IP_VS_IFNAME_MAXLEN = 16;

/** IPv4 "no mask" and IPv6 full prefix: the defaults for a service's persistence granularity. */
export const NETMASK_V4_FULL = 0xffffffff;
export const NETMASK_V6_FULL = 128;
