// `ipvsadm -L` output, piece by piece: the runner prints the header before it fetches the
// services, and fetches each service's destinations before printing the service line, exactly
// as ipvsadm does, so these are separate functions that return the bytes to print.

import { AF_INET, AF_INET6, FwdMethod, SCHED_FLAGS_MASK, SvcFlag, TunnelType } from '../ipvs/constants';
import type { Daemon, Destination, Info, Service, Stats, TimeoutConfig } from '../ipvs/types';
import { emptyStats } from '../ipvs/codec';
import { u32ToDotted } from '../net/inet';
import { FWD_METHOD_MASK, forwardingByMethod, tunnelFlagsByValue, tunnelTypeByValue } from '../model/tables';
import { canonicalV6, destName, schedFlagsText, serviceName } from './names';
import { fmtD, fmtLlu8, fmtU, low32, padRight, printLargeNum } from './numbers';
import { sortDests } from './sort';

export type ListFormat = 'default' | 'stats' | 'rate' | 'thresholds' | 'persistent-conn' | 'tun-info';

export interface ListFormatOptions {
  stats?: boolean;
  rate?: boolean;
  thresholds?: boolean;
  persistentConn?: boolean;
  tunInfo?: boolean;
}

export interface ServiceBlockOptions {
  format: ListFormat;
  numeric: boolean;
  exact: boolean;
  nosort: boolean;
}

/** `IP Virtual Server version 1.2.1 (size=4096)\n` (only for a list of all services). */
export function listHeader(info: Info): string {
  const v = info.version;
  return `IP Virtual Server version ${(v >> 16) & 0xff}.${(v >> 8) & 0xff}.${v & 0xff} (size=${fmtD(info.connTabSize)})\n`;
}

/** The first matching format wins: stats > rate > thresholds > persistent-conn > tun-info. */
export function listFormatFor(opts: ListFormatOptions): ListFormat {
  if (opts.stats) return 'stats';
  if (opts.rate) return 'rate';
  if (opts.thresholds) return 'thresholds';
  if (opts.persistentConn) return 'persistent-conn';
  if (opts.tunInfo) return 'tun-info';
  return 'default';
}

const PROT_LOCAL = padRight('Prot LocalAddress:Port', 33);
const DEST_TITLE = '  -> RemoteAddress:Port\n';

/** print_title. */
export function listTitle(format: ListFormat): string {
  const cols8 = (names: string[]) => names.map((n) => ' ' + n.padStart(8)).join('');
  switch (format) {
    case 'stats':
      return `${PROT_LOCAL}${cols8(['Conns', 'InPkts', 'OutPkts', 'InBytes', 'OutBytes'])}\n${DEST_TITLE}`;
    case 'rate':
      return `${PROT_LOCAL}${cols8(['CPS', 'InPPS', 'OutPPS', 'InBPS', 'OutBPS'])}\n${DEST_TITLE}`;
    case 'thresholds':
      return `${PROT_LOCAL} ${['Uthreshold', 'Lthreshold', 'ActiveConn', 'InActConn'].map((n) => padRight(n, 10)).join(' ')}\n${DEST_TITLE}`;
    case 'persistent-conn':
      return `${PROT_LOCAL} ${padRight('Weight', 9)} ${padRight('PersistConn', 11)} ${padRight('ActiveConn', 10)} ${padRight('InActConn', 10)}\n${DEST_TITLE}`;
    case 'tun-info':
      return (
        'Prot LocalAddress:Port Scheduler Flags\n' +
        '  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n'
      );
    default:
      return (
        'Prot LocalAddress:Port Scheduler Flags\n' +
        '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n'
      );
  }
}

/** What a listing shows for an object the kernel sent no statistics for. */
const ZERO_STATS: Stats = emptyStats();

/** fwd_name: Masq, Local, Tunnel, Route; glibc prints the NULL of methods 4..7 as `(null)`. */
export function fwdName(fwdMethod: number): string {
  return forwardingByMethod(fwdMethod)?.label ?? '(null)';
}

/** The `-c`/`+c`/`r+c` flag text; out-of-range indexes printed `(null)` in the observed build. */
function tunFlagText(flags: number): string {
  return tunnelFlagsByValue(flags)?.label ?? '(null)';
}

/** fwd_tun_info: the TunnelInfo column (`n/a` unless a tunnel of a known type). */
export function tunInfo(d: Destination): string {
  if ((d.fwdMethod & FWD_METHOD_MASK) !== FwdMethod.TUNNEL) return 'n/a';
  const type = tunnelTypeByValue(d.tunType);
  switch (type?.type) {
    case TunnelType.IPIP:
      return type.name;
    case TunnelType.GUE:
      return `${type.name}:${d.tunPort & 0xffff}:${tunFlagText(d.tunFlags)}`.slice(0, 15);
    case TunnelType.GRE:
      return `${type.name}:${tunFlagText(d.tunFlags)}`.slice(0, 15);
    default:
      return 'n/a';
  }
}

