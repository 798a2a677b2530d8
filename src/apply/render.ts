// A plan as ipvsadm command lines (what `diff` and `apply --dry-run` print): fed to ipvsadm -R,
// the text reaches the state apply reaches. -E and -e replace every setting, so each line
// carries the object's complete settings, never just the changed ones.
//
// Some kernel states have no ipvsadm spelling (a real server on LOCALNODE, a direct-routing
// server whose port differs from the service's, a non-persistent service with a timeout, ...):
// those operations raise NotExpressible instead of printing a line that would do something else.

import { AF_INET, AF_INET6, FwdMethod, IPPROTO_UDP, NETMASK_V4_FULL, NETMASK_V6_FULL, SCHED_FLAGS_MASK, SvcFlag, TunnelFlags, TunnelType } from '../ipvs/constants';
import type { Destination, Service } from '../ipvs/types';
import { u32ToDotted } from '../net/inet';
import { MAX_TIMEOUT } from '../cli/options/values';
import { INT_MAX } from '../cli/options/c-numbers';
import { formatHostPort } from '../model/notation';
import { forwardingByMethod, KERNEL_INTERNAL_FLAGS, protocolByNumber, SCHED_FLAGS, SERVICE_FLAGS, tunnelFlagsByValue, tunnelTypeByValue } from '../model/tables';
import type { Operation, Plan } from './plan';

/** An operation ipvsadm's command line cannot express exactly. */
export class NotExpressible extends Error {}

/** The flag bits some ipvsadm option sets (HASHED is the kernel's own). */
const SETTABLE_SERVICE_FLAGS = SERVICE_FLAGS.filter((f) => !f.kernelInternal).reduce((m, f) => m | f.bit, 0);

/** A token ipvsadm -R reads back whole: no white space, not empty. */
function token(text: string, what: string): string {
  if (text === '' || /[ \t\n\r\0]/.test(text)) throw new NotExpressible(`${what} ${JSON.stringify(text)} cannot be written as one ipvsadm argument`);
  return text;
}

const addrPort = formatHostPort;

/** The service's `-t|-u|--sctp-service addr:port` or `-f mark [-6]`. */
export function serviceArgs(svc: Service): string {
  if (svc.fwmark) return `-f ${svc.fwmark >>> 0}${svc.af === AF_INET6 ? ' -6' : ''}`;
  const proto = protocolByNumber(svc.protocol);
  if (!proto) throw new NotExpressible(`protocol ${svc.protocol} has no ipvsadm option`);
  return `${proto.ruleSwitch} ${addrPort(svc.af, svc.address, svc.port)}`;
}

/** -b's words for the flag bits: the scheduler's own name where it has one, else `flag-N`. */
function schedFlagWords(scheduler: string, flags: number): string {
  return SCHED_FLAGS.filter((f) => flags & f.bit)
    .map((f) => f.schedWords![scheduler] ?? f.schedWords!.generic)
    .join(',');
}

/** `-s sched [-p T] [-M mask] [--pe name] [-o] [-b flags]`: every setting -A/-E sends. */
function serviceSettingArgs(svc: Service): string {
  const flags = (svc.flags & ~KERNEL_INTERNAL_FLAGS) >>> 0;
  if (flags & ~SETTABLE_SERVICE_FLAGS) throw new NotExpressible(`service flags 0x${flags.toString(16)} have no ipvsadm option`);
  let s = ` -s ${token(svc.scheduler, 'scheduler')}`;
  if (flags & SvcFlag.PERSISTENT) {
    if (svc.timeout < 1 || svc.timeout > MAX_TIMEOUT) throw new NotExpressible(`persistence timeout ${svc.timeout} is outside ipvsadm's 1..${MAX_TIMEOUT}`);
    s += ` -p ${svc.timeout}`;
  } else if (svc.timeout !== 0) {
    throw new NotExpressible(`a timeout (${svc.timeout}) without persistence has no ipvsadm option`);
  } else if (!svc.fwmark && svc.port === 0) {
    throw new NotExpressible('ipvsadm refuses port 0 for a non-persistent service');
  }
  const full = svc.af === AF_INET6 ? NETMASK_V6_FULL : NETMASK_V4_FULL;
  if (svc.netmask >>> 0 !== full) {
    if (svc.af === AF_INET6 && (svc.netmask < 1 || svc.netmask > 128)) throw new NotExpressible(`IPv6 netmask ${svc.netmask} is outside 1..128`);
    s += ` -M ${svc.af === AF_INET ? u32ToDotted(svc.netmask >>> 0) : svc.netmask}`;
  }
  if (svc.peName) s += ` --pe ${token(svc.peName, 'persistence engine')}`;
  if (flags & SvcFlag.ONEPACKET) {
    if (!svc.fwmark && svc.protocol !== IPPROTO_UDP) throw new NotExpressible('ipvsadm allows -o only for UDP and fwmark services');
    s += ' -o';
  }
  if (flags & SCHED_FLAGS_MASK) s += ` -b ${schedFlagWords(svc.scheduler, flags)}`;
  return s;
}

