// IPVS attribute codec: one pack/unpack pair per object, driven by attribute schemas.
//
// Byte order is the trap here: ports and the IPv4 netmask travel big-endian, the IPv6 netmask is a
// host-order prefix length, fwmark and everything else is host order. The attribute order of each
// pack function is the order libipvs sends, so captured ipvsadm requests and ours compare equal.

import { AttrWriter } from '../netlink/genl';
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

// ---- decoding (encoding: AttrWriter) ---------------------------------------------------------

/** Attribute types above this are ignored (IPVS's highest is 15). */
const MAX_ATTR_TYPE = 15;

/**
 * An attribute stream's payloads by type, as offsets into the received datagram (the last of a
 * type wins, as nla_parse does). Listings decode tens of thousands of these: no Map, iterator or
 * slice per attribute.
 */
class Attrs {
  /**
   * Per type: payload offset (0 when absent: a payload is never at offset 0), then length. A plain
   * array of small integers: an Int32Array this size is allocated outside V8's heap, with a
   * finalizer, which cost more than the decoding itself (a tenth of a listing's profile in the guest).
   */
  private readonly table: number[] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

  constructor(
    private readonly buf: Buffer,
    start = 0,
    end = buf.length,
  ) {
    let off = start;
    while (off + 4 <= end) {
      const len = buf[off] | (buf[off + 1] << 8);
      const type = (buf[off + 2] | (buf[off + 3] << 8)) & 0x3fff;
      if (len < 4 || off + len > end) throw new Error(`malformed netlink attribute at offset ${off}`);
      if (type <= MAX_ATTR_TYPE) {
        this.table[2 * type] = off + 4;
        this.table[2 * type + 1] = len - 4;
      }
      off += (len + 3) & ~3;
    }
  }

  has(type: number): boolean {
    return this.table[2 * type] > 0;
  }

  /** The payload's offset; `what` names a required attribute in the error when it is absent. */
  private at(type: number, what: string, size: number): number {
    const at = this.table[2 * type];
    if (!(at > 0)) throw new CodecError(`kernel reply lacks ${what}`);
    if (this.table[2 * type + 1] < size) throw new CodecError(`kernel reply has a short ${what}`);
    return at;
  }

  nest(type: number, what: string): Attrs {
    const at = this.at(type, what, 0);
    return new Attrs(this.buf, at, at + this.table[2 * type + 1]);
  }
  bytes(type: number, what: string): Buffer {
    const at = this.at(type, what, 0);
    return this.buf.subarray(at, at + this.table[2 * type + 1]);
  }
  u8(type: number, what: string): number {
    return this.buf[this.at(type, what, 1)];
  }
  u16(type: number, what: string): number {
    return this.buf.readUInt16LE(this.at(type, what, 2));
  }
  be16(type: number, what: string): number {
    return this.buf.readUInt16BE(this.at(type, what, 2));
  }
  u32(type: number, what: string): number {
    return this.buf.readUInt32LE(this.at(type, what, 4));
  }
  i32(type: number, what: string): number {
    return this.buf.readInt32LE(this.at(type, what, 4));
  }
  be32(type: number, what: string): number {
    return this.buf.readUInt32BE(this.at(type, what, 4));
  }
  /** A C string: up to its NUL, one character per byte. */
  str(type: number, what: string): string {
    const at = this.at(type, what, 0);
    const end = at + this.table[2 * type + 1];
    const nul = this.buf.indexOf(0, at);
    return this.buf.toString('latin1', at, nul < 0 || nul > end ? end : nul);
  }
  /** Counters may arrive as u32 (legacy STATS) or u64 (STATS64): read whichever width was sent. */
  counter(type: number): bigint {
    const at = this.table[2 * type];
    if (!(at > 0)) return 0n;
    const low = this.buf.readUInt32LE(at);
    const high = this.table[2 * type + 1] >= 8 ? this.buf.readUInt32LE(at + 4) : 0;
    // Most counters fit in 32 bits: one BigInt instead of readBigUInt64LE's arithmetic.
    return high === 0 ? BigInt(low) : (BigInt(high) << 32n) | BigInt(low);
  }
}

