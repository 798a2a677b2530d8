// The whole IPVS state as the verbs render it. One function, so the verbs follow the model's
// snapshot reader (src/model/) from one place.

import type { IpvsClient } from '../ipvs/client';
import type { Daemon, Destination, Info, Service, TimeoutConfig } from '../ipvs/types';
import { readSnapshot, SnapshotReadError } from '../model/snapshot';

export interface ServiceWithDests {
  svc: Service;
  dests: Destination[];
}

export interface State {
  info: Info;
  /** In ipvsadm's listing order, each service's real servers too. */
  services: ServiceWithDests[];
  timeouts: TimeoutConfig;
  daemons: Daemon[];
}

export async function readState(client: IpvsClient): Promise<State> {
  let snap;
  try {
    snap = await readSnapshot(client, { acceptInterrupted: true });
  } catch (err) {
    // The verbs word the kernel's refusal itself (an IpvsError); what was read before it is of no use here.
    throw err instanceof SnapshotReadError ? err.cause : err;
  }
  const services = snap.services.map(({ destinations, ...svc }) => ({ svc, dests: destinations }));
  return { info: snap.info, services, timeouts: snap.timeouts, daemons: snap.daemons };
}
