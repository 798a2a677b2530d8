// `tsipvsadm help [VERB]`: the verb list, or one verb's help.

import { findVerb, VerbUsageError, type VerbHandler } from './registry';

export const helpVerb: VerbHandler = async (ctx, _options, args) => {
  const [name] = args;
  if (name !== undefined && !findVerb(name)) throw new VerbUsageError(`unknown verb '${name}'`);
  ctx.io.stdout(ctx.helpText(name));
  return 0;
};
