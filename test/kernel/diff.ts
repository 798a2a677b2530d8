// Differential harness: run Debian's ipvsadm and tsipvsadm from the same kernel state and compare
// stdout, stderr, exit status and the state each leaves behind. Runs only inside the test guest.

import { spawnSync } from 'node:child_process';
import { IpvsClient } from '../../src/ipvs/client';
import { runCli } from '../../src/cli/run';
import { DestAttr, IpvsCommand, SvcAttr } from '../../src/ipvs/constants';
import { unpackDest, unpackService } from '../../src/ipvs/codec';
import { GenlSocket, iterAttrs } from '../../src/netlink/genl';
import { readServices, type ServiceSource } from '../../src/model/snapshot';
import type { Destination, Service } from '../../src/ipvs/types';

export const IPVSADM = process.env.IPVSADM ?? '/usr/sbin/ipvsadm';

export interface Outcome {
  stdout: string;
  stderr: string;
  status: number;
}

export interface DiffCase {
  /** Command lines run with ipvsadm before the case, to build the starting state. */
  setup?: string[][];
  /** The command line under test (without argv[0]). */
  args: string[];
  /** Standard input (for -R). */
  stdin?: string;
  /**
   * 'write': the command may change the kernel; each tool starts from a freshly built state.
   * 'read': both tools run against one state (needed where kernel order shows, e.g. --nosort).
   */
  kind?: 'write' | 'read';
}

let client: IpvsClient | undefined;
async function sharedClient(): Promise<IpvsClient> {
  return (client ??= await IpvsClient.open());
}

export function closeClient(): void {
  client?.close();
  client = undefined;
  raw?.close();
  raw = undefined;
  rawFamily = undefined;
}

/**
 * Run Debian's ipvsadm (argv[0] "ipvsadm"). Arguments, input and output are byte strings (one
 * character per byte), as tsipvsadm's CLI text is. Node would pass arguments as UTF-8, so ones
 * holding other bytes go through bash's $'\xHH' quoting. bash runs with --norc: its stdin is a
 * socket (Node's pipes are socket pairs), which makes bash -c source ~/.bashrc as if started by
 * rshd; the host's .bashrc took 14 to 30 s in the guest and could change ipvsadm's environment.
 */
export function ipvsadm(args: string[], stdin = ''): Outcome {
  const input = Buffer.from(stdin, 'latin1');
  const r = args.every((a) => /^[\x01-\x7f]*$/.test(a))
    ? spawnSync(IPVSADM, args, { input, encoding: 'latin1', argv0: 'ipvsadm' })
    : spawnSync('bash', ['--norc', '-c', `exec -a ipvsadm ${IPVSADM} ${args.map(bashBytes).join(' ')}`], { input, encoding: 'latin1' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? 128 + (r.signal === 'SIGSEGV' ? 11 : 0) };
}

/** A byte string as a bash word: $'\xHH...' (a NUL ends the word, as it ends a C string). */
export const bashBytes = (s: string) => `$'${[...s].map((c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('')}'`;

/** Run tsipvsadm in-process (argv[0] "ipvsadm" so help and usage texts compare equal). */
export async function tsipvsadm(args: string[], stdin = ''): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(
    args,
    { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), readStdin: async () => stdin, argv0: 'ipvsadm' },
    await sharedClient(),
  );
  return { stdout, stderr, status };
}

/**
 * Kernel state, read over netlink in-process (no process start: the guest is emulated, and an
 * exec is the suite's main cost). Every service, its destinations, the timeouts and the daemons,
 * as the kernel's own reply bytes (counters removed) with a readable decoding beside them; sorted,
 * because the kernel's service order follows hash buckets that differ between two builds.
 * Services and destinations come through the model's snapshot reader (destination dumps many at
 * a time, interrupted dumps read again), from a source that keeps each reply's bytes.
 */
export async function kernelState(): Promise<string> {
  return (await readState()).state;
}

/**
 * The state as kernelState() gives it, and the same lines in the kernel's own order (services
 * by hash bucket, destinations by list position): two states with equal `inOrder` are the same
 * as far as any listing, including --nosort, can tell.
 */
