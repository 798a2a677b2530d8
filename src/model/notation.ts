// The service notation users write and read: `tcp:10.0.0.1:80`, `udp:[2001:db8::1]:53`,
// `sctp:10.0.0.1:9`, `fwmark:5`, `fwmark6:5`; and for a real server `10.0.0.2:80` or
// `[2001:db8::2]:80`. Strict where ipvsadm's own parser is lenient (no host names, no
// inet_aton shorthands, no service names): the notation is for configuration files and keys,
// where one spelling per object is what makes them comparable. The address family follows
// from the address.

import { AddressFamily, Protocol } from '../ipvs/constants';
import type { DestinationKey, ServiceKey } from '../ipvs/types';
import { inetPton4, inetPton6, ntop4, ntop6 } from '../net/inet';
import { NotationError } from './errors';
import { protocolByName, protocolByNumber } from './tables';

const UINT32_MAX = 0xffffffff;

/** An address and optional port: `a.b.c.d`, `a.b.c.d:port`, `[v6]`, `[v6]:port`, or bare v6. */
function parseHostPort(text: string, whole: string): { af: AddressFamily; address: string; port?: number } {
  let host = text;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw new NotationError(whole, 'missing "]" after the IPv6 address');
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) throw new NotationError(whole, 'expected ":port" after "]"');
      portText = rest.slice(1);
    }
    const v6 = inetPton6(host);
    if (!v6) throw new NotationError(whole, `not an IPv6 address: ${host}`);
    return { af: AddressFamily.INET6, address: ntop6(v6), port: portText === undefined ? undefined : parsePort(portText, whole) };
  }
  const v6 = inetPton6(host);
  if (v6) return { af: AddressFamily.INET6, address: ntop6(v6) };
  const colon = text.lastIndexOf(':');
  if (colon >= 0) {
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
  }
  const v4 = inetPton4(host);
  if (!v4) throw new NotationError(whole, `not an IPv4 address (IPv6 goes in brackets when a port follows): ${host}`);
  return { af: AddressFamily.INET, address: ntop4(v4), port: portText === undefined ? undefined : parsePort(portText, whole) };
}

function parsePort(text: string, whole: string): number {
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) > 65535) throw new NotationError(whole, `not a port number (0-65535): ${text}`);
  return Number(text);
}

/**
 * Parse `proto:address[:port]` or `fwmark[6]:N` into a service key. A missing port is 0 (the
 * "all ports" service persistence uses).
 */
export function parseServiceNotation(text: string): ServiceKey {
  const colon = text.indexOf(':');
  if (colon < 0) throw new NotationError(text, 'expected tcp:, udp:, sctp:, fwmark: or fwmark6: before the address');
  const kind = text.slice(0, colon).toLowerCase();
  const rest = text.slice(colon + 1);
  if (kind === 'fwmark' || kind === 'fwmark6') {
    if (!/^[0-9]{1,10}$/.test(rest) || Number(rest) < 1 || Number(rest) > UINT32_MAX) {
      throw new NotationError(text, `not a firewall mark (1-${UINT32_MAX}): ${rest}`);
    }
    const af = kind === 'fwmark6' ? AddressFamily.INET6 : AddressFamily.INET;
    return { af, protocol: Protocol.NONE, address: '', port: 0, fwmark: Number(rest) };
  }
  const proto = protocolByName(kind);
  if (!proto) throw new NotationError(text, `unknown protocol ${JSON.stringify(kind)} (tcp, udp, sctp, fwmark, fwmark6)`);
  const { af, address, port } = parseHostPort(rest, text);
  return { af, protocol: proto.protocol, address, port: port ?? 0, fwmark: 0 };
}

/** `10.0.0.1:80` or `[2001:db8::1]:80` from address text in any accepted form. */
export function formatHostPort(af: number, address: string, port: number): string {
  if (af === AddressFamily.INET6) {
    const b = inetPton6(address);
    return `[${b ? ntop6(b) : address}]:${port}`;
  }
  return `${address}:${port}`;
}

/** The canonical notation of a service key: `tcp:10.0.0.1:80`, `udp:[::1]:53`, `fwmark6:5`. */
export function formatServiceNotation(key: ServiceKey): string {
  if (key.fwmark) return `${key.af === AddressFamily.INET6 ? 'fwmark6' : 'fwmark'}:${key.fwmark >>> 0}`;
  const proto = protocolByNumber(key.protocol);
  return `${proto ? proto.name : `proto${key.protocol}`}:${formatHostPort(key.af, key.address, key.port)}`;
}

/**
 * Parse a real server's `address[:port]` (IPv6 in brackets when a port follows). Without a port
 * the server takes `defaultPort` (ipvsadm uses the service's port), else 0.
 */
export function parseDestinationNotation(text: string, defaultPort = 0): DestinationKey {
  const { af, address, port } = parseHostPort(text, text);
  return { af, address, port: port ?? defaultPort };
}

/** The canonical notation of a real server: `10.0.0.2:80`, `[2001:db8::2]:80`. */
export function formatDestinationNotation(key: DestinationKey): string {
  return formatHostPort(key.af, key.address, key.port);
}
