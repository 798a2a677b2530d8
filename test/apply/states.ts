// Seeded generators of IPVS states and of "desired" states derived from them, covering what the
// kernel and ipvsadm's syntax allow: IPv4, IPv6, fwmark (both families), TCP/UDP/SCTP, every
// scheduler, persistence with netmasks, pe sip, one-packet scheduling, scheduler flags, every
// forwarding method ipvsadm can set, ipip/gue/gre tunnels (also across families), thresholds.
// Shared by the planner's host tests and the kernel tests of apply.

import { AF_INET, AF_INET6, FwdMethod, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, SvcFlag, TunnelType } from '../../src/ipvs/constants';
import type { Destination, Service } from '../../src/ipvs/types';
import type { IpvsState, ServiceState } from '../../src/apply/plan';
import { destId, serviceId } from '../../src/apply/identity';

/** mulberry32: a small deterministic PRNG, so a failing seed can be replayed. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  };
}
export type Rng = ReturnType<typeof rng>;

export const SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh'] as const;

export function service(p: Partial<Service>): Service {
  return { af: AF_INET, protocol: IPPROTO_TCP, address: '', port: 0, fwmark: 0, scheduler: 'wlc', flags: 0, timeout: 0, netmask: 0xffffffff, peName: '', ...p };
}

export function server(p: Partial<Destination>): Destination {
  return {
    af: AF_INET, address: '', port: 0, fwdMethod: FwdMethod.DROUTE, weight: 1, upperThreshold: 0, lowerThreshold: 0,
    tunType: 0, tunPort: 0, tunFlags: 0, activeConns: 0, inactConns: 0, persistConns: 0, ...p,
  };
}

/** A service key from a small pool, so independently drawn states overlap. */
function serviceKey(r: Rng, pool: number): Partial<Service> {
  const n = r.int(1, pool);
  const v6 = r.chance(0.35);
  const af = v6 ? AF_INET6 : AF_INET;
  if (r.chance(0.2)) return { af, protocol: IPPROTO_TCP, fwmark: n };
  const protocol = r.pick([IPPROTO_TCP, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP]);
  const address = v6 ? `2001:db8:${n}::1` : `10.0.${n}.1`;
  return { af, protocol, address, port: r.pick([80, 443, 53, 8080]) };
}

/** Random settings for a service key (valid for the kernel and expressible in ipvsadm). */
export function serviceSettings(r: Rng, key: Partial<Service>): Service {
  const scheduler = r.pick(SCHEDULERS);
  const svc = service({ ...key, scheduler, netmask: key.af === AF_INET6 ? 128 : 0xffffffff });
  if (r.chance(0.35) || (!svc.fwmark && svc.port === 0)) {
    svc.flags |= SvcFlag.PERSISTENT;
    svc.timeout = r.pick([1, 60, 360, 3600, 86400 * 31]);
    if (r.chance(0.5)) svc.netmask = svc.af === AF_INET6 ? r.int(1, 128) : (0xffffffff << r.int(1, 24)) >>> 0;
    if (r.chance(0.3)) svc.peName = 'sip';
  }
  if (r.chance(0.2) && (svc.fwmark || svc.protocol === IPPROTO_UDP)) svc.flags |= SvcFlag.ONEPACKET;
  if (r.chance(0.25)) svc.flags |= r.pick([SvcFlag.SCHED1, SvcFlag.SCHED2, SvcFlag.SCHED1 | SvcFlag.SCHED2, SvcFlag.SCHED3]);
  return svc;
}

/** Random settings for a real server key under `svc`. */
export function serverSettings(r: Rng, svc: Service, key: Partial<Destination>): Destination {
  const crossFamily = key.af !== undefined && key.af !== svc.af;
  const fwdMethod = crossFamily ? FwdMethod.TUNNEL : r.pick([FwdMethod.MASQ, FwdMethod.DROUTE, FwdMethod.TUNNEL]);
  const d = server({ ...key, af: key.af ?? svc.af, fwdMethod, weight: r.pick([0, 1, 1, 2, 3, 10, 100, 65535]) });
  // ipvsadm gives direct-routing and tunnelling servers the service's port.
  if (!svc.fwmark && fwdMethod !== FwdMethod.MASQ) d.port = svc.port;
  if (r.chance(0.3)) {
    d.upperThreshold = r.int(1, 5000);
    d.lowerThreshold = r.int(0, d.upperThreshold);
  }
  if (fwdMethod === FwdMethod.TUNNEL) {
    d.tunType = r.pick([TunnelType.IPIP, TunnelType.GUE, TunnelType.GRE]);
    if (d.tunType === TunnelType.GUE) {
      d.tunPort = r.pick([5555, 6080, 65535]);
      d.tunFlags = r.int(0, 2);
    } else if (d.tunType === TunnelType.GRE) d.tunFlags = r.int(0, 1);
  }
  return d;
}

