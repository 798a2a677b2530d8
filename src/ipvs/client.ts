// IpvsClient: the typed library API. One generic-netlink socket and one family look-up per client;
// every method is one kernel request (listing everything is one service dump plus one dest dump
// per service, because the kernel has no combined dump).

import { GenlSocket, NetlinkError, NetlinkTimeoutError, type GenlMessage } from '../netlink/genl';
import { DumpInterruptedError, type NetlinkTransport } from '../netlink/transport';
import { constants as osConstants } from 'node:os';
import {
  packDest,
  packService,
  packServiceKey,
  unpackDaemon,
  unpackDest,
  unpackInfo,
  unpackService,
  unpackTimeouts,
} from './codec';
import { changeRequest, type IpvsChange, type IpvsChangeOperation } from './changes';
import { IPVS_GENL_NAME, IPVS_GENL_VERSION, IpvsCommand } from './constants';
import type { Daemon, Destination, DestinationConfig, DestinationKey, Info, Service, ServiceConfig, ServiceKey, TimeoutConfig } from './types';
import { destinationForKey, serviceForKey } from '../model/builders';
import { destinationKey, serviceKeyOf } from '../model/identity';
import { readSnapshot, type ReadOptions, type Snapshot } from '../model/snapshot';

/**
 * The libipvs operation a request belongs to. ipvsadm words its error messages by operation
 * (ESRCH is "No such service" for an edit but "Service not defined" for a dest add), so errors
 * carry it.
 */
export type IpvsOperation =
  | 'init'
  | 'add_service'
  | 'update_service'
  | 'del_service'
  | 'zero_service'
  | 'zero'
  | 'flush'
  | 'add_dest'
  | 'update_dest'
  | 'del_dest'
  | 'set_timeout'
  | 'get_timeout'
  | 'start_daemon'
  | 'stop_daemon'
  | 'get_daemon'
  | 'get_services'
  | 'get_service'
  | 'get_dests'
  | 'get_info';

/** Options of a dump request. */
export interface DumpOptions {
  /**
   * Return what an interrupted dump (NLM_F_DUMP_INTR) delivered instead of throwing
   * DumpInterruptedError, as libipvs does (it ignores the mark).
   */
  acceptInterrupted?: boolean;
}

/** A kernel refusal, with the errno and the operation it answered. */
export class IpvsError extends Error {
  override readonly name = 'IpvsError';
  constructor(
    readonly operation: IpvsOperation,
    readonly errno: number,
    readonly code: string,
  ) {
    super(`${operation}: ${code}`);
  }
}

/**
 * The kernel has no IPVS (the ip_vs module is neither loaded nor built in): the generic-netlink
 * family is unknown. Not a refusal: nothing was asked of IPVS.
 */
export class IpvsUnavailableError extends Error {
  override readonly name = 'IpvsUnavailableError';
  readonly operation = 'init' as const;
  constructor() {
    super('IP Virtual Server is not available in this kernel (is the ip_vs module loaded?)');
  }
}

/** A service named by key or notation (`tcp:10.0.0.1:80`); a full service is used as it is. */
export type ServiceRef = string | ServiceKey | ServiceConfig;
/** A real server named by key or notation (`10.0.0.2:80`); a full one is used as it is. */
export type DestinationRef = string | DestinationKey | DestinationConfig;

/** The kernel gave no answer to a request within the client's timeout. */
export class IpvsTimeoutError extends Error {
  override readonly name = 'IpvsTimeoutError';
  constructor(
    readonly operation: IpvsOperation,
    readonly timeoutMs: number,
  ) {
    super(`IPVS ${operation}: no answer from the kernel within ${timeoutMs} ms`);
  }
}

export interface IpvsClientOptions {
  /**
   * The netlink socket to use (NETLINK_GENERIC); a new one over node-netlink's binding when absent.
   * Tests pass a fake kernel here. The client owns it and closes it on close().
   */
  socket?: NetlinkTransport;
  /**
   * Fail a request with IpvsTimeoutError after this many milliseconds without an answer (for a
   * listing: without a new part of it). Default 10 000; 0 waits forever.
   */
  timeoutMs?: number;
}

