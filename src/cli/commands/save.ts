// -S: every service and its destinations as -A/-a lines, through the snapshot reader, in
// ipvsadm's order. A read that fails part way leaves the lines of the services before it.

import { saveBlock } from '../../format/save';
import { readServices, SnapshotReadError, type ServiceState } from '../../model/snapshot';
import type { ParsedCommand } from '../command';
import { writeBlocks } from './blocks';
import { has, type Context } from './context';
import { BufferedOutput } from './output';
import { listingFailure } from './policy';

export async function save(ctx: Context, cmd: ParsedCommand): Promise<number> {
  const out = new BufferedOutput(ctx.io);
  const numeric = has(cmd, 'numeric');
  const writeServices = (services: readonly ServiceState[]) =>
    writeBlocks(out, services, (svc) => saveBlock(svc, svc.destinations, numeric, true));
  let services: ServiceState[];
  try {
    services = await readServices(ctx.client, { acceptInterrupted: true });
  } catch (err) {
    if (err instanceof SnapshotReadError && err.stage === 'destinations') await writeServices(err.services);
    out.flush();
    throw listingFailure(err);
  }
  await writeServices(services);
  out.flush();
  return 0;
}
