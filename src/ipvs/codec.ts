// IPVS attribute codec: one pack/unpack pair per object, driven by attribute schemas.
//
// Byte order is the trap here: ports and the IPv4 netmask travel big-endian, the IPv6 netmask is a
// host-order prefix length, fwmark and everything else is host order. The attribute order of each
// pack function is the order libipvs sends, so captured ipvsadm requests and ours compare equal.

import { AttrWriter, iterAttrs } from '../netlink/genl';
import { addressToBytes, bytesToAddress } from '../net/inet';
import {
  AF_INET,
  AF_INET6,
  CmdAttr,
  DaemonAttr,
  DestAttr,
  InfoAttr,
  StatsAttr,
  SvcAttr,
  SvcFlag,
} from './constants';
import type { Daemon, Destination, DestinationConfig, Info, Service, ServiceConfig, ServiceKey, Stats, TimeoutConfig } from './types';

// ---- scalar decoders (encoding: AttrWriter) --------------------------------------------------

const readU8 = (b: Buffer) => b.readUInt8(0);
const readU16 = (b: Buffer) => b.readUInt16LE(0);
const readBe16 = (b: Buffer) => b.readUInt16BE(0);
const readU32 = (b: Buffer) => b.readUInt32LE(0);
const readStr = (b: Buffer) => {
  const nul = b.indexOf(0);
  return b.subarray(0, nul < 0 ? b.length : nul).toString('latin1');
};
// Counters may arrive as u32 (legacy STATS) or u64 (STATS64); read whichever width was sent.
const readCounter = (b: Buffer): bigint => (b.length >= 8 ? b.readBigUInt64LE(0) : BigInt(b.readUInt32LE(0)));

/** Collect an attribute stream into type → payload (last one wins, as nla_parse does). */
function attrMap(buf: Buffer): Map<number, Buffer> {
  const m = new Map<number, Buffer>();
  for (const [type, value] of iterAttrs(buf)) m.set(type, value);
  return m;
}

function need(m: Map<number, Buffer>, type: number, what: string): Buffer {
  const v = m.get(type);
  if (!v) throw new CodecError(`kernel reply lacks ${what}`);
  return v;
}

/** A reply the codec cannot make sense of (libipvs reports these as EINVAL). */
export class CodecError extends Error {}

// ---- statistics ------------------------------------------------------------------------------

const STATS_FIELDS: ReadonlyArray<[StatsAttr, keyof Stats]> = [
  [StatsAttr.CONNS, 'conns'],
  [StatsAttr.INPKTS, 'inpkts'],
  [StatsAttr.OUTPKTS, 'outpkts'],
  [StatsAttr.INBYTES, 'inbytes'],
  [StatsAttr.OUTBYTES, 'outbytes'],
  [StatsAttr.CPS, 'cps'],
  [StatsAttr.INPPS, 'inpps'],
  [StatsAttr.OUTPPS, 'outpps'],
  [StatsAttr.INBPS, 'inbps'],
  [StatsAttr.OUTBPS, 'outbps'],
];

export function emptyStats(): Stats {
  return { conns: 0n, inpkts: 0n, outpkts: 0n, inbytes: 0n, outbytes: 0n, cps: 0n, inpps: 0n, outpps: 0n, inbps: 0n, outbps: 0n };
}

export function unpackStats(buf: Buffer): Stats {
  const m = attrMap(buf);
  const stats = emptyStats();
  for (const [attr, field] of STATS_FIELDS) {
    const v = m.get(attr);
    if (v) stats[field] = readCounter(v);
  }
  return stats;
}

/** Prefer the 64-bit statistics; fall back to the legacy 32-bit nest on old kernels. */
function statsOf(m: Map<number, Buffer>, stats64: number, stats32: number): Stats | undefined {
  const nest = m.get(stats64) ?? m.get(stats32);
  return nest ? unpackStats(nest) : undefined;
}

// ---- services ------------------------------------------------------------------------------

function packKey(w: AttrWriter, key: ServiceKey): void {
  w.u16(SvcAttr.AF, key.af);
  if (key.fwmark) w.u32(SvcAttr.FWMARK, key.fwmark);
  else w.u16(SvcAttr.PROTOCOL, key.protocol).bytes(SvcAttr.ADDR, addressToBytes(key.af, key.address)).be16(SvcAttr.PORT, key.port);
}

/** The netmask attribute: IPv4 masks travel in network order, IPv6 as a host-order prefix length. */
const packNetmask = (w: AttrWriter, af: number, netmask: number) => (af === AF_INET6 ? w.u32(SvcAttr.NETMASK, netmask) : w.be32(SvcAttr.NETMASK, netmask));
const unpackNetmask = (af: number, b: Buffer) => (af === AF_INET6 ? b.readUInt32LE(0) : b.readUInt32BE(0));

