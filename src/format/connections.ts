// `ipvsadm -L -c`: ipvsadm reads /proc/net/ip_vs_conn itself (no netlink), 255 bytes at most per
// fgets, parses each piece with sscanf("%s %s %hX %s %hX %s %hX %s %d %s %s") and prints a row.
//
// Strings here are byte strings: the file is decoded as latin1 so that a byte is a character
// (the 256-byte fgets split and the printf widths count bytes). Write the rows back with
// Buffer.from(row, 'latin1') to keep non-ASCII bytes (possible only in pe_data) unchanged.

import { open } from 'node:fs/promises';
import { AF_INET, AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP } from '../ipvs/constants';
import { inetPton4, inetPton6, ntop4, ntop6 } from '../net/inet';
import { addrPortToName, numericName } from './names';
import { padRight } from './numbers';

/** The two header lines printed after the file's own first line has been read. */
export function connHeader(persistentConn: boolean): string {
  const head = `pro expire ${padRight('state', 11)} ${padRight('source', 18)} ${padRight('virtual', 18)} `;
  return persistentConn
    ? `IPVS connection entries\n${head}${padRight('destination', 18)} ${padRight('pe name', 16)} pe_data\n`
    : `IPVS connection entries\n${head}destination\n`;
}

// ---------------------------------------------------------------------------------------------
// sscanf

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
interface ConnFields {
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
function scanConn(line: string): ConnFields {
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
function strtoul16(text: string): number {
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  const num = scanNumber(text, i, 16);
  if (!num) return 0;
  if (!num.neg && num.digits.length <= 8) return parseInt(num.digits, 16) >>> 0;
  return Number(cNumber(num.neg, num.digits, 16, false) & 0xffffffffn);
}

const u32Text = (v: number): string =>
  `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;

/** One address as print_conn decodes it: [af, glibc inet_ntop text]. */
interface Addr {
  af: number;
  text: string;
}

const ZERO4 = '0.0.0.0';
const ZERO6 = '::';

// Virtual and real addresses repeat across rows: remember the inet_ntop text of IPv6 ones.
const v6Cache = new Map<string, string | null>();

/** inet_pton(AF_INET6) then glibc inet_ntop, or null when the text is not IPv6. */
function v6Text(text: string): string | null {
  if (!text.includes(':')) return null;
  let t = v6Cache.get(text);
  if (t === undefined) {
    const b = inetPton6(text);
    t = b ? ntop6(b) : null;
    if (v6Cache.size >= 4096) v6Cache.clear();
    v6Cache.set(text, t);
  }
  return t;
}

function decodeAddrs(f: ConnFields): { c: Addr; v: Addr; d: Addr } {
  let c: Addr;
  let v: Addr;
  const t1 = v6Text(f.temp1);
  if (t1 !== null) {
    c = { af: AF_INET6, text: t1 };
    v = { af: AF_INET6, text: v6Text(f.temp2) ?? ZERO6 };
  } else {
    const a1 = f.temp1.includes('.') ? inetPton4(f.temp1) : null;
    if (a1) {
      const a2 = inetPton4(f.temp2);
      c = { af: AF_INET, text: ntop4(a1) };
      v = { af: AF_INET, text: a2 ? ntop4(a2) : ZERO4 };
    } else {
      c = { af: AF_INET, text: u32Text(strtoul16(f.temp1)) };
      v = { af: AF_INET, text: u32Text(strtoul16(f.temp2)) };
    }
  }
  let d: Addr;
  const t3 = v6Text(f.temp3);
  if (t3 !== null) d = { af: AF_INET6, text: t3 };
  else {
    const a3 = f.temp3.includes('.') ? inetPton4(f.temp3) : null;
    d = { af: AF_INET, text: a3 ? ntop4(a3) : u32Text(strtoul16(f.temp3)) };
  }
  return { c, v, d };
}

function connProto(protocol: string): number {
  if (protocol === 'TCP') return IPPROTO_TCP;
  if (protocol === 'UDP') return IPPROTO_UDP;
  if (protocol === 'SCTP') return IPPROTO_SCTP;
  return 0;
}

function row(f: ConnFields, cname: string, vname: string, dname: string, persistentConn: boolean): string {
  const e = f.expires >>> 0;
  const min = Math.floor(e / 60);
  const sec = e % 60;
  const expire = `${min < 10 ? '0' : ''}${min}:${sec < 10 ? '0' : ''}${sec}`;
  const head = `${padRight(f.protocol, 3)} ${padRight(expire, 6)} ${padRight(f.state, 11)} ${padRight(cname, 18)} ${padRight(vname, 18)} `;
  if (persistentConn && f.n === 11) return `${head}${padRight(dname, 16)} ${padRight(f.peName, 18)} ${f.peData}\n`;
  return `${head}${dname}\n`;
}

/**
 * The `-n` row of one piece of /proc/net/ip_vs_conn, synchronously (no look-ups at all), or null
 * where sscanf returns EOF (an empty or all-white-space piece: ipvsadm exits 1 there).
 */
export function connLineNumeric(procLine: string, persistentConn: boolean): string | null {
  const f = scanConn(procLine);
  if (f.n === -1) return null;
  const { c, v, d } = decodeAddrs(f);
  return row(
    f,
    numericName(c.af, c.text, f.cport),
    numericName(v.af, v.text, f.vport),
    numericName(d.af, d.text, f.dport),
    persistentConn,
  );
}

/**
 * The row ipvsadm prints for one piece of /proc/net/ip_vs_conn, or null where sscanf returns EOF
 * (the runner then exits 1 silently). Names resolve as in the listing unless `numeric`; port
 * names only for TCP, UDP and SCTP rows.
 */
export async function connLine(procLine: string, numeric: boolean, persistentConn: boolean): Promise<string | null> {
  if (numeric) return connLineNumeric(procLine, persistentConn);
  const f = scanConn(procLine);
  if (f.n === -1) return null;
  const { c, v, d } = decodeAddrs(f);
  const proto = connProto(f.protocol);
  const [cname, vname, dname] = await Promise.all([
    addrPortToName(c.af, c.text, f.cport, proto, false),
    addrPortToName(v.af, v.text, f.vport, proto, false),
    addrPortToName(d.af, d.text, f.dport, proto, false),
  ]);
  return row(f, cname, vname, dname, persistentConn);
}

/** fgets(buf, 256, …): a piece ends after a newline or at 255 bytes. */
const FGETS_MAX = 255;

/**
 * Streams the file as ipvsadm's fgets loop sees it: pieces of at most 255 bytes, each ending at a
 * newline (kept) or where the 255 bytes ran out; the first piece is the file's header line, which
 * ipvsadm reads and discards. Opening errors surface from the first next(); a file with no data
 * at all finishes without yielding. Pieces are latin1 byte strings.
 */
export async function* readConnections(path = '/proc/net/ip_vs_conn'): AsyncGenerator<string> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 16);
    let pending: Buffer = Buffer.alloc(0);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      const data = pending.length ? Buffer.concat([pending, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
      let start = 0;
      for (;;) {
        const limit = Math.min(start + FGETS_MAX, data.length);
        const nl = data.subarray(start, limit).indexOf(10);
        if (nl >= 0) {
          yield data.toString('latin1', start, start + nl + 1);
          start += nl + 1;
        } else if (limit - start === FGETS_MAX) {
          yield data.toString('latin1', start, limit);
          start = limit;
        } else break;
      }
      // Copy: `buf` is reused by the next read.
      pending = Buffer.from(data.subarray(start));
    }
    if (pending.length) yield pending.toString('latin1');
  } finally {
    await fh.close();
  }
}
