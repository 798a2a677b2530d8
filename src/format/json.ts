// The JSON renderer: the same data as ipvsadm's text listings, as documents that
// schema/tsipvsadm.schema.json describes. Pure functions from the model to plain objects (the
// caller serializes them), plus the look-ups that add names beside addresses.
//
// Choices a reader relies on (the man page says why):
// - 64-bit counters and rates are decimal strings: JSON numbers are doubles to most readers
//   (JavaScript, jq before 1.7), which round above 2^53.
// - Every record carries every field, whatever text columns the listing options select.
// - Without -n, `host` and `portName` are added beside `address` and `port`, only where a name
//   exists; the address and port are always there.

import { AF_INET6, NETMASK_V4_FULL, NETMASK_V6_FULL, SvcFlag } from '../ipvs/constants';
import type { Daemon, Destination, Info, Service, Stats, TimeoutConfig } from '../ipvs/types';
import type { ServiceState } from '../model/snapshot';
import { formatDestinationNotation, formatServiceNotation } from '../model/notation';
import { FWD_METHOD_MASK, forwardingByMethod, protocolByNumber, SCHED_FLAGS, tunnelFlagsByValue, tunnelTypeByValue } from '../model/tables';
import { u32ToDotted } from '../net/inet';
import { getServByPort } from '../net/services';
import { canonicalV6, hostName } from './names';
import type { ConnRecord } from './connections/record';

/** The version of the document layout; bumped on an incompatible change. */
export const SCHEMA_VERSION = 1;

export const familyName = (af: number): string => (af === AF_INET6 ? 'inet6' : 'inet');
export const protocolName = (protocol: number): string => protocolByNumber(protocol)?.name ?? `proto${protocol}`;

/** `tcp:10.0.0.1:80`, `udp:[2001:db8::1]:53`, `fwmark:5`, `fwmark6:5`: the service notation. */
export const serviceKeyText = (svc: Service): string => formatServiceNotation(svc);

/** `10.0.0.2:80` or `[2001:db8::2]:80`. */
export const hostPort = (af: number, address: string, port: number): string => formatDestinationNotation({ af, address, port });

/** IPv6 text in glibc's inet_ntop form, IPv4 as is. */
const addressText = (af: number, address: string) => (af === AF_INET6 ? canonicalV6(address) : address);

// ---- document types ----------------------------------------------------------------------

/** A 64-bit counter as decimal text. */
export type Counter = string;

export interface StatsJson {
  conns: Counter;
  inPkts: Counter;
  outPkts: Counter;
  inBytes: Counter;
  outBytes: Counter;
}

export interface RatesJson {
  cps: Counter;
  inPps: Counter;
  outPps: Counter;
  inBps: Counter;
  outBps: Counter;
}

/** Names beside an address and port (absent under -n, and where none exists). */
export interface NamesJson {
  host?: string;
  portName?: string;
}

export interface TunnelJson {
  type: 'ipip' | 'gue' | 'gre';
  /** GUE only. */
  port?: number;
  /** GUE and GRE. */
  checksum?: 'nocsum' | 'csum' | 'remcsum';
}

export interface DestinationConfigJson {
  family: string;
  address: string;
  port: number;
  forwarding: string;
  weight: number;
  upperThreshold: number;
  lowerThreshold: number;
  tunnel: TunnelJson | null;
}

export interface DestinationJson extends DestinationConfigJson, NamesJson {
  activeConns: number;
  inactiveConns: number;
  persistentConns: number;
  stats: StatsJson;
  rates: RatesJson;
}

export interface PersistenceJson {
  timeout: number;
  /** IPv4: a dotted mask; IPv6: a prefix length (as ipvsadm's -M takes them). */
  netmask: string | number;
}

