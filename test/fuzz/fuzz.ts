// The fuzz harness (runs in the test guest): seeded random and mutated command lines, -R inputs
// and rules files, run in-process through runCli. Every case must end with an exit status and
// no uncaught error, no stack trace and no hang; a sample is also compared with Debian's ipvsadm
// from the same kernel state (stdout, stderr, exit status, resulting state) with ../kernel/diff.ts.

import { spawnSync } from 'node:child_process';
import { runCli } from '../../src/cli/run';
import { IpvsClient, IpvsTimeoutError } from '../../src/ipvs/client';
import { IPVSADM, closeClient, kernelOnlyThroughRunDiff, runDiff, type DiffCase } from '../kernel/diff';
import { Rng, argvVector, restoreInput, rulesFile, rulesToRestore, startingState } from './generate';

export interface FuzzOptions {
  seed: number;
  /** argv vectors run for robustness */
  argv: number;
  /** -R inputs and rules files run for robustness */
  restore: number;
  /** argv vectors compared with ipvsadm */
  compareArgv: number;
  /** -R inputs and rules files compared with ipvsadm */
  compareRestore: number;
  /** how many distinct starting states the compared cases draw from */
  states?: number;
  /** The client the robustness cases use (a fake kernel in host tests); a real one by default. */
  open?: () => Promise<IpvsClient>;
  /** called now and then with a progress line */
  progress?: (line: string) => void;
  /** called with each finding as it is found (a long campaign may not reach its end) */
  onFinding?: (f: Finding) => void;
}

export interface Finding {
  kind: 'uncaught' | 'hang' | 'stack-trace' | 'bad-status' | 'difference';
  args: string[];
  stdin?: string;
  setup?: string[][];
  detail: string;
}

export interface FuzzReport {
  seed: number;
  ran: { argv: number; restore: number; rules: number; compared: number; documented: number };
  findings: Finding[];
  seconds: number;
}

/** A case that takes longer than this is a hang (listings without -n wait on name look-ups). */
const HANG_MS = 30_000;
/** Robustness cases between two resets of the kernel state (random adds pile up otherwise). */
const RESET_EVERY = 200;

/** Compared cases drawn at a time, then run grouped by starting state. */
const COMPARE_BATCH = 60;

/** Real argv cannot hold a NUL: an argument ends there, as for the C program. */
const asArgv = (args: string[]) => args.map((a) => (a.includes('\0') ? a.slice(0, a.indexOf('\0')) : a));