/** A reply the codec cannot make sense of (libipvs reports these as EINVAL). */
export class CodecError extends Error {}

// ---- statistics ------------------------------------------------------------------------------

export function emptyStats(): Stats {
  return { conns: 0n, inpkts: 0n, outpkts: 0n, inbytes: 0n, outbytes: 0n, cps: 0n, inpps: 0n, outpps: 0n, inbps: 0n, outbps: 0n };
}

export function unpackStats(buf: Buffer): Stats {
  return statsFrom(new Attrs(buf));
}

function statsFrom(a: Attrs): Stats {
  return {
    conns: a.counter(StatsAttr.CONNS),
    inpkts: a.counter(StatsAttr.INPKTS),
    outpkts: a.counter(StatsAttr.OUTPKTS),
    inbytes: a.counter(StatsAttr.INBYTES),
    outbytes: a.counter(StatsAttr.OUTBYTES),
    cps: a.counter(StatsAttr.CPS),
    inpps: a.counter(StatsAttr.INPPS),
    outpps: a.counter(StatsAttr.OUTPPS),
    inbps: a.counter(StatsAttr.INBPS),
    outbps: a.counter(StatsAttr.OUTBPS),
  };
}

/** Prefer the 64-bit statistics; fall back to the legacy 32-bit nest on old kernels. */
function statsOf(a: Attrs, stats64: number, stats32: number): Stats | undefined {
  if (a.has(stats64)) return statsFrom(a.nest(stats64, 'the statistics'));
  return a.has(stats32) ? statsFrom(a.nest(stats32, 'the statistics')) : undefined;
}

// ---- services ------------------------------------------------------------------------------

function packKey(w: AttrWriter, key: ServiceKey): void {
  w.u16(SvcAttr.AF, key.af);
  if (key.fwmark) w.u32(SvcAttr.FWMARK, key.fwmark);
  else w.u16(SvcAttr.PROTOCOL, key.protocol).bytes(SvcAttr.ADDR, addressToBytes(key.af, key.address)).be16(SvcAttr.PORT, key.port);
}

