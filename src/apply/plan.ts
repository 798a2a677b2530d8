// The planner: current state + desired state + options → the ordered, minimal list of kernel
// requests that turns one into the other. Pure: no I/O, no clock; the executor runs the result.
//
// Minimal: a service or real server whose key is unchanged but whose settings differ is edited
// in place (SET_SERVICE / SET_DEST replace every setting); an unchanged one is not touched, so
// its counters and connections survive. What the kernel cannot edit (the key: a service's af,
// protocol, address, port or mark; a real server's af, address or port) is another object, so
// it is an add plus, where the old one must go, a delete.
//
// Ordered make-before-break, so every intermediate state is valid and a service never loses
// capacity it keeps in the end: new services and their servers, service edits, new servers of
// kept services, server edits; then (after an optional drain) server deletes, then service
// deletes. A service delete takes its servers with it (one request).

import type { Destination, Service } from '../ipvs/types';
import { destDifferences, destId, serviceDifferences, serviceId } from './identity';
import { EVERYTHING, inScope, type Scope } from './scope';

/** One service and its real servers. */
export interface ServiceState {
  service: Service;
  dests: Destination[];
}

/** A whole IPVS table (or the part of it a file describes). */
export type IpvsState = ServiceState[];

export type Operation =
  | { kind: 'add-service'; service: Service }
  | { kind: 'edit-service'; service: Service; previous: Service; changed: string[] }
  | { kind: 'delete-service'; service: Service }
  | { kind: 'add-server'; service: Service; dest: Destination }
  | { kind: 'edit-server'; service: Service; dest: Destination; previous: Destination; changed: string[] }
  | { kind: 'delete-server'; service: Service; dest: Destination }
  /** Not a request: wait until these servers have no active connection, or the drain time ends. */
  | { kind: 'drain'; seconds: number; servers: Array<{ service: Service; dest: Destination }> };

/** The operations that are kernel requests (all but `drain`). */
export type RequestOperation = Exclude<Operation, { kind: 'drain' }>;

export interface PlanOptions {
  /** Delete services (in scope) that the desired state does not mention. */
  prune?: boolean;
  /** Only services in this scope are compared, changed or pruned. */
  scope?: Scope;
  /** Set servers to weight 0 and wait up to this many seconds for them to drain before deleting. */
  drainSeconds?: number;
}

export interface Plan {
  operations: Operation[];
}

/** The number of kernel requests the plan sends. */
export function requestCount(plan: Plan): number {
  return plan.operations.filter((op) => op.kind !== 'drain').length;
}

export function isRequest(op: Operation): op is RequestOperation {
  return op.kind !== 'drain';
}

/** A desired state the planner refuses (the readers validate first; this is the last guard). */
export class PlanError extends Error {}

/**
 * The plan from `current` to `desired`. Services of `current` outside the scope are ignored;
 * services of `desired` must all be inside it. A service of `desired` is reconciled completely
 * (its servers become exactly the listed ones); a service of `current` that `desired` does not
 * mention is deleted only with `prune`.
 */
export function planChanges(current: IpvsState, desired: IpvsState, options: PlanOptions = {}): Plan {
  const scope = options.scope ?? EVERYTHING;
  const draining = options.drainSeconds !== undefined;

  const currentById = new Map<string, ServiceState>();
  for (const entry of current) if (inScope(scope, entry.service)) currentById.set(serviceId(entry.service), entry);

  // Each key is formatted once (a no-op apply of 16,000 services spent its planning time
  // formatting the same keys again and again).
  const seen = new Set<string>();
  const wantIds: string[] = [];
  const wantDestIds: string[][] = [];
  for (const entry of desired) {
    const id = serviceId(entry.service);
    if (seen.has(id)) throw new PlanError(`service ${id} is listed twice`);
    seen.add(id);
    if (!inScope(scope, entry.service)) throw new PlanError(`service ${id} is outside the scope`);
    const destIds = entry.dests.map(destId);
    if (destIds.length > 1) {
      const unique = new Set<string>();
      for (const d of destIds) {
        if (unique.has(d)) throw new PlanError(`server ${d} is listed twice in service ${id}`);
        unique.add(d);
      }
    }
    wantIds.push(id);
    wantDestIds.push(destIds);
  }

  const adds: Operation[] = [];
  const serviceEdits: Operation[] = [];
  const serverAddsAndEdits: Operation[] = [];
  const toRemove: Array<{ service: Service; dest: Destination }> = [];
  const serverDeletes: Operation[] = [];
  const serviceDeletes: Operation[] = [];

  desired.forEach((want, i) => {
    const have = currentById.get(wantIds[i]);
    if (!have) {
      adds.push({ kind: 'add-service', service: want.service });
      for (const dest of want.dests) adds.push({ kind: 'add-server', service: want.service, dest });
      return;
    }
    const changed = serviceDifferences(want.service, have.service);
    if (changed.length > 0) serviceEdits.push({ kind: 'edit-service', service: want.service, previous: have.service, changed });

    const haveIds = have.dests.map(destId);
    const findHave = indexOfLast(haveIds);
    const isWanted = contains(wantDestIds[i]);
    want.dests.forEach((dest, j) => {
      const at = findHave(wantDestIds[i][j]);
      if (at < 0) {
        serverAddsAndEdits.push({ kind: 'add-server', service: want.service, dest });
        return;
      }
      const old = have.dests[at];
      const destChanged = destDifferences(dest, old);
      if (destChanged.length > 0) {
        serverAddsAndEdits.push({ kind: 'edit-server', service: want.service, dest, previous: old, changed: destChanged });
      }
    });
    have.dests.forEach((old, k) => {
      if (isWanted(haveIds[k])) return;
      toRemove.push({ service: want.service, dest: old });
      serverDeletes.push({ kind: 'delete-server', service: want.service, dest: old });
    });
  });

  if (options.prune) {
    for (const [id, have] of currentById) {
      if (seen.has(id)) continue;
      for (const dest of have.dests) toRemove.push({ service: have.service, dest });
      serviceDeletes.push({ kind: 'delete-service', service: have.service });
    }
  }

  const drainOps: Operation[] = [];
  if (draining && toRemove.length > 0) {
    for (const { service, dest } of toRemove) {
      if (dest.weight === 0) continue;
      drainOps.push({ kind: 'edit-server', service, dest: { ...dest, weight: 0 }, previous: dest, changed: ['weight'] });
    }
    drainOps.push({ kind: 'drain', seconds: options.drainSeconds!, servers: toRemove });
  }

  return { operations: [...adds, ...serviceEdits, ...serverAddsAndEdits, ...drainOps, ...serverDeletes, ...serviceDeletes] };
}

/** Lists longer than this are looked up through a Map or Set; shorter ones are searched. */
const SEARCH_LIMIT = 16;

/** The index of a key's last occurrence (as a Map built from the list keeps the last), or -1. */
function indexOfLast(keys: string[]): (key: string) => number {
  if (keys.length <= SEARCH_LIMIT) return (key) => keys.lastIndexOf(key);
  const at = new Map(keys.map((k, i) => [k, i]));
  return (key) => at.get(key) ?? -1;
}

function contains(keys: string[]): (key: string) => boolean {
  if (keys.length <= SEARCH_LIMIT) return (key) => keys.includes(key);
  const set = new Set(keys);
  return (key) => set.has(key);
}
