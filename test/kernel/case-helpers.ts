// Builders the differential case tables (cases/*.ts) share. A command line is written as one
// space-separated string (or given as an explicit argv); a starting state is a list of them,
// built with one `ipvsadm -R` by ../diff.ts. Lives outside cases/, which holds only case tables.

import type { DiffCase } from './diff';

/** A command line as argv: split at spaces (no quoting; case lines never need it). */
export const words = (s: string): string[] => s.split(' ').filter(Boolean);

/** A command line given as text or as argv. */
export type CommandLine = string | readonly string[];

const argv = (line: CommandLine): string[] => (typeof line === 'string' ? words(line) : [...line]);

/** Case builders whose starting state defaults to `defaultSetup`. */
export function caseBuilders(defaultSetup: readonly CommandLine[] = []) {
  const make = (kind: DiffCase['kind'], args: CommandLine, setup: readonly CommandLine[], stdin?: string): DiffCase => {
    const c: DiffCase = { args: argv(args), setup: setup.map(argv), kind };
    if (stdin !== undefined) c.stdin = stdin;
    return c;
  };
  return {
    /** A case that may change the kernel: each tool starts from a freshly built state. */
    w: (args: CommandLine, setup: readonly CommandLine[] = defaultSetup, stdin?: string) => make('write', args, setup, stdin),
    /** A read-only case (listing): both tools run on one kernel state. */
    r: (args: CommandLine, setup: readonly CommandLine[] = defaultSetup) => make('read', args, setup),
    /** -R (or `args`) with the given input. */
    restore: (stdin: string, setup: readonly CommandLine[] = defaultSetup, args: CommandLine = '-R') =>
      make('write', args, setup, stdin),
  };
}
