// The JSON/YAML document `export` writes (schema/tsipvsadm.schema.json), read back as a desired
// state. The schema checks types and ranges; this maps its names onto the model (through the
// model's tables) and checks what a schema cannot say (a key that contradicts the fields, a mask
// of the wrong family, a -b word of another scheduler). Output-only fields (counters, host and
// port names) are ignored; timeouts and daemons are not part of what apply manages.

import { AddressFamily, FwdMethod, NETMASK_V4_FULL, NETMASK_V6_FULL, Protocol, SvcFlag, TunnelFlags, TunnelType } from '../ipvs/constants';
import type { Destination, Service } from '../ipvs/types';
import { inetAton, inetPton4, inetPton6, ntop4, ntop6 } from '../net/inet';
import { serviceKey } from '../model/identity';
import { forwardingByName, protocolByName, SCHED_FLAG_WORDS, tunnelFlagsByName, tunnelTypeByName } from '../model/tables';
import { destId, serviceId } from './identity';
import type { ServiceState } from './plan';
import type { Desired, Problem } from './read';

/** The parts of a service record apply reads (see the schema for the rest). */
interface ServiceRecord {
  key?: string;
  family?: 'inet' | 'inet6';
  protocol?: string;
  address?: string;
  port?: number;
  fwmark?: number;
  scheduler?: string;
  schedFlags?: string[];
  persistence?: null | { timeout: number; netmask?: string | number };
  /** A non-persistent service's mask (-M without -p). */
  netmask?: string | number;
  pe?: string | null;
  onePacket?: boolean;
  destinations?: DestinationRecord[];
}

interface DestinationRecord {
  family?: 'inet' | 'inet6';
  address: string;
  port: number;
  forwarding?: string;
  weight?: number;
  upperThreshold?: number;
  lowerThreshold?: number;
  tunnel?: null | { type: string; port?: number; checksum?: string };
}

const FAMILIES: Readonly<Record<string, AddressFamily>> = { inet: AddressFamily.INET, inet6: AddressFamily.INET6 };

/** A JSON path in the `$.a[1].b` form, from path segments. */
export function jsonPath(segments: ReadonlyArray<string | number>): string {
  return '$' + segments.map((s) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`)).join('');
}

/** Address text → family and canonical text, checking a given family against it. */
function addressOf(text: string, family: string | undefined): { af: AddressFamily; address: string } | string {
  const v4 = inetPton4(text);
  const v6 = v4 ? null : inetPton6(text);
  if (!v4 && !v6) return `${JSON.stringify(text)} is not an IPv4 or IPv6 address`;
  const af = v4 ? AddressFamily.INET : AddressFamily.INET6;
  if (family !== undefined && FAMILIES[family] !== af) return `family ${family} does not match the address ${text}`;
  return { af, address: v4 ? ntop4(v4) : ntop6(v6!) };
}

function serviceOf(rec: ServiceRecord, at: (ReadonlyArray<string | number>), problems: Problem[], where: (p: ReadonlyArray<string | number>) => string): Service | undefined {
  const fail = (path: ReadonlyArray<string | number>, reason: string) => void problems.push({ where: where([...at, ...path]), reason });
  let svc: Service;
  if (rec.fwmark !== undefined) {
    svc = { af: FAMILIES[rec.family ?? 'inet'], protocol: Protocol.NONE, address: '', port: 0, fwmark: rec.fwmark, scheduler: '', flags: 0, timeout: 0, netmask: 0, peName: '' };
  } else {
    const proto = protocolByName(rec.protocol ?? '');
    const addr = addressOf(rec.address ?? '', rec.family);
    if (!proto) return void fail(['protocol'], `unknown protocol ${JSON.stringify(rec.protocol)}`);
    if (typeof addr === 'string') return void fail(['address'], addr);
    svc = { af: addr.af, protocol: proto.protocol, address: addr.address, port: rec.port ?? 0, fwmark: 0, scheduler: '', flags: 0, timeout: 0, netmask: 0, peName: '' };
  }
  if (rec.key !== undefined && rec.key !== serviceKey(svc)) {
    fail(['key'], `the key ${rec.key} does not match the service's fields (${serviceKey(svc)})`);
  }
  svc.scheduler = rec.scheduler ?? 'wlc';
  svc.netmask = svc.af === AddressFamily.INET6 ? NETMASK_V6_FULL : NETMASK_V4_FULL;
  for (const [i, word] of (rec.schedFlags ?? []).entries()) {
    const known = SCHED_FLAG_WORDS.get(word);
    if (!known) fail(['schedFlags', i], `unknown scheduler flag ${JSON.stringify(word)}`);
    else if (known.scheduler !== undefined && known.scheduler !== svc.scheduler) fail(['schedFlags', i], `${word} is a flag of the ${known.scheduler} scheduler, not of ${svc.scheduler}`);
    else svc.flags |= known.bit;
  }
  const readMask = (mask: string | number | undefined, path: ReadonlyArray<string | number>) => {
    if (typeof mask === 'string') {
      const n = svc.af === AddressFamily.INET ? inetAton(mask) : null;
      if (n === null) fail(path, svc.af === AddressFamily.INET ? `${mask} is not a dotted IPv4 mask` : 'an IPv6 service takes a prefix length (1-128), not a dotted mask');
      else svc.netmask = n;
    } else if (typeof mask === 'number') {
      if (svc.af !== AddressFamily.INET6) fail(path, 'an IPv4 service takes a dotted mask (255.255.255.0), not a prefix length');
      else svc.netmask = mask;
    }
  };
  if (rec.persistence) {
    svc.flags |= SvcFlag.PERSISTENT;
    svc.timeout = rec.persistence.timeout;
    readMask(rec.persistence.netmask, ['persistence', 'netmask']);
    if (rec.netmask !== undefined) fail(['netmask'], 'a persistent service gives its mask as persistence.netmask');
  } else {
    readMask(rec.netmask, ['netmask']);
  }
  if (rec.pe) svc.peName = rec.pe;
  if (rec.onePacket) svc.flags |= SvcFlag.ONEPACKET;
  return svc;
}

