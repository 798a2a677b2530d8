// --scope: which services an apply owns. Services outside the scope are neither read into the
// plan nor pruned, so services of keepalived or kube-proxy beside ours are never touched.
//
// Grammar (repeatable): an address or prefix (`10.1.0.0/16`, `10.1.2.3`, `2001:db8::/32`),
// a protocol (`tcp`, `udp`, `sctp`), or a firewall-mark range (`fwmark:100`, `fwmark:100-199`).
// An address service is in scope when it matches one of the prefixes (if any is given) and one
// of the protocols (if any is given), and at least one of the two kinds was given. A fwmark
// service is in scope when its mark is in one of the ranges. No --scope at all: everything.

import { AF_INET, AF_INET6 } from '../ipvs/constants';
import { protocolByName } from '../model/tables';
import type { Service } from '../ipvs/types';
import { inetPton4, inetPton6 } from '../net/inet';

export interface Prefix {
  af: number;
  bytes: Uint8Array;
  length: number;
}

export interface Scope {
  prefixes: Prefix[];
  protocols: number[];
  fwmarks: Array<[number, number]>;
  /** The arguments as given, for messages. */
  text: string[];
}

export const EVERYTHING: Scope = { prefixes: [], protocols: [], fwmarks: [], text: [] };

export class ScopeError extends Error {}

const UINT32_MAX = 0xffffffff;

function parseMark(text: string, whole: string): number {
  if (!/^[0-9]+$/.test(text) || Number(text) < 1 || Number(text) > UINT32_MAX) {
    throw new ScopeError(`invalid --scope \`${whole}': a firewall mark is a number from 1 to ${UINT32_MAX}`);
  }
  return Number(text);
}

function parseOne(arg: string, into: Scope): void {
  const lower = arg.toLowerCase();
  const proto = protocolByName(lower);
  if (proto) {
    into.protocols.push(proto.protocol);
    return;
  }
  if (lower.startsWith('fwmark:')) {
    const [lo, hi, extra] = lower.slice('fwmark:'.length).split('-');
    if (extra !== undefined) throw new ScopeError(`invalid --scope \`${arg}': expected fwmark:N or fwmark:N-M`);
    const from = parseMark(lo, arg);
    const to = hi === undefined ? from : parseMark(hi, arg);
    if (to < from) throw new ScopeError(`invalid --scope \`${arg}': the range is empty`);
    into.fwmarks.push([from, to]);
    return;
  }
  const slash = arg.indexOf('/');
  const addr = slash < 0 ? arg : arg.slice(0, slash);
  const v4 = inetPton4(addr);
  const v6 = v4 ? null : inetPton6(addr);
  if (!v4 && !v6) {
    throw new ScopeError(`invalid --scope \`${arg}': expected an address or prefix, tcp, udp, sctp, or fwmark:N[-M]`);
  }
  const bits = v4 ? 32 : 128;
  const lenText = slash < 0 ? String(bits) : arg.slice(slash + 1);
  if (!/^[0-9]+$/.test(lenText) || Number(lenText) > bits) {
    throw new ScopeError(`invalid --scope \`${arg}': the prefix length must be 0 to ${bits}`);
  }
  into.prefixes.push({ af: v4 ? AF_INET : AF_INET6, bytes: (v4 ?? v6)!, length: Number(lenText) });
}

/** Parse the --scope arguments; throws ScopeError with the reason. */
export function parseScope(args: readonly string[]): Scope {
  const scope: Scope = { prefixes: [], protocols: [], fwmarks: [], text: [...args] };
  for (const arg of args) parseOne(arg, scope);
  return scope;
}

export function isEverything(scope: Scope): boolean {
  return scope.prefixes.length === 0 && scope.protocols.length === 0 && scope.fwmarks.length === 0;
}

function prefixContains(p: Prefix, af: number, address: string): boolean {
  if (p.af !== af) return false;
  const bytes = af === AF_INET ? inetPton4(address) : inetPton6(address);
  if (!bytes) return false;
  let left = p.length;
  for (let i = 0; left > 0; i++, left -= 8) {
    const mask = left >= 8 ? 0xff : (0xff << (8 - left)) & 0xff;
    if ((bytes[i] & mask) !== (p.bytes[i] & mask)) return false;
  }
  return true;
}

/** Whether `svc` belongs to the scope. */
export function inScope(scope: Scope, svc: Service): boolean {
  if (isEverything(scope)) return true;
  if (svc.fwmark) {
    const mark = svc.fwmark >>> 0;
    return scope.fwmarks.some(([lo, hi]) => mark >= lo && mark <= hi);
  }
  if (scope.prefixes.length === 0 && scope.protocols.length === 0) return false;
  const addressOk = scope.prefixes.length === 0 || scope.prefixes.some((p) => prefixContains(p, svc.af, svc.address));
  const protocolOk = scope.protocols.length === 0 || scope.protocols.includes(svc.protocol);
  return addressOk && protocolOk;
}
