// `ipvsadm -S` (print_service_entry with FMT_RULE): one `-A` line per service and one `-a` line
// per destination, sorted like the listing. No header, no title.

import { AF_INET, AF_INET6, FwdMethod, SCHED_FLAGS_MASK, SvcFlag, TunnelType } from '../ipvs/constants';
import type { Destination, Service } from '../ipvs/types';
import { u32ToDotted } from '../net/inet';
import { FWD_METHOD_MASK, forwardingByMethod, tunnelFlagsByValue, tunnelTypeByValue } from '../model/tables';
import { destName, schedFlagsText, serviceName } from './names';
import { fmtD, fmtU } from './numbers';
import { sortDests } from './sort';

/**
 * Thrown where ipvsadm itself crashes: `-S` of a tunnel dest whose tun_flags index past
 * tun_flags_opts[] (SIGSEGV observed for tun_flags = 3). The runner should end the way the
 * binary does (killed by SIGSEGV, status 139, stdout still in its buffer is lost).
 */
export class SimulatedCrash extends Error {
  constructor(
    public readonly signal: 'SIGSEGV',
    message: string,
  ) {
    super(message);
    this.name = 'SimulatedCrash';
  }
}

/** fwd_switch: -m, -i, -g (LOCALNODE and DROUTE); NULL, printed `(null)`, for 4..7. */
export function fwdSwitch(fwdMethod: number): string {
  return forwardingByMethod(fwdMethod)?.ruleSwitch ?? '(null)';
}

/** tun_flags_opts[flags], or the crash ipvsadm has where flags index past that table. */
function tunFlagOpt(flags: number): string {
  const entry = tunnelFlagsByValue(flags);
  if (entry === undefined) throw new SimulatedCrash('SIGSEGV', `tun_flags ${flags} indexes past tun_flags_opts`);
  return `--${entry.longOption}`;
}

/** The `-A` line's text after `-A svc_name -s sched`. */
function serviceRuleOptions(svc: Service): string {
  let s = '';
  if (svc.flags & SvcFlag.PERSISTENT) {
    s += ` -p ${fmtU(svc.timeout)}`;
    if (svc.af === AF_INET) {
      if (svc.netmask >>> 0 !== 0xffffffff) s += ` -M ${u32ToDotted(svc.netmask >>> 0)}`;
    } else if (svc.af === AF_INET6) {
      if (svc.netmask !== 128) s += ` -M ${fmtD(svc.netmask)}`;
    }
  }
  if (svc.peName) s += ` --pe ${svc.peName}`;
  if (svc.flags & SvcFlag.ONEPACKET) s += ' -o';
  if (svc.flags & SCHED_FLAGS_MASK) s += ` -b ${schedFlagsText(svc.scheduler, svc.flags)}`;
  return s;
}

function destRule(svcName: string, d: Destination, dname: string): string {
  const base = `-a ${svcName} -r ${dname} ${fwdSwitch(d.fwdMethod)} -w ${fmtD(d.weight)}`;
  if ((d.fwdMethod & FWD_METHOD_MASK) !== FwdMethod.TUNNEL) return base + '\n';
  const type = tunnelTypeByValue(d.tunType);
  switch (type?.type) {
    case TunnelType.IPIP:
      return `${base} --tun-type ${type.name}\n`;
    case TunnelType.GUE: {
      const head = `${base} --tun-type ${type.name} --tun-port ${d.tunPort & 0xffff} `;
      return `${head}${tunFlagOpt(d.tunFlags)}\n`;
    }
    case TunnelType.GRE: {
      const head = `${base} --tun-type ${type.name} `;
      return `${head}${tunFlagOpt(d.tunFlags)}\n`;
    }
    default:
      return base + '\n';
  }
}

/**
 * The `-S` lines of one service and its destinations: `dests` in kernel order are sorted here;
 * `ordered` says they already are in ipvsadm's order (as the snapshot reader gives them).
 */
export async function saveBlock(svc: Service, dests: readonly Destination[], numeric: boolean, ordered = false): Promise<string> {
  const name = await serviceName(svc, numeric, false);
  let out = `-A ${name} -s ${svc.scheduler}${serviceRuleOptions(svc)}\n`;
  const list = ordered ? dests : sortDests(dests);
  const names = await Promise.all(list.map((d) => destName(d, svc.protocol, numeric, false)));
  for (let i = 0; i < list.length; i++) out += destRule(name, list[i], names[i]);
  return out;
}
