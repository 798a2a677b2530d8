// ipvsadm's sorting: glibc 2.36 qsort (merge sort for these element sizes) with libipvs's
// ipvs_cmp_services / ipvs_cmp_dests. The comparators subtract 32-bit values and wrap the
// result to int, so they are not transitive; the result depends on the exact algorithm, which is
// why this is a faithful copy of glibc's msort_with_tmp and not Array.prototype.sort.

import { AF_INET6 } from '../ipvs/constants';
import type { Destination, Service } from '../ipvs/types';
import { inetPton4, inetPton6 } from '../net/inet';

/**
 * glibc msort_with_tmp: top-down, left half n1 = floor(n/2), right half the rest; the merge
 * takes from the left while cmp(left, right) <= 0. Returns a new array; `items` is untouched.
 */
export function glibcMergeSort<T>(items: readonly T[], cmp: (a: T, b: T) => number): T[] {
  const a = items.slice();
  const tmp = new Array<T>(a.length);
  const msort = (lo: number, n: number): void => {
    if (n <= 1) return;
    const n1 = n >>> 1;
    const n2 = n - n1;
    msort(lo, n1);
    msort(lo + n1, n2);
    let i = lo;
    const iEnd = lo + n1;
    let j = lo + n1;
    const jEnd = lo + n;
    let k = 0;
    while (i < iEnd && j < jEnd) {
      if (cmp(a[i], a[j]) <= 0) tmp[k++] = a[i++];
      else tmp[k++] = a[j++];
    }
    while (i < iEnd) tmp[k++] = a[i++];
    // What is left of the right half is already in place.
    for (let m = 0; m < k; m++) a[lo + m] = tmp[m];
  };
  msort(0, a.length);
  return a;
}

/** The four 32-bit words of an nf_inet_addr in host order (IPv4 in word 0, the rest 0). */
function addrWords(af: number, address: string): [number, number, number, number] {
  const b = af === AF_INET6 ? inetPton6(address) : inetPton4(address);
  const w: [number, number, number, number] = [0, 0, 0, 0];
  if (!b) return w;
  for (let k = 0; k < b.length / 4; k++) {
    w[k] = ((b[4 * k] << 24) | (b[4 * k + 1] << 16) | (b[4 * k + 2] << 8) | b[4 * k + 3]) >>> 0;
  }
  return w;
}

/** A service with its comparison key decoded once. */
interface SvcKey {
  fwmark: number;
  af: number;
  protocol: number;
  w: [number, number, number, number];
  port: number;
}

interface DestKey {
  af: number;
  w: [number, number, number, number];
  port: number;
}

function svcKey(s: Service): SvcKey {
  return {
    fwmark: s.fwmark >>> 0,
    af: s.af,
    protocol: s.protocol,
    w: s.fwmark && !s.address ? [0, 0, 0, 0] : addrWords(s.af, s.address),
    port: s.port,
  };
}

function destKey(d: Destination): DestKey {
  return { af: d.af, w: addrWords(d.af, d.address), port: d.port };
}

/** (int)(a - b) for two u32 values. */
const wrapSub = (a: number, b: number): number => (a - b) | 0;

function cmpAddr(af1: number, w1: readonly number[], w2: readonly number[]): number {
  if (af1 === AF_INET6) {
    let r = 0;
    for (let i = 0; r === 0 && i < 4; i++) r = wrapSub(w1[i], w2[i]);
    return r;
  }
  return wrapSub(w1[0], w2[0]);
}

function cmpSvcKeys(s1: SvcKey, s2: SvcKey): number {
  let r = wrapSub(s1.fwmark, s2.fwmark);
  if (r) return r;
  r = s1.af - s2.af;
  if (r) return r;
  r = s1.protocol - s2.protocol;
  if (r) return r;
  r = cmpAddr(s1.af, s1.w, s2.w);
  if (r) return r;
  return s1.port - s2.port;
}

function cmpDestKeys(d1: DestKey, d2: DestKey): number {
  const r = cmpAddr(d1.af, d1.w, d2.w);
  if (r) return r;
  return d1.port - d2.port;
}

/** ipvs_cmp_services: wrapped fwmark difference, then af, protocol, address (s1's af), port. */
export function compareServices(s1: Service, s2: Service): number {
  return cmpSvcKeys(svcKey(s1), svcKey(s2));
}

/** ipvs_cmp_dests: address judged on d1's af only (wrapped 32-bit word differences), then port. */
export function compareDests(d1: Destination, d2: Destination): number {
  return cmpDestKeys(destKey(d1), destKey(d2));
}

function sortByKey<T, K>(items: readonly T[], key: (t: T) => K, cmp: (a: K, b: K) => number): T[] {
  const keyed = items.map((item) => ({ item, k: key(item) }));
  return glibcMergeSort(keyed, (a, b) => cmp(a.k, b.k)).map((e) => e.item);
}

/** The services in the order `ipvsadm -L` prints them. */
export function sortServices<T extends Service>(services: readonly T[]): T[] {
  return sortByKey(services, svcKey, cmpSvcKeys);
}

/** A service's destinations in the order ipvsadm prints them. */
export function sortDests<T extends Destination>(dests: readonly T[]): T[] {
  return sortByKey(dests, destKey, cmpDestKeys);
}
