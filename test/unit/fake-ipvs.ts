// A fake IPVS kernel for host tests of the client and the command runner: the tables (services
// with their real servers, timeouts, sync daemons) and the errnos ip_vs_ctl.c answers with
// (EEXIST, ESRCH, ENOENT, per command), behind the scripted netlink fake in fake-netlink.ts.
// `refuse` makes a command fail with a given errno whatever the state, as a kernel could.

import { constants as osConstants } from 'node:os';
import { GENL_ID_CTRL, encodeAttr, iterAttrs } from '../../src/netlink/genl';
import { packDest, packService, unpackDaemon, unpackService, unpackTimeouts } from '../../src/ipvs/codec';
import { CmdAttr, DaemonAttr, DestAttr, InfoAttr, IpvsCommand, SvcAttr } from '../../src/ipvs/constants';
import type { Daemon, Destination, Service, TimeoutConfig } from '../../src/ipvs/types';
import { bytesToAddress } from '../../src/net/inet';
import { FakeNetlink, type FakeAnswer, type FakeRequest } from './fake-netlink';

const { EEXIST, ENOENT, ESRCH } = osConstants.errno;

const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
};

/** The attributes inside the request's top-level nest `type`. */
function nest(req: FakeRequest, type: CmdAttr): Map<number, Buffer> {
  for (const [t, v] of iterAttrs(req.attrs)) if (t === type) return new Map(iterAttrs(v));
  return new Map();
}

/** A service's identity in a request (a full service nest, or the key-only one of GET_DEST). */
function serviceKeyOf(m: Map<number, Buffer>): string {
  const af = m.get(SvcAttr.AF)?.readUInt16LE(0) ?? 0;
  const fwmark = m.get(SvcAttr.FWMARK)?.readUInt32LE(0) ?? 0;
  if (fwmark) return `${af}/fwmark:${fwmark}`;
  const proto = m.get(SvcAttr.PROTOCOL)?.readUInt16LE(0) ?? 0;
  return `${af}/${proto}:${m.get(SvcAttr.ADDR)?.toString('hex')}:${m.get(SvcAttr.PORT)?.readUInt16BE(0)}`;
}

function destOf(m: Map<number, Buffer>, serviceAf: number): Destination {
  const af = m.get(DestAttr.ADDR_FAMILY)?.readUInt16LE(0) ?? serviceAf;
  const n = (a: DestAttr) => m.get(a)?.readUInt32LE(0) ?? 0;
  return {
    af,
    address: bytesToAddress(af, m.get(DestAttr.ADDR)!),
    port: m.get(DestAttr.PORT)!.readUInt16BE(0),
    fwdMethod: n(DestAttr.FWD_METHOD),
    weight: n(DestAttr.WEIGHT),
    upperThreshold: n(DestAttr.U_THRESH),
    lowerThreshold: n(DestAttr.L_THRESH),
    tunType: m.get(DestAttr.TUN_TYPE)?.[0] ?? 0,
    tunPort: m.get(DestAttr.TUN_PORT)?.readUInt16BE(0) ?? 0,
    tunFlags: m.get(DestAttr.TUN_FLAGS)?.readUInt16LE(0) ?? 0,
    activeConns: 0,
    inactConns: 0,
    persistConns: 0,
  };
}

const destKey = (d: Destination) => `${d.af}/${d.address}/${d.port}`;

/** A dest reply: what the request would send, plus the counters only the kernel reports. */
function destReply(d: Destination): Buffer {
  const [, inner] = [...iterAttrs(Buffer.concat(packDest(d)))][0];
  return Buffer.concat(
    encodeAttr(CmdAttr.DEST, [
      inner,
      ...encodeAttr(DestAttr.ACTIVE_CONNS, u32(d.activeConns)),
      ...encodeAttr(DestAttr.INACT_CONNS, u32(d.inactConns)),
      ...encodeAttr(DestAttr.PERSIST_CONNS, u32(d.persistConns)),
    ]),
  );
}

interface Entry {
  svc: Service;
  dests: Map<string, Destination>;
}

export class FakeIpvs {
  /** Services in the order the kernel would dump them (insertion order here). */
  readonly services = new Map<string, Entry>();
  timeouts: TimeoutConfig = { tcp: 900, tcpFin: 120, udp: 300 };
  readonly daemons: Daemon[] = [];
  /** Commands refused with this errno whatever the state. */
  readonly refuse = new Map<IpvsCommand, number>();
  /** The socket to hand to IpvsClient.open({ socket }). */
  readonly socket = new FakeNetlink((req) => this.answer(req));
  private readonly sockets = [this.socket];

