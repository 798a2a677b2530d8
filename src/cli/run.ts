// The command runner: argv → ParsedCommand → client calls → formatted output, with ipvsadm's
// exit statuses (0 ok, 1 listing failure, 2 bad usage, 255 kernel refusal or popt error).

import { spawnSync } from 'node:child_process';
import { IpvsClient, IpvsError } from '../ipvs/client';
import { connHeader, connLine, connLineNumeric } from '../format/connections/rows';
import { readConnections } from '../format/connections/proc-file';
import { daemonLines, listFormatFor, listHeader, listTitle, serviceBlock, timeoutLine } from '../format/list';
import { saveBlock, SimulatedCrash } from '../format/save';
import { sortServices } from '../format/sort';
import { CliExit, type CommandName, type ParsedCommand } from './command';
import { ipvsStrerror } from './errors';
import { helpText, versionText } from './help';
import { parseCommandLine, PoptError, tryHelp } from './parse';
import { tokenizeRestoreInput } from './restore';
import { isVerbLine } from '../verbs/dispatch';
import { takeExtensionOptions } from './extensions';
import { checkJsonOption, listJson } from './list-json';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The whole of standard input (read only by -R). */
  readStdin(): Promise<string>;
  /** argv[0] as ipvsadm would print it in the help and "Try" texts. */
  argv0: string;
}

interface Context {
  io: CliIO;
  client: IpvsClient;
}

const KERNEL_OP_FAILED = 255;
const LISTING_FAILED = 1;
const CONN_FILE = '/proc/net/ip_vs_conn';

/**
 * Run one ipvsadm command line. `args` excludes argv[0]. Resolves with the exit status; never
 * throws for anything ipvsadm would report.
 */
