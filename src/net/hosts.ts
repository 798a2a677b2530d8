// Host-name look-ups through the C library (getaddrinfo / getnameinfo behind node's dns.lookup
// and dns.lookupService), so /etc/hosts and nsswitch answer as they do for ipvsadm.

// node:dns is loaded on the first look-up: most command lines (numeric addresses, -n) never
// make one, and start-up time counts.
const dns = () => require('node:dns/promises') as typeof import('node:dns/promises');

/** gethostbyname for IPv4: the first IPv4 address of `name`, or null. */
export async function resolveHostV4(name: string): Promise<string | null> {
  try {
    const { address } = await dns().lookup(name, { family: 4 });
    return address;
  } catch {
    return null;
  }
}

/** gethostbyaddr: the host name of `address`, or null when it has none. */
export async function reverseLookup(address: string): Promise<string | null> {
  try {
    const { hostname } = await dns().lookupService(address, 0);
    // Node decodes the C library's bytes as UTF-8; CLI text is one byte per character.
    return hostname === address ? null : Buffer.from(hostname, 'utf8').toString('latin1');
  } catch {
    return null;
  }
}
