// The whole IPVS state as the verbs render it. One function, so the verbs follow the model's
// snapshot reader (src/model/) from one place.

import type { IpvsClient } from '../ipvs/client';
import type { Daemon, Destination, Info, Service, TimeoutConfig } from '../ipvs/types';
import { sortDests, sortServices } from '../format/sort';

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
  const info = await client.info();
  const services = sortServices(await client.services());
  const withDests = await Promise.all(services.map(async (svc) => ({ svc, dests: sortDests(await client.destinations(svc)) })));
  const [timeouts, daemons] = await Promise.all([client.timeouts(), client.daemons()]);
  return { info, services: withDests, timeouts, daemons };
}
