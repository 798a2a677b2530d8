// inetPton4 is glibc's inet_pton(AF_INET): the parser of every IPv4 address on the command line
// and in -R input, and the sort key of listings. It is a hand-written scanner; here it is held to
// the plain regular-expression statement of the same rule on fixed and random inputs.

import { describe, expect, it } from 'vitest';
import { inetPton4 } from '../../src/net/inet';

/** Four decimal parts 0..255 of one to three ASCII digits, no leading zero, nothing else. */
function reference(text: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const out: number[] = [];
  for (const p of m.slice(1)) {
    if (p.length > 1 && p[0] === '0') return null;
    if (Number(p) > 255) return null;
    out.push(Number(p));
  }
  return out;
}

const parsed = (text: string) => {
  const b = inetPton4(text);
  return b ? [...b] : null;
};

describe('inetPton4', () => {
  it.each([
    ['10.0.0.1', [10, 0, 0, 1]],
    ['0.0.0.0', [0, 0, 0, 0]],
    ['255.255.255.255', [255, 255, 255, 255]],
    ['192.168.1.10', [192, 168, 1, 10]],
  ])('%s', (text, bytes) => expect(parsed(text)).toEqual(bytes));

  it.each(['', '1.2.3', '1.2.3.4.', '.1.2.3', '1..2.3', '256.1.1.1', '1.2.3.256', '01.2.3.4', '1.2.3.04', '1.2.3.00', '1000.1.1.1', '1.2.3.4 ', ' 1.2.3.4', '1.2.3.4\n', '1.2.3.٤', '0x1.2.3.4', '1.2.3.-4', '1.2.3.4/8'])(
    'refuses %j',
    (text) => expect(parsed(text)).toBeNull(),
  );

  it('agrees with the regular-expression statement on 50,000 random strings', () => {
    let seed = 7;
    const next = (n: number) => Math.floor(((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * n);
    const digits = '0123456789';
    const strays = '.0 x:\n-+';
    let valid = 0;
    for (let i = 0; i < 50_000; i++) {
      // Address-like text (three to five parts: numbers up to 299, or up to four random digits),
      // then, now and then, a character inserted, deleted or replaced.
      const parts: string[] = [];
      for (let p = next(4) ? 4 : 3 + 2 * next(2); p > 0; p--) {
        parts.push(next(4) ? String(next(300)) : Array.from({ length: next(5) }, () => digits[next(10)]).join(''));
      }
      let text = parts.join('.');
      const at = next(text.length + 1);
      const stray = strays[next(strays.length)];
      if (next(6) === 0) text = text.slice(0, at) + stray + text.slice(at);
      else if (next(6) === 0) text = text.slice(0, at) + text.slice(at + 1);
      else if (next(6) === 0) text = text.slice(0, at) + stray + text.slice(at + 1);
      const want = reference(text);
      if (want) valid++;
      expect(parsed(text), JSON.stringify(text)).toEqual(want);
    }
    // Both sides of the rule were exercised.
    expect(valid).toBeGreaterThan(5_000);
    expect(valid).toBeLessThan(48_000);
  });
});
