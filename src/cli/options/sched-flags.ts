// parse_sched_flags: ipvsadm's -b (--sched-flags) words (SCHED_FLAG_WORDS, from the model's service-flag table).

import { SCHED_FLAG_WORDS } from '../../model/tables';
import { fail } from '../matrix';
import { cString } from './c-numbers';


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
    const known = SCHED_FLAG_WORDS.get(word);
    if (!known) fail(`invalid scheduler flag \`${word}'`);
    flags |= known.bit;
    if (known.scheduler !== undefined && known.scheduler !== sched) fail(`incompatible scheduler flag \`${word}'`);
  }
  return flags;
}
