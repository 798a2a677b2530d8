// The C library's number and string conversions as ipvsadm uses them (strtol on LP64, atoi,
// string_to_number, strncpy into fixed fields), with their exact edge cases.

/** isspace() in the C locale. */
const isCSpace = (c: string | undefined) => c !== undefined && (c === ' ' || (c >= '\t' && c <= '\r'));
const isCDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);
export const INT_MAX = 2147483647;
export const UINT_MAX = 4294967295;

/**
 * strtol(s, &end, 10) on LP64: leading white space, an optional sign, decimal digits. `end` is
 * the index after the digits, or 0 when there are none; out-of-range values clamp with erange.
 */
export function cStrtol(s: string): { value: bigint; end: number; erange: boolean } {
  let i = 0;
  while (isCSpace(s[i])) i++;
  let negative = false;
  if (s[i] === '+' || s[i] === '-') negative = s[i++] === '-';
  const start = i;
  while (isCDigit(s[i])) i++;
  if (i === start) return { value: 0n, end: 0, erange: false };
  let value = BigInt(s.slice(start, i));
  if (negative) value = -value;
  if (value > LONG_MAX) return { value: LONG_MAX, end: i, erange: true };
  if (value < LONG_MIN) return { value: LONG_MIN, end: i, erange: true };
  return { value, end: i, erange: false };
}

/** ipvsadm's string_to_number: the whole string must be a number in [min, max]; else -1. */
export function stringToNumber(s: string, min: number, max: number): number {
  const { value, end, erange } = cStrtol(s);
  if (end === 0 || end !== s.length || erange) return -1;
  if (value < BigInt(min) || value > BigInt(max)) return -1;
  return Number(value);
}

/** atoi as glibc implements it: (int) strtol(s, NULL, 10). */
export function cAtoi(s: string): number {
  return Number(BigInt.asIntN(32, cStrtol(s).value));
}

/** The first `n` bytes of `s` (strncpy into a fixed-size field); CLI text is one byte per character. */
export function truncateBytes(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n);
}

/** C strings end at the first NUL. */
export const cString = (s: string) => {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
};