async function readState(): Promise<{ state: string; inOrder: string }> {
  const sock = (raw ??= new GenlSocket());
  const family = (rawFamily ??= await sock.resolveFamily('IPVS'));
  const ask = (cmd: IpvsCommand, attrs: Uint8Array[] = [], dump = false) => sock.request(family, cmd, 1, attrs, { dump });
  const blocks: string[] = [];
  const ordered: string[] = [];
  for (const svc of await readServices(rawSource(sock, family), { order: 'kernel' })) {
    const destLines = svc.destinations.map((d) => `  dest ${show(d)} ${hexWithoutStats(d.reply, DestAttr.STATS, DestAttr.STATS64)}`);
    const head = `service ${show(svc)} ${hexWithoutStats(svc.reply, SvcAttr.STATS, SvcAttr.STATS64)}`;
    ordered.push([head, ...destLines].join('\n'));
    blocks.push([head, ...destLines.sort()].join('\n'));
  }
  const [timeouts] = await ask(IpvsCommand.GET_CONFIG);
  const daemons = await ask(IpvsCommand.GET_DAEMON, [], true);
  const rest = [`timeouts ${timeouts.payload.toString('hex')}`, ...daemons.map((d) => `daemon ${d.payload.toString('hex')}`)];
  return { state: [...blocks.sort(), ...rest].join('\n') + '\n', inOrder: [...ordered, ...rest].join('\n') + '\n' };
}

type RawService = Service & { reply: Buffer };
type RawDest = Destination & { reply: Buffer };

/** Services and destinations decoded, each with its reply's bytes; forks read on sockets of their own. */
function rawSource(sock: GenlSocket, family: number, owned = false): ServiceSource<RawService, RawDest> {
  const ask = (cmd: IpvsCommand, attrs: Uint8Array[] = []) => sock.request(family, cmd, 1, attrs, { dump: true });
  return {
    services: async () => (await ask(IpvsCommand.GET_SERVICE)).map((r) => ({ ...unpackService(r.payload), reply: r.payload })),
    service: () => Promise.reject(new Error('not used')),
    destinations: async (svc) => (await ask(IpvsCommand.GET_DEST, [svc.reply])).map((r) => ({ ...unpackDest(r.payload, 0), reply: r.payload })),
    fork: () => rawSource(new GenlSocket(), family, true),
    close: () => {
      if (owned) sock.close();
    },
  };
}

let raw: GenlSocket | undefined;
let rawFamily: number | undefined;

/** The decoded fields, without counters, the raw reply or the destinations (listed apart). */
function show(o: object): string {
  return JSON.stringify(o, (k, v) => (k === 'stats' || k === 'reply' || k === 'destinations' ? undefined : v));
}

/** The reply's attribute bytes with the counters (stats nests) left out, as hex. */
function hexWithoutStats(payload: Buffer, ...statsAttrs: number[]): string {
  const [[type, nest]] = [...iterAttrs(payload)];
  const kept = [...iterAttrs(nest)].filter(([t]) => !statsAttrs.includes(t));
  return `${type}:` + kept.map(([t, v]) => `${t}=${v.toString('hex')}`).join(',');
}

/** The starting state as -R input: a clean kernel (no services, default timeouts), then the setup. */
function setupInput(setup: string[][]): string {
  return ['-C', '--set 900 120 300', ...setup.map((l) => l.join(' '))].join('\n') + '\n';
}

let daemonsMayRun = true;

/**
 * Sync daemons survive -C, so stop them when a case may have left some. This uses ipvsadm, not
 * the in-process client: stopping a backup daemon from the long-lived test process right after
 * ipvsadm started one hung the guest kernel's reply in one run (not seen from a fresh process).
 */
function stopDaemons(): void {
  if (!daemonsMayRun) return;
  diffTimings.daemonStops++;
  for (const state of ['master', 'backup']) spawnSync(IPVSADM, ['--stop-daemon', state]);
  daemonsMayRun = false;
}

/** Note that the kernel may now run sync daemons (a state listing them, or a setup starting them). */
function noteDaemons(text: string): void {
  if (/^daemon |--start-daemon/m.test(text)) daemonsMayRun = true;
}

