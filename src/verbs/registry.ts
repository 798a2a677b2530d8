// The verb table: every verb of the `tsipvsadm VERB ...` front end, as data. The front end
// (dispatch.ts) builds its commander program from it and the completion generator reads it, so
// adding a verb is one entry here plus its handler module. Handlers are loaded only when their
// verb runs, which keeps the start-up of ordinary ipvsadm command lines as fast as before.

import type { CliIO } from '../cli/run';
import type { IpvsClient } from '../ipvs/client';

/** One option of a verb, in commander's notation. */
export interface VerbOption {
  /** e.g. `--format <format>`, `-o, --output <file>`, `--watch`. */
  readonly flags: string;
  readonly description: string;
  /** The only values the option accepts (also offered by shell completion). */
  readonly choices?: readonly string[];
  readonly default?: string;
}

/** What a verb's handler gets besides its parsed options and arguments. */
export interface VerbContext {
  readonly io: CliIO;
  /** The command name as the user typed it (for messages). */
  readonly argv0: string;
  /** An IPVS client, opened (with ipvsadm's modprobe fallback) on first use, closed afterwards. */
  client(): Promise<IpvsClient>;
  /** The help text of one verb, or the verb list without a name. */
  helpText(verb?: string): string;
}

/**
 * Runs the verb: resolves with the exit status. Usage errors are thrown as VerbUsageError,
 * kernel refusals as IpvsError; the front end words both.
 */
export type VerbHandler = (ctx: VerbContext, options: Record<string, unknown>, args: string[]) => Promise<number>;

export interface Verb {
  readonly name: string;
  /** One line, for `tsipvsadm help`. */
  readonly summary: string;
  /** Positional arguments in commander's notation (`<file>`, `[verb]`), if any. */
  readonly args?: string;
  readonly options: readonly VerbOption[];
  /** A longer text shown after the options by `tsipvsadm help VERB`. */
  readonly details?: string;
  /** The handler module, loaded lazily. */
  load(): Promise<VerbHandler>;
}

/** A verb's bad usage: printed as `tsipvsadm VERB: message`, exit status 2 (as ipvsadm's fail). */
export class VerbUsageError extends Error {
  override name = 'VerbUsageError';
}

/** A verb's runtime failure other than a kernel refusal: printed as is, exit status `exitCode`. */
export class VerbError extends Error {
  override name = 'VerbError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The verbs, in the order `tsipvsadm help` lists them. */
export const VERBS: readonly Verb[] = [
  {
    name: 'help',
    summary: 'list the verbs, or show one verb\'s options',
    args: '[verb]',
    options: [],
    load: async () => (await import('./help')).helpVerb,
  },
];

export function findVerb(name: string): Verb | undefined {
  return VERBS.find((v) => v.name === name);
}
