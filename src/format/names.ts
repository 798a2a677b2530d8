// ipvsadm's addrport_to_anyname and the svc_name / dname strings built from it.
//
// addrport_to_anyname writes into a 60-byte buffer with snprintf, so every name is cut to 59
// characters. Without -n the host part is gethostbyaddr()->h_name and the port part is
// getservbyport()->s_name for the service's protocol, each falling back to numbers.
//
// IPv6 addresses are looked up too: checked against the real binary on a 6.1 guest, `::1` listed
// as `[ip6-localhost]:http` and `2001:db8::5` as `[foo6]:http` from /etc/hosts lines, while
// `::2` and `2001:db8::1` (no entries) stayed numeric, so the look-up uses the whole address.

import { AF_INET, AF_INET6 } from '../ipvs/constants';
import { protocolByNumber, schedFlagWords } from '../model/tables';
import type { Destination, Service } from '../ipvs/types';
import { inetPton6, ntop6 } from '../net/inet';
import { reverseLookup } from '../net/hosts';
import { getServByPort, protoName } from '../net/services';
import { fmtD } from './numbers';

/** snprintf(buf, 60, ...): at most 59 characters. */
export const NAME_MAX = 59;

const cut59 = (s: string): string => (s.length > NAME_MAX ? s.slice(0, NAME_MAX) : s);

/** IPv6 text in glibc inet_ntop form (the input may be any form inet_pton accepts). */
export function canonicalV6(text: string): string {
  const b = inetPton6(text);
  return b ? ntop6(b) : text;
}

/** The numeric name, `ip:port` or `[ip6]:port`, from address text that is already canonical. */
export function numericName(af: number, canonicalText: string, port: number): string {
  const s = af === AF_INET ? `${canonicalText}:${port}` : `[${canonicalText}]:${port}`;
  return cut59(s);
}

// Per-process caches: reverse look-ups (promises, so concurrent callers share one query) and
// port names (getServByPort scans /etc/services linearly).
const hostCache = new Map<string, Promise<string | null>>();
const portCache = new Map<number, string>();

/** gethostbyaddr through the cache: the host name, or null when the address has none. */
export function hostName(address: string): Promise<string | null> {
  let p = hostCache.get(address);
  if (!p) {
    p = reverseLookup(address).catch(() => null);
    hostCache.set(address, p);
  }
  return p;
}

/** port_to_anyname: the service name for tcp/udp/sctp, else the number. */
export function portName(port: number, protocol: number): string {
  const key = protocol * 65536 + port;
  let s = portCache.get(key);
  if (s === undefined) {
    s = getServByPort(port, protoName(protocol)) ?? String(port);
    portCache.set(key, s);
  }
  return s;
}

/** Forget cached look-ups (for tests). */
export function clearNameCaches(): void {
  hostCache.clear();
  portCache.clear();
}

/**
 * addrport_to_anyname(af, addr, port, proto, format): `-n` gives `ip:port` / `[ip6]:port`;
 * otherwise `host:port` / `[host]:port` with the reverse name (else the address text) and the
 * port name (else the number). Cut to 59 characters.
 */
export async function addrPortToName(
  af: number,
  address: string,
  port: number,
  protocol: number,
  numeric: boolean,
): Promise<string> {
  const text = af === AF_INET ? address : canonicalV6(address);
  if (numeric) return numericName(af, text, port);
  const host = (await hostName(text)) ?? text;
  const pname = portName(port, protocol);
  return cut59(af === AF_INET ? `${host}:${pname}` : `[${host}]:${pname}`);
}

/** The listing's protocol column (`?` for a protocol ipvsadm does not know). */
const listingProto = (protocol: number): string => protocolByNumber(protocol)?.label ?? '?';

/** The `-S` switch of a protocol. */
const ruleProto = (protocol: number): string => protocolByNumber(protocol)?.ruleSwitch ?? '--xxx-service';

/**
 * svc_name. Listing form: `TCP  addr:port` (`%-4s %s`, cut to 33 bytes unless IPv6),
 * `FWM  %d` or `FWM  %d IPv6`. Save form (`forListing` false): `-t addr:port`, `-u …`,
 * `--sctp-service …`, `-f %d`, `-f %d -6`. The fwmark is printed signed.
 */
export async function serviceName(svc: Service, numeric: boolean, forListing: boolean): Promise<string> {
  if (svc.fwmark) {
    const v6 = svc.af === AF_INET6;
    if (forListing) return `FWM  ${fmtD(svc.fwmark)}${v6 ? ' IPv6' : ''}`;
    return `-f ${fmtD(svc.fwmark)}${v6 ? ' -6' : ''}`;
  }
  const vname = await addrPortToName(svc.af, svc.address, svc.port, svc.protocol, numeric);
  if (!forListing) return `${ruleProto(svc.protocol)} ${vname}`;
  const proto = listingProto(svc.protocol);
  const s = `${proto.length < 4 ? proto + ' '.repeat(4 - proto.length) : proto} ${vname}`;
  return svc.af !== AF_INET6 && s.length > 33 ? s.slice(0, 33) : s;
}

/**
 * dname: the destination's addrport, with port names looked up for the *service's* protocol
 * (0 for fwmark services, so numeric). Listing form cuts non-IPv6 names to 28 bytes.
 */
export async function destName(
  dest: Destination,
  svcProtocol: number,
  numeric: boolean,
  forListing: boolean,
): Promise<string> {
  const s = await addrPortToName(dest.af, dest.address, dest.port, svcProtocol, numeric);
  return forListing && dest.af !== AF_INET6 && s.length > 28 ? s.slice(0, 28) : s;
}

/** print_sched_flags: the comma-separated flag names for the service's scheduler. */
export function schedFlagsText(scheduler: string, flags: number): string {
  return schedFlagWords(scheduler, flags).join(',');
}
