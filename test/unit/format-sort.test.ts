import { describe, expect, it } from 'vitest';
import {
  compareDests,
  compareServices,
  glibcMergeSort,
  sortDests,
  sortServices,
} from '../../src/format/sort';
import { AF_INET, AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP } from '../../src/ipvs/constants';
import { dest, svc } from './format-fixture';

/** An independent, plainly written top-down merge sort (n1 = floor(n/2), left wins on <= 0). */
function referenceMergeSort<T>(a: T[], cmp: (x: T, y: T) => number): T[] {
  if (a.length <= 1) return a.slice();
  const n1 = Math.floor(a.length / 2);
  const left = referenceMergeSort(a.slice(0, n1), cmp);
  const right = referenceMergeSort(a.slice(n1), cmp);
  const out: T[] = [];
  while (left.length && right.length) out.push(cmp(left[0], right[0]) <= 0 ? left.shift()! : right.shift()!);
  return out.concat(left, right);
}

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ipOf = (r: () => number) =>
  [0, 0, 0, 0].map(() => Math.floor(r() * 256)).join('.');

describe('glibcMergeSort', () => {
  it('sorts numbers and is stable', () => {
    const items = [3, 1, 2, 1, 3, 0].map((v, i) => ({ v, i }));
    const out = glibcMergeSort(items, (a, b) => a.v - b.v);
    expect(out.map((e) => `${e.v}.${e.i}`)).toEqual(['0.5', '1.1', '1.3', '2.2', '3.0', '3.4']);
    expect(items.map((e) => e.v)).toEqual([3, 1, 2, 1, 3, 0]); // input untouched
  });

  it('follows the exact merge order on a cyclic (non-transitive) comparator', () => {
    // 0.0.0.1 < 100.0.0.1 < 200.0.0.1 < 0.0.0.1 under the wrapped subtraction.
    const a = dest({ address: '0.0.0.1' });
    const b = dest({ address: '100.0.0.1' });
    const c = dest({ address: '200.0.0.1' });
    expect(compareDests(a, b)).toBeLessThan(0);
    expect(compareDests(b, c)).toBeLessThan(0);
    expect(compareDests(c, a)).toBeLessThan(0);
    // [c] | [b, a] -> right half becomes [a, b]; merge: c before a (cmp < 0), then a, b.
    expect(sortDests([c, b, a]).map((d) => d.address)).toEqual(['200.0.0.1', '0.0.0.1', '100.0.0.1']);
    // A different input order of the same three gives a different "sorted" order.
    expect(sortDests([a, b, c]).map((d) => d.address)).toEqual(['0.0.0.1', '100.0.0.1', '200.0.0.1']);
  });

  it('matches an independent top-down merge sort on random IPv4 lists', () => {
    const r = rng(12345);
    for (let round = 0; round < 500; round++) {
      const n = 1 + Math.floor(r() * 40);
      const list = Array.from({ length: n }, () =>
        dest({ address: ipOf(r), port: Math.floor(r() * 4) }),
      );
      const expected = referenceMergeSort(list, compareDests);
      expect(glibcMergeSort(list, compareDests)).toEqual(expected);
      expect(sortDests(list)).toEqual(expected);
    }
  });

  it('matches it on random mixed service lists (fwmarks, families, protocols)', () => {
    const r = rng(777);
    const protos = [IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP];
    for (let round = 0; round < 300; round++) {
      const n = 1 + Math.floor(r() * 30);
      const list = Array.from({ length: n }, () => {
        const kind = r();
        if (kind < 0.2) {
          return svc({ fwmark: Math.floor(r() * 4294967296), protocol: 0, af: r() < 0.5 ? AF_INET : AF_INET6 });
        }
        if (kind < 0.4) {
          const words = Array.from({ length: 8 }, () => Math.floor(r() * 65536).toString(16));
          return svc({ af: AF_INET6, address: words.join(':'), port: Math.floor(r() * 3), protocol: protos[Math.floor(r() * 3)] });
        }
        return svc({ address: ipOf(r), port: Math.floor(r() * 3), protocol: protos[Math.floor(r() * 3)] });
      });
      expect(sortServices(list)).toEqual(referenceMergeSort(list, compareServices));
    }
  });
});

describe('ipvsadm comparators', () => {
  it('192.168.1.10 sorts before 10.1.1.1 (wrapped subtraction, observed)', () => {
    const a = svc({ address: '10.1.1.1', port: 0 });
    const b = svc({ address: '192.168.1.10', port: 80 });
    expect(sortServices([a, b]).map((s) => s.address)).toEqual(['192.168.1.10', '10.1.1.1']);
    expect(sortServices([b, a]).map((s) => s.address)).toEqual(['192.168.1.10', '10.1.1.1']);
  });

  it('fwmark services follow non-fwmark ones, except fwmarks above 2^31 which come first', () => {
    const list = [
      svc({ fwmark: 5, protocol: 0 }),
      svc({ address: '10.0.0.1', port: 80 }),
      svc({ fwmark: 3000000000, protocol: 0 }),
      svc({ fwmark: 4294967294, protocol: 0 }),
    ];
    expect(sortServices(list).map((s) => s.fwmark)).toEqual([3000000000, 4294967294, 0, 5]);
  });

  it('fwmark exactly 2^31 is "less" than 0 from both sides (INT_MIN), so position decides', () => {
    const zero = svc({ address: '10.0.0.1', port: 80 });
    const big = svc({ fwmark: 2147483648, protocol: 0 });
    expect(compareServices(zero, big)).toBe(-2147483648);
    expect(compareServices(big, zero)).toBe(-2147483648);
    expect(sortServices([zero, big]).map((s) => s.fwmark)).toEqual([0, 2147483648]);
    expect(sortServices([big, zero]).map((s) => s.fwmark)).toEqual([2147483648, 0]);
  });

  it('orders by af, then protocol, then address, then port', () => {
    const list = [
      svc({ af: AF_INET6, address: '2001:db8::1', port: 80 }),
      svc({ protocol: IPPROTO_SCTP, address: '1.1.1.1', port: 1 }),
      svc({ protocol: IPPROTO_UDP, address: '1.1.1.1', port: 1 }),
      svc({ address: '1.1.1.1', port: 443 }),
      svc({ address: '1.1.1.1', port: 80 }),
    ];
    expect(sortServices(list).map((s) => `${s.protocol}/${s.address}:${s.port}`)).toEqual([
      '6/1.1.1.1:80',
      '6/1.1.1.1:443',
      '17/1.1.1.1:1',
      '132/1.1.1.1:1',
      '6/2001:db8::1:80',
    ]);
  });

  it('compares a mixed-family dest pool on the first word, judged by d1', () => {
    const v4 = dest({ address: '10.0.0.7', port: 8080 });
    const v6 = dest({ af: AF_INET6, address: '2001:db8::10', port: 8080 });
    expect(sortDests([v6, v4]).map((d) => d.address)).toEqual(['10.0.0.7', '2001:db8::10']);
    expect(sortDests([v4, v6]).map((d) => d.address)).toEqual(['10.0.0.7', '2001:db8::10']);
    // An IPv4 d1 compares only word 0: equal to an IPv6 address starting with the same word.
    const v6same = dest({ af: AF_INET6, address: 'a00:7::1', port: 8080 });
    expect(compareDests(v4, v6same)).toBe(0);
    expect(compareDests(v6same, v4)).toBeGreaterThan(0);
  });
});
