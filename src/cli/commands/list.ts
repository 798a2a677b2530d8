// -L / -l without -c: the services through the snapshot reader (destinations fetched many at a
// time), printed in ipvsadm's order; --timeout and --daemon; -c is connections.ts.
//
// ipvsadm prints as it fetches, so a read that fails part way leaves on stdout what ipvsadm would
// have printed before the failure: the header after the info request, the title after the
// service dump (or the one service's look-up), and the blocks of the services before the one
// whose destinations could not be read.

import { daemonLines, listFormatFor, listHeader, listTitle, serviceBlock, timeoutLine, type ServiceBlockOptions } from '../../format/list';
import { readServices, SnapshotReadError, type ServiceState } from '../../model/snapshot';
import type { ParsedCommand } from '../command';
import { listConnections } from './connections';
import { has, type Context } from './context';
import { writeBlocks } from './blocks';
import { BufferedOutput } from './output';
import { fetchOrExit, listingFailure } from './policy';

export async function list(ctx: Context, cmd: ParsedCommand): Promise<number> {
  const { io, client } = ctx;
  if (has(cmd, 'connection')) return listConnections(ctx, cmd);
  const nosort = has(cmd, 'nosort');
  const format = listFormatFor({
    stats: has(cmd, 'stats'),
    rate: has(cmd, 'rate'),
    thresholds: has(cmd, 'thresholds'),
    persistentConn: has(cmd, 'persistent-conn'),
    tunInfo: has(cmd, 'tun-info'),
  });
  // The snapshot is already in print order (ipvsadm's, or the kernel's under --nosort).
  const blockOpts: ServiceBlockOptions = { format, numeric: has(cmd, 'numeric'), exact: has(cmd, 'exact'), nosort: true };
  const readOpts = { order: nosort ? 'kernel' : 'ipvsadm', acceptInterrupted: true } as const;
  const out = new BufferedOutput(io);
  const writeServices = (services: readonly ServiceState[]) =>
    writeBlocks(out, services, (svc) => serviceBlock(svc, svc.destinations, blockOpts));

  if (has(cmd, 'service-address')) {
    const services = await readOrExit(out, readServices(client, { ...readOpts, service: cmd.service }), format, writeServices);
    out.write(listTitle(format));
    await writeServices(services);
    out.flush();
    return 0;
  }
  if (has(cmd, 'timeout')) {
    io.stdout(timeoutLine(await fetchOrExit(() => client.timeouts(), true)));
    return 0;
  }
  if (has(cmd, 'daemon')) {
    io.stdout(daemonLines(await fetchOrExit(() => client.daemons(), true)));
    return 0;
  }
  out.write(listHeader(await fetchOrExit(() => client.info())));
  const services = await readOrExit(out, readServices(client, readOpts), format, writeServices);
  out.write(listTitle(format));
  await writeServices(services);
  out.flush();
  return 0;
}

/** Await a read; on failure print what ipvsadm printed before it, then end as ipvsadm does. */
async function readOrExit(
  out: BufferedOutput,
  read: Promise<ServiceState[]>,
  format: Parameters<typeof listTitle>[0],
  writeServices: (s: readonly ServiceState[]) => Promise<void>,
): Promise<ServiceState[]> {
  try {
    return await read;
  } catch (err) {
    if (err instanceof SnapshotReadError && err.stage === 'destinations') {
      out.write(listTitle(format));
      await writeServices(err.services);
    }
    out.flush();
    throw listingFailure(err);
  }
}
