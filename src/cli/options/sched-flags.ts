// ipvsadm's -b (--sched-flags) words and parse_sched_flags.

import { SvcFlag } from '../../ipvs/constants';
import { fail } from '../matrix';
import { cString } from './c-numbers';

/** -b words: their flag bit, and the scheduler they require (if any). */
export const SCHED_FLAG_WORDS: Readonly<Record<string, { bit: number; scheduler?: string }>> = {
  'flag-1': { bit: SvcFlag.SCHED1 },
  'flag-2': { bit: SvcFlag.SCHED2 },
  'flag-3': { bit: SvcFlag.SCHED3 },
  'sh-fallback': { bit: SvcFlag.SCHED1, scheduler: 'sh' },
  'sh-port': { bit: SvcFlag.SCHED2, scheduler: 'sh' },
  'mh-fallback': { bit: SvcFlag.SCHED1, scheduler: 'mh' },
  'mh-port': { bit: SvcFlag.SCHED2, scheduler: 'mh' },
};

/** The scheduler ipvsadm falls back to when -s is absent or empty. */
export const DEFAULT_SCHEDULER = 'wlc';

/** The SIGSEGV exit status of a shell-run process (ipvsadm crashes on `-b ,`). */
export const SEGV_EXIT = 139;

/**
 * parse_sched_flags: strtok(",") items; the scheduler checked is -s's or wlc. An argument made
 * only of commas makes ipvsadm dereference NULL; the result is a crash, signalled here as
 * `null`.
 */
export function parseSchedFlags(scheduler: string, arg: string): number | null {
  const sched = scheduler || DEFAULT_SCHEDULER;
  const words = cString(arg)
    .split(',')
    .filter((w) => w !== '');
  if (words.length === 0) return null;
  let flags = 0;
  for (const word of words) {
    const known = Object.prototype.hasOwnProperty.call(SCHED_FLAG_WORDS, word) ? SCHED_FLAG_WORDS[word] : undefined;
    if (!known) fail(`invalid scheduler flag \`${word}'`);
    flags |= known.bit;
    if (known.scheduler !== undefined && known.scheduler !== sched) fail(`incompatible scheduler flag \`${word}'`);
  }
  return flags;
}