/** A real server key from a small pool per service family. */
function serverKey(r: Rng, svc: Service): Partial<Destination> {
  const n = r.int(1, 6);
  // Now and then an IPv4 tunnel server under an IPv6 service (or the reverse).
  const af = r.chance(0.08) ? (svc.af === AF_INET ? AF_INET6 : AF_INET) : svc.af;
  const address = af === AF_INET6 ? `2001:db8:ff::${n}` : `10.255.${n}.${r.int(1, 3)}`;
  return { af, address, port: svc.fwmark ? r.pick([0, 80]) : r.pick([80, 8080, svc.port]) };
}

function withServers(r: Rng, svc: Service, count: number): ServiceState {
  const dests = new Map<string, Destination>();
  for (let i = 0; i < count; i++) {
    const d = serverSettings(r, svc, serverKey(r, svc));
    dests.set(destId(d), d);
  }
  return { service: svc, dests: [...dests.values()] };
}

/** A random state of up to `maxServices` services (drawn from a pool of `pool` keys per kind). */
export function randomState(r: Rng, maxServices = 8, pool = 6): IpvsState {
  const out = new Map<string, ServiceState>();
  const n = r.int(0, maxServices);
  for (let i = 0; i < n; i++) {
    const svc = serviceSettings(r, serviceKey(r, pool));
    if (!out.has(serviceId(svc))) out.set(serviceId(svc), withServers(r, svc, r.int(0, 4)));
  }
  return [...out.values()];
}

/**
 * A desired state near `current`: most services kept, some edited, some dropped, some new; in a
 * kept service most servers kept, some edited, some dropped or re-keyed, some new.
 */
export function mutate(r: Rng, current: IpvsState, pool = 6): IpvsState {
  const out = new Map<string, ServiceState>();
  for (const { service: svc, dests } of current) {
    if (r.chance(0.15)) continue; // dropped
    let s = svc;
    if (r.chance(0.25)) s = serviceSettings(r, keyOf(svc));
    if (r.chance(0.05) && svc.fwmark) {
      // Another family for the same mark: a different kernel object.
      s = serviceSettings(r, { ...keyOf(svc), af: svc.af === AF_INET ? AF_INET6 : AF_INET });
      out.set(serviceId(s), withServers(r, s, r.int(0, 3)));
      continue;
    }
    const kept = new Map<string, Destination>();
    for (const d of dests) {
      if (r.chance(0.15)) continue;
      let nd = d;
      if (r.chance(0.2)) nd = serverSettings(r, s, { af: d.af, address: d.address, port: d.port });
      else if (r.chance(0.1)) nd = { ...d, weight: d.weight + 1 };
      else if (r.chance(0.05) && (s.fwmark || d.fwdMethod === FwdMethod.MASQ)) nd = { ...d, port: d.port + 1 };
      // A settings change may move a server to DR/TUN: then ipvsadm gives it the service's port.
      if (!s.fwmark && nd.fwdMethod !== FwdMethod.MASQ) nd = { ...nd, port: s.port };
      if (nd.af !== s.af && nd.fwdMethod !== FwdMethod.TUNNEL) continue;
      kept.set(destId(nd), nd);
    }
    const extra = r.chance(0.3) ? withServers(r, s, r.int(1, 2)).dests : [];
    for (const d of extra) if (!kept.has(destId(d))) kept.set(destId(d), d);
    out.set(serviceId(s), { service: s, dests: [...kept.values()] });
  }
  for (const added of randomState(r, 3, pool)) if (!out.has(serviceId(added.service))) out.set(serviceId(added.service), added);
  return [...out.values()];
}

function keyOf(svc: Service): Partial<Service> {
  return { af: svc.af, protocol: svc.protocol, address: svc.address, port: svc.port, fwmark: svc.fwmark };
}

