// `tsipvsadm completion bash|zsh|fish` and the hidden `tsipvsadm __complete ...` the scripts call.

import { completeFromKernel } from '../cli/completion/kernel';
import { COMPLETION_SHELLS, completionScript, type Shell } from '../cli/completion/index';
import { serviceSource } from './top';
import { VERBS, VerbUsageError, type VerbHandler } from './registry';

export const completionVerb: VerbHandler = async (ctx, _options, args) => {
  const [shell] = args;
  if (!COMPLETION_SHELLS.includes(shell as Shell)) {
    throw new VerbUsageError(`unknown shell '${shell}': one of ${COMPLETION_SHELLS.join(', ')}`);
  }
  ctx.io.stdout(completionScript(shell as Shell, VERBS));
  return 0;
};

/** Prints nothing and succeeds whatever goes wrong: a TAB never shows an error. */
export const completeVerb: VerbHandler = async (ctx, _options, args) => {
  const lines = await completeFromKernel(args, async (only) => serviceSource(await ctx.client())(only));
  if (lines.length) ctx.io.stdout(`${lines.join('\n')}\n`);
  return 0;
};
