// The verb front end: `tsipvsadm VERB [options] [args]`, on commander. A line goes here only
// when its first argument is a known verb and ipvsadm would reject the line, so no command line
// that ipvsadm accepts changes (see isVerbLine). commander is loaded only for such lines.

import type { Command as CommandType } from 'commander';
import type { CliIO } from '../cli/run';
import { CliExit } from '../cli/command';
import { ipvsStrerror } from '../cli/errors';
import { PoptContext } from '../cli/parse';
import { IpvsError, type IpvsClient } from '../ipvs/client';
import { SnapshotReadError } from '../model/snapshot';
import { DumpInterruptedError } from '../netlink/genl';
import { findVerb, VERBS, VerbError, VerbUsageError, type Verb, type VerbContext } from './registry';

/** ipvsadm's status for bad usage (its fail()); also ours for a verb's. */
const USAGE = 2;
/** A failed read (ipvsadm's listing failure). */
const READ_FAILED = 1;
/** A refused change (ipvsadm's kernel-operation failure). */
const KERNEL_OP_FAILED = 255;

/**
 * True when `args` (argv without argv[0]) is a verb line. ipvsadm rejects every line whose first
 * argument is a word, with one exception: popt's first option is `-h`/`--help`/`-v`/`--version`
 * (ipvsadm prints its help or version before it notices the stray word). Those stay ipvsadm's.
 * Checked against /usr/sbin/ipvsadm 1.31 for every verb name.
 */
export function isVerbLine(args: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  if (args.length === 0 || !findVerb(args[0])) return false;
  const posix = env.POSIXLY_CORRECT !== undefined || env.POSIX_ME_HARDER !== undefined;
  const first = new PoptContext('ipvsadm', args, posix).getNextOpt();
  return !(first.kind === 'option' && (first.def.command === 'help' || first.def.command === 'version'));
}

/** Where a usage error points to; the help verb's own errors point to the verb list. */
function tryLine(argv0: string, verb: string): string {
  return `Try '${argv0} help${verb === 'help' ? '' : ` ${verb}`}' for more information.\n`;
}

/** `tsipvsadm help`: the verb list. */
function verbListText(argv0: string): string {
  const listed = VERBS.filter((v) => !v.hidden);
  const width = Math.max(...listed.map((v) => v.name.length));
  const rows = listed.map((v) => `  ${v.name.padEnd(width)}  ${v.summary}\n`).join('');
  return (
    `Usage: ${argv0} VERB [options] [arguments]\n` +
    `       ${argv0} COMMAND [options]     (the ipvsadm command line: ${argv0} -h)\n\n` +
    `Verbs:\n${rows}\n` +
    `'${argv0} help VERB' shows a verb's options.\n`
  );
}

function buildProgram(Command: typeof CommandType, io: CliIO, argv0: string, run: (verb: Verb, cmd: CommandType) => Promise<void>): CommandType {
  const program = new Command(argv0)
    .exitOverride()
    .helpCommand(false)
    .helpOption(false)
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  for (const verb of VERBS) {
    const cmd = program
      .command(verb.args ? `${verb.name} ${verb.args}` : verb.name)
      .description(verb.summary)
      .helpOption(false)
      // commander words its errors "error: ..."; ours read "tsipvsadm VERB: ...", as ipvsadm's
      // messages name the program.
      .configureOutput({
        writeOut: io.stdout,
        writeErr: io.stderr,
        outputError: (text, write) => write(text.replace(/^error: /, `${argv0} ${verb.name}: `)),
      })
      .showHelpAfterError(tryLine(argv0, verb.name).trimEnd());
    if (verb.rawArgs) cmd.allowUnknownOption().allowExcessArguments();
    for (const o of verb.options) {
      const opt = cmd.createOption(o.flags, o.description);
      if (o.choices) opt.choices(o.choices);
      if (o.repeatable) opt.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
      if (o.default !== undefined) opt.default(o.default);
      cmd.addOption(opt);
    }
    cmd.action(async (...params: unknown[]) => run(verb, params[params.length - 1] as CommandType));
  }
  return program;
}

/**
 * Run one verb line (isVerbLine was true). Resolves with the exit status; every failure is
 * reported in words on stderr, never as a stack trace. `ipvs` is a client to use (left open), or
 * how to open one when a verb first needs it (closed at the end).
 */
export async function runVerbLine(args: string[], io: CliIO, ipvs: IpvsClient | (() => Promise<IpvsClient>)): Promise<number> {
  const given = typeof ipvs === 'function' ? undefined : ipvs;
  const { Command, CommanderError } = await import('commander');
  const argv0 = io.argv0;
  let client: Promise<IpvsClient> | undefined;
  let status = 0;
  const verbName = args[0];
  const program = buildProgram(Command, io, argv0, async (verb, cmd) => {
    const ctx: VerbContext = {
      io,
      argv0,
      client: () => (client ??= given ? Promise.resolve(given) : (ipvs as () => Promise<IpvsClient>)()),
      helpText: (name) => {
        if (name === undefined) return verbListText(argv0);
        const sub = program.commands.find((c) => c.name() === name);
        return sub ? sub.helpInformation() + (findVerb(name)?.details ? `\n${findVerb(name)!.details!.trimEnd()}\n` : '') : '';
      },
    };
    const handler = await verb.load();
    status = await handler(ctx, cmd.opts(), cmd.args);
  });
  try {
    await program.parseAsync(args, { from: 'user' });
    return status;
  } catch (err) {
    return report(err, io, argv0, verbName, CommanderError);
  } finally {
    if (client && !given) await client.then((c) => c.close(), () => undefined);
  }
}

function report(err: unknown, io: CliIO, argv0: string, verb: string, CommanderError: new (...a: never[]) => Error): number {
  if (err instanceof CommanderError) {
    // commander has printed its message already.
    const e = err as Error & { exitCode: number; code: string };
    return e.code === 'commander.helpDisplayed' || e.code === 'commander.help' ? 0 : USAGE;
  }
  if (err instanceof CliExit) {
    if (err.stdout) io.stdout(err.stdout);
    if (err.stderr) io.stderr(err.stderr);
    return err.exitCode;
  }
  if (err instanceof VerbUsageError) {
    io.stderr(`${argv0} ${verb}: ${err.message}\n${tryLine(argv0, verb)}`);
    return USAGE;
  }
  // A snapshot that failed part way: its cause says why.
  if (err instanceof SnapshotReadError) err = err.cause;
  if (err instanceof DumpInterruptedError) {
    io.stderr(`${argv0} ${verb}: IPVS state kept changing while it was read; try again\n`);
    return READ_FAILED;
  }
  if (err instanceof IpvsError) {
    io.stderr(`${argv0} ${verb}: ${ipvsStrerror(err.operation, err.errno)}\n`);
    return err.operation.startsWith('get_') ? READ_FAILED : KERNEL_OP_FAILED;
  }
  if (err instanceof VerbError) {
    io.stderr(`${argv0} ${verb}: ${err.message}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr(`${argv0} ${verb}: ${message}\n`);
  return READ_FAILED;
}