/** Output that shows a JavaScript failure rather than a message ipvsadm could print. */
const STACK = /\n\s+at .+[(:]\d+|internal error|TypeError|RangeError|ReferenceError|SyntaxError|Napi::|\[object /;

/**
 * Differences that are documented, not bugs (README "Compatibility notes"): none are expected
 * from these generators today; the hook stays so that a documented one is named, not hidden.
 */
function documented(_c: DiffCase, _theirs: unknown, _ours: unknown): string | null {
  return null;
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  const r = new Rng(o.seed);
  const findings: Finding[] = [];
  const report = (f: Finding) => {
    findings.push(f);
    o.onFinding?.(f);
  };
  const ran = { argv: 0, restore: 0, rules: 0, compared: 0, documented: 0 };
  const stray: unknown[] = [];
  const onStray = (e: unknown) => void stray.push(e);
  process.on('unhandledRejection', onStray);
  process.on('uncaughtException', onStray);
  const open = o.open ?? (() => IpvsClient.open());
  let client: IpvsClient | undefined;
  try {
    // 1. comparison with ipvsadm, from a few seeded starting states (first: the findings that
    //    need fixing come from here)
    const states = Array.from({ length: o.states ?? 6 }, () => startingState(r));
    const compare = async (c: DiffCase) => {
      const { ipvsadm: theirs, tsipvsadm: ours } = await runDiff(c);
      ran.compared++;
      if (JSON.stringify(theirs) === JSON.stringify(ours)) return;
      if (documented(c, theirs, ours)) {
        ran.documented++;
        return;
      }
      report({ kind: 'difference', args: c.args, stdin: c.stdin, setup: c.setup, detail: JSON.stringify({ ipvsadm: theirs, tsipvsadm: ours }) });
    };
    // Cases are drawn in the seed's order, then run a batch at a time grouped by starting state:
    // a case that changed nothing leaves the next one of the same state with no build to do.
    const runBatched = async (label: string, total: number, draw: (i: number) => DiffCase) => {
      for (let start = 0; start < total; start += COMPARE_BATCH) {
        const batch = Array.from({ length: Math.min(COMPARE_BATCH, total - start) }, (_, k) => draw(start + k));
        const order = batch.map((c, k) => [states.indexOf(c.setup!), k]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        for (const [, k] of order) await compare(batch[k]);
        const done = start + batch.length;
        if (o.progress && Math.floor(done / 250) > Math.floor(start / 250)) o.progress(`compare ${label} ${done}/${total} findings ${findings.length} ${elapsed()}`);
      }
    };
    kernelOnlyThroughRunDiff(true);
    await runBatched('argv', o.compareArgv, () => ({ args: asArgv(argvVector(r, false)), setup: r.pick(states), kind: 'write' }));
    o.progress?.(`compared ${o.compareArgv} command lines, findings ${findings.length}, ${elapsed()}`);
    await runBatched('-R', o.compareRestore, (i) => {
      const stdin = i % 2 ? rulesToRestore(rulesFile(r)) : restoreInput(r);
      return { args: ['-R'], stdin, setup: r.pick(states), kind: 'write' };
    });
    kernelOnlyThroughRunDiff(false);

    o.progress?.(`compared ${o.compareRestore} -R inputs, findings ${findings.length}, ${elapsed()}`);

    // 2. robustness, in-process: argv vectors, then -R inputs and rules files
    client = await open();
    const robust = async (args: string[], stdin?: string) => {
      let stdout = '';
      let stderr = '';
      const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), readStdin: async () => stdin ?? '', argv0: 'ipvsadm' };
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'hang'>((res) => (timer = setTimeout(() => res('hang'), HANG_MS)));
      try {
        const status = await Promise.race([runCli(args, io, client), deadline]);
        if (status === 'hang') {
          report({ kind: 'hang', args, stdin, detail: `no end after ${HANG_MS} ms` });
          client!.close(); // a request may be stuck on it
          client = await open();
        } else if (!Number.isInteger(status) || status < 0 || status > 255) {
          report({ kind: 'bad-status', args, stdin, detail: String(status) });
        } else if (STACK.test(stdout + stderr)) {
          report({ kind: 'stack-trace', args, stdin, detail: (stderr || stdout).slice(0, 2000) });
        }
      } catch (err) {
        if (err instanceof IpvsTimeoutError) report({ kind: 'hang', args, stdin, detail: err.message });
        else report({ kind: 'uncaught', args, stdin, detail: err instanceof Error ? err.stack ?? err.message : String(err) });
      } finally {
        clearTimeout(timer);
      }
      if (stray.length) report({ kind: 'uncaught', args, stdin, detail: `after the case: ${String(stray.splice(0).map((e) => (e instanceof Error ? e.stack : e)))}` });
    };
    const reset = async () => {
      if (!o.open && (await client!.daemons()).length) for (const s of ['master', 'backup']) spawnSync(IPVSADM, ['--stop-daemon', s]);
      await client!.flush();
    };
    for (let i = 0; i < o.argv; i++) {
      if (i % RESET_EVERY === 0) await reset();
      await robust(asArgv(argvVector(r)));
      ran.argv++;
      if (o.progress && i % 5000 === 4999) o.progress(`argv ${i + 1}/${o.argv} findings ${findings.length} ${elapsed()}`);
    }
    o.progress?.(`ran ${o.argv} command lines, findings ${findings.length}, ${elapsed()}`);
    for (let i = 0; i < o.restore; i++) {
      if (i % RESET_EVERY === 0) await reset();
      if (i % 2) {
        await robust(['-R'], rulesToRestore(rulesFile(r)));
        ran.rules++;
      } else {
        await robust(['-R'], restoreInput(r));
        ran.restore++;
      }
      if (o.progress && i % 1000 === 999) o.progress(`restore ${i + 1}/${o.restore} findings ${findings.length} ${elapsed()}`);
    }
    await reset();
  } finally {
    kernelOnlyThroughRunDiff(false);
    process.off('unhandledRejection', onStray);
    process.off('uncaughtException', onStray);
    client?.close();
    closeClient();
  }
  return { seed: o.seed, ran, findings, seconds: (Date.now() - started) / 1000 };
}
