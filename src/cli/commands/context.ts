// What every command handler gets: the process's I/O and the open IPVS client.

import type { IpvsClient } from '../../ipvs/client';
import type { ParsedCommand } from '../command';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The whole of standard input (read only by -R). */
  readStdin(): Promise<string>;
  /** argv[0] as ipvsadm would print it in the help and "Try" texts. */
  argv0: string;
}

export interface Context {
  io: CliIO;
  client: IpvsClient;
}

/** One command's handler: resolves with the exit status, or throws CliExit. */
export type CommandHandler = (ctx: Context, cmd: ParsedCommand) => Promise<number>;

export const has = (cmd: ParsedCommand, o: Parameters<ParsedCommand['options']['has']>[0]) => cmd.options.has(o);