function writeService(w: AttrWriter, svc: ServiceConfig): void {
  w.nest(CmdAttr.SERVICE, () => {
    packKey(w, svc);
    w.string(SvcAttr.SCHED_NAME, svc.scheduler);
    if (svc.peName) w.string(SvcAttr.PE_NAME, svc.peName);
    const flags = Buffer.allocUnsafe(8);
    flags.writeUInt32LE(svc.flags >>> 0, 0);
    flags.writeUInt32LE(0xffffffff, 4); // mask: the kernel replaces every flag bit
    w.bytes(SvcAttr.FLAGS, flags).u32(SvcAttr.TIMEOUT, svc.timeout);
    packNetmask(w, svc.af, svc.netmask);
  });
}

function writeDest(w: AttrWriter, dest: DestinationConfig): void {
  w.nest(CmdAttr.DEST, () => {
    w.u16(DestAttr.ADDR_FAMILY, dest.af)
      .bytes(DestAttr.ADDR, addressToBytes(dest.af, dest.address))
      .be16(DestAttr.PORT, dest.port)
      .u32(DestAttr.FWD_METHOD, dest.fwdMethod)
      .u32(DestAttr.WEIGHT, dest.weight)
      .u8(DestAttr.TUN_TYPE, dest.tunType)
      .be16(DestAttr.TUN_PORT, dest.tunPort)
      .u16(DestAttr.TUN_FLAGS, dest.tunFlags)
      .u32(DestAttr.U_THRESH, dest.upperThreshold)
      .u32(DestAttr.L_THRESH, dest.lowerThreshold);
  });
}

/** A complete service nest, as sent for NEW/SET/DEL_SERVICE, ZERO and the dest commands. */
export function packService(svc: ServiceConfig): Uint8Array[] {
  const w = new AttrWriter();
  writeService(w, svc);
  return w.done();
}

/** The service and dest nests of NEW/SET/DEL_DEST, in one buffer. */
export function packServiceAndDest(svc: ServiceConfig, dest: DestinationConfig): Uint8Array[] {
  const w = new AttrWriter();
  writeService(w, svc);
  writeDest(w, dest);
  return w.done();
}

/** A service nest carrying only the identifying fields (GET_DEST dumps). */
export function packServiceKey(key: ServiceKey): Uint8Array[] {
  const w = new AttrWriter();
  w.nest(CmdAttr.SERVICE, () => packKey(w, key));
  return w.done();
}

export function unpackService(payload: Buffer): Service {
  const top = attrMap(payload);
  const m = attrMap(need(top, CmdAttr.SERVICE, 'the service nest'));
  const af = readU16(need(m, SvcAttr.AF, 'the service address family'));
  const fwmark = m.has(SvcAttr.FWMARK) ? readU32(m.get(SvcAttr.FWMARK)!) : 0;
  const flags = need(m, SvcAttr.FLAGS, 'the service flags');
  return {
    af,
    fwmark,
    protocol: fwmark ? 0 : readU16(need(m, SvcAttr.PROTOCOL, 'the service protocol')),
    address: fwmark ? '' : bytesToAddress(af, need(m, SvcAttr.ADDR, 'the service address')),
    port: fwmark ? 0 : readBe16(need(m, SvcAttr.PORT, 'the service port')),
    scheduler: readStr(need(m, SvcAttr.SCHED_NAME, 'the scheduler')),
    flags: flags.readUInt32LE(0) & ~SvcFlag.HASHED,
    timeout: readU32(need(m, SvcAttr.TIMEOUT, 'the persistence timeout')),
    netmask: unpackNetmask(af, need(m, SvcAttr.NETMASK, 'the netmask')),
    peName: m.has(SvcAttr.PE_NAME) ? readStr(m.get(SvcAttr.PE_NAME)!) : '',
    stats: statsOf(m, SvcAttr.STATS64, SvcAttr.STATS),
  };
}

// ---- destinations --------------------------------------------------------------------------

/** A complete dest nest, in libipvs's order (sent whole even for DEL_DEST). */
export function packDest(dest: DestinationConfig): Uint8Array[] {
  const w = new AttrWriter();
  writeDest(w, dest);
  return w.done();
}

