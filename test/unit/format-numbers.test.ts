import { describe, expect, it } from 'vitest';
import { fmtD, fmtLlu8, fmtU, low32, padLeft, padRight, printLargeNum } from '../../src/format/numbers';

describe('printLargeNum (print_largenum)', () => {
  it('prints %9llu below 10^8', () => {
    expect(printLargeNum(0n, false)).toBe('        0');
    expect(printLargeNum(12n, false)).toBe('       12');
    expect(printLargeNum(99999999n, false)).toBe(' 99999999');
  });

  it('switches to K at 10^8', () => {
    expect(printLargeNum(100000000n, false)).toBe('  100000K');
    expect(printLargeNum(999999999n, false)).toBe('  999999K');
  });

  it('uses M from 10^9, G from 10^11, T from 10^14', () => {
    expect(printLargeNum(1000000000n, false)).toBe('    1000M');
    expect(printLargeNum(99999999999n, false)).toBe('   99999M');
    expect(printLargeNum(100000000000n, false)).toBe('     100G');
    expect(printLargeNum(99999999999999n, false)).toBe('   99999G');
    expect(printLargeNum(100000000000000n, false)).toBe('     100T');
  });

  it('lets full-width values touch (observed `    4294M18446744T`)', () => {
    expect(printLargeNum(4294967295n, false) + printLargeNum(18446744073709551615n, false)).toBe(
      '    4294M18446744T',
    );
  });

  it('treats values as unsigned long long', () => {
    expect(printLargeNum(-1n, false)).toBe('18446744T');
    expect(printLargeNum(-1n, true)).toBe(' 18446744073709551615');
  });

  it('exact: width 9 up to 8 digits, else len+1', () => {
    expect(printLargeNum(0n, true)).toBe('        0');
    expect(printLargeNum(99999999n, true)).toBe(' 99999999');
    expect(printLargeNum(100000000n, true)).toBe(' 100000000');
    expect(printLargeNum(12345678901n, true)).toBe(' 12345678901');
  });
});

describe('printf helpers', () => {
  it('pads and never truncates', () => {
    expect(padRight('ab', 4)).toBe('ab  ');
    expect(padRight('abcdef', 4)).toBe('abcdef');
    expect(padLeft('ab', 4)).toBe('  ab');
    expect(padLeft('abcdef', 4)).toBe('abcdef');
  });

  it('prints 32-bit values signed and unsigned', () => {
    expect(fmtD(2147483648)).toBe('-2147483648');
    expect(fmtD(4294967294)).toBe('-2');
    expect(fmtD(7)).toBe('7');
    expect(fmtU(-1)).toBe('4294967295');
    expect(fmtU(5)).toBe('5');
  });

  it('rate dest columns are %8llu, never abbreviated', () => {
    expect(fmtLlu8(5n)).toBe('       5');
    expect(fmtLlu8(1215752192n)).toBe('1215752192');
    expect(low32(100000000000n)).toBe(1215752192n);
    expect(low32(4294967297n)).toBe(1n);
  });
});
