// sscanf emulation for /proc/net/ip_vs_conn pieces: print_conn's
// sscanf(buf, "%s %s %hX %s %hX %s %hX %s %d %s %s", ...) and the strtoul(…, 16) it uses on
// addresses, with glibc's overflow saturation and unsigned negation. Strings are latin1 byte
// strings (one character per byte).

// C isspace in the "C" locale: space, \t \n \v \f \r.
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

const U64 = (1n << 64n) - 1n;

/** strtoul/strtol digit-run value with C's overflow saturation and unsigned negation, as bigint. */
function cNumber(neg: boolean, digits: string, base: 10 | 16, signed: boolean): bigint {
  let v = BigInt(base === 16 ? '0x' + digits : digits);
  if (signed) {
    // strtol: clamp to [LONG_MIN, LONG_MAX].
    if (neg) {
      v = -v;
      if (v < -(1n << 63n)) v = -(1n << 63n);
    } else if (v > (1n << 63n) - 1n) v = (1n << 63n) - 1n;
    return v;
  }
  // strtoul: ULONG_MAX on overflow, otherwise negation modulo 2^64.
  if (v > U64) return U64;
  return neg ? (-v & U64) : v;
}

/** Reads a number at `pos` like scanf/strtoul: optional sign, for hex an optional 0x prefix. */
function scanNumber(
  s: string,
  pos: number,
  base: 10 | 16,
): { digits: string; neg: boolean; end: number } | null {
  let i = pos;
  let neg = false;
  const c0 = s.charCodeAt(i);
  if (c0 === 45 || c0 === 43) {
    neg = c0 === 45;
    i++;
  }
  if (base === 16 && s.charCodeAt(i) === 48 && (s.charCodeAt(i + 1) | 0x20) === 120) {
    if (hexVal(s.charCodeAt(i + 2)) >= 0) i += 2;
    else return { digits: '0', neg, end: i + 1 }; // "0x" without hex digits reads as 0
  }
  const start = i;
  if (base === 16) while (i < s.length && hexVal(s.charCodeAt(i)) >= 0) i++;
  else while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  if (i === start) return null;
  return { digits: s.slice(start, i), neg, end: i };
}

/** The fields print_conn scans; fields sscanf did not reach keep these defaults. */
export interface ConnFields {
  n: number;
  protocol: string;
  temp1: string;
  cport: number;
  temp2: string;
  vport: number;
  temp3: string;
  dport: number;
  state: string;
  expires: number; // unsigned int
  peName: string;
  peData: string;
}

/**
 * sscanf(buf, "%s %s %hX %s %hX %s %hX %s %d %s %s", ...): returns -1 (EOF) when the input ends
 * before the first conversion, else the number of conversions made.
 */
export function scanConn(line: string): ConnFields {
  const f: ConnFields = {
    n: 0,
    protocol: '',
    temp1: '',
    cport: 0,
    temp2: '',
    vport: 0,
    temp3: '',
    dport: 0,
    state: '',
    expires: 0,
    peName: '',
    peData: '',
  };
  const nul = line.indexOf('\0');
  const s = nul >= 0 ? line.slice(0, nul) : line;
  const len = s.length;
  let pos = 0;
  const kinds = 'sshshshsdss';
  for (let k = 0; k < kinds.length; k++) {
    while (pos < len && isSpace(s.charCodeAt(pos))) pos++;
    if (pos >= len) {
      if (f.n === 0) f.n = -1;
      return f;
    }
    const kind = kinds[k];
    if (kind === 's') {
      const start = pos;
      while (pos < len && !isSpace(s.charCodeAt(pos))) pos++;
      const tok = s.slice(start, pos);
      switch (k) {
        case 0:
          f.protocol = tok;
          break;
        case 1:
          f.temp1 = tok;
          break;
        case 3:
          f.temp2 = tok;
          break;
        case 5:
          f.temp3 = tok;
          break;
        case 7:
          f.state = tok;
          break;
        case 9:
          f.peName = tok;
          break;
        default:
          f.peData = tok;
      }
    } else {
      const num = scanNumber(s, pos, kind === 'h' ? 16 : 10);
      if (!num) return f; // matching failure
      pos = num.end;
      if (kind === 'h') {
        // %hX: strtoul, stored in an unsigned short.
        const v =
          !num.neg && num.digits.length <= 8
            ? parseInt(num.digits, 16) & 0xffff
            : Number(cNumber(num.neg, num.digits, 16, false) & 0xffffn);
        if (k === 2) f.cport = v;
        else if (k === 4) f.vport = v;
        else f.dport = v;
      } else {
        // %d: strtol, stored in an int that ipvsadm declares unsigned.
        f.expires =
          !num.neg && num.digits.length <= 9
            ? Number(num.digits)
            : Number(BigInt.asUintN(32, cNumber(num.neg, num.digits, 10, true)));
      }
    }
    f.n++;
  }
  return f;
}

/** strtoul(text, NULL, 16) truncated to 32 bits (htonl of it is the address). */
export function strtoul16(text: string): number {
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  const num = scanNumber(text, i, 16);
  if (!num) return 0;
  if (!num.neg && num.digits.length <= 8) return parseInt(num.digits, 16) >>> 0;
  return Number(cNumber(num.neg, num.digits, 16, false) & 0xffffffffn);
}