/** The text after `sched_name` on the default service line: flags, persistence, ops. */
function serviceFlagsText(svc: Service): string {
  let s = '';
  if (svc.flags & SCHED_FLAGS_MASK) s += ` (${schedFlagsText(svc.scheduler, svc.flags)})`;
  if (svc.flags & SvcFlag.PERSISTENT) {
    s += ` persistent ${fmtU(svc.timeout)}`;
    if (svc.af === AF_INET) {
      if (svc.netmask >>> 0 !== 0xffffffff) s += ` mask ${u32ToDotted(svc.netmask >>> 0)}`;
    } else if (svc.af === AF_INET6) {
      if (svc.netmask !== 128) s += ` mask ${fmtD(svc.netmask)}`;
    }
    if (svc.peName) s += ` pe ${svc.peName}`;
  }
  if (svc.flags & SvcFlag.ONEPACKET) s += ' ops';
  return s;
}

function destLine(d: Destination, dname: string, format: ListFormat, exact: boolean): string {
  const head = `  -> ${padRight(dname, 28)}`;
  switch (format) {
    case 'stats': {
      const st = d.stats ?? ZERO_STATS;
      // libipvs reads a dest's STATS64 with nla_get_u32: only the bytes stay 64-bit.
      return (
        head +
        printLargeNum(low32(st.conns), exact) +
        printLargeNum(low32(st.inpkts), exact) +
        printLargeNum(low32(st.outpkts), exact) +
        printLargeNum(st.inbytes, exact) +
        printLargeNum(st.outbytes, exact) +
        '\n'
      );
    }
    case 'rate': {
      const st = d.stats ?? ZERO_STATS;
      return (
        `${head} ${fmtLlu8(low32(st.cps))} ${fmtLlu8(low32(st.inpps))} ${fmtLlu8(low32(st.outpps))}` +
        printLargeNum(low32(st.inbps), exact) +
        printLargeNum(low32(st.outbps), exact) +
        '\n'
      );
    }
    case 'thresholds':
      return `${head} ${padRight(fmtU(d.upperThreshold), 10)} ${padRight(fmtU(d.lowerThreshold), 10)} ${padRight(fmtU(d.activeConns), 10)} ${padRight(fmtU(d.inactConns), 10)}\n`;
    case 'persistent-conn':
      return `${head} ${padRight(fmtU(d.weight), 9)} ${padRight(fmtU(d.persistConns), 11)} ${padRight(fmtU(d.activeConns), 10)} ${padRight(fmtU(d.inactConns), 10)}\n`;
    case 'tun-info':
      return `${head} ${padRight(fwdName(d.fwdMethod), 7)} ${padRight(tunInfo(d), 13)} ${padRight(fmtD(d.weight), 6)} ${padRight(fmtU(d.activeConns), 10)} ${padRight(fmtU(d.inactConns), 10)}\n`;
    default:
      return `${head} ${padRight(fwdName(d.fwdMethod), 7)} ${padRight(fmtD(d.weight), 6)} ${padRight(fmtU(d.activeConns), 10)} ${padRight(fmtU(d.inactConns), 10)}\n`;
  }
}

/**
 * One service line and its destination lines (print_service_entry). `dests` are in kernel
 * order; they are sorted unless `nosort`.
 */
export async function serviceBlock(
  svc: Service,
  dests: readonly Destination[],
  opts: ServiceBlockOptions,
): Promise<string> {
  const { format, numeric, exact } = opts;
  const name = await serviceName(svc, numeric, true);
  let out: string;
  if (format === 'stats' || format === 'rate') {
    const st = svc.stats ?? ZERO_STATS;
    const cols =
      format === 'stats'
        ? [st.conns, st.inpkts, st.outpkts, st.inbytes, st.outbytes]
        : [st.cps, st.inpps, st.outpps, st.inbps, st.outbps];
    out = padRight(name, 33) + cols.map((v) => printLargeNum(v, exact)).join('') + '\n';
  } else {
    out = `${name} ${svc.scheduler}${serviceFlagsText(svc)}\n`;
  }
  const list = opts.nosort ? dests : sortDests(dests);
  const names = await Promise.all(list.map((d) => destName(d, svc.protocol, numeric, true)));
  for (let i = 0; i < list.length; i++) out += destLine(list[i], names[i], format, exact);
  return out;
}

/** `-L --timeout`. */
export function timeoutLine(cfg: TimeoutConfig): string {
  return `Timeout (tcp tcpfin udp): ${fmtD(cfg.tcp)} ${fmtD(cfg.tcpFin)} ${fmtD(cfg.udp)}\n`;
}

/** `-L --daemon`: one line per running daemon (libipvs keeps at most two), master/backup by state. */
export function daemonLines(daemons: readonly Daemon[]): string {
  let out = '';
  for (const d of daemons.slice(0, 2)) {
    let type: string;
    if (d.state & 1) type = 'master';
    else if (d.state & 2) type = 'backup';
    else continue;
    out += `${type} sync daemon (mcast=${d.mcastIfn}, syncid=${fmtD(d.syncId)}`;
    if (d.syncMaxlen) out += `, maxlen=${fmtU(d.syncMaxlen)}`;
    if (d.mcastGroup !== undefined && d.mcastGroup !== '') {
      out += `, group=${d.mcastGroup.includes(':') ? canonicalV6(d.mcastGroup) : d.mcastGroup}`;
    }
    if (d.mcastPort) out += `, port=${fmtU(d.mcastPort)}`;
    if (d.mcastTtl) out += `, ttl=${fmtU(d.mcastTtl)}`;
    out += ')\n';
  }
  return out;
}