/** The netmask attribute: IPv4 masks travel in network order, IPv6 as a host-order prefix length (decoded in unpackService). */
const packNetmask = (w: AttrWriter, af: number, netmask: number) => (af === AF_INET6 ? w.u32(SvcAttr.NETMASK, netmask) : w.be32(SvcAttr.NETMASK, netmask));

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
  const m = new Attrs(payload).nest(CmdAttr.SERVICE, 'the service nest');
  const af = m.u16(SvcAttr.AF, 'the service address family');
  const fwmark = m.has(SvcAttr.FWMARK) ? m.u32(SvcAttr.FWMARK, 'the firewall mark') : 0;
  return {
    af,
    fwmark,
    protocol: fwmark ? 0 : m.u16(SvcAttr.PROTOCOL, 'the service protocol'),
    address: fwmark ? '' : bytesToAddress(af, m.bytes(SvcAttr.ADDR, 'the service address')),
    port: fwmark ? 0 : m.be16(SvcAttr.PORT, 'the service port'),
    scheduler: m.str(SvcAttr.SCHED_NAME, 'the scheduler'),
    flags: m.u32(SvcAttr.FLAGS, 'the service flags') & ~SvcFlag.HASHED,
    timeout: m.u32(SvcAttr.TIMEOUT, 'the persistence timeout'),
    netmask: af === AF_INET6 ? m.u32(SvcAttr.NETMASK, 'the netmask') : m.be32(SvcAttr.NETMASK, 'the netmask'),
    peName: m.has(SvcAttr.PE_NAME) ? m.str(SvcAttr.PE_NAME, 'the persistence engine') : '',
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
  const m = new Attrs(payload).nest(CmdAttr.DEST, 'the destination nest');
  const af = m.has(DestAttr.ADDR_FAMILY) ? m.u16(DestAttr.ADDR_FAMILY, 'the destination address family') : serviceAf;
  return {
    af,
    address: bytesToAddress(af, m.bytes(DestAttr.ADDR, 'the destination address')),
    port: m.be16(DestAttr.PORT, 'the destination port'),
    fwdMethod: m.u32(DestAttr.FWD_METHOD, 'the forwarding method'),
    weight: m.i32(DestAttr.WEIGHT, 'the weight'),
    upperThreshold: m.u32(DestAttr.U_THRESH, 'the upper threshold'),
    lowerThreshold: m.u32(DestAttr.L_THRESH, 'the lower threshold'),
    activeConns: m.u32(DestAttr.ACTIVE_CONNS, 'the active connection count'),
    inactConns: m.u32(DestAttr.INACT_CONNS, 'the inactive connection count'),
    persistConns: m.u32(DestAttr.PERSIST_CONNS, 'the persistent connection count'),
    tunType: m.has(DestAttr.TUN_TYPE) ? m.u8(DestAttr.TUN_TYPE, 'the tunnel type') : 0,
    tunPort: m.has(DestAttr.TUN_PORT) ? m.be16(DestAttr.TUN_PORT, 'the tunnel port') : 0,
    tunFlags: m.has(DestAttr.TUN_FLAGS) ? m.u16(DestAttr.TUN_FLAGS, 'the tunnel flags') : 0,
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
  const m = new Attrs(payload).nest(CmdAttr.DAEMON, 'the daemon nest');
  const d: Daemon = {
    state: m.u32(DaemonAttr.STATE, 'the daemon state'),
    mcastIfn: m.str(DaemonAttr.MCAST_IFN, 'the daemon interface'),
    syncId: m.u32(DaemonAttr.SYNC_ID, 'the sync id'),
  };
  if (m.has(DaemonAttr.SYNC_MAXLEN)) d.syncMaxlen = m.u16(DaemonAttr.SYNC_MAXLEN, 'the sync message size');
  if (m.has(DaemonAttr.MCAST_PORT)) d.mcastPort = m.u16(DaemonAttr.MCAST_PORT, 'the multicast port');
  if (m.has(DaemonAttr.MCAST_TTL)) d.mcastTtl = m.u8(DaemonAttr.MCAST_TTL, 'the multicast TTL');
  if (m.has(DaemonAttr.MCAST_GROUP6)) d.mcastGroup = bytesToAddress(AF_INET6, m.bytes(DaemonAttr.MCAST_GROUP6, 'the multicast group'));
  else if (m.has(DaemonAttr.MCAST_GROUP)) d.mcastGroup = bytesToAddress(AF_INET, m.bytes(DaemonAttr.MCAST_GROUP, 'the multicast group'));
  return d;
}

// ---- timeouts and info -----------------------------------------------------------------------

export function packTimeouts(t: TimeoutConfig): Uint8Array[] {
  return new AttrWriter().u32(CmdAttr.TIMEOUT_TCP, t.tcp).u32(CmdAttr.TIMEOUT_TCP_FIN, t.tcpFin).u32(CmdAttr.TIMEOUT_UDP, t.udp).done();
}

export function unpackTimeouts(payload: Buffer): TimeoutConfig {
  const m = new Attrs(payload);
  const get = (a: CmdAttr) => (m.has(a) ? m.u32(a, 'a timeout') : 0);
  return { tcp: get(CmdAttr.TIMEOUT_TCP), tcpFin: get(CmdAttr.TIMEOUT_TCP_FIN), udp: get(CmdAttr.TIMEOUT_UDP) };
}

export function unpackInfo(payload: Buffer): Info {
  const m = new Attrs(payload);
  return {
    version: m.u32(InfoAttr.VERSION, 'the IPVS version'),
    connTabSize: m.u32(InfoAttr.CONN_TAB_SIZE, 'the connection table size'),
  };
}