/** How many changes a batch has in flight by default: well within the receive buffer even when
 * the kernel refuses every one (each refusal echoes the request, about 1 KiB of buffer each). */
export const DEFAULT_MAX_IN_FLIGHT = 128;
/** Changes per datagram: one acknowledgement answers each datagram. */
const CHANGES_PER_DATAGRAM = 32;

export type BatchOutcome = { status: 'applied' } | { status: 'failed'; error: Error };

export interface BatchOptions {
  /** Changes sent and not yet answered, at most (default DEFAULT_MAX_IN_FLIGHT). */
  maxInFlight?: number;
  /** Send nothing more after the first refusal (default false: go on, as ipvsadm -R does). */
  stopOnError?: boolean;
  /** Called once per change sent, in order, as answers arrive. */
  onResult?(index: number, outcome: BatchOutcome): void;
}

export interface BatchResult {
  /** One per change sent, in order. A failure is an IpvsError (refused), IpvsTimeoutError, or
   * the codec's error for a value it could not encode (not sent). */
  outcomes: BatchOutcome[];
  /** How many changes were taken from the input (all of them unless stopOnError stopped it). */
  sent: number;
  applied: number;
  /** The first change that failed; every change before it was applied. */
  firstFailure?: { index: number; error: Error };
}

export class IpvsClient {
  private constructor(
    private readonly sock: GenlSocket,
    private readonly family: number,
    private readonly options: IpvsClientOptions,
  ) {}

  /**
   * Open a socket and resolve the IPVS family. Fails with IpvsUnavailableError without IPVS, or
   * IpvsError('init', ...) when the socket itself fails.
   */
  static async open(options: IpvsClientOptions = {}): Promise<IpvsClient> {
    const sock = new GenlSocket({ transport: options.socket, timeoutMs: options.timeoutMs });
    try {
      const family = await sock.resolveFamily(IPVS_GENL_NAME);
      return new IpvsClient(sock, family, options);
    } catch (err) {
      sock.close();
      // The controller answers ENOENT for a family it does not know.
      if (err instanceof NetlinkError && err.errno === osConstants.errno.ENOENT) throw new IpvsUnavailableError();
      throw toIpvsError('init', err);
    }
  }

  close(): void {
    this.sock.close();
  }

  /**
   * Another client on a socket of its own, for the same family (no look-up), with the same
   * timeout. A netlink socket carries one dump at a time, so reads that want several dumps at
   * once use forks (close them). Undefined when the socket was given to open() (a test's fake
   * kernel): there is no second one to open.
   */
  fork(): IpvsClient | undefined {
    if (this.options.socket) return undefined;
    return new IpvsClient(new GenlSocket({ timeoutMs: this.options.timeoutMs }), this.family, this.options);
  }

  private async call(op: IpvsOperation, cmd: IpvsCommand, attrs: Uint8Array[] = [], dump = false, opts: DumpOptions = {}) {
    try {
      return await this.sock.request(this.family, cmd, IPVS_GENL_VERSION, attrs, { dump, label: op });
    } catch (err) {
      if (opts.acceptInterrupted && err instanceof DumpInterruptedError) return err.partial as GenlMessage[];
      throw toIpvsError(op, err);
    }
  }

  /**
   * The whole state in one read: services with their destinations (fetched many at once), info,
   * timeouts and sync daemons. See readSnapshot for the options.
   */
  snapshot(opts?: ReadOptions): Promise<Snapshot> {
    return readSnapshot(this, opts);
  }

  async info(): Promise<Info> {
    const [reply] = await this.call('get_info', IpvsCommand.GET_INFO);
    return unpackInfo(reply.payload);
  }

  async services(opts?: DumpOptions): Promise<Service[]> {
    const replies = await this.call('get_services', IpvsCommand.GET_SERVICE, [], true, opts);
    return replies.map((r) => unpackService(r.payload));
  }

