// `tsipvsadm __complete services PROTO` and `__complete servers -t|-u|-f|--sctp-service SVC [-6]`:
// the kernel's services and a service's real servers, one per line, written the way they are
// typed after -t/-u/-f and -r. The completion scripts call it; it prints nothing on any failure
// (no IPVS, not root, a service that does not exist), so a TAB never shows an error.

import type { ServiceKey } from '../../ipvs/types';
import { formatHostPort, protocolByNumber, type ServiceState } from '../../model';
import { parseCommandLine } from '../parse';
import type { ServiceProtocol } from './spec';

/** Reads the services (all, or the one given) with their real servers: the model's snapshot reader. */
export type ServiceSource = (only?: ServiceKey) => Promise<ServiceState[]>;

/** An address and port as -t/-u/-r take them: a.b.c.d:port, [v6]:port; no port when it is 0. */
export function addressArg(af: number, address: string, port: number): string {
  return port === 0 ? address : formatHostPort(af, address, port);
}

/** The -t/-u/--sctp-service/-f arguments of the kernel's services of one protocol, sorted. */
export async function serviceArgs(source: ServiceSource, protocol: ServiceProtocol): Promise<string[]> {
  const args = (await source())
    .filter((s) => (protocol === 'fwmark' ? s.fwmark !== 0 : s.fwmark === 0 && protocolByNumber(s.protocol)?.name === protocol))
    .map((s) => (s.fwmark !== 0 ? String(s.fwmark >>> 0) : addressArg(s.af, s.address, s.port)));
  return [...new Set(args)].sort();
}

/** The -r arguments of one service's real servers; `serviceOptions` as typed (`-t VIP:PORT`). */
export async function serverArgs(source: ServiceSource, serviceOptions: string[]): Promise<string[]> {
  const parsed = await parseCommandLine(['-L', ...serviceOptions], 'tsipvsadm');
  const [svc] = await source(parsed.service);
  return [...new Set((svc?.destinations ?? []).map((d) => addressArg(d.af, d.address, d.port)))].sort();
}

const PROTOCOLS: readonly ServiceProtocol[] = ['tcp', 'udp', 'sctp', 'fwmark'];

/** The `__complete` verb: the lines to print (none for anything unexpected or failing). */
export async function completeFromKernel(args: string[], source: ServiceSource): Promise<string[]> {
  const [what, ...rest] = args;
  try {
    if (what === 'services' && rest.length === 1 && PROTOCOLS.includes(rest[0] as ServiceProtocol)) {
      return await serviceArgs(source, rest[0] as ServiceProtocol);
    }
    if (what === 'servers' && rest.length > 0) return await serverArgs(source, rest);
  } catch {
    // A TAB never shows an error: no IPVS, not root, no such service all offer nothing.
  }
  return [];
}
