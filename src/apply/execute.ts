// The executor: runs a plan through the client's pipelined batch. On the first refusal it sends
// nothing more; requests already in flight behind the refused one are undone (newest first), so
// the kernel is left in exactly the state "the plan up to the failure", which is what it reports.
// A service delete cannot be undone without losing the service's counters, so service deletes
// go one request at a time (they end a plan, after everything else succeeded).

import type { Destination, Service, ServiceKey } from '../ipvs/types';
import { destId } from './identity';
import type { Operation, Plan, RequestOperation } from './plan';

// ---- the client surface the executor needs (the IpvsClient's batch API) ---------------------

export type IpvsChange =
  | { op: 'add_service' | 'update_service' | 'del_service'; service: Service }
  | { op: 'add_dest' | 'update_dest' | 'del_dest'; service: Service; dest: Destination };

export type BatchOutcome = { status: 'applied' } | { status: 'failed'; error: Error };

export interface BatchResult {
  outcomes: BatchOutcome[];
  sent: number;
  applied: number;
  firstFailure?: { index: number; error: Error };
}

export interface ApplyClient {
  batch(changes: Iterable<IpvsChange>, options?: { maxInFlight?: number; stopOnError?: boolean }): Promise<BatchResult>;
  destinations(key: ServiceKey): Promise<Destination[]>;
}

/** The kernel request of each plan operation. */
export function toChange(op: RequestOperation): IpvsChange {
  switch (op.kind) {
    case 'add-service':
      return { op: 'add_service', service: op.service };
    case 'edit-service':
      return { op: 'update_service', service: op.service };
    case 'delete-service':
      return { op: 'del_service', service: op.service };
    case 'add-server':
      return { op: 'add_dest', service: op.service, dest: op.dest };
    case 'edit-server':
      return { op: 'update_dest', service: op.service, dest: op.dest };
    case 'delete-server':
      return { op: 'del_dest', service: op.service, dest: op.dest };
  }
}

/**
 * The request that takes back an applied operation. A deleted server comes back from the
 * kernel's server trash with its counters and connections; a service delete has no such undo.
 */
function undoOf(op: RequestOperation): IpvsChange | undefined {
  switch (op.kind) {
    case 'add-service':
      return { op: 'del_service', service: op.service };
    case 'edit-service':
      return { op: 'update_service', service: op.previous };
    case 'add-server':
      return { op: 'del_dest', service: op.service, dest: op.dest };
    case 'edit-server':
      return { op: 'update_dest', service: op.service, dest: op.previous };
    case 'delete-server':
      return { op: 'add_dest', service: op.service, dest: op.dest };
    case 'delete-service':
      return undefined;
  }
}

// ---- the report -------------------------------------------------------------------------------

export interface DrainReport {
  /** Seconds waited. */
  waited: number;
  /** Servers that still had active connections when the time ran out. */
  timedOut: Array<{ service: Service; dest: Destination; activeConns: number }>;
}

export interface ExecutionReport {
  /** The operations applied, in plan order: always a prefix of the plan's requests. */
  applied: RequestOperation[];
  /** The refused operation and the kernel's error (an IpvsError, or a timeout). */
  failed?: { operation: RequestOperation; error: Error };
  /** Operations sent after the refused one that the kernel applied and that were taken back. */
  undone: RequestOperation[];
  /** Operations sent after the refused one whose undo failed: they stay applied (not expected). */
  undoFailed: Array<{ operation: RequestOperation; error: Error }>;
  /** Kernel requests sent in all (plan requests and undos). */
  requests: number;
  drains: DrainReport[];
}