  /** One service by key or notation (rejects with IpvsError ESRCH when there is none). */
  async service(key: ServiceRef): Promise<Service> {
    const probe: ServiceConfig = { ...serviceKeyOf(serviceForKey(key)), scheduler: '', flags: 0, timeout: 0, netmask: 0, peName: '' };
    const [reply] = await this.call('get_service', IpvsCommand.GET_SERVICE, packService(probe));
    return unpackService(reply.payload);
  }

  /** One service by key or notation, or undefined when the kernel has none. */
  async findService(key: ServiceRef): Promise<Service | undefined> {
    try {
      return await this.service(key);
    } catch (err) {
      if (err instanceof IpvsError && err.errno === osConstants.errno.ESRCH) return undefined;
      throw err;
    }
  }

  /** A service's real servers, in the kernel's order. */
  async destinations(key: ServiceRef, opts?: DumpOptions): Promise<Destination[]> {
    const svc = serviceForKey(key);
    const replies = await this.call('get_dests', IpvsCommand.GET_DEST, packServiceKey(svc), true, opts);
    return replies.map((r) => unpackDest(r.payload, svc.af));
  }

  /** One real server of a service by key or notation, or undefined when the service has none such. */
  async findDestination(svc: ServiceRef, dest: DestinationRef): Promise<Destination | undefined> {
    const want = destinationKey(destinationForKey(dest));
    return (await this.destinations(svc)).find((d) => destinationKey(d) === want);
  }

  async addService(svc: ServiceConfig): Promise<void> {
    await this.call('add_service', IpvsCommand.NEW_SERVICE, packService(svc));
  }

  /** Replaces every setting of the service (flags mask 0xffffffff), as ipvsadm -E does. */
  async updateService(svc: ServiceConfig): Promise<void> {
    await this.call('update_service', IpvsCommand.SET_SERVICE, packService(svc));
  }

  async deleteService(svc: ServiceRef): Promise<void> {
    await this.call('del_service', IpvsCommand.DEL_SERVICE, packService(serviceForKey(svc)));
  }

  async addDestination(svc: ServiceRef, dest: DestinationConfig): Promise<void> {
    await this.call('add_dest', IpvsCommand.NEW_DEST, [...packService(serviceForKey(svc)), ...packDest(dest)]);
  }

  async updateDestination(svc: ServiceRef, dest: DestinationConfig): Promise<void> {
    await this.call('update_dest', IpvsCommand.SET_DEST, [...packService(serviceForKey(svc)), ...packDest(dest)]);
  }

  async deleteDestination(svc: ServiceRef, dest: DestinationRef): Promise<void> {
    await this.call('del_dest', IpvsCommand.DEL_DEST, [...packService(serviceForKey(svc)), ...packDest(destinationForKey(dest))]);
  }

  /** Zero the counters of one service, or of everything (and the global totals) without one. */
  async zero(svc?: ServiceRef): Promise<void> {
    if (svc) await this.call('zero_service', IpvsCommand.ZERO, packService(serviceForKey(svc)));
    else await this.call('zero', IpvsCommand.ZERO);
  }

  /** Apply one change (see IpvsChange); rejects with IpvsError when the kernel refuses it. */
  async apply(change: IpvsChange): Promise<void> {
    const { cmd, attrs } = changeRequest(change);
    await this.call(change.op, cmd, attrs);
  }

  async flush(): Promise<void> {
    await this.apply({ op: 'flush' });
  }

  async timeouts(): Promise<TimeoutConfig> {
    const [reply] = await this.call('get_timeout', IpvsCommand.GET_CONFIG);
    return unpackTimeouts(reply.payload);
  }

  /** Zero means "keep the current value" to the kernel. */
  async setTimeouts(t: TimeoutConfig): Promise<void> {
    await this.apply({ op: 'set_timeout', timeouts: t });
  }

  async daemons(): Promise<Daemon[]> {
    const replies = await this.call('get_daemon', IpvsCommand.GET_DAEMON, [], true);
    return replies.map((r) => unpackDaemon(r.payload));
  }

