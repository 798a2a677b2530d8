// What the planner compares: the model's identity keys (what the kernel looks objects up by, so
// what cannot be edited) and, for objects with the same key, which settings differ (what
// SET_SERVICE / SET_DEST would change). Counters, statistics and the kernel's HASHED bit never
// count as a difference.

import type { DestinationConfig, ServiceConfig } from '../ipvs/types';
import { destinationConfigOf, destinationKey, serviceConfigOf, serviceKey } from '../model/identity';

export { serviceKey as serviceId, destinationKey as destId };

/** The settings SET_SERVICE replaces, in the order differences are reported. */
export const SERVICE_SETTINGS = ['scheduler', 'flags', 'timeout', 'netmask', 'peName'] as const;
/** The settings SET_DEST replaces. */
export const DEST_SETTINGS = ['fwdMethod', 'weight', 'upperThreshold', 'lowerThreshold', 'tunType', 'tunPort', 'tunFlags'] as const;

/** The settings of `a` that differ from `b`'s (empty: nothing to edit). */
export function serviceDifferences(a: ServiceConfig, b: ServiceConfig): string[] {
  const x = serviceConfigOf(a);
  const y = serviceConfigOf(b);
  // Flags and IPv4 masks are u32s: compare them unsigned whatever sign they were given with.
  const value = (c: ServiceConfig, k: (typeof SERVICE_SETTINGS)[number]) => (k === 'flags' || k === 'netmask' ? c[k] >>> 0 : c[k]);
  return SERVICE_SETTINGS.filter((k) => value(x, k) !== value(y, k));
}

export function destDifferences(a: DestinationConfig, b: DestinationConfig): string[] {
  const x = destinationConfigOf(a);
  const y = destinationConfigOf(b);
  return DEST_SETTINGS.filter((k) => x[k] !== y[k]);
}