/** `-r addr:port` plus every setting -a/-e sends. */
function destSettingArgs(svc: Service, d: Destination): string {
  // Only the methods an option selects: LOCALNODE's `-g` (what -S prints) would set DROUTE.
  const method = forwardingByMethod(d.fwdMethod);
  const fwd = method?.shortOption && `-${method.shortOption}`;
  if (!fwd) throw new NotExpressible(`forwarding method ${d.fwdMethod} has no ipvsadm option`);
  if (!svc.fwmark && d.fwdMethod !== FwdMethod.MASQ && d.port !== svc.port) {
    throw new NotExpressible(`ipvsadm gives a ${d.fwdMethod === FwdMethod.TUNNEL ? 'tunnelling' : 'direct-routing'} server the service's port (${svc.port}), not ${d.port}`);
  }
  if (d.af !== svc.af && d.fwdMethod !== FwdMethod.TUNNEL) throw new NotExpressible('only a tunnelling server may have another address family than its service');
  for (const [value, what] of [[d.weight, 'weight'], [d.upperThreshold, 'upper threshold'], [d.lowerThreshold, 'lower threshold']] as const) {
    if (value < 0 || value > INT_MAX) throw new NotExpressible(`${what} ${value} is outside ipvsadm's 0..${INT_MAX}`);
  }
  let s = ` -r ${addrPort(d.af, d.address, d.port)} ${fwd} -w ${d.weight}`;
  if (d.upperThreshold) s += ` -x ${d.upperThreshold}`;
  if (d.lowerThreshold) s += ` -y ${d.lowerThreshold}`;
  if (d.fwdMethod !== FwdMethod.TUNNEL) {
    if (d.tunType || d.tunPort || d.tunFlags) throw new NotExpressible('tunnel settings on a server that does not tunnel have no ipvsadm option');
    return s;
  }
  const typeName = tunnelTypeByValue(d.tunType)?.name;
  if (typeName === undefined) throw new NotExpressible(`tunnel type ${d.tunType} has no ipvsadm name`);
  s += ` --tun-type ${typeName}`;
  switch (d.tunType) {
    case TunnelType.IPIP:
      if (d.tunPort || d.tunFlags) throw new NotExpressible('ipvsadm allows no tunnel port or checksum option with ipip');
      return s;
    case TunnelType.GUE:
      if (d.tunPort < 1 || d.tunPort > 65535) throw new NotExpressible(`GUE port ${d.tunPort} is outside 1..65535`);
      if (!tunnelFlagsByValue(d.tunFlags)) throw new NotExpressible(`tunnel flags ${d.tunFlags} have no ipvsadm option`);
      return `${s} --tun-port ${d.tunPort} --${tunnelFlagsByValue(d.tunFlags)!.longOption}`;
    default: // GRE
      if (d.tunPort) throw new NotExpressible('ipvsadm allows no tunnel port with gre');
      if (d.tunFlags !== TunnelFlags.NOCSUM && d.tunFlags !== TunnelFlags.CSUM) throw new NotExpressible(`ipvsadm allows only --tun-nocsum or --tun-csum with gre`);
      return `${s} --${tunnelFlagsByValue(d.tunFlags)!.longOption}`;
  }
}

/** One operation as an ipvsadm command line (no argv[0], no newline); '' for a drain step. */
export function commandLine(op: Operation): string {
  switch (op.kind) {
    case 'add-service':
      return `-A ${serviceArgs(op.service)}${serviceSettingArgs(op.service)}`;
    case 'edit-service':
      return `-E ${serviceArgs(op.service)}${serviceSettingArgs(op.service)}`;
    case 'delete-service':
      return `-D ${serviceArgs(op.service)}`;
    case 'add-server':
      return `-a ${serviceArgs(op.service)}${destSettingArgs(op.service, op.dest)}`;
    case 'edit-server':
      return `-e ${serviceArgs(op.service)}${destSettingArgs(op.service, op.dest)}`;
    case 'delete-server':
      // -d sends only the key that matters; the port is never forced here.
      return `-d ${serviceArgs(op.service)} -r ${addrPort(op.dest.af, op.dest.address, op.dest.port)}`;
    case 'drain':
      return '';
  }
}

/** The plan as ipvsadm -R input: one line per request. */
export function planText(plan: Plan): string {
  let out = '';
  for (const op of plan.operations) {
    const line = commandLine(op);
    if (line) out += line + '\n';
  }
  return out;
}
