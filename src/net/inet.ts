// Address text <-> bytes, with glibc's exact rules: ipvsadm's input and output go through
// inet_aton, inet_pton and inet_ntop, and byte-for-byte output depends on their quirks.

import { AF_INET, AF_INET6 } from '../ipvs/constants';

const isDigit = (c: string) => c >= '0' && c <= '9';
const isXDigit = (c: string) => /^[0-9a-fA-F]$/.test(c);
// C isspace() in the "C" locale.
const isSpace = (c: string) => c === ' ' || (c >= '\t' && c <= '\r');

/**
 * glibc inet_aton: 1 to 4 parts, each decimal, octal (leading 0) or hex (0x); anything after
 * trailing white space is ignored. Returns the address as a host-order u32, or null.
 */
export function inetAton(text: string): number | null {
  const parts: number[] = [];
  let i = 0;
  let c = text.charAt(i);
  for (;;) {
    if (!isDigit(c)) return null;
    let base = 10;
    let val = 0;
    if (c === '0') {
      c = text.charAt(++i);
      if (c === 'x' || c === 'X') {
        base = 16;
        c = text.charAt(++i);
        // glibc parses each part with strtoul(base 0): "0x" without a hex digit is the number
        // 0 followed by a stray 'x', which is never valid.
        if (!isXDigit(c)) return null;
      } else {
        base = 8;
      }
    }
    for (;;) {
      if (isDigit(c)) {
        if (base === 8 && (c === '8' || c === '9')) return null;
        val = val * base + (c.charCodeAt(0) - 48);
      } else if (base === 16 && isXDigit(c)) {
        val = val * 16 + parseInt(c, 16);
      } else {
        break;
      }
      if (val > 0xffffffff) return null;
      c = text.charAt(++i);
    }
    if (c === '.') {
      if (parts.length > 2 || val > 0xff) return null;
      parts.push(val);
      c = text.charAt(++i);
    } else {
      parts.push(val);
      break;
    }
  }
  if (c !== '' && !isSpace(c)) return null;
  const last = parts[parts.length - 1];
  const limits = [0xffffffff, 0xffffff, 0xffff, 0xff];
  if (last > limits[parts.length - 1]) return null;
  let addr = 0;
  for (let k = 0; k < parts.length - 1; k++) addr += parts[k] * 2 ** (24 - 8 * k);
  return (addr + last) >>> 0;
}

/**
 * glibc inet_pton(AF_INET): exactly four decimal parts 0..255, no leading zeros. One pass over the
 * character codes, no regular expression or substrings: listings sort every service and real
 * server by address, and -R parses every line's addresses.
 */
export function inetPton4(text: string): Uint8Array | null {
  const out = new Uint8Array(4);
  let part = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      // At most three digits a part, and no leading zero.
      if (digits === 3 || (digits === 1 && value === 0)) return null;
      value = value * 10 + (c - 0x30);
      digits++;
    } else if (c === 0x2e && part < 3 && digits > 0 && value <= 255) {
      out[part++] = value;
      digits = 0;
      value = 0;
    } else return null;
  }
  if (part !== 3 || digits === 0 || value > 255) return null;
  out[3] = value;
  return out;
}

/** glibc inet_pton(AF_INET6). */
export function inetPton6(text: string): Uint8Array | null {
  if (text.length === 0) return null;
  const out = new Uint8Array(16);
  let words: number[] = [];
  let gap = -1; // index in words where '::' stands
  let i = 0;
  if (text.startsWith('::')) {
    gap = 0;
    i = 2;
  } else if (text.startsWith(':')) {
    return null;
  }
  while (i < text.length) {
    // An embedded IPv4 address may end the text (only as the last group).
    const rest = text.slice(i);
    if (rest.includes('.') && !rest.includes(':')) {
      const v4 = inetPton4(rest);
      if (!v4) return null;
      words.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      i = text.length;
      break;
    }
    let j = i;
    while (j < text.length && isXDigit(text[j])) j++;
    if (j === i || j - i > 4) return null;
    words.push(parseInt(text.slice(i, j), 16));
    i = j;
    if (i === text.length) break;
    if (text[i] !== ':') return null;
    i++;
    if (text[i] === ':') {
      if (gap >= 0) return null;
      gap = words.length;
      i++;
      if (i === text.length) break;
    } else if (i === text.length) {
      return null; // trailing single colon
    }
  }
  if (gap >= 0) {
    if (words.length > 7) return null;
    words = [...words.slice(0, gap), ...new Array(8 - words.length).fill(0), ...words.slice(gap)];
  } else if (words.length !== 8) {
    return null;
  }
  words.forEach((w, k) => {
    out[2 * k] = w >> 8;
    out[2 * k + 1] = w & 0xff;
  });
  return out;
}

export function ntop4(bytes: Uint8Array): string {
  return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
}

/** glibc inet_ntop(AF_INET6): longest run (first on ties) of two or more zero words becomes '::'. */
export function ntop6(bytes: Uint8Array): string {
  const words: number[] = [];
  for (let k = 0; k < 8; k++) words.push((bytes[2 * k] << 8) | bytes[2 * k + 1]);
  let best = { base: -1, len: 0 };
  let cur = { base: -1, len: 0 };
  for (let k = 0; k < 8; k++) {
    if (words[k] === 0) {
      if (cur.base === -1) cur = { base: k, len: 1 };
      else cur.len++;
    } else if (cur.base !== -1) {
      if (best.base === -1 || cur.len > best.len) best = cur;
      cur = { base: -1, len: 0 };
    }
  }
  if (cur.base !== -1 && (best.base === -1 || cur.len > best.len)) best = cur;
  if (best.base !== -1 && best.len < 2) best = { base: -1, len: 0 };
  let out = '';
  for (let k = 0; k < 8; k++) {
    if (best.base !== -1 && k >= best.base && k < best.base + best.len) {
      if (k === best.base) out += ':';
      continue;
    }
    if (k !== 0) out += ':';
    if (k === 6 && best.base === 0 && (best.len === 6 || (best.len === 5 && words[5] === 0xffff))) {
      out += ntop4(bytes.subarray(12, 16));
      break;
    }
    out += words[k].toString(16);
  }
  if (best.base !== -1 && best.base + best.len === 8) out += ':';
  return out;
}

/** Host-order u32 to dotted quad (inet_ntoa of the network-order value). */
export function u32ToDotted(addr: number): string {
  return `${addr >>> 24}.${(addr >>> 16) & 0xff}.${(addr >>> 8) & 0xff}.${addr & 0xff}`;
}

/** Dotted-quad text or IPv6 text to a 16-byte nf_inet_addr (IPv4 in the first four bytes). */
export function addressToBytes(af: number, text: string): Uint8Array {
  const out = new Uint8Array(16);
  const bytes = af === AF_INET6 ? inetPton6(text) : inetPton4(text);
  if (!bytes) throw new Error(`invalid ${af === AF_INET6 ? 'IPv6' : 'IPv4'} address: ${text}`);
  out.set(bytes);
  return out;
}

/** A 16-byte nf_inet_addr to text for the given family. */
export function bytesToAddress(af: number, bytes: Uint8Array): string {
  return af === AF_INET6 ? ntop6(bytes.subarray(0, 16)) : ntop4(bytes.subarray(0, 4));
}

export { AF_INET, AF_INET6 };
