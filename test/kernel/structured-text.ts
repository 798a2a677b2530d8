// What ipvsadm's text says, field by field, read out of tsipvsadm's JSON documents: each JSON
// record projected onto the tokens of the text line ipvsadm prints for it (names as ipvsadm forms
// them, its signed fwmarks, the low 32 bits it keeps of a real server's packet counters, the
// scheduler-flag words it drops). The tests split ipvsadm's own text into tokens and compare.

import type { ConnectionJson, DaemonJson, DestinationJson, ServiceConfigJson, ServiceJson, TimeoutsJson } from '../../src/format/json';

export type Format = 'default' | 'stats' | 'rate' | 'thresholds' | 'persistent-conn' | 'tun-info';

const FORWARD_LABEL: Record<string, string> = { masq: 'Masq', local: 'Local', tunnel: 'Tunnel', route: 'Route' };
const FORWARD_SWITCH: Record<string, string> = { masq: '-m', local: '-g', tunnel: '-i', route: '-g' };
const CHECKSUM_LABEL: Record<string, string> = { nocsum: '-c', csum: '+c', remcsum: 'r+c' };
const PROTO_LABEL: Record<string, string> = { tcp: 'TCP', udp: 'UDP', sctp: 'SCTP' };
const PROTO_SWITCH: Record<string, string> = { tcp: '-t', udp: '-u', sctp: '--sctp-service' };

const low32 = (s: string) => String(BigInt(s) & 0xffffffffn);
/** ipvsadm prints marks with %d. */
const signed = (mark: number) => String(mark | 0);

interface Named {
  address?: string;
  port?: number;
  host?: string;
  portName?: string;
  family?: string;
}

/** addrport_to_anyname, from the JSON's address, port and (without -n) names. */
export function anyName(o: Named, numeric: boolean): string {
  const host = numeric ? o.address! : (o.host ?? o.address!);
  const port = numeric ? String(o.port) : (o.portName ?? String(o.port));
  const s = o.family === 'inet6' || (o.family === undefined && o.address!.includes(':')) ? `[${host}]:${port}` : `${host}:${port}`;
  return s.slice(0, 59);
}

function serviceHead(s: ServiceJson | ServiceConfigJson, numeric: boolean): string[] {
  if (s.fwmark !== undefined) return ['FWM', signed(s.fwmark), ...(s.family === 'inet6' ? ['IPv6'] : [])];
  return [PROTO_LABEL[s.protocol!], anyName(s, numeric)];
}

/** The words ipvsadm prints for the flags (it names no third flag on sh and mh). */
function printedSchedFlags(s: ServiceConfigJson): string[] {
  return s.schedFlags.filter((w) => !((s.scheduler === 'sh' || s.scheduler === 'mh') && w === 'flag-3'));
}

function serviceSettings(s: ServiceConfigJson): string[] {
  const out = [s.scheduler];
  if (s.schedFlags.length) out.push(`(${printedSchedFlags(s).join(',')})`);
  if (s.persistence) {
    out.push('persistent', String(s.persistence.timeout));
    const full = s.family === 'inet6' ? 128 : '255.255.255.255';
    if (s.persistence.netmask !== full) out.push('mask', String(s.persistence.netmask));
    if (s.pe) out.push('pe', s.pe);
  }
  if (s.onePacket) out.push('ops');
  return out;
}

function tunInfo(d: DestinationJson): string {
  const t = d.tunnel;
  if (d.forwarding !== 'tunnel' || !t) return 'n/a';
  if (t.type === 'ipip') return 'ipip';
  if (t.type === 'gue') return `gue:${t.port}:${CHECKSUM_LABEL[t.checksum!]}`.slice(0, 15);
  return `gre:${CHECKSUM_LABEL[t.checksum!]}`;
}

