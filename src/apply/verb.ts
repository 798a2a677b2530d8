// The `apply` and `diff` verbs: read the desired state, read the kernel's, plan, then print the
// plan (diff, apply --dry-run) or run it (apply). Exit statuses: diff and --dry-run as diff(1):
// 0 no changes, 1 changes, 2 trouble; apply: 0 done, 2 refused before anything was sent (bad
// file, bad option, unreadable state), 3 a kernel refusal stopped the plan part-way (the kernel
// then holds exactly the reported prefix).

import { readFileSync } from 'node:fs';
import { ipvsStrerror } from '../cli/errors';
import { IpvsError, type IpvsClient } from '../ipvs/client';
import { readServices } from '../model/snapshot';
import { serviceConfigOf, destinationConfigOf } from '../model/identity';
import type { CliIO } from '../cli/run';
import type { VerbContext } from '../verbs/registry';
import { executePlan, type ApplyClient, type BatchOutcome, type ExecutionReport, type IpvsChange } from './execute';
import type { Destination } from '../ipvs/types';
import { destId, serviceId } from './identity';
import { planChanges, requestCount, PlanError, type IpvsState, type Operation, type Plan } from './plan';
import { checkDesired, detectFormat, InvalidInput, readDesired, type Desired } from './read';
import { commandLine, NotExpressible } from './render';
import { parseScope, ScopeError, type Scope } from './scope';

/** What the handlers use of the verb front end's context (src/verbs/registry.ts). */
export type ApplyContext = Pick<VerbContext, 'io' | 'argv0' | 'client'>;

export const EXIT_NO_CHANGES = 0;
export const EXIT_CHANGES = 1;
export const EXIT_TROUBLE = 2;
export const EXIT_PARTIAL = 3;

interface PlanRequest {
  file: string;
  prune: boolean;
  scope: Scope;
  drainSeconds?: number;
}

/** A failure worded for the user; nothing was sent. */
class Trouble extends Error {}

function parseOptions(options: Record<string, unknown>, args: string[]): PlanRequest {
  const file = args[0];
  if (file === undefined) throw new Trouble('missing FILE (a rules file, JSON or YAML; - for standard input)');
  let scope: Scope;
  try {
    scope = parseScope((options.scope as string[] | undefined) ?? []);
  } catch (err) {
    if (err instanceof ScopeError) throw new Trouble(err.message);
    throw err;
  }
  let drainSeconds: number | undefined;
  if (options.drain !== undefined) {
    const text = String(options.drain);
    if (!/^[0-9]+$/.test(text) || Number(text) > 86400) throw new Trouble(`invalid --drain \`${text}': a number of seconds from 0 to 86400`);
    drainSeconds = Number(text);
  }
  return { file, prune: !!options.prune, scope, drainSeconds };
}

/** The file's bytes: rules files are read as ipvsadm reads them (bytes), documents as UTF-8. */
async function readInput(io: CliIO, file: string): Promise<{ name: string; text: string }> {
  let bytes: Buffer;
  if (file === '-') bytes = Buffer.from(await io.readStdin(), 'latin1');
  else {
    try {
      bytes = readFileSync(file);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new Trouble(`cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.code === 'EACCES' ? 'permission denied' : e.message}`);
    }
  }
  const name = file === '-' ? '(stdin)' : file;
  const latin1 = bytes.toString('latin1');
  return { name, text: detectFormat(name, latin1) === 'rules' ? latin1 : bytes.toString('utf8') };
}

/** The kernel's services as the planner compares them. */
async function currentState(client: IpvsClient): Promise<IpvsState> {
  const services = await readServices(client);
  return services.map((s) => ({ service: serviceConfigOf(s), dests: s.destinations }));
}

/** Desired state, current state and plan; every failure before the plan is Trouble or InvalidInput. */
async function makePlan(ctx: ApplyContext, req: PlanRequest): Promise<{ plan: Plan; client: IpvsClient }> {
  const { name, text } = await readInput(ctx.io, req.file);
  const desired: Desired = await readDesired(text, name);
  await checkDesired(desired, { scope: req.scope });
  const client = await ctx.client();
  const current = await currentState(client);
  try {
    return { plan: planChanges(current, desired.state, { prune: req.prune, scope: req.scope, drainSeconds: req.drainSeconds }), client };
  } catch (err) {
    if (err instanceof PlanError) throw new Trouble(err.message);
    throw err;
  }
}