export async function runCli(args: string[], io: CliIO, client?: IpvsClient): Promise<number> {
  if (isVerbLine(args)) {
    const { runVerbLine } = await import('../verbs/dispatch');
    return runVerbLine(args, io, client ?? (() => initIpvs(io)));
  }
  // tsipvsadm's own options (--json), taken out where ipvsadm would reject them.
  const line = takeExtensionOptions(args);
  let own: IpvsClient | undefined;
  try {
    const ctx: Context = { io, client: client ?? (own = await initIpvs(io)) };
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

/** ipvs_init: open the socket and ask for the version; on failure try `modprobe ip_vs` once. */
async function initIpvs(io: CliIO): Promise<IpvsClient> {
  const attempt = async () => {
    const client = await IpvsClient.open();
    try {
      await client.info();
      return client;
    } catch (err) {
      client.close();
      throw err;
    }
  };
  try {
    return await attempt();
  } catch (first) {
    const modprobe = spawnSync('/sbin/modprobe', ['--', 'ip_vs'], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (modprobe.stderr) io.stderr(modprobe.stderr);
    let err = first;
    if (modprobe.status === 0) {
      try {
        return await attempt();
      } catch (again) {
        err = again;
      }
    }
    throw new CliExit(2, `Can't initialize ipvs: ${initMessage(err)}\nAre you sure that IP Virtual Server is built in the kernel or as module?\n`);
  }
}

function initMessage(err: unknown): string {
  if (err instanceof IpvsError) {
    // Without the IPVS family libipvs falls back to the old sockopt interface, which answers
    // ENOPROTOOPT when the module is absent.
    if (err.operation === 'init') return ipvsStrerror('init', 92);
    return ipvsStrerror('init', err.errno);
  }
  return String(err);
}

async function runLine(ctx: Context, args: string[], inRestore: boolean, json = 0): Promise<number> {
  const cmd = await parseCommandLine(args, ctx.io.argv0);
  if (inRestore && cmd.command === 'restore') throw tryHelp(ctx.io.argv0);
  // -h and -v print their text whatever follows, as ipvsadm does.
  if (json && cmd.command !== 'help' && cmd.command !== 'version') {
    checkJsonOption(cmd, json);
    return listJson(ctx, cmd);
  }
  return COMMANDS[cmd.command](ctx, cmd);
}

/** A kernel operation: on refusal print ipvsadm's message and exit 255 (or go on, under -R). */
async function kernelOp(ctx: Context, op: () => Promise<void>): Promise<number> {
  try {
    await op();
    return 0;
  } catch (err) {
    if (!(err instanceof IpvsError)) throw err;
    ctx.io.stderr(ipvsStrerror(err.operation, err.errno) + '\n');
    return KERNEL_OP_FAILED;
  }
}

/** A listing fetch: on refusal print the message (unless ipvsadm is silent) and exit 1 at once. */
async function fetchOrExit<T>(fetch: () => Promise<T>, silent = false): Promise<T> {
  try {
    return await fetch();
  } catch (err) {
    if (!(err instanceof IpvsError)) throw err;
    throw new CliExit(LISTING_FAILED, silent ? '' : ipvsStrerror(err.operation, err.errno) + '\n');
  }
}

const has = (cmd: ParsedCommand, o: Parameters<ParsedCommand['options']['has']>[0]) => cmd.options.has(o);

const COMMANDS: Record<CommandName, (ctx: Context, cmd: ParsedCommand) => Promise<number>> = {
  'add-service': (ctx, cmd) => kernelOp(ctx, () => ctx.client.addService(cmd.service)),
  'edit-service': (ctx, cmd) => kernelOp(ctx, () => ctx.client.updateService(cmd.service)),
  'delete-service': (ctx, cmd) => kernelOp(ctx, () => ctx.client.deleteService(cmd.service)),
  flush: (ctx) => kernelOp(ctx, () => ctx.client.flush()),
  'add-server': (ctx, cmd) => kernelOp(ctx, () => ctx.client.addDestination(cmd.service, cmd.dest)),
  'edit-server': (ctx, cmd) => kernelOp(ctx, () => ctx.client.updateDestination(cmd.service, cmd.dest)),
  'delete-server': (ctx, cmd) => kernelOp(ctx, () => ctx.client.deleteDestination(cmd.service, cmd.dest)),
  zero: (ctx, cmd) => kernelOp(ctx, () => ctx.client.zero(has(cmd, 'service-address') ? cmd.service : undefined)),
  set: (ctx, cmd) => kernelOp(ctx, () => ctx.client.setTimeouts(cmd.timeouts)),
  'start-daemon': (ctx, cmd) => kernelOp(ctx, () => ctx.client.startDaemon(cmd.daemon)),
  'stop-daemon': (ctx, cmd) => kernelOp(ctx, () => ctx.client.stopDaemon(cmd.daemon)),
  // ipvsadm exits right after printing these, even from inside -R input.
  help: async (ctx) => {
    throw new CliExit(0, '', helpText(ctx.io.argv0));
  },
  version: async () => {
    throw new CliExit(0, '', versionText());
  },
  list: (ctx, cmd) => list(ctx, cmd),
  save: (ctx, cmd) => save(ctx, cmd),
  restore: (ctx) => restore(ctx),
};

async function list(ctx: Context, cmd: ParsedCommand): Promise<number> {
  const { io, client } = ctx;
  if (has(cmd, 'connection')) return listConnections(ctx, cmd);
  const opts = {
    format: listFormatFor({
      stats: has(cmd, 'stats'),
      rate: has(cmd, 'rate'),
      thresholds: has(cmd, 'thresholds'),
      persistentConn: has(cmd, 'persistent-conn'),
      tunInfo: has(cmd, 'tun-info'),
    }),
    numeric: has(cmd, 'numeric'),
    exact: has(cmd, 'exact'),
    nosort: has(cmd, 'nosort'),
  };
  if (has(cmd, 'service-address')) {
    const svc = await fetchOrExit(() => client.service(cmd.service));
    io.stdout(listTitle(opts.format));
    const dests = await fetchOrExit(() => client.destinations(svc));
    io.stdout(await serviceBlock(svc, dests, opts));
    return 0;
  }
  if (has(cmd, 'timeout')) {
    io.stdout(timeoutLine(await fetchOrExit(() => client.timeouts(), true)));
    return 0;
  }
  if (has(cmd, 'daemon')) {
    io.stdout(daemonLines(await fetchOrExit(() => client.daemons(), true)));
    return 0;
  }
  io.stdout(listHeader(await fetchOrExit(() => client.info())));
  const services = await fetchOrExit(() => client.services());
  const ordered = opts.nosort ? services : sortServices(services);
  io.stdout(listTitle(opts.format));
  for (const svc of ordered) {
    const dests = await fetchOrExit(() => client.destinations(svc));
    io.stdout(await serviceBlock(svc, dests, opts));
  }
  return 0;
}

async function save(ctx: Context, cmd: ParsedCommand): Promise<number> {
  const services = sortServices(await fetchOrExit(() => ctx.client.services()));
  for (const svc of services) {
    const dests = await fetchOrExit(() => ctx.client.destinations(svc));
    ctx.io.stdout(await saveBlock(svc, dests, has(cmd, 'numeric')));
  }
  return 0;
}

async function listConnections(ctx: Context, cmd: ParsedCommand): Promise<number> {
  const persistent = has(cmd, 'persistent-conn');
  const numeric = has(cmd, 'numeric');
  let lines: AsyncGenerator<string>;
  try {
    lines = readConnections(CONN_FILE);
    const first = await lines.next();
    if (first.done) throw new CliExit(LISTING_FAILED, `unexpected input from ${CONN_FILE}\n`);
  } catch (err) {
    if (err instanceof CliExit) throw err;
    throw new CliExit(LISTING_FAILED, `cannot open file ${CONN_FILE}\n`);
  }
  ctx.io.stdout(connHeader(persistent));
  let batch = '';
  for await (const line of lines) {
    // -n needs no look-ups: take the synchronous path (tables can hold millions of rows).
    const row = numeric ? connLineNumeric(line, persistent) : await connLine(line, false, persistent);
    if (row === null) {
      ctx.io.stdout(batch);
      throw new CliExit(LISTING_FAILED, '');
    }
    batch += row;
    if (batch.length > 1 << 16) {
      ctx.io.stdout(batch);
      batch = '';
    }
  }
  ctx.io.stdout(batch);
  return 0;
}

/** -R: each line is a command line of its own; the exit status is the last line's. */
async function restore(ctx: Context): Promise<number> {
  const input = await ctx.io.readStdin();
  let status = 0;
  for (const tokens of tokenizeRestoreInput(input)) {
    try {
      status = await runLine(ctx, tokens, true);
    } catch (err) {
      // A popt error after a line's first option fails only that line; anything else ends -R.
      if (!(err instanceof PoptError)) throw err;
      ctx.io.stderr(err.stderr);
      status = err.exitCode;
    }
  }
  return status;
}
