// ipvsadm's option-value parsers (parse_timeout, parse_fwmark, parse_service, the -M netmask,
// --mcast-group, parse_tun_type), down to their C library quirks. Each either returns the value
// or fails with ipvsadm's message.

import { AF_INET, AF_INET6, NETMASK_V6_FULL } from '../../ipvs/constants';
import { inetAton, inetPton4, inetPton6, ntop4, ntop6, u32ToDotted } from '../../net/inet';
import { protoName } from '../../net/services';
import { fail } from '../matrix';
import { tunnelTypeByName } from '../../model/tables';
import { UINT_MAX, cAtoi, cStrtol, stringToNumber } from './c-numbers';
import type { ParseDeps } from './state';

/** MAX_TIMEOUT: 31 days. */
export const MAX_TIMEOUT = 86400 * 31;
/** IPVS_SVC_PERSISTENT_TIMEOUT: what -p without a value means. */
export const DEFAULT_PERSISTENT_TIMEOUT = 6 * 60;

/** parse_timeout: no value gives the persistence default; a bad value fails. */
export function parseTimeout(arg: string | null, min: number, max: number): number {
  if (arg === null) return DEFAULT_PERSISTENT_TIMEOUT;
  const n = stringToNumber(arg, min, max);
  if (n === -1) fail(`invalid timeout value \`${arg}' specified`);
  return n;
}

/** parse_fwmark: strtol into an unsigned long, 1 .. UINT_MAX. */
export function parseFwmark(arg: string): number {
  const { value, end, erange } = cStrtol(arg);
  if (end !== arg.length || end === 0 || erange || value <= 0n || value > BigInt(UINT_MAX)) {
    fail(`invalid fwmark value \`${arg}' specified`);
  }
  return Number(value);
}

/** parse_service's result bits. */
export const SERVICE_NONE = 0;
export const SERVICE_ADDR = 1;
export const SERVICE_PORT = 2;

/** The fields parse_service writes (a service, or the copy of it that -r parses into). */
export interface AddressTarget {
  af: number;
  protocol: number;
  address: string;
  port: number;
  netmask: number;
}

/** str_is_digit: true for the empty string too. */
const strIsDigit = (s: string) => /^[0-9]*$/.test(s);

/** inet_aton, else gethostbyname (IPv4, first address): a host-order u32, or null. */
async function hostToAddr(text: string, deps: ParseDeps): Promise<number | null> {
  const direct = inetAton(text);
  if (direct !== null) return direct;
  if (text === '') return null; // gethostbyname("") finds nothing (and node would warn)
  const resolved = await deps.resolveHostV4(text);
  if (resolved === null) return null;
  return inetAton(resolved);
}

/** service_to_port: getservbyname with the protocol parsed so far (none for protocol 0). */
function serviceToPort(name: string, protocol: number, deps: ParseDeps): number {
  const proto = protoName(protocol);
  if (proto === undefined) return -1;
  return deps.getServByName(name, proto) ?? -1;
}

/**
 * parse_service: `[v6]:port`, bare IPv6 (never a port), else `v4-or-host[:port]` split at the
 * last colon. Returns SERVICE_* bits; SERVICE_NONE means invalid.
 */
export async function parseService(buf: string, target: AddressTarget, deps: ParseDeps): Promise<number> {
  if (strIsDigit(buf)) return SERVICE_NONE;
  let text = buf;
  let port: string | null = null;
  if (text.startsWith('[')) {
    text = text.slice(1);
    const close = text.indexOf(']');
    if (close < 0) return SERVICE_NONE;
    const after = text.slice(close + 1);
    text = text.slice(0, close);
    if (!after.startsWith(':')) return SERVICE_NONE;
    port = after.slice(1);
  }
  const v6 = inetPton6(text);
  if (v6) {
    target.address = ntop6(v6);
    target.af = AF_INET6;
    target.netmask = NETMASK_V6_FULL;
  } else {
    // The bracket form's port is forgotten here: only a colon inside the text counts.
    const colon = text.lastIndexOf(':');
    port = colon < 0 ? null : text.slice(colon + 1);
    if (colon >= 0) text = text.slice(0, colon);
    const addr = await hostToAddr(text, deps);
    if (addr === null) return SERVICE_NONE;
    target.address = u32ToDotted(addr);
    target.af = AF_INET;
  }
  let result = SERVICE_ADDR;
  if (port !== null) {
    result |= SERVICE_PORT;
    let n = stringToNumber(port, 0, 65535);
    if (n === -1) n = serviceToPort(port, target.protocol, deps);
    if (n === -1) return SERVICE_NONE;
    target.port = n;
  }
  return result;
}

/**
 * -M: an IPv4 mask (inet_aton, else a host name) unless the service is already IPv6, then a
 * prefix length 1..128 read with atoi.
 */
export async function parseNetmask(arg: string, serviceAf: number, deps: ParseDeps): Promise<number> {
  if (serviceAf !== AF_INET6) {
    const mask = await hostToAddr(arg, deps);
    if (mask === null) fail('illegal virtual server persistent mask specified');
    return mask;
  }
  const prefix = cAtoi(arg) >>> 0;
  if (prefix < 1 || prefix > 128) fail('illegal ipv6 netmask specified');
  return prefix;
}

/** --mcast-group: IPv6 if the text has a colon, else IPv4; multicast only. */
export function parseMcastGroup(arg: string): string {
  if (arg.includes(':')) {
    const b = inetPton6(arg);
    if (!b || b[0] !== 0xff) fail(`invalid IPv6 mcast-group \`${arg}'`);
    return ntop6(b);
  }
  const b = inetPton4(arg);
  if (!b || (b[0] & 0xf0) !== 0xe0) fail(`invalid IPv4 mcast-group \`${arg}'`);
  return ntop4(b);
}

/** parse_tun_type. */
export function parseTunType(name: string): number {
  return tunnelTypeByName(name)?.type ?? -1;
}
