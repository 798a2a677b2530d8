// The command runner's dispatch: argv → ParsedCommand → the command's handler, with ipvsadm's
// exit statuses (0 ok, 1 listing failure, 2 bad usage, 255 kernel refusal or popt error).
// Each command lives in a room of its own under commands/: start-up (init.ts), the error policy
// (policy.ts), changes to kernel state (kernel-ops.ts), listings (list.ts, connections.ts),
// save (save.ts) and restore (restore.ts).

import type { IpvsClient } from '../ipvs/client';
import { SimulatedCrash } from '../format/save';
import { CliExit, type CommandName, type ParsedCommand } from './command';
import { helpText, versionText } from './help';
import { parseCanonicalRule } from './canonical-rule';
import { parseCommandLine, tryHelp } from './parse';
import type { CliIO, CommandHandler, Context } from './commands/context';
import { SYSTEM_INIT, initIpvs, type InitDeps } from './commands/init';
import { KERNEL_OPS } from './commands/kernel-ops';
import { list } from './commands/list';
import { restore } from './commands/restore';
import { save } from './commands/save';
import { isVerbLine } from '../verbs/dispatch';
import { takeExtensionOptions } from './extensions';
import { checkJsonOption, listJson } from './list-json';

export type { CliIO } from './commands/context';

/**
 * Run one ipvsadm command line. `args` excludes argv[0]. Resolves with the exit status; never
 * throws for anything ipvsadm would report. Without `client` it starts up as ipvsadm does
 * (`init`: how, replaceable in tests).
 */
export async function runCli(args: string[], io: CliIO, client?: IpvsClient, init: InitDeps = SYSTEM_INIT): Promise<number> {
  if (isVerbLine(args)) {
    const { runVerbLine } = await import('../verbs/dispatch');
    return runVerbLine(args, io, client ?? (() => initIpvs(io, init)));
  }
  // tsipvsadm's own options (--json), taken out where ipvsadm would reject them.
  const line = takeExtensionOptions(args);
  let own: IpvsClient | undefined;
  try {
    const ctx: Context = { io, client: client ?? (own = await initIpvs(io, init)) };
    return await runLine(ctx, line.args, false, line.given.json ?? 0);
  } catch (err) {
    if (err instanceof CliExit) {
      if (err.stdout) io.stdout(err.stdout);
      if (err.stderr) io.stderr(err.stderr);
      return err.exitCode;
    }
    // Where ipvsadm itself dies of SIGSEGV, end with the status a shell reports for that.
    if (err instanceof SimulatedCrash) return 139;
    throw err;
  } finally {
    own?.close();
  }
}

/** One command line as parsed (the whole argv, or one line of -R input, where -R is refused). */
async function parseLine(ctx: Context, args: string[], inRestore: boolean): Promise<ParsedCommand> {
  // -R input is mostly what -S -n wrote: such lines take the fast path, which gives exactly what
  // the full parser would (canonical-rule.test.ts); anything else, and every error, goes through
  // the full parser.
  const cmd = (inRestore && parseCanonicalRule(args)) || (await parseCommandLine(args, ctx.io.argv0));
  if (inRestore && cmd.command === 'restore') throw tryHelp(ctx.io.argv0);
  return cmd;
}

/** One command line (the whole argv). */
async function runLine(ctx: Context, args: string[], inRestore: boolean, json = 0): Promise<number> {
  const cmd = await parseLine(ctx, args, inRestore);
  // -h and -v print their text whatever follows, as ipvsadm does.
  if (json && cmd.command !== 'help' && cmd.command !== 'version') {
    checkJsonOption(cmd, json);
    return listJson(ctx, cmd);
  }
  return COMMANDS[cmd.command](ctx, cmd);
}

const COMMANDS: Record<CommandName, CommandHandler> = {
  ...KERNEL_OPS,
  // ipvsadm exits right after printing these, even from inside -R input.
  help: async (ctx) => {
    throw new CliExit(0, '', helpText(ctx.io.argv0));
  },
  version: async () => {
    throw new CliExit(0, '', versionText());
  },
  list,
  save,
  // -R: every input line is parsed here (a nested -R refused) and run as its own command; runs
  // of changes go to the kernel as one batch.
  restore: (ctx) =>
    restore(ctx, {
      parse: (tokens) => parseLine(ctx, tokens, true),
      run: (cmd) => COMMANDS[cmd.command](ctx, cmd),
    }),
};