function destinationOf(rec: DestinationRecord, at: ReadonlyArray<string | number>, problems: Problem[], where: (p: ReadonlyArray<string | number>) => string): Destination | undefined {
  const fail = (path: ReadonlyArray<string | number>, reason: string) => void problems.push({ where: where([...at, ...path]), reason });
  const addr = addressOf(rec.address, rec.family);
  if (typeof addr === 'string') return void fail(['address'], addr);
  const method = forwardingByName(rec.forwarding ?? 'route');
  if (!method) return void fail(['forwarding'], `unknown forwarding method ${JSON.stringify(rec.forwarding)}`);
  const d: Destination = {
    af: addr.af, address: addr.address, port: rec.port, fwdMethod: method.method, weight: rec.weight ?? 1,
    upperThreshold: rec.upperThreshold ?? 0, lowerThreshold: rec.lowerThreshold ?? 0,
    tunType: TunnelType.IPIP, tunPort: 0, tunFlags: TunnelFlags.NOCSUM, activeConns: 0, inactConns: 0, persistConns: 0,
  };
  if (rec.tunnel) {
    if (d.fwdMethod !== FwdMethod.TUNNEL) return void fail(['tunnel'], `a tunnel is set but forwarding is ${rec.forwarding ?? 'route'}, not tunnel`);
    const type = tunnelTypeByName(rec.tunnel.type);
    if (!type) return void fail(['tunnel', 'type'], `unknown tunnel type ${JSON.stringify(rec.tunnel.type)}`);
    d.tunType = type.type;
    d.tunPort = rec.tunnel.port ?? 0;
    if (rec.tunnel.checksum !== undefined) {
      const flags = tunnelFlagsByName(rec.tunnel.checksum);
      if (!flags) return void fail(['tunnel', 'checksum'], `unknown tunnel checksum ${JSON.stringify(rec.tunnel.checksum)}`);
      d.tunFlags = flags.flags;
    }
  }
  return d;
}

/**
 * The desired state of a document that already passed the schema. `where` turns a path into a
 * location for messages (`file: $.services[0].port`, or with a line number for YAML).
 */
export function desiredFromDocument(doc: { services?: ServiceRecord[] }, where: (path: ReadonlyArray<string | number>) => string): { desired: Desired; problems: Problem[] } {
  const problems: Problem[] = [];
  const desired: Desired = { state: [], serviceAt: new Map(), serverAt: new Map() };
  for (const [i, rec] of (doc.services ?? []).entries()) {
    const svc = serviceOf(rec, ['services', i], problems, where);
    if (!svc) continue;
    const id = serviceId(svc);
    const here = where(['services', i]);
    if (desired.serviceAt.has(id)) {
      problems.push({ where: here, reason: `service ${id} is already defined at ${desired.serviceAt.get(id)}` });
      continue;
    }
    desired.serviceAt.set(id, here);
    const entry: ServiceState = { service: svc, dests: [] };
    desired.state.push(entry);
    for (const [j, drec] of (rec.destinations ?? []).entries()) {
      const d = destinationOf(drec, ['services', i, 'destinations', j], problems, where);
      if (!d) continue;
      const key = `${id} ${destId(d)}`;
      const dhere = where(['services', i, 'destinations', j]);
      if (desired.serverAt.has(key)) {
        problems.push({ where: dhere, reason: `server ${destId(d)} is already defined at ${desired.serverAt.get(key)}` });
        continue;
      }
      desired.serverAt.set(key, dhere);
      entry.dests.push(d);
    }
  }
  return { desired, problems };
}