export interface ServiceConfigJson extends NamesJson {
  key: string;
  family: string;
  protocol?: string;
  address?: string;
  port?: number;
  fwmark?: number;
  scheduler: string;
  schedFlags: string[];
  persistence: PersistenceJson | null;
  /**
   * The mask of a service that is not persistent, only where it is not the full one (ipvsadm's
   * -M without -p sets it; -S does not show it). A persistent service's mask is in `persistence`.
   */
  netmask?: string | number;
  pe: string | null;
  onePacket: boolean;
  destinations: (DestinationConfigJson & NamesJson)[];
}

export interface ServiceJson extends Omit<ServiceConfigJson, 'destinations'>, NamesJson {
  stats: StatsJson;
  rates: RatesJson;
  destinations: DestinationJson[];
}

export interface TimeoutsJson {
  tcp: number;
  tcpFin: number;
  udp: number;
}

export interface DaemonJson {
  state: 'master' | 'backup';
  mcastInterface: string;
  syncId: number;
  syncMaxlen?: number;
  mcastGroup?: string;
  mcastPort?: number;
  mcastTtl?: number;
}

export interface InfoJson {
  version: string;
  connTableSize: number;
}

export interface EndpointJson extends NamesJson {
  address: string;
  port: number;
}

export interface ConnectionJson {
  protocol: string;
  /** Seconds until the entry expires. */
  expires: number;
  state: string;
  client: EndpointJson;
  virtual: EndpointJson;
  destination: EndpointJson;
  peName?: string;
  peData?: string;
}

// ---- names -------------------------------------------------------------------------------

/** How names are found beside addresses; null under -n. */
export interface NameLookup {
  host(address: string): Promise<string | null>;
  port(port: number, protocol: number): string | null;
}

/** The C library's look-ups, as ipvsadm's listing makes them (cached per process). */
export const systemNames: NameLookup = {
  host: (address) => hostName(address),
  port: (port, protocol) => getServByPort(port, protocolByNumber(protocol)?.name) ?? null,
};

async function namesOf(names: NameLookup | null, af: number, address: string, port: number, protocol: number): Promise<NamesJson> {
  if (!names) return {};
  const out: NamesJson = {};
  const host = await names.host(addressText(af, address));
  if (host !== null) out.host = host;
  const pname = names.port(port, protocol);
  if (pname !== null) out.portName = pname;
  return out;
}

// ---- renderers ---------------------------------------------------------------------------

const ZERO = 0n;
const counter = (v: bigint | undefined): Counter => (v ?? ZERO).toString();

export function statsJson(st: Stats | undefined): StatsJson {
  return { conns: counter(st?.conns), inPkts: counter(st?.inpkts), outPkts: counter(st?.outpkts), inBytes: counter(st?.inbytes), outBytes: counter(st?.outbytes) };
}

export function ratesJson(st: Stats | undefined): RatesJson {
  return { cps: counter(st?.cps), inPps: counter(st?.inpps), outPps: counter(st?.outpps), inBps: counter(st?.inbps), outBps: counter(st?.outbps) };
}

export function tunnelJson(d: Destination): TunnelJson | null {
  if (forwardingByMethod(d.fwdMethod)?.name !== 'tunnel') return null;
  const type = tunnelTypeByValue(d.tunType)?.name;
  if (!type) return null;
  const checksum = tunnelFlagsByValue(d.tunFlags)?.name;
  if (type === 'gue') return { type, port: d.tunPort & 0xffff, ...(checksum ? { checksum } : {}) };
  if (type === 'gre') return { type, ...(checksum ? { checksum } : {}) };
  return { type };
}

export function destinationConfigJson(d: Destination): DestinationConfigJson {
  return {
    family: familyName(d.af),
    address: addressText(d.af, d.address),
    port: d.port,
    forwarding: forwardingByMethod(d.fwdMethod)?.name ?? `method${d.fwdMethod & FWD_METHOD_MASK}`,
    weight: d.weight,
    upperThreshold: d.upperThreshold,
    lowerThreshold: d.lowerThreshold,
    tunnel: tunnelJson(d),
  };
}

