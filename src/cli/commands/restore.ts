// -R: each input line is a command line of its own, run through the dispatcher's runLine; the
// exit status is the last line's.

import { PoptError } from '../parse';
import { tokenizeRestoreInput } from '../restore';
import type { Context } from './context';

/** Runs one line of -R input (the dispatcher's runLine, with -R itself refused inside). */
export type LineRunner = (ctx: Context, args: string[]) => Promise<number>;

export async function restore(ctx: Context, runLine: LineRunner): Promise<number> {
  const input = await ctx.io.readStdin();
  let status = 0;
  for (const tokens of tokenizeRestoreInput(input)) {
    try {
      status = await runLine(ctx, tokens);
    } catch (err) {
      // A popt error after a line's first option fails only that line; anything else ends -R.
      if (!(err instanceof PoptError)) throw err;
      ctx.io.stderr(err.stderr);
      status = err.exitCode;
    }
  }
  return status;
}