/** @param serviceAf used when the kernel omits the dest's own family (pre-3.18 kernels). */
export function unpackDest(payload: Buffer, serviceAf: number): Destination {
  const top = attrMap(payload);
  const m = attrMap(need(top, CmdAttr.DEST, 'the destination nest'));
  const af = m.has(DestAttr.ADDR_FAMILY) ? readU16(m.get(DestAttr.ADDR_FAMILY)!) : serviceAf;
  const opt = (attr: DestAttr, read: (b: Buffer) => number) => (m.has(attr) ? read(m.get(attr)!) : 0);
  return {
    af,
    address: bytesToAddress(af, need(m, DestAttr.ADDR, 'the destination address')),
    port: readBe16(need(m, DestAttr.PORT, 'the destination port')),
    fwdMethod: readU32(need(m, DestAttr.FWD_METHOD, 'the forwarding method')),
    weight: need(m, DestAttr.WEIGHT, 'the weight').readInt32LE(0),
    upperThreshold: readU32(need(m, DestAttr.U_THRESH, 'the upper threshold')),
    lowerThreshold: readU32(need(m, DestAttr.L_THRESH, 'the lower threshold')),
    activeConns: readU32(need(m, DestAttr.ACTIVE_CONNS, 'the active connection count')),
    inactConns: readU32(need(m, DestAttr.INACT_CONNS, 'the inactive connection count')),
    persistConns: readU32(need(m, DestAttr.PERSIST_CONNS, 'the persistent connection count')),
    tunType: opt(DestAttr.TUN_TYPE, readU8),
    tunPort: opt(DestAttr.TUN_PORT, readBe16),
    tunFlags: opt(DestAttr.TUN_FLAGS, readU16),
    stats: statsOf(m, DestAttr.STATS64, DestAttr.STATS),
  };
}

// ---- sync daemon ---------------------------------------------------------------------------

/** NEW_DAEMON / DEL_DAEMON nest; optional fields only when given, as ipvsadm sends them. */
export function packDaemon(d: Daemon): Uint8Array[] {
  const w = new AttrWriter();
  w.nest(CmdAttr.DAEMON, () => {
    w.u32(DaemonAttr.STATE, d.state).string(DaemonAttr.MCAST_IFN, d.mcastIfn).u32(DaemonAttr.SYNC_ID, d.syncId);
    if (d.syncMaxlen !== undefined) w.u16(DaemonAttr.SYNC_MAXLEN, d.syncMaxlen);
    if (d.mcastPort !== undefined) w.u16(DaemonAttr.MCAST_PORT, d.mcastPort);
    if (d.mcastTtl !== undefined) w.u8(DaemonAttr.MCAST_TTL, d.mcastTtl);
    if (d.mcastGroup !== undefined) {
      const v6 = d.mcastGroup.includes(':');
      const bytes = addressToBytes(v6 ? AF_INET6 : AF_INET, d.mcastGroup);
      w.bytes(v6 ? DaemonAttr.MCAST_GROUP6 : DaemonAttr.MCAST_GROUP, v6 ? bytes : bytes.subarray(0, 4));
    }
  });
  return w.done();
}

export function unpackDaemon(payload: Buffer): Daemon {
  const m = attrMap(need(attrMap(payload), CmdAttr.DAEMON, 'the daemon nest'));
  const d: Daemon = {
    state: readU32(need(m, DaemonAttr.STATE, 'the daemon state')),
    mcastIfn: readStr(need(m, DaemonAttr.MCAST_IFN, 'the daemon interface')),
    syncId: readU32(need(m, DaemonAttr.SYNC_ID, 'the sync id')),
  };
  if (m.has(DaemonAttr.SYNC_MAXLEN)) d.syncMaxlen = readU16(m.get(DaemonAttr.SYNC_MAXLEN)!);
  if (m.has(DaemonAttr.MCAST_PORT)) d.mcastPort = readU16(m.get(DaemonAttr.MCAST_PORT)!);
  if (m.has(DaemonAttr.MCAST_TTL)) d.mcastTtl = readU8(m.get(DaemonAttr.MCAST_TTL)!);
  if (m.has(DaemonAttr.MCAST_GROUP6)) d.mcastGroup = bytesToAddress(AF_INET6, m.get(DaemonAttr.MCAST_GROUP6)!);
  else if (m.has(DaemonAttr.MCAST_GROUP)) d.mcastGroup = bytesToAddress(AF_INET, m.get(DaemonAttr.MCAST_GROUP)!);
  return d;
}

// ---- timeouts and info -----------------------------------------------------------------------

export function packTimeouts(t: TimeoutConfig): Uint8Array[] {
  return new AttrWriter().u32(CmdAttr.TIMEOUT_TCP, t.tcp).u32(CmdAttr.TIMEOUT_TCP_FIN, t.tcpFin).u32(CmdAttr.TIMEOUT_UDP, t.udp).done();
}

export function unpackTimeouts(payload: Buffer): TimeoutConfig {
  const m = attrMap(payload);
  const get = (a: CmdAttr) => (m.has(a) ? readU32(m.get(a)!) : 0);
  return { tcp: get(CmdAttr.TIMEOUT_TCP), tcpFin: get(CmdAttr.TIMEOUT_TCP_FIN), udp: get(CmdAttr.TIMEOUT_UDP) };
}

export function unpackInfo(payload: Buffer): Info {
  const m = attrMap(payload);
  return {
    version: readU32(need(m, InfoAttr.VERSION, 'the IPVS version')),
    connTabSize: readU32(need(m, InfoAttr.CONN_TAB_SIZE, 'the connection table size')),
  };
}
