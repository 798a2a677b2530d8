// Address decoding for connection rows: print_conn tries inet_pton(AF_INET6), then
// inet_pton(AF_INET) for dotted text, else reads the old hex format with strtoul(…, 16).

import { AF_INET, AF_INET6 } from '../../ipvs/constants';
import { inetPton4, inetPton6, ntop4, ntop6 } from '../../net/inet';
import { strtoul16, type ConnFields } from './scan';

const u32Text = (v: number): string =>
  `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;

/** One address as print_conn decodes it: [af, glibc inet_ntop text]. */
export interface Addr {
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

export function decodeAddrs(f: ConnFields): { c: Addr; v: Addr; d: Addr } {
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