/** A real server's configuration with names beside its address (-S without -n). */
async function destinationConfigNamed(d: Destination, svcProtocol: number, names: NameLookup | null): Promise<DestinationConfigJson & NamesJson> {
  const { family, address, port, ...rest } = destinationConfigJson(d);
  return { family, address, port, ...(await namesOf(names, d.af, d.address, d.port, svcProtocol)), ...rest };
}

/** A real server, with names looked up for the service's protocol (as ipvsadm does). */
export async function destinationJson(d: Destination, svcProtocol: number, names: NameLookup | null): Promise<DestinationJson> {
  const cfg = destinationConfigJson(d);
  return {
    family: cfg.family,
    address: cfg.address,
    port: cfg.port,
    ...(await namesOf(names, d.af, d.address, d.port, svcProtocol)),
    forwarding: cfg.forwarding,
    weight: cfg.weight,
    upperThreshold: cfg.upperThreshold,
    lowerThreshold: cfg.lowerThreshold,
    tunnel: cfg.tunnel,
    activeConns: d.activeConns,
    inactiveConns: d.inactConns,
    persistentConns: d.persistConns,
    stats: statsJson(d.stats),
    rates: ratesJson(d.stats),
  };
}

/** A mask as -M takes it: a dotted mask for IPv4, a prefix length for IPv6. */
const netmaskJson = (svc: Service): string | number => (svc.af === AF_INET6 ? svc.netmask : u32ToDotted(svc.netmask >>> 0));

function persistenceJson(svc: Service): PersistenceJson | null {
  if (!(svc.flags & SvcFlag.PERSISTENT)) return null;
  return { timeout: svc.timeout, netmask: netmaskJson(svc) };
}

/** A non-persistent service's mask, where it is not the full one (else apply would reset it). */
function loneNetmask(svc: Service): Pick<ServiceConfigJson, 'netmask'> {
  if (svc.flags & SvcFlag.PERSISTENT) return {};
  // IPv6: a prefix length; anything from 128 up covers the whole address.
  const full = svc.af === AF_INET6 ? svc.netmask >>> 0 >= NETMASK_V6_FULL : svc.netmask >>> 0 === NETMASK_V4_FULL;
  return full ? {} : { netmask: netmaskJson(svc) };
}

/** The identity part: `fwmark`, or `protocol`, `address`, `port`. */
function identity(svc: Service): Pick<ServiceConfigJson, 'key' | 'family' | 'protocol' | 'address' | 'port' | 'fwmark'> {
  const base = { key: serviceKeyText(svc), family: familyName(svc.af) };
  if (svc.fwmark) return { ...base, fwmark: svc.fwmark >>> 0 };
  return { ...base, protocol: protocolName(svc.protocol), address: addressText(svc.af, svc.address), port: svc.port };
}

/**
 * Every scheduler-flag bit set, by its -b word for the scheduler (sh-port, ...), else the generic
 * one. Unlike ipvsadm's text (which drops a third bit on sh and mh), no bit goes missing, and each
 * word reads back through -b.
 */
export function schedFlagNames(scheduler: string, flags: number): string[] {
  return SCHED_FLAGS.filter((f) => flags & f.bit).map((f) => (Object.prototype.hasOwnProperty.call(f.schedWords, scheduler) ? f.schedWords![scheduler] : f.schedWords!.generic));
}

function settings(svc: Service): Pick<ServiceConfigJson, 'scheduler' | 'schedFlags' | 'persistence' | 'netmask' | 'pe' | 'onePacket'> {
  return {
    scheduler: svc.scheduler,
    schedFlags: schedFlagNames(svc.scheduler, svc.flags),
    persistence: persistenceJson(svc),
    ...loneNetmask(svc),
    pe: svc.peName || null,
    onePacket: (svc.flags & SvcFlag.ONEPACKET) !== 0,
  };
}