// ---- output -------------------------------------------------------------------------------------

/** One operation for --json: its kind, what it names, what changes, and its ipvsadm line. */
function operationJson(op: Operation): Record<string, unknown> {
  if (op.kind === 'drain') {
    return { op: 'drain', seconds: op.seconds, servers: op.servers.map((s) => ({ service: serviceId(s.service), server: destId(s.dest) })) };
  }
  const out: Record<string, unknown> = { op: op.kind, service: serviceId(op.service) };
  if ('dest' in op) out.server = destId(op.dest);
  if (op.kind === 'edit-service') {
    const [to, from] = [serviceConfigOf(op.service), serviceConfigOf(op.previous)];
    out.changes = Object.fromEntries(op.changed.map((k) => [k, { from: from[k as keyof typeof from], to: to[k as keyof typeof to] }]));
  }
  if (op.kind === 'edit-server') {
    const [to, from] = [destinationConfigOf(op.dest), destinationConfigOf(op.previous)];
    out.changes = Object.fromEntries(op.changed.map((k) => [k, { from: from[k as keyof typeof from], to: to[k as keyof typeof to] }]));
  }
  try {
    out.command = commandLine(op);
  } catch (err) {
    if (!(err instanceof NotExpressible)) throw err;
    out.command = null;
    out.notExpressible = err.message;
  }
  return out;
}

function planJson(plan: Plan): Record<string, unknown> {
  return { changes: requestCount(plan), operations: plan.operations.map(operationJson) };
}

/** The plan as ipvsadm -R input; a line ipvsadm cannot express is Trouble (--json still shows it). */
function planLines(plan: Plan): string {
  let out = '';
  for (const op of plan.operations) {
    let line: string;
    try {
      line = commandLine(op);
    } catch (err) {
      if (err instanceof NotExpressible) throw new Trouble(`the plan has a change ipvsadm cannot express (${err.message}); use --json to see it`);
      throw err;
    }
    if (line) out += line + '\n';
  }
  return out;
}

const refusalText = (err: Error) => (err instanceof IpvsError ? ipvsStrerror(err.operation, err.errno) : err.message);

function reportText(plan: Plan, report: ExecutionReport): string {
  const total = requestCount(plan);
  if (!report.failed) return total === 0 ? 'no changes\n' : `${total} change${total === 1 ? '' : 's'} applied\n`;
  let out = `refused: ${safeLine(report.failed.operation)}: ${refusalText(report.failed.error)}\n`;
  out += `applied ${report.applied.length} of ${total} changes (the ones before it, in plan order); nothing after it was kept\n`;
  for (const { operation, error } of report.undoFailed) out += `could not take back ${safeLine(operation)}: ${refusalText(error)} (it stays applied)\n`;
  return out;
}

function safeLine(op: Operation): string {
  try {
    return commandLine(op);
  } catch {
    return `${op.kind} ${'service' in op ? serviceId(op.service) : ''}${'dest' in op ? ' ' + destId(op.dest) : ''}`;
  }
}

function reportJson(plan: Plan, report: ExecutionReport): Record<string, unknown> {
  return {
    ...planJson(plan),
    applied: report.applied.length,
    requests: report.requests,
    failed: report.failed ? { ...operationJson(report.failed.operation), reason: refusalText(report.failed.error) } : null,
    undone: report.undone.length,
    undoFailed: report.undoFailed.map((u) => ({ ...operationJson(u.operation), reason: refusalText(u.error) })),
    drains: report.drains.map((d) => ({ waited: d.waited, timedOut: d.timedOut.map((t) => ({ service: serviceId(t.service), server: destId(t.dest), activeConns: t.activeConns })) })),
  };
}

/**
 * The client's pipelined batch; until the client has one, the same contract one request at a
 * time (stop at the first refusal).
 */