  /** Another socket onto the same kernel (for clients that open more than one). */
  connect(): FakeNetlink {
    const s = new FakeNetlink((req) => this.answer(req), this.socket.port + this.sockets.length);
    this.sockets.push(s);
    return s;
  }

  /** The IPVS commands received on all sockets (family look-ups left out). */
  get commands(): IpvsCommand[] {
    return this.sockets.flatMap((s) => s.requests).filter((r) => r.family !== GENL_ID_CTRL).map((r) => r.cmd);
  }

  private answer(req: FakeRequest): FakeAnswer {
    const refused = this.refuse.get(req.cmd);
    if (refused) return { errno: refused };
    const svcNest = nest(req, CmdAttr.SERVICE);
    const key = serviceKeyOf(svcNest);
    const entry = this.services.get(key);
    switch (req.cmd as IpvsCommand) {
      case IpvsCommand.GET_INFO:
        return { replies: [Buffer.concat([...encodeAttr(InfoAttr.VERSION, u32(0x010201)), ...encodeAttr(InfoAttr.CONN_TAB_SIZE, u32(4096))])] };
      case IpvsCommand.GET_SERVICE:
        if (svcNest.size === 0) return { replies: [...this.services.values()].map((e) => Buffer.concat(packService(e.svc))) };
        return entry ? { replies: [Buffer.concat(packService(entry.svc))] } : { errno: ESRCH };
      case IpvsCommand.GET_DEST:
        return entry ? { replies: [...entry.dests.values()].map(destReply) } : { errno: ESRCH };
      case IpvsCommand.NEW_SERVICE:
        if (entry) return { errno: EEXIST };
        this.services.set(key, { svc: unpackService(req.attrs), dests: new Map() });
        return {};
      case IpvsCommand.SET_SERVICE:
        if (!entry) return { errno: ESRCH };
        entry.svc = unpackService(req.attrs);
        return {};
      case IpvsCommand.DEL_SERVICE:
        if (!entry) return { errno: ESRCH };
        this.services.delete(key);
        return {};
      case IpvsCommand.NEW_DEST:
      case IpvsCommand.SET_DEST:
      case IpvsCommand.DEL_DEST: {
        if (!entry) return { errno: ESRCH };
        const d = destOf(nest(req, CmdAttr.DEST), entry.svc.af);
        const exists = entry.dests.has(destKey(d));
        if (req.cmd === IpvsCommand.NEW_DEST && exists) return { errno: EEXIST };
        if (req.cmd !== IpvsCommand.NEW_DEST && !exists) return { errno: ENOENT };
        if (req.cmd === IpvsCommand.DEL_DEST) entry.dests.delete(destKey(d));
        else entry.dests.set(destKey(d), d);
        return {};
      }
      case IpvsCommand.ZERO:
        return svcNest.size && !entry ? { errno: ESRCH } : {};
      case IpvsCommand.FLUSH:
        this.services.clear();
        return {};
      case IpvsCommand.GET_CONFIG:
        return {
          replies: [
            Buffer.concat([
              ...encodeAttr(CmdAttr.TIMEOUT_TCP, u32(this.timeouts.tcp)),
              ...encodeAttr(CmdAttr.TIMEOUT_TCP_FIN, u32(this.timeouts.tcpFin)),
              ...encodeAttr(CmdAttr.TIMEOUT_UDP, u32(this.timeouts.udp)),
            ]),
          ],
        };
      case IpvsCommand.SET_CONFIG: {
        const t = unpackTimeouts(req.attrs);
        this.timeouts = { tcp: t.tcp || this.timeouts.tcp, tcpFin: t.tcpFin || this.timeouts.tcpFin, udp: t.udp || this.timeouts.udp };
        return {};
      }
      case IpvsCommand.GET_DAEMON:
        return {
          replies: this.daemons.map((d) =>
            Buffer.concat(
              encodeAttr(CmdAttr.DAEMON, [
                ...encodeAttr(DaemonAttr.STATE, u32(d.state)),
                ...encodeAttr(DaemonAttr.MCAST_IFN, Buffer.from(d.mcastIfn + '\0')),
                ...encodeAttr(DaemonAttr.SYNC_ID, u32(d.syncId)),
              ]),
            ),
          ),
        };
      case IpvsCommand.NEW_DAEMON: {
        const d = unpackDaemon(req.attrs);
        if (this.daemons.some((x) => x.state === d.state)) return { errno: EEXIST };
        this.daemons.push(d);
        return {};
      }
      case IpvsCommand.DEL_DAEMON: {
        const d = unpackDaemon(req.attrs);
        const i = this.daemons.findIndex((x) => x.state === d.state);
        if (i < 0) return { errno: ESRCH };
        this.daemons.splice(i, 1);
        return {};
      }
      default:
        return { errno: osConstants.errno.EINVAL };
    }
  }
}
