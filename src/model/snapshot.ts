// A snapshot of the whole IPVS state: info, every service with its destinations and statistics,
// the timeouts and the sync daemons, read as one service dump and then the destination dumps of
// many services at once. A netlink socket carries one dump at a time (the kernel answers a second
// with EBUSY until the first is read to its end), so the destination dumps run on a small pool of
// sockets: the client's own and forks of it (IpvsClient.fork: a socket of its own, same family).
//
// The kernel has no combined dump, so a table changed between the dumps can give a service whose
// destinations cannot be read; such a failure is reported with the services read before it, in
// order, so a listing can print what ipvsadm would have printed before it failed. A dump the
// kernel marks interrupted (NLM_F_DUMP_INTR: the table changed while it was read) makes the whole
// read start again, a bounded number of times.

import type { DumpOptions, IpvsClient } from '../ipvs/client';
import type { Daemon, Destination, Info, Service, ServiceKey, TimeoutConfig } from '../ipvs/types';
import { DumpInterruptedError } from '../netlink/genl';
import { sortDests, sortServices } from '../format/sort';

/** A service as listed: its settings, statistics and real servers. */
export interface ServiceState extends Service {
  destinations: Destination[];
}

/**
 * Where services and destinations come from: an IpvsClient, or anything answering the same
 * three reads (the kernel suite's reader keeps each reply's raw bytes beside the decoding).
 */
export interface ServiceSource<S extends Service = Service, D extends Destination = Destination> {
  services(opts?: DumpOptions): Promise<S[]>;
  service(key: ServiceKey): Promise<S>;
  destinations(service: S, opts?: DumpOptions): Promise<D[]>;
  /** Another source on a socket of its own, for dumps in parallel; without one, one dump at a time. */
  fork?(): ServiceSource<S, D> | undefined;
  /** Release a forked source. */
  close?(): void;
}

/** The reads a whole snapshot takes. */
export type SnapshotSource = ServiceSource & Pick<IpvsClient, 'info' | 'timeouts' | 'daemons'>;

export interface Snapshot {
  info: Info;
  services: ServiceState[];
  timeouts: TimeoutConfig;
  daemons: Daemon[];
}

export interface ReadOptions {
  /**
   * 'ipvsadm' (default): services and each service's destinations in the order `ipvsadm -L`
   * prints them. 'kernel': as the kernel dumped them (what `--nosort` prints).
   */
  order?: 'ipvsadm' | 'kernel';
  /** Destination dumps in flight at once, each on a socket of its own (default 8). */
  concurrency?: number;
  /** How many times an interrupted read starts again before giving up (default 3). */
  retries?: number;
  /**
   * When the last attempt is still interrupted, take what the dumps returned instead of
   * failing (ipvsadm ignores the interrupted mark altogether). Default false: throw
   * DumpInterruptedError.
   */
  acceptInterrupted?: boolean;
  /** Read only this service (GET_SERVICE for it, then its destinations). */
  service?: ServiceKey;
}

export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_RETRIES = 3;

/**
 * A read that failed part way. `services` holds the services read in full before the one that
 * failed (in the requested order); `stage` says which request failed: the service dump (or the
 * one-service look-up), or the destinations of `failedService`.
 */
export class SnapshotReadError<S extends Service = Service, D extends Destination = Destination> extends Error {
  override readonly name = 'SnapshotReadError';
  constructor(
    readonly stage: 'services' | 'destinations',
    readonly services: (S & { destinations: D[] })[],
    readonly failedService: S | undefined,
    override readonly cause: unknown,
  ) {
    super(`reading IPVS ${stage} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** Every service (or the one asked for) with its destinations. */
export async function readServices<S extends Service, D extends Destination>(
  client: ServiceSource<S, D>,
  opts: ReadOptions = {},
): Promise<(S & { destinations: D[] })[]> {
  return withRetry(opts, (last) => readServicesOnce(client, opts, last && !!opts.acceptInterrupted));
}

/** The whole state: info, services with destinations, timeouts, daemons. */
export async function readSnapshot(client: SnapshotSource, opts: ReadOptions = {}): Promise<Snapshot> {
  return withRetry(opts, async (last) => {
    const info = await client.info();
    const services = await readServicesOnce(client, opts, last && !!opts.acceptInterrupted);
    const [timeouts, daemons] = await Promise.all([client.timeouts(), client.daemons()]);
    return { info, services, timeouts, daemons };
  });
}

async function withRetry<T>(opts: ReadOptions, read: (last: boolean) => Promise<T>): Promise<T> {
  const retries = Math.max(0, opts.retries ?? DEFAULT_RETRIES);
  for (let attempt = 0; ; attempt++) {
    try {
      return await read(attempt === retries);
    } catch (err) {
      if (attempt < retries && isInterrupted(err)) continue;
      throw err;
    }
  }
}

const isInterrupted = (err: unknown) =>
  err instanceof DumpInterruptedError || (err instanceof SnapshotReadError && err.cause instanceof DumpInterruptedError);

async function readServicesOnce<S extends Service, D extends Destination>(
  client: ServiceSource<S, D>,
  opts: ReadOptions,
  acceptInterrupted: boolean,
): Promise<(S & { destinations: D[] })[]> {
  const dumpOpts = { acceptInterrupted };
  let services: S[];
  try {
    services = opts.service ? [await client.service(opts.service)] : await client.services(dumpOpts);
  } catch (err) {
    throw new SnapshotReadError<S, D>('services', [], undefined, err);
  }
  const kernelOrder = opts.order === 'kernel';
  const ordered = kernelOrder ? services : sortServices(services);
  const width = Math.max(1, Math.min(opts.concurrency ?? DEFAULT_CONCURRENCY, ordered.length));
  const pool = [client];
  let dests;
  try {
    while (pool.length < width) {
      const forked = client.fork?.();
      if (!forked) break;
      pool.push(forked);
    }
    dests = await mapConcurrent(ordered, pool.length, (svc, worker) => pool[worker].destinations(svc, dumpOpts));
  } finally {
    for (const forked of pool.slice(1)) forked.close?.();
  }
  const states = (n: number) =>
    ordered.slice(0, n).map((svc, i) => ({ ...svc, destinations: kernelOrder ? dests.values[i]! : sortDests(dests.values[i]!) }));

  if (dests.failed !== undefined) {
    throw new SnapshotReadError('destinations', states(dests.failed), ordered[dests.failed], dests.error);
  }
  return states(ordered.length);
}

/**
 * Run `fn` over `items` with at most `limit` calls pending, each from one of `limit` workers
 * (numbered from 0, each with one call pending at a time). On failure, stops starting calls
 * past the failed index and reports the lowest failed index, so the caller sees the first
 * failure in item order whatever order the replies came in.
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, worker: number) => Promise<R>,
): Promise<{ values: (R | undefined)[]; failed?: number; error?: unknown }> {
  const values = new Array<R | undefined>(items.length);
  let next = 0;
  let failed: number | undefined;
  let error: unknown;
  const worker = async (id: number) => {
    for (;;) {
      const i = next++;
      if (i >= items.length || (failed !== undefined && i > failed)) return;
      try {
        values[i] = await fn(items[i], id);
      } catch (err) {
        if (failed === undefined || i < failed) {
          failed = i;
          error = err;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, (_, id) => worker(id)));
  return { values, failed, error };
}