export interface ExecuteOptions {
  /** Requests in flight at once (default: the client's). */
  maxInFlight?: number;
  /** Milliseconds between looks at the connection counts while draining. */
  drainPollMs?: number;
  sleep?(ms: number): Promise<void>;
  now?(): number;
  /** Called when a drain step starts and after each look, for progress messages. */
  onDrain?(event: { servers: number; busy: number; waited: number; seconds: number }): void;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Split the plan into runs: pipelined requests, one-at-a-time service deletes, drain steps. */
function segments(ops: Operation[]): Array<{ kind: 'pipelined' | 'exact'; ops: RequestOperation[] } | Extract<Operation, { kind: 'drain' }>> {
  const out: Array<{ kind: 'pipelined' | 'exact'; ops: RequestOperation[] } | Extract<Operation, { kind: 'drain' }>> = [];
  for (const op of ops) {
    if (op.kind === 'drain') {
      out.push(op);
      continue;
    }
    const kind = op.kind === 'delete-service' ? 'exact' : 'pipelined';
    const last = out[out.length - 1];
    if (last && last.kind === kind) (last as { ops: RequestOperation[] }).ops.push(op);
    else out.push({ kind, ops: [op] });
  }
  return out;
}

/** Run `plan` against the kernel; never rejects for a refusal (see the report). */
export async function executePlan(plan: Plan, client: ApplyClient, options: ExecuteOptions = {}): Promise<ExecutionReport> {
  const report: ExecutionReport = { applied: [], undone: [], undoFailed: [], requests: 0, drains: [] };
  for (const seg of segments(plan.operations)) {
    if (seg.kind === 'drain') {
      report.drains.push(await drain(seg, client, options));
      continue;
    }
    const result = await client.batch(seg.ops.map(toChange), {
      maxInFlight: seg.kind === 'exact' ? 1 : options.maxInFlight,
      stopOnError: true,
    });
    report.requests += result.sent;
    if (!result.firstFailure) {
      report.applied.push(...seg.ops);
      continue;
    }
    const failedAt = result.firstFailure.index;
    report.applied.push(...seg.ops.slice(0, failedAt));
    report.failed = { operation: seg.ops[failedAt], error: result.firstFailure.error };
    // Requests already in flight behind the refused one: take back those the kernel applied.
    const behind: RequestOperation[] = [];
    for (let i = failedAt + 1; i < result.outcomes.length; i++) if (result.outcomes[i]?.status === 'applied') behind.push(seg.ops[i]);
    for (const op of behind.reverse()) {
      const undo = undoOf(op);
      const back = undo ? await client.batch([undo], { maxInFlight: 1, stopOnError: true }) : undefined;
      report.requests += back?.sent ?? 0;
      if (back && !back.firstFailure) report.undone.push(op);
      else report.undoFailed.push({ operation: op, error: back?.firstFailure?.error ?? new Error('a service delete cannot be undone') });
    }
    return report;
  }
  return report;
}

/** Wait until none of the servers has an active connection (or is gone), or the time is up. */
async function drain(step: Extract<Operation, { kind: 'drain' }>, client: ApplyClient, options: ExecuteOptions): Promise<DrainReport> {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const pollMs = options.drainPollMs ?? 1000;
  const started = now();
  const deadline = started + step.seconds * 1000;
  // Group the servers by service: one dump per service per look.
  const byService = new Map<Service, Destination[]>();
  for (const { service, dest } of step.servers) byService.set(service, [...(byService.get(service) ?? []), dest]);
  for (;;) {
    const busy: DrainReport['timedOut'] = [];
    for (const [service, dests] of byService) {
      let live: Destination[];
      try {
        live = await client.destinations(service);
      } catch {
        continue; // the service is gone: nothing left to wait for
      }
      const active = new Map(live.map((d) => [destId(d), d.activeConns]));
      for (const dest of dests) {
        const n = active.get(destId(dest)) ?? 0;
        if (n > 0) busy.push({ service, dest, activeConns: n });
      }
    }
    const waited = (now() - started) / 1000;
    options.onDrain?.({ servers: step.servers.length, busy: busy.length, waited, seconds: step.seconds });
    if (busy.length === 0) return { waited, timedOut: [] };
    if (now() >= deadline) return { waited, timedOut: busy };
    await sleep(Math.min(pollMs, Math.max(1, deadline - now())));
  }
}
