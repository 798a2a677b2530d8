// -L -c: /proc/net/ip_vs_conn streamed row by row (tables can hold millions of entries), in
// batches of 64 KiB.

import { connHeader, connLine, connLineNumeric } from '../../format/connections/rows';
import { readConnections } from '../../format/connections/proc-file';
import { CliExit, type ParsedCommand } from '../command';
import { has, type Context } from './context';
import { LISTING_FAILED } from './policy';

const CONN_FILE = '/proc/net/ip_vs_conn';

/**
 * The connection table's rows after its header line, or ipvsadm's failure (status 1) when the
 * file cannot be opened or has no header line. Shared by the text and the --json listing.
 */
export async function openConnectionRows(): Promise<AsyncGenerator<string>> {
  try {
    const lines = readConnections(CONN_FILE);
    const first = await lines.next();
    if (first.done) throw new CliExit(LISTING_FAILED, `unexpected input from ${CONN_FILE}\n`);
    return lines;
  } catch (err) {
    if (err instanceof CliExit) throw err;
    throw new CliExit(LISTING_FAILED, `cannot open file ${CONN_FILE}\n`);
  }
}

export async function listConnections(ctx: Context, cmd: ParsedCommand): Promise<number> {
  const persistent = has(cmd, 'persistent-conn');
  const numeric = has(cmd, 'numeric');
  const lines = await openConnectionRows();
  ctx.io.stdout(connHeader(persistent));
  let batch = '';
  for await (const line of lines) {
    // -n needs no look-ups: take the synchronous path (tables can hold millions of rows).
    const row = numeric ? connLineNumeric(line, persistent) : await connLine(line, false, persistent);
    if (row === null) {
      ctx.io.stdout(batch);
      throw new CliExit(LISTING_FAILED, '');
    }
    batch += row;
    if (batch.length > 1 << 16) {
      ctx.io.stdout(batch);
      batch = '';
    }
  }
  ctx.io.stdout(batch);
  return 0;
}