function applyClient(client: IpvsClient): ApplyClient {
  const withBatch = client as unknown as Partial<ApplyClient>;
  if (typeof withBatch.batch === 'function') return client as unknown as ApplyClient;
  const send: Record<IpvsChange['op'], (c: IpvsChange) => Promise<void>> = {
    add_service: (c) => client.addService(c.service),
    update_service: (c) => client.updateService(c.service),
    del_service: (c) => client.deleteService(c.service),
    add_dest: (c) => client.addDestination(c.service, (c as { dest: Destination }).dest),
    update_dest: (c) => client.updateDestination(c.service, (c as { dest: Destination }).dest),
    del_dest: (c) => client.deleteDestination(c.service, (c as { dest: Destination }).dest),
  };
  return {
    destinations: (key) => client.destinations(key),
    async batch(changes, options = {}) {
      const outcomes: BatchOutcome[] = [];
      let firstFailure: { index: number; error: Error } | undefined;
      for (const change of changes) {
        try {
          await send[change.op](change);
          outcomes.push({ status: 'applied' });
        } catch (err) {
          outcomes.push({ status: 'failed', error: err as Error });
          firstFailure ??= { index: outcomes.length - 1, error: err as Error };
          if (options.stopOnError) break;
        }
      }
      return { outcomes, sent: outcomes.length, applied: outcomes.filter((o) => o.status === 'applied').length, firstFailure };
    },
  };
}

// ---- the verbs --------------------------------------------------------------------------------

/** Failures before anything was sent: worded, status 2. */
async function guarded(ctx: ApplyContext, verb: string, run: () => Promise<number>): Promise<number> {
  const say = (text: string) => ctx.io.stderr(`${ctx.argv0} ${verb}: ${text}\n`);
  try {
    return await run();
  } catch (err) {
    if (err instanceof InvalidInput) {
      for (const p of err.problems) say(`${p.where}: ${p.reason}`);
      say('nothing was changed');
      return EXIT_TROUBLE;
    }
    if (err instanceof Trouble) {
      say(err.message);
      return EXIT_TROUBLE;
    }
    if (err instanceof IpvsError) {
      say(ipvsStrerror(err.operation, err.errno));
      return EXIT_TROUBLE;
    }
    throw err;
  }
}

/** diff, and apply --dry-run: the plan as ipvsadm lines (or JSON); 0 no changes, 1 changes. */
async function showPlan(ctx: ApplyContext, options: Record<string, unknown>, args: string[]): Promise<number> {
  const { plan } = await makePlan(ctx, parseOptions(options, args));
  ctx.io.stdout(options.json ? JSON.stringify(planJson(plan), null, 2) + '\n' : planLines(plan));
  return requestCount(plan) === 0 ? EXIT_NO_CHANGES : EXIT_CHANGES;
}

export async function diffVerb(ctx: ApplyContext, options: Record<string, unknown>, args: string[]): Promise<number> {
  return guarded(ctx, 'diff', () => showPlan(ctx, options, args));
}

export async function applyVerb(ctx: ApplyContext, options: Record<string, unknown>, args: string[]): Promise<number> {
  if (options.dryRun) return guarded(ctx, 'apply', () => showPlan(ctx, options, args));
  return guarded(ctx, 'apply', async () => {
    const { plan, client } = await makePlan(ctx, parseOptions(options, args));
    let lastBusy = -1;
    const report = await executePlan(plan, applyClient(client), {
      onDrain: ({ servers, busy, waited, seconds }) => {
        if (busy === lastBusy) return;
        lastBusy = busy;
        ctx.io.stderr(`${ctx.argv0} apply: draining ${servers} server${servers === 1 ? '' : 's'}: ${busy} with active connections after ${Math.round(waited)} s (of ${seconds})\n`);
      },
    });
    if (options.json) ctx.io.stdout(JSON.stringify(reportJson(plan, report), null, 2) + '\n');
    else if (!report.failed) ctx.io.stdout(reportText(plan, report));
    else for (const line of reportText(plan, report).trimEnd().split('\n')) ctx.io.stderr(`${ctx.argv0} apply: ${line}\n`);
    for (const d of report.drains) {
      for (const t of d.timedOut) {
        ctx.io.stderr(`${ctx.argv0} apply: ${serviceId(t.service)} ${destId(t.dest)} still had ${t.activeConns} active connection${t.activeConns === 1 ? '' : 's'} after ${d.waited} s; deleted anyway\n`);
      }
    }
    return report.failed ? EXIT_PARTIAL : 0;
  });
}
