// printf-style helpers for the formatters: C's %-Ns / %Ns (pad, never truncate), %d / %u of
// 32-bit values, and ipvsadm's print_largenum for the --stats / --rate columns.

/** C `%-Ns`: pad on the right to `width`; longer text is left as is (printf never truncates). */
export function padRight(s: string, width: number): string {
  return s.length >= width ? s : s + ' '.repeat(width - s.length);
}

/** C `%Ns`: pad on the left to `width`; longer text is left as is. */
export function padLeft(s: string, width: number): string {
  return s.length >= width ? s : ' '.repeat(width - s.length) + s;
}

/** C `%d` of a 32-bit value: the low 32 bits read as signed. */
export function fmtD(v: number): string {
  return String(v | 0);
}

/** C `%u` of a 32-bit value: the low 32 bits read as unsigned. */
export function fmtU(v: number): string {
  return String(v >>> 0);
}

const U64 = (1n << 64n) - 1n;

/**
 * ipvsadm's print_largenum(v, format) for one stats/rate column, as the text it prints.
 * exact (`--exact`): `%*llu` with width 9, or len+1 when the number has more than 8 digits.
 * Otherwise `%9llu` below 10^8, else `%8llu` of v scaled down with a K/M/G/T suffix; a number
 * that fills all 8 columns touches the previous column (`    4294M18446744T`).
 */
export function printLargeNum(v: bigint, exact: boolean): string {
  const u = v & U64; // unsigned long long
  if (exact) {
    const s = u.toString();
    return padLeft(s, s.length <= 8 ? 9 : s.length + 1);
  }
  if (u < 100000000n) return padLeft(u.toString(), 9);
  if (u < 1000000000n) return padLeft((u / 1000n).toString(), 8) + 'K';
  if (u < 100000000000n) return padLeft((u / 1000000n).toString(), 8) + 'M';
  if (u < 100000000000000n) return padLeft((u / 1000000000n).toString(), 8) + 'G';
  return padLeft((u / 1000000000000n).toString(), 8) + 'T';
}

/** `%8llu`: a rate column of a destination, which ipvsadm never abbreviates. */
export function fmtLlu8(v: bigint): string {
  return padLeft((v & U64).toString(), 8);
}

/** The low 32 bits of a 64-bit counter, as libipvs reads a dest's STATS64 with nla_get_u32. */
export function low32(v: bigint): bigint {
  return v & 0xffffffffn;
}