  async startDaemon(d: Daemon): Promise<void> {
    await this.apply({ op: 'start_daemon', daemon: d });
  }

  async stopDaemon(d: Daemon): Promise<void> {
    await this.apply({ op: 'stop_daemon', daemon: d });
  }

  /**
   * Apply many changes over this client's one socket, in order, with up to `maxInFlight` sent
   * before their answers arrive (the kernel applies a socket's requests in the order sent).
   * Resolves once every change sent has been answered; never rejects for a refusal: each
   * change's outcome is in the result, and `onResult` sees them in order as they arrive.
   * With `stopOnError`, nothing more is sent after the first refusal, but changes already in
   * flight behind it were applied (or refused) and are reported: set maxInFlight 1 for an exact
   * stop.
   */
  async batch(changes: Iterable<IpvsChange>, options: BatchOptions = {}): Promise<BatchResult> {
    const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    if (!(maxInFlight >= 1)) throw new RangeError(`maxInFlight must be at least 1, not ${maxInFlight}`);
    const perDatagram = Math.max(1, Math.min(CHANGES_PER_DATAGRAM, Math.floor(maxInFlight / 2)));
    const source = changes[Symbol.iterator]();
    const outcomes: BatchOutcome[] = [];
    const ops: IpvsChangeOperation[] = [];
    let sent = 0;
    let answered = 0;
    let reported = 0;
    let exhausted = false;
    let stopped = false;
    let firstFailure: BatchResult['firstFailure'];

    return new Promise<BatchResult>((resolve) => {
      const record = (index: number, outcome: BatchOutcome) => {
        outcomes[index] = outcome;
        if (outcome.status === 'failed') {
          if (!firstFailure || index < firstFailure.index) firstFailure = { index, error: outcome.error };
          if (options.stopOnError) stopped = true;
        }
        while (reported < outcomes.length && outcomes[reported] !== undefined) {
          options.onResult?.(reported, outcomes[reported]);
          reported++;
        }
      };
      const pump = () => {
        while (!exhausted && !stopped && sent - answered < maxInFlight) {
          const room = Math.min(perDatagram, maxInFlight - (sent - answered));
          const group: { index: number; cmd: number; attrs: Uint8Array[]; label: IpvsChangeOperation }[] = [];
          while (group.length < room && !stopped) {
            const next = source.next();
            if (next.done) {
              exhausted = true;
              break;
            }
            const index = sent++;
            ops[index] = next.value.op;
            try {
              group.push({ index, ...changeRequest(next.value), label: next.value.op });
            } catch (err) {
              // A value the codec cannot encode (e.g. an over-long name): never sent.
              answered++;
              record(index, { status: 'failed', error: err as Error });
            }
          }
          if (group.length) {
            this.sock.sendChanges(this.family, IPVS_GENL_VERSION, group, (i, err) => {
              answered++;
              const { index } = group[i];
              record(index, err ? { status: 'failed', error: toIpvsError(ops[index], err) } : { status: 'applied' });
              if (i === group.length - 1) pump();
            });
          }
        }
        if ((exhausted || stopped) && answered === sent) {
          resolve({ outcomes, sent, applied: outcomes.filter((o) => o.status === 'applied').length, firstFailure });
        }
      };
      pump();
    });
  }
}

function toIpvsError(op: IpvsOperation, err: unknown): Error {
  if (err instanceof IpvsError || err instanceof DumpInterruptedError || err instanceof IpvsTimeoutError) return err;
  if (err instanceof NetlinkTimeoutError) return new IpvsTimeoutError(op, err.timeoutMs);
  if (err instanceof NetlinkError) return new IpvsError(op, err.errno, err.code);
  // A socket-level failure (node-netlink's ErrnoException) carries its own errno.
  const errno = Math.abs(Number((err as { errno?: unknown })?.errno));
  if (errno > 0) return new IpvsError(op, errno, String((err as { code?: unknown }).code ?? errno));
  // A reply we could not parse: libipvs reports that as EINVAL too.
  return new IpvsError(op, osConstants.errno.EINVAL, 'EINVAL');
}
