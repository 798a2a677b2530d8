// Changes to the kernel's IPVS tables as data: one table from change to kernel request, used by
// the one-at-a-time client methods and by batches alike.

import { packDaemon, packService, packServiceAndDest, packTimeouts } from './codec';
import { IpvsCommand } from './constants';
import type { Daemon, DestinationConfig, ServiceConfig, TimeoutConfig } from './types';

/** One change to the kernel's tables. `op` is the libipvs operation (it words error messages). */
export type IpvsChange =
  | { op: 'add_service' | 'update_service' | 'del_service' | 'zero_service'; service: ServiceConfig }
  | { op: 'add_dest' | 'update_dest' | 'del_dest'; service: ServiceConfig; dest: DestinationConfig }
  | { op: 'zero' | 'flush' }
  | { op: 'set_timeout'; timeouts: TimeoutConfig }
  | { op: 'start_daemon' | 'stop_daemon'; daemon: Daemon };

export type IpvsChangeOperation = IpvsChange['op'];

type ChangeOf<O extends IpvsChangeOperation> = IpvsChange extends infer C ? (C extends { op: infer P } ? (O extends P ? C : never) : never) : never;

interface ChangeRequestDef<O extends IpvsChangeOperation> {
  cmd: IpvsCommand;
  attrs(change: ChangeOf<O>): Uint8Array[];
}

const withService = (c: { service: ServiceConfig }) => packService(c.service);
const withDest = (c: { service: ServiceConfig; dest: DestinationConfig }) => packServiceAndDest(c.service, c.dest);
const none = () => [];

/** The kernel request for each change, with attributes in libipvs's order. */
export const CHANGE_REQUESTS: { [O in IpvsChangeOperation]: ChangeRequestDef<O> } = {
  add_service: { cmd: IpvsCommand.NEW_SERVICE, attrs: withService },
  // Replaces every setting of the service (flags mask 0xffffffff), as ipvsadm -E does.
  update_service: { cmd: IpvsCommand.SET_SERVICE, attrs: withService },
  del_service: { cmd: IpvsCommand.DEL_SERVICE, attrs: withService },
  zero_service: { cmd: IpvsCommand.ZERO, attrs: withService },
  add_dest: { cmd: IpvsCommand.NEW_DEST, attrs: withDest },
  update_dest: { cmd: IpvsCommand.SET_DEST, attrs: withDest },
  del_dest: { cmd: IpvsCommand.DEL_DEST, attrs: withDest },
  // Without a service ZERO clears every counter and the global totals.
  zero: { cmd: IpvsCommand.ZERO, attrs: none },
  flush: { cmd: IpvsCommand.FLUSH, attrs: none },
  // Zero means "keep the current value" to the kernel.
  set_timeout: { cmd: IpvsCommand.SET_CONFIG, attrs: (c) => packTimeouts(c.timeouts) },
  start_daemon: { cmd: IpvsCommand.NEW_DAEMON, attrs: (c) => packDaemon(c.daemon) },
  stop_daemon: { cmd: IpvsCommand.DEL_DAEMON, attrs: (c) => packDaemon(c.daemon) },
};

/** The command and attributes of a change (throws if a value cannot be encoded). */
export function changeRequest(change: IpvsChange): { cmd: IpvsCommand; attrs: Uint8Array[] } {
  const def = CHANGE_REQUESTS[change.op] as ChangeRequestDef<IpvsChangeOperation>;
  return { cmd: def.cmd, attrs: def.attrs(change as never) };
}
