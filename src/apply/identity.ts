// Identity and equality of services and real servers, as the kernel sees them: which fields name
// an object (and so cannot be edited) and which are settings (edited in place by SET_SERVICE /
// SET_DEST). Read-back-only fields (HASHED, counters, connection counts) never count as a change.

import { AF_INET6, SvcFlag } from '../ipvs/constants';
import type { Destination, Service } from '../ipvs/types';
import { inetPton6, ntop6 } from '../net/inet';

/** IPv6 text in inet_ntop form, so `2001:db8:0::1` and `2001:db8::1` name the same object. */
function canonicalAddress(af: number, address: string): string {
  if (af !== AF_INET6) return address;
  const bytes = inetPton6(address);
  return bytes ? ntop6(bytes) : address;
}

/**
 * The kernel's service look-up key: (af, fwmark) for a firewall-mark service (the kernel reports
 * no protocol, address or port for those), else (af, protocol, address, port).
 */
export function serviceId(svc: Service): string {
  if (svc.fwmark) return `fwm ${svc.af} ${svc.fwmark >>> 0}`;
  return `${svc.af} ${svc.protocol} ${canonicalAddress(svc.af, svc.address)} ${svc.port}`;
}

/** The kernel's real-server look-up key within a service: (af, address, port). */
export function destId(dest: Destination): string {
  return `${dest.af} ${canonicalAddress(dest.af, dest.address)} ${dest.port}`;
}

/** The settings SET_SERVICE replaces, in the order they are reported as differences. */
export const SERVICE_SETTINGS = ['scheduler', 'flags', 'timeout', 'netmask', 'peName'] as const;
/** The settings SET_DEST replaces. */
export const DEST_SETTINGS = ['fwdMethod', 'weight', 'upperThreshold', 'lowerThreshold', 'tunType', 'tunPort', 'tunFlags'] as const;

/** Flags as a user means them: the kernel's HASHED bit is set on every service it reports. */
const userFlags = (flags: number) => (flags & ~SvcFlag.HASHED) >>> 0;

function serviceSetting(svc: Service, key: (typeof SERVICE_SETTINGS)[number]): string | number {
  if (key === 'flags') return userFlags(svc.flags);
  if (key === 'netmask') return svc.netmask >>> 0;
  return svc[key];
}

/** The settings of `a` that differ from `b`'s (empty: nothing to edit). */
export function serviceDifferences(a: Service, b: Service): string[] {
  return SERVICE_SETTINGS.filter((k) => serviceSetting(a, k) !== serviceSetting(b, k));
}

export function destDifferences(a: Destination, b: Destination): string[] {
  return DEST_SETTINGS.filter((k) => a[k] !== b[k]);
}
