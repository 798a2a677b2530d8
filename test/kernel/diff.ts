// Differential harness: run Debian's ipvsadm and tsipvsadm from the same kernel state and compare
// stdout, stderr, exit status and the state each leaves behind. Runs only inside the test guest.

import { spawnSync } from 'node:child_process';
import { IpvsClient } from '../../src/ipvs/client';
import { runCli } from '../../src/cli/run';

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
}

/** Run Debian's ipvsadm (argv[0] "ipvsadm"). */
export function ipvsadm(args: string[], stdin = ''): Outcome {
  const r = spawnSync(IPVSADM, args, { input: stdin, encoding: 'latin1', argv0: 'ipvsadm' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? 128 + (r.signal === 'SIGSEGV' ? 11 : 0) };
}

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
 * Kernel state as text: the rules, the timeouts and the sync daemons. One ipvsadm -R run prints
 * all three (listing lines inside -R print as usual), which keeps the guest's process count down.
 */
export function kernelState(): string {
  const r = ipvsadm(['-R'], '-S -n\n-L --timeout\n-L --daemon\n');
  return r.stdout + r.stderr + `status ${r.status}\n`;
}

let daemonsMayRun = true;

/**
 * A clean kernel (no services, default timeouts, no sync daemons), then the setup lines, in one
 * ipvsadm -R run. Any message on stderr means a setup line failed.
 */
function build(setup: string[][] = []): void {
  if (daemonsMayRun) {
    for (const state of ['master', 'backup']) spawnSync(IPVSADM, ['--stop-daemon', state]);
    daemonsMayRun = false;
  }
  const input = ['-C', '--set 900 120 300', ...setup.map((l) => l.join(' '))].join('\n') + '\n';
  const r = ipvsadm(['-R'], input);
  if (r.stderr || r.status !== 0) throw new Error(`setup failed: ${r.stderr}\n${input}`);
}

export function resetKernel(): void {
  build([]);
}

/** Note that a case may have left sync daemons running (they survive -C). */
function noteDaemons(state: string): void {
  if (/sync daemon/.test(state)) daemonsMayRun = true;
}

export interface DiffResult {
  ipvsadm: Outcome & { state: string };
  tsipvsadm: Outcome & { state: string };
}

export async function runDiff(c: DiffCase): Promise<DiffResult> {
  build(c.setup);
  const theirs = ipvsadm(c.args, c.stdin);
  const theirState = kernelState();
  noteDaemons(theirState);
  if (c.kind !== 'read') build(c.setup);
  const ours = await tsipvsadm(c.args, c.stdin);
  const ourState = kernelState();
  noteDaemons(ourState);
  return { ipvsadm: { ...theirs, state: theirState }, tsipvsadm: { ...ours, state: ourState } };
}
