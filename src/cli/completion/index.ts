// `tsipvsadm completion bash|zsh|fish`: print the completion script for a shell, generated from
// the option table, the command x option matrix and the verb registry (see spec.ts).

import { bashScript } from './bash';
import { fishScript } from './fish';
import { completionSpec, type VerbLike } from './spec';
import { zshScript } from './zsh';

import { COMPLETION_SHELLS, type Shell } from './shells';

export { COMPLETION_SHELLS, COMPLETION_SUMMARY, type Shell } from './shells';

const RENDERERS = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;


export function completionScript(shell: Shell, verbs: readonly VerbLike[]): string {
  return RENDERERS[shell](completionSpec(verbs));
}
