// `--json` on the compatible command line: every listing (-L/-l and its variants, -c, --timeout,
// --daemon, a single service, -S) as a JSON document instead of text. The fetches and their
// failures are the text listing's (same messages and statuses); the document is written only
// once complete, except -c, which streams, one entry per line, so memory stays flat.

import type { IpvsClient } from '../ipvs/client';
import { IpvsError } from '../ipvs/client';
import { readServices, SnapshotReadError } from '../model/snapshot';
import { DumpInterruptedError } from '../netlink/genl';
import { connRecord } from '../format/connections/record';
import {
  connectionJson,
  daemonsJson,
  infoJson,
  SCHEMA_VERSION,
  serviceConfigJson,
  serviceJson,
  systemNames,
  timeoutsJson,
  toJsonText,
  type NameLookup,
} from '../format/json';
import { openConnectionRows } from './commands/connections';
import { LISTING_FAILED } from './commands/policy';
import { CliExit, type OptionName, type ParsedCommand } from './command';
import { ipvsStrerror } from './errors';
import { fail } from './matrix';
import type { CliIO } from './run';

export interface JsonListContext {
  io: CliIO;
  client: IpvsClient;
}

/**
 * A fetch as the text listing makes it: a kernel refusal gives its message (unless silent) and
 * status 1. A read the kernel kept interrupting (the table changing under it) fails the same way.
 */
async function fetchOrExit<T>(fetch: () => Promise<T>, silent = false): Promise<T> {
  try {
    return await fetch();
  } catch (err) {
    const cause = err instanceof SnapshotReadError ? err.cause : err;
    if (cause instanceof IpvsError) throw new CliExit(LISTING_FAILED, silent ? '' : ipvsStrerror(cause.operation, cause.errno) + '\n');
    if (cause instanceof DumpInterruptedError) throw new CliExit(LISTING_FAILED, 'IPVS state kept changing while it was read; try again\n');
    throw err;
  }
}

/**
 * How listings read: like ipvsadm, take a dump the kernel marked interrupted (after the model's
 * retries) rather than fail.
 */
export const LISTING_READ = { acceptInterrupted: true } as const;

/**
 * Check that `--json` (given `count` times) goes with a listing, in ipvsadm's words for an option
 * that does not fit its command (status 2).
 */
export function checkJsonOption(cmd: ParsedCommand, count: number): void {
  if (count > 1) fail("multiple 'json' options specified");
  if (cmd.command !== 'list' && cmd.command !== 'save') fail(`Illegal 'json' option with the '${cmd.command}' command`);
}

/** Run a listing command (checkJsonOption passed) and write its JSON document. */
export async function listJson(ctx: JsonListContext, cmd: ParsedCommand): Promise<number> {
  const { io, client } = ctx;
  const has = (o: OptionName) => cmd.options.has(o);
  const names: NameLookup | null = has('numeric') ? null : systemNames;
  const write = (doc: object) => io.stdout(toJsonText({ schemaVersion: SCHEMA_VERSION, ...doc }) + '\n');

  if (cmd.command === 'save') {
    const all = await fetchOrExit(() => readServices(client, LISTING_READ));
    write({ services: await Promise.all(all.map((svc) => serviceConfigJson(svc, names))) });
    return 0;
  }
  if (has('connection')) return listConnectionsJson(io, names);
  if (has('timeout')) {
    write({ timeouts: timeoutsJson(await fetchOrExit(() => client.timeouts(), true)) });
    return 0;
  }
  if (has('daemon')) {
    write({ daemons: daemonsJson(await fetchOrExit(() => client.daemons(), true)) });
    return 0;
  }
  const order = has('nosort') ? 'kernel' : 'ipvsadm';
  if (has('service-address')) {
    const one = await fetchOrExit(() => readServices(client, { ...LISTING_READ, order, service: cmd.service }));
    write({ services: await Promise.all(one.map((svc) => serviceJson(svc, names))) });
    return 0;
  }
  const info = infoJson(await fetchOrExit(() => client.info()));
  const all = await fetchOrExit(() => readServices(client, { ...LISTING_READ, order }));
  write({ ipvs: info, services: await Promise.all(all.map((svc) => serviceJson(svc, names))) });
  return 0;
}

/** -c: streamed, one connection per line, written in batches. */
async function listConnectionsJson(io: CliIO, names: NameLookup | null): Promise<number> {
  const lines = await openConnectionRows();
  let batch = `{"schemaVersion":${SCHEMA_VERSION},"connections":[`;
  let sep = '\n';
  let status = 0;
  for await (const line of lines) {
    const rec = connRecord(line);
    // Where ipvsadm stops (an empty piece, status 1), the document still ends well-formed.
    if (rec === null) {
      status = LISTING_FAILED;
      break;
    }
    batch += sep + JSON.stringify(await connectionJson(rec, names));
    sep = ',\n';
    if (batch.length > 1 << 16) {
      io.stdout(batch);
      batch = '';
    }
  }
  io.stdout(batch + '\n]}\n');
  return status;
}