/** A state in a canonical, comparable form: sorted by key, read-only fields dropped. */
export function canonical(state: IpvsState): unknown {
  const svcSettings = (s: Service) => ({ id: serviceId(s), scheduler: s.scheduler, flags: s.flags & ~SvcFlag.HASHED, timeout: s.timeout, netmask: s.netmask >>> 0, peName: s.peName });
  const destSettings = (d: Destination) => ({
    id: destId(d), fwdMethod: d.fwdMethod, weight: d.weight, upperThreshold: d.upperThreshold, lowerThreshold: d.lowerThreshold,
    tunType: d.tunType, tunPort: d.tunPort, tunFlags: d.tunFlags,
  });
  const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return state.map((e) => ({ ...svcSettings(e.service), dests: e.dests.map(destSettings).sort(byId) })).sort(byId);
}

/** The exact number of requests a minimal plan needs (counted independently of the planner). */
export function minimalChanges(current: IpvsState, desired: IpvsState, prune: boolean): number {
  const have = new Map(current.map((e) => [serviceId(e.service), e]));
  const wanted = new Set(desired.map((e) => serviceId(e.service)));
  let n = 0;
  for (const want of desired) {
    const old = have.get(serviceId(want.service));
    if (!old) {
      n += 1 + want.dests.length;
      continue;
    }
    const s = (x: Service) => [x.scheduler, (x.flags & ~SvcFlag.HASHED) >>> 0, x.timeout, x.netmask >>> 0, x.peName].join();
    if (s(want.service) !== s(old.service)) n++;
    const d = (x: Destination) => [x.fwdMethod, x.weight, x.upperThreshold, x.lowerThreshold, x.tunType, x.tunPort, x.tunFlags].join();
    const oldDests = new Map(old.dests.map((x) => [destId(x), x]));
    const wantIds = new Set(want.dests.map(destId));
    for (const x of want.dests) {
      const o = oldDests.get(destId(x));
      if (!o || d(o) !== d(x)) n++;
    }
    n += old.dests.filter((x) => !wantIds.has(destId(x))).length;
  }
  if (prune) n += current.filter((e) => !wanted.has(serviceId(e.service))).length;
  return n;
}

const FORWARDING_NAMES = ['masq', 'local', 'tunnel', 'route', 'bypass'];
const TUNNEL_NAMES = ['ipip', 'gue', 'gre'];
const CHECKSUM_NAMES = ['nocsum', 'csum', 'remcsum'];
const PROTOCOL_NAMES: Record<number, string> = { [IPPROTO_TCP]: 'tcp', [IPPROTO_UDP]: 'udp', [IPPROTO_SCTP]: 'sctp' };

/** A state as the export document (schema/tsipvsadm.schema.json), written independently of export. */
export function toDocument(state: IpvsState): unknown {
  const ipv4Mask = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
  return {
    schemaVersion: 1,
    services: state.map(({ service: s, dests }) => ({
      ...(s.fwmark
        ? { family: s.af === AF_INET6 ? 'inet6' : 'inet', fwmark: s.fwmark }
        : { family: s.af === AF_INET6 ? 'inet6' : 'inet', protocol: PROTOCOL_NAMES[s.protocol], address: s.address, port: s.port }),
      scheduler: s.scheduler,
      schedFlags: [
        ...(s.flags & SvcFlag.SCHED1 ? [s.scheduler === 'sh' || s.scheduler === 'mh' ? `${s.scheduler}-fallback` : 'flag-1'] : []),
        ...(s.flags & SvcFlag.SCHED2 ? [s.scheduler === 'sh' || s.scheduler === 'mh' ? `${s.scheduler}-port` : 'flag-2'] : []),
        ...(s.flags & SvcFlag.SCHED3 ? ['flag-3'] : []),
      ],
      persistence: s.flags & SvcFlag.PERSISTENT ? { timeout: s.timeout, netmask: s.af === AF_INET6 ? s.netmask : ipv4Mask(s.netmask) } : null,
      pe: s.peName || null,
      onePacket: !!(s.flags & SvcFlag.ONEPACKET),
      destinations: dests.map((d) => ({
        family: d.af === AF_INET6 ? 'inet6' : 'inet',
        address: d.address,
        port: d.port,
        forwarding: FORWARDING_NAMES[d.fwdMethod],
        weight: d.weight,
        upperThreshold: d.upperThreshold,
        lowerThreshold: d.lowerThreshold,
        tunnel:
          d.fwdMethod !== FwdMethod.TUNNEL
            ? null
            : {
                type: TUNNEL_NAMES[d.tunType],
                ...(d.tunType === TunnelType.GUE ? { port: d.tunPort } : {}),
                ...(d.tunType !== TunnelType.IPIP ? { checksum: CHECKSUM_NAMES[d.tunFlags] } : {}),
              },
      })),
    })),
  };
}
