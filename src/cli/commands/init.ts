// Start-up: ipvs_init opens the socket and asks for the version; without IPVS it tries
// `modprobe ip_vs` once, as ipvsadm does, and fails with ipvsadm's message and status 2.

import { IpvsClient, IpvsError, IpvsUnavailableError } from '../../ipvs/client';
import { CAP_NET_RAW, hasCapability } from '../capabilities';
import { CliExit } from '../command';
import { ipvsStrerror } from '../errors';
import type { CliIO } from './context';

/** What start-up needs from the system; host tests replace both. */
export interface InitDeps {
  /** Open a client on a new netlink socket. */
  openClient(): Promise<IpvsClient>;
  /** Run `/sbin/modprobe -- ip_vs`: its exit status and what it wrote to stderr. */
  modprobe(): { status: number | null; stderr: string };
}

export const SYSTEM_INIT: InitDeps = {
  openClient: () => IpvsClient.open(),
  // child_process loads only here: it is heavy, and IPVS is usually there.
  modprobe: () => (require('node:child_process') as typeof import('node:child_process')).spawnSync('/sbin/modprobe', ['--', 'ip_vs'], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' }),
};

export async function initIpvs(io: CliIO, deps: InitDeps = SYSTEM_INIT): Promise<IpvsClient> {
  const attempt = async () => {
    const client = await deps.openClient();
    try {
      await client.info();
      return client;
    } catch (err) {
      client.close();
      throw err;
    }
  };
  try {
    return await attempt();
  } catch (first) {
    const modprobe = deps.modprobe();
    if (modprobe.stderr) io.stderr(modprobe.stderr);
    let err = first;
    if (modprobe.status === 0) {
      try {
        return await attempt();
      } catch (again) {
        err = again;
      }
    }
    throw new CliExit(2, `Can't initialize ipvs: ${initMessage(err)}\nAre you sure that IP Virtual Server is built in the kernel or as module?\n`);
  }
}

/**
 * Without the IPVS family libipvs falls back to the old sockopt interface, which answers
 * ENOPROTOOPT when the module is absent; its socket(AF_INET, SOCK_RAW) needs CAP_NET_RAW and
 * fails with EPERM ("you must be root") before that for anyone else.
 */
const sockoptFallbackErrno = () => (hasCapability(CAP_NET_RAW) ? 92 : 1);

function initMessage(err: unknown): string {
  if (err instanceof IpvsUnavailableError) return ipvsStrerror('init', sockoptFallbackErrno());
  if (err instanceof IpvsError) {
    if (err.operation === 'init') return ipvsStrerror('init', sockoptFallbackErrno());
    return ipvsStrerror('init', err.errno);
  }
  return String(err);
}