/** The tokens of a service line and its real servers' lines, as `-L` in `format` prints them. */
export function listingTokens(s: ServiceJson, format: Format, numeric: boolean): string[][] {
  const head = serviceHead(s, numeric);
  const lines: string[][] = [];
  if (format === 'stats') lines.push([...head, s.stats.conns, s.stats.inPkts, s.stats.outPkts, s.stats.inBytes, s.stats.outBytes]);
  else if (format === 'rate') lines.push([...head, s.rates.cps, s.rates.inPps, s.rates.outPps, s.rates.inBps, s.rates.outBps]);
  else lines.push([...head, ...serviceSettings(s)]);
  for (const d of s.destinations) {
    const name = ['->', anyName({ ...d, portName: s.fwmark !== undefined ? undefined : d.portName }, numeric).slice(0, d.family === 'inet6' ? 59 : 28)];
    switch (format) {
      case 'stats':
        lines.push([...name, low32(d.stats.conns), low32(d.stats.inPkts), low32(d.stats.outPkts), d.stats.inBytes, d.stats.outBytes]);
        break;
      case 'rate':
        lines.push([...name, low32(d.rates.cps), low32(d.rates.inPps), low32(d.rates.outPps), low32(d.rates.inBps), low32(d.rates.outBps)]);
        break;
      case 'thresholds':
        lines.push([...name, String(d.upperThreshold), String(d.lowerThreshold), String(d.activeConns), String(d.inactiveConns)]);
        break;
      case 'persistent-conn':
        lines.push([...name, String(d.weight), String(d.persistentConns), String(d.activeConns), String(d.inactiveConns)]);
        break;
      case 'tun-info':
        lines.push([...name, FORWARD_LABEL[d.forwarding], tunInfo(d), String(d.weight), String(d.activeConns), String(d.inactiveConns)]);
        break;
      default:
        lines.push([...name, FORWARD_LABEL[d.forwarding], String(d.weight), String(d.activeConns), String(d.inactiveConns)]);
    }
  }
  return lines;
}

/** ipvsadm's -L text without its header and title lines, as tokens per line. */
export function textTokens(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l && !/^(IP Virtual Server version|Prot LocalAddress|  -> RemoteAddress)/.test(l))
    .map((l) => l.trim().split(/\s+/));
}

/** The `-S` lines of a service, from its configuration document. */
export function ruleLines(s: ServiceConfigJson, numeric: boolean): string[] {
  const svcName = s.fwmark !== undefined ? `-f ${signed(s.fwmark)}${s.family === 'inet6' ? ' -6' : ''}` : `${PROTO_SWITCH[s.protocol!]} ${anyName(s, numeric)}`;
  let line = `-A ${svcName} -s ${s.scheduler}`;
  if (s.persistence) {
    line += ` -p ${s.persistence.timeout}`;
    const full = s.family === 'inet6' ? 128 : '255.255.255.255';
    if (s.persistence.netmask !== full) line += ` -M ${s.persistence.netmask}`;
  }
  if (s.pe) line += ` --pe ${s.pe}`;
  if (s.onePacket) line += ' -o';
  if (s.schedFlags.length) line += ` -b ${printedSchedFlags(s).join(',')}`;
  const out = [line];
  for (const d of s.destinations as (DestinationJson & Named)[]) {
    const dname = anyName({ ...d, portName: s.fwmark !== undefined ? undefined : d.portName }, numeric);
    let dl = `-a ${svcName} -r ${dname} ${FORWARD_SWITCH[d.forwarding]} -w ${d.weight}`;
    if (d.forwarding === 'tunnel' && d.tunnel) {
      dl += ` --tun-type ${d.tunnel.type}`;
      if (d.tunnel.type === 'gue') dl += ` --tun-port ${d.tunnel.port}`;
      if (d.tunnel.checksum) dl += ` --tun-${d.tunnel.checksum}`;
    }
    out.push(dl);
  }
  return out;
}

export function timeoutText(t: TimeoutsJson): string {
  return `Timeout (tcp tcpfin udp): ${t.tcp} ${t.tcpFin} ${t.udp}\n`;
}

export function daemonText(d: DaemonJson): string {
  let s = `${d.state} sync daemon (mcast=${d.mcastInterface}, syncid=${d.syncId}`;
  if (d.syncMaxlen) s += `, maxlen=${d.syncMaxlen}`;
  if (d.mcastGroup) s += `, group=${d.mcastGroup}`;
  if (d.mcastPort) s += `, port=${d.mcastPort}`;
  if (d.mcastTtl) s += `, ttl=${d.mcastTtl}`;
  return s + ')\n';
}

/** A -c row's tokens with the expire column left out (it counts down between two reads). */
export function connTokens(c: ConnectionJson, numeric: boolean): string[] {
  const ep = (e: ConnectionJson['client']) => anyName(e, numeric).slice(0, 59);
  return [c.protocol.toUpperCase(), c.state, ep(c.client), ep(c.virtual), ep(c.destination)];
}

/** `mm:ss` of ipvsadm's expire column, in seconds. */
export const expireSeconds = (mmss: string): number => {
  const [m, s] = mmss.split(':').map(Number);
  return m * 60 + s;
};
