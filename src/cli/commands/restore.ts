// -R, pipelined: the input's changes go to the kernel through one client batch, many in flight,
// instead of one request and one wait per line. What ipvsadm prints and does is kept exactly:
// - lines run in input order on one socket, so the kernel applies them in ipvsadm's order;
// - each line's stderr (a refusal, a popt error that fails only its line) is printed in input
//   order, and the exit status is the last line's;
// - a line that lists (-L, -S) or ends the process (-h, -v) waits until every earlier change was
//   answered and printed, and then runs as on its own, so it sees exactly the earlier changes;
// - a line whose parse ends -R (validation errors, a nested -R) ends it after the earlier
//   changes were answered and printed, and nothing after it is sent.

import type { BatchOutcome } from '../../ipvs/client';
import { IpvsError } from '../../ipvs/client';
import type { IpvsChange } from '../../ipvs/changes';
import type { ParsedCommand } from '../command';
import { PoptError } from '../parse';
import { tokenizeRestoreInput } from '../restore';
import type { Context } from './context';
import { changeOfCommand } from './kernel-ops';
import { KERNEL_OP_FAILED, refusalMessage } from './policy';

/** How -R parses and runs one input line (given by the dispatcher). */
export interface LineHandling {
  /** Parse one input line; PoptError fails only that line, any other error ends -R. */
  parse(tokens: string[]): Promise<ParsedCommand>;
  /** Run a parsed line that is not a change (a listing, -h, -v) as the dispatcher runs any command. */
  run(cmd: ParsedCommand): Promise<number>;
}

/** One line of a run of changes: a change awaiting its answer, or a popt error's text. */
type Item = { change: IpvsChange; outcome?: BatchOutcome } | { stderr: string; status: number };

/** Flush buffered stderr text at least this often (ipvsadm writes each line as it goes). */
const STDERR_CHUNK = 1 << 16;

export async function restore(ctx: Context, line: LineHandling): Promise<number> {
  const lines = tokenizeRestoreInput(await ctx.io.readStdin());
  let status = 0;
  let next = 0;
  while (next < lines.length) {
    // Parse up to the next line that is not a change; parsing never depends on kernel state.
    const items: Item[] = [];
    let barrier: ParsedCommand | undefined;
    let ending: unknown;
    let ended = false;
    for (; next < lines.length && !barrier && !ended; next++) {
      try {
        const cmd = await line.parse(lines[next]);
        const change = changeOfCommand(cmd);
        if (change) items.push({ change });
        else barrier = cmd;
      } catch (err) {
        if (err instanceof PoptError) items.push({ stderr: err.stderr, status: err.exitCode });
        else {
          ending = err;
          ended = true;
        }
      }
    }
    status = await applyInOrder(ctx, items, status);
    if (ended) throw ending;
    if (barrier) status = await line.run(barrier);
  }
  return status;
}

/** Send a run of changes as one batch and print each line's outcome in input order. */
async function applyInOrder(ctx: Context, items: Item[], status: number): Promise<number> {
  const changes = items.filter((it): it is Extract<Item, { change: IpvsChange }> => 'change' in it);
  let text = '';
  let cursor = 0;
  let fatal: { error: Error } | undefined;
  const drain = () => {
    for (; cursor < items.length && !fatal; cursor++) {
      const it = items[cursor];
      if ('stderr' in it) {
        text += it.stderr;
        status = it.status;
      } else if (!it.outcome) break;
      else if (it.outcome.status === 'applied') status = 0;
      else if (it.outcome.error instanceof IpvsError) {
        text += refusalMessage(it.outcome.error);
        status = KERNEL_OP_FAILED;
      } else fatal = { error: it.outcome.error }; // no answer at all: not something ipvsadm prints
    }
    if (text.length >= STDERR_CHUNK) {
      ctx.io.stderr(text);
      text = '';
    }
  };
  drain();
  if (changes.length) {
    await ctx.client.batch(
      changes.map((c) => c.change),
      {
        onResult: (i, outcome) => {
          changes[i].outcome = outcome;
          drain();
        },
      },
    );
  }
  drain();
  if (text) ctx.io.stderr(text);
  if (fatal) throw fatal.error;
  return status;
}
