// Rates for `top`: per second, from the kernel's counters.
//
// The kernel also keeps rate fields (cps, inpps, ...), but its estimator folds the counters only
// every 2 seconds and smooths them over several periods, so after a change it lags by seconds and
// never shows a short burst at its size. top takes two readings of the 64-bit counters and divides
// their difference by the time between the readings: the exact average over the refresh interval
// the user chose. The first frame (and the single frame printed when stdout is not a terminal)
// has no earlier reading; it shows the kernel's estimate. A counter that went down (zeroed with
// -Z) also falls back to the estimate for that refresh.

import type { Stats } from '../../ipvs/types';

export interface Rates {
  cps: number;
  inpps: number;
  outpps: number;
  inbps: number;
  outbps: number;
}

/** Which counter each rate is the derivative of. */
export const RATE_COUNTERS: ReadonlyArray<readonly [keyof Rates, keyof Stats]> = [
  ['cps', 'conns'],
  ['inpps', 'inpkts'],
  ['outpps', 'outpkts'],
  ['inbps', 'inbytes'],
  ['outbps', 'outbytes'],
];

/** Counters read at one moment (`at`: a monotonic clock, in milliseconds). */
export interface Sample {
  at: number;
  stats: Stats;
}

export const ZERO_RATES: Rates = { cps: 0, inpps: 0, outpps: 0, inbps: 0, outbps: 0 };

/** The kernel's own estimate. */
export function kernelRates(stats: Stats): Rates {
  const r = { ...ZERO_RATES };
  for (const [rate] of RATE_COUNTERS) r[rate] = Number(stats[rate]);
  return r;
}

/** Rates between two readings of the same object; the kernel's estimate without a usable earlier one. */
export function ratesBetween(prev: Sample | undefined, cur: Sample): Rates {
  const seconds = prev ? (cur.at - prev.at) / 1000 : 0;
  if (!prev || seconds <= 0) return kernelRates(cur.stats);
  const went = RATE_COUNTERS.map(([, counter]) => cur.stats[counter] - prev.stats[counter]);
  if (went.some((d) => d < 0n)) return kernelRates(cur.stats);
  const r = { ...ZERO_RATES };
  RATE_COUNTERS.forEach(([rate], i) => (r[rate] = Number(went[i]) / seconds));
  return r;
}