function buildWithIpvsadm(input: string): void {
  const r = ipvsadm(['-R'], input);
  if (r.stderr || r.status !== 0) throw new Error(`setup failed under ipvsadm: ${r.stderr}\n${input}`);
}

async function buildWithTsipvsadm(input: string): Promise<void> {
  const r = await tsipvsadm(['-R'], input);
  if (r.stderr || r.status !== 0) throw new Error(`setup failed under tsipvsadm: ${r.stderr}\n${input}`);
}

/**
 * Setups already shown to give the same kernel state whether ipvsadm or tsipvsadm builds them,
 * with the state (in kernel order) that tsipvsadm's build leaves.
 */
const verifiedSetups = new Map<string, string>();

/**
 * Build a case's starting state. Starting a process is the suite's main cost in the emulated
 * guest, so states are built in-process by tsipvsadm's -R; the first time a setup is used it is
 * also built by ipvsadm, and the two kernel states must be identical.
 */
async function build(setup: string[][] = []): Promise<void> {
  const input = setupInput(setup);
  stopDaemons();
  noteDaemons(input);
  if (!verifiedSetups.has(input)) {
    buildWithIpvsadm(input);
    const expected = await readState();
    stopDaemons();
    noteDaemons(input);
    await buildWithTsipvsadm(input);
    const got = await readState();
    if (got.state !== expected.state) throw new Error(`tsipvsadm -R builds another state than ipvsadm -R from:\n${input}\nipvsadm:\n${expected.state}\ntsipvsadm:\n${got.state}`);
    verifiedSetups.set(input, got.inOrder);
    return;
  }
  await buildWithTsipvsadm(input);
}

/**
 * Whether the kernel, as just read, is still the state a build of this setup leaves, so that
 * building it again would change nothing a command could see: the same services, destinations,
 * timeouts and daemons, in the same kernel order. Most fuzzed command lines are rejected and leave
 * the state alone. Never for setups or cases that involve sync daemons (they are stopped and
 * restarted by a build, and a daemon's thread is more than what GET_DAEMON shows).
 */
export function unchangedSince(verifiedInOrder: string | undefined, now: string, daemons: boolean): boolean {
  return verifiedInOrder !== undefined && !daemons && !/^daemon /m.test(now) && now === verifiedInOrder;
}

/** A clean kernel built by ipvsadm alone (for tests that do not use runDiff). */
export function resetKernel(): void {
  daemonsMayRun = true;
  stopDaemons();
  buildWithIpvsadm(setupInput([]));
}

/**
 * ipvsadm, as a new process, reaches the kernel at least ~100 ms after the setup started a sync
 * daemon; the in-process run would reach it within milliseconds. On the guest's 6.1 kernel a
 * DEL_DAEMON for a master thread that started milliseconds earlier (with a backup running) was
 * seen never to be answered (reproduced with one IpvsClient looping: start a backup, start a
 * master, stop the master). Give daemon cases the gap a process start gives.
 */
const DAEMON_SETTLE_MS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const touchesDaemons = (c: DiffCase) => /daemon/.test([...(c.setup ?? []).flat(), ...c.args, c.stdin ?? ''].join(' '));

export interface DiffResult {
  ipvsadm: Outcome & { state: string };
  tsipvsadm: Outcome & { state: string };
}

/**
 * Connection listings show each entry's expiry countdown in whole seconds (mm:ss), and tsipvsadm
 * reads the table a moment after ipvsadm did, so a second may tick between the two reads however
 * close they are. Where a line differs only in such a countdown, and ours is lower than theirs by
 * no more than the seconds that passed between the two runs (plus the one a boundary can add),
 * take theirs: everything else on the line must still match byte for byte.
 */
export function alignCountdowns(theirs: string, ours: string, elapsedMs: number): string {
  const maxTick = Math.ceil(elapsedMs / 1000) + 1;
  const countdown = /\b(\d{2,}):(\d{2})\b/g;
  const theirLines = theirs.split('\n');
  const ourLines = ours.split('\n');
  if (theirLines.length !== ourLines.length) return ours;
  return ourLines
    .map((line, i) => {
      const their = theirLines[i];
      if (line === their) return line;
      const a = [...their.matchAll(countdown)];
      const b = [...line.matchAll(countdown)];
      if (a.length !== b.length || their.replace(countdown, '#') !== line.replace(countdown, '#')) return line;
      const within = a.every((m, k) => {
        const t = Number(m[1]) * 60 + Number(m[2]);
        const o = Number(b[k][1]) * 60 + Number(b[k][2]);
        return o <= t && t - o <= maxTick;
      });
      return within ? their : line;
    })
    .join('\n');
}