/**
 * A service's configuration and its real servers' (what -S says, what apply reads back), with
 * names beside the addresses unless `names` is null.
 */
export async function serviceConfigJson(svc: ServiceState, names: NameLookup | null = null): Promise<ServiceConfigJson> {
  const dests = svc.destinations;
  const svcNames = svc.fwmark ? {} : await namesOf(names, svc.af, svc.address, svc.port, svc.protocol);
  const destinations = await Promise.all(dests.map((d) => destinationConfigNamed(d, svc.protocol, names)));
  return { ...identity(svc), ...svcNames, ...settings(svc), destinations };
}

/** A service as -L lists it: configuration, counters, real servers, names unless numeric. */
export async function serviceJson(svc: ServiceState, names: NameLookup | null): Promise<ServiceJson> {
  const dests = svc.destinations;
  const id = identity(svc);
  const svcNames = svc.fwmark ? {} : await namesOf(names, svc.af, svc.address, svc.port, svc.protocol);
  const destinations = await Promise.all(dests.map((d) => destinationJson(d, svc.protocol, names)));
  return { ...id, ...svcNames, ...settings(svc), stats: statsJson(svc.stats), rates: ratesJson(svc.stats), destinations };
}

export function infoJson(info: Info): InfoJson {
  const v = info.version;
  return { version: `${(v >> 16) & 0xff}.${(v >> 8) & 0xff}.${v & 0xff}`, connTableSize: info.connTabSize };
}

export function timeoutsJson(t: TimeoutConfig): TimeoutsJson {
  return { tcp: t.tcp, tcpFin: t.tcpFin, udp: t.udp };
}

/** The daemons as -L --daemon lists them (at most two; optional fields only when set). */
export function daemonsJson(daemons: readonly Daemon[]): DaemonJson[] {
  const out: DaemonJson[] = [];
  for (const d of daemons.slice(0, 2)) {
    const state = d.state & 1 ? 'master' : d.state & 2 ? 'backup' : undefined;
    if (!state) continue;
    const j: DaemonJson = { state, mcastInterface: d.mcastIfn, syncId: d.syncId };
    if (d.syncMaxlen) j.syncMaxlen = d.syncMaxlen;
    if (d.mcastGroup) j.mcastGroup = d.mcastGroup.includes(':') ? canonicalV6(d.mcastGroup) : d.mcastGroup;
    if (d.mcastPort) j.mcastPort = d.mcastPort;
    if (d.mcastTtl) j.mcastTtl = d.mcastTtl;
    out.push(j);
  }
  return out;
}

/** An endpoint of a connection, with names unless numeric. */
export async function endpointJson(af: number, address: string, port: number, protocol: number, names: NameLookup | null): Promise<EndpointJson> {
  return { address, port, ...(await namesOf(names, af, address, port, protocol)) };
}

/** JSON text of a value, pretty-printed as every document is. */
export const toJsonText = (value: unknown): string => JSON.stringify(value, null, 2);

/** A connection entry of -c. */
export async function connectionJson(rec: ConnRecord, names: NameLookup | null): Promise<ConnectionJson> {
  const ep = (e: ConnRecord['client']) => endpointJson(e.af, e.address, e.port, rec.protocolNumber, names);
  const [client, virtual, destination] = names
    ? await Promise.all([ep(rec.client), ep(rec.virtual), ep(rec.destination)])
    : [plain(rec.client), plain(rec.virtual), plain(rec.destination)];
  const out: ConnectionJson = { protocol: rec.protocol.toLowerCase(), expires: rec.expires, state: rec.state, client, virtual, destination };
  if (rec.pe) {
    out.peName = rec.pe.name;
    out.peData = rec.pe.data;
  }
  return out;
}

const plain = (e: ConnRecord['client']): EndpointJson => ({ address: e.address, port: e.port });
