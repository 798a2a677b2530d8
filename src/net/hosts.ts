// Host-name look-ups through the C library (getaddrinfo / getnameinfo behind node's dns.lookup
// and dns.lookupService), so /etc/hosts and nsswitch answer as they do for ipvsadm.

import { lookup, lookupService } from 'node:dns/promises';

/** gethostbyname for IPv4: the first IPv4 address of `name`, or null. */
export async function resolveHostV4(name: string): Promise<string | null> {
  try {
    const { address } = await lookup(name, { family: 4 });
    return address;
  } catch {
    return null;
  }
}

/** gethostbyaddr: the host name of `address`, or null when it has none. */
export async function reverseLookup(address: string): Promise<string | null> {
  try {
    const { hostname } = await lookupService(address, 0);
    // Node decodes the C library's bytes as UTF-8; CLI text is one byte per character.
    return hostname === address ? null : Buffer.from(hostname, 'utf8').toString('latin1');
  } catch {
    return null;
  }
}
