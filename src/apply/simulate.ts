// A pure model of what the kernel does with each request of a plan, with the refusals that matter
// to ordering (a missing or existing service or server, and the per-server checks of NEW/SET_DEST).
// The planner's tests run plans through it; host tests of the executor use it as a fake kernel.

import { constants } from 'node:os';
import { FwdMethod, TunnelType } from '../ipvs/constants';
import type { Destination, Service } from '../ipvs/types';
import { destId, serviceId } from './identity';
import type { IpvsState, RequestOperation } from './plan';

const { EEXIST, ENOENT, ERANGE, ESRCH, EINVAL } = constants.errno;

/** A request the kernel would refuse, with the errno it would answer. */
export class SimulatedRefusal extends Error {
  constructor(
    readonly operation: RequestOperation,
    readonly errno: number,
  ) {
    super(`${operation.kind}: errno ${errno}`);
  }
}

const INT_MAX = 2147483647;

/** The NEW_DEST / SET_DEST checks of ip_vs_ctl.c (Linux 6.1), in its order. */
function destRefusal(svc: Service, dest: Destination): number | undefined {
  if (dest.weight < 0) return ERANGE;
  if (dest.lowerThreshold > dest.upperThreshold) return ERANGE;
  if (dest.upperThreshold > INT_MAX) return EINVAL;
  if (dest.fwdMethod === FwdMethod.TUNNEL && dest.tunType === TunnelType.GUE && dest.tunPort === 0) return EINVAL;
  if (dest.af !== svc.af && dest.fwdMethod !== FwdMethod.TUNNEL) return EINVAL;
  return undefined;
}

/** The state after `op`, or a SimulatedRefusal. The input is not modified (untouched entries are shared). */
export function simulate(state: IpvsState, op: RequestOperation): IpvsState {
  const next = state.slice();
  const id = serviceId(op.service);
  const index = next.findIndex((e) => serviceId(e.service) === id);
  if (index >= 0) next[index] = { service: next[index].service, dests: next[index].dests.slice() };
  const entry = index < 0 ? undefined : next[index];
  const refuse = (errno: number): never => {
    throw new SimulatedRefusal(op, errno);
  };
  switch (op.kind) {
    case 'add-service':
      if (entry) refuse(EEXIST);
      next.push({ service: { ...op.service }, dests: [] });
      return next;
    case 'edit-service':
      if (!entry) refuse(ESRCH);
      entry!.service = { ...op.service };
      return next;
    case 'delete-service':
      if (!entry) refuse(ESRCH);
      next.splice(index, 1);
      return next;
  }
  if (!entry) refuse(ESRCH);
  const at = entry!.dests.findIndex((d) => destId(d) === destId(op.dest));
  switch (op.kind) {
    case 'add-server': {
      const why = destRefusal(entry!.service, op.dest);
      if (why !== undefined) refuse(why);
      if (at >= 0) refuse(EEXIST);
      entry!.dests.push({ ...op.dest });
      return next;
    }
    case 'edit-server': {
      const why = destRefusal(entry!.service, op.dest);
      if (why !== undefined) refuse(why);
      if (at < 0) refuse(ENOENT);
      entry!.dests[at] = { ...op.dest };
      return next;
    }
    case 'delete-server':
      if (at < 0) refuse(ENOENT);
      entry!.dests.splice(at, 1);
      return next;
  }
}

/** Run every request of `ops` in order (drain steps are no-ops here). */
export function simulateAll(state: IpvsState, ops: Iterable<{ kind: string }>): IpvsState {
  let s = state;
  for (const op of ops) if (op.kind !== 'drain') s = simulate(s, op as RequestOperation);
  return s;
}