const listsConnections = (c: DiffCase) => c.args.some((a) => /^-(?!-)\w*c|^--conn/.test(a));

/** Where runDiff's time goes (milliseconds per phase, summed over cases), for the fuzz campaign's summary. */
export const diffTimings: { cases: number; daemonStops: number; rebuildsSkipped: number; buildsSkipped: number; ms: Record<string, number>; slow: [number, string][] } = {
  cases: 0,
  daemonStops: 0,
  rebuildsSkipped: 0,
  buildsSkipped: 0,
  ms: {},
  slow: [],
};
let phaseStart = 0;
function phase(name: string): void {
  const now = performance.now();
  if (name !== 'start') diffTimings.ms[name] = (diffTimings.ms[name] ?? 0) + now - phaseStart;
  phaseStart = now;
}

/**
 * The state (kernel order) read at the end of the last case, when the caller has said that nothing
 * but runDiff touches the kernel between cases (the fuzz campaign): then it is the kernel's state
 * at the start of the next case, and a case whose setup is already there needs no build.
 */
let lastInOrder: string | undefined;
let trustLastState = false;
export function kernelOnlyThroughRunDiff(on: boolean): void {
  trustLastState = on;
  lastInOrder = undefined;
}

export async function runDiff(c: DiffCase): Promise<DiffResult> {
  diffTimings.cases++;
  phase('start');
  const setupText = setupInput(c.setup ?? []);
  const known = trustLastState ? lastInOrder : undefined;
  lastInOrder = undefined;
  if (known !== undefined && unchangedSince(verifiedSetups.get(setupText), known, touchesDaemons(c))) diffTimings.buildsSkipped++;
  else await build(c.setup);
  phase('build1');
  const started = Date.now();
  const theirs = ipvsadm(c.args, c.stdin);
  const t0 = phaseStart;
  phase('ipvsadm');
  diffTimings.slow.push([Math.round(phaseStart - t0), JSON.stringify(c.args).slice(0, 200)]);
  diffTimings.slow.sort((a, b) => b[0] - a[0]).splice(15);
  if (c.kind === 'read' && !touchesDaemons(c)) {
    // A listing changes nothing: run tsipvsadm right after ipvsadm and read the state after both,
    // so that no state read lies between the two runs.
    const ours = await tsipvsadm(c.args, c.stdin);
    if (listsConnections(c)) ours.stdout = alignCountdowns(theirs.stdout, ours.stdout, Date.now() - started);
    const theirState = await kernelState();
    const { state: ourState, inOrder: ourOrder } = await readState();
    noteDaemons(ourState);
    lastInOrder = ourOrder;
    return { ipvsadm: { ...theirs, state: theirState }, tsipvsadm: { ...ours, state: ourState } };
  }
  const { state: theirState, inOrder } = await readState();
  noteDaemons(theirState);
  phase('state1');
  if (c.kind !== 'read') {
    if (unchangedSince(verifiedSetups.get(setupText), inOrder, touchesDaemons(c))) diffTimings.rebuildsSkipped++;
    else await build(c.setup);
  }
  phase('build2');
  if (touchesDaemons(c)) await sleep(DAEMON_SETTLE_MS);
  phase('settle');
  const ours = await tsipvsadm(c.args, c.stdin);
  if (listsConnections(c)) ours.stdout = alignCountdowns(theirs.stdout, ours.stdout, Date.now() - started);
  phase('ours');
  const { state: ourState, inOrder: ourOrder } = await readState();
  noteDaemons(ourState);
  lastInOrder = ourOrder;
  phase('state2');
  return { ipvsadm: { ...theirs, state: theirState }, tsipvsadm: { ...ours, state: ourState } };
}
