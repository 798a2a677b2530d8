#!/usr/bin/env node
// The whole test suite: build, unit tests on the host, then the kernel suite inside QEMU guests
// that have IPVS (two side by side; see kernelShards). Prints one closing line "tests: N passed, N failed" and fails when anything
// failed or when the kernel suite ran no test.
//
//   node test/run.mjs              everything
//   node test/run.mjs --unit       host unit tests only
//   node test/run.mjs --kernel     kernel suite only (still builds first)
//   TSIPVSADM_KERNEL_FILTER=parity node test/run.mjs --kernel    some kernel test files (space-separated vitest filters), in one guest

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const wantUnit = !args.has('--kernel');
const wantKernel = !args.has('--unit');
const totals = { passed: 0, failed: 0 };
const started = Date.now();

function step(title) {
  process.stdout.write(`\n=== ${title}\n`);
}

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', ...opts });
  return r.status ?? 1;
}

function count(report) {
  return { passed: report.numPassedTests ?? 0, failed: (report.numFailedTests ?? 0) + (report.numTotalTestSuites && !report.success && !report.numFailedTests ? 1 : 0) };
}

step('build');
if (run('npm', ['run', 'build']) !== 0) {
  console.log('tests: 0 passed, 1 failed');
  process.exit(1);
}

let ok = true;

if (wantKernel) {
  // The kernel suite installs the packed tarball in the guest (test/kernel/tooling.test.ts);
  // npm pack costs seconds here and minutes in the emulated guest. dist/ was just built.
  const packDir = join(root, '.cache', 'pack');
  rmSync(packDir, { recursive: true, force: true });
  mkdirSync(packDir, { recursive: true });
  run('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir], { stdio: ['ignore', 'ignore', 'inherit'] });
}

if (wantUnit) {
  step('unit tests (host)');
  const out = join(root, '.cache', 'unit-report.json');
  mkdirSync(dirname(out), { recursive: true });
  rmSync(out, { force: true });
  const status = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
  const c = existsSync(out) ? count(JSON.parse(readFileSync(out, 'utf8'))) : { passed: 0, failed: 1 };
  console.log(`unit: ${c.passed} passed, ${c.failed} failed`);
  totals.passed += c.passed;
  totals.failed += c.failed;
  if (status !== 0 || c.failed) ok = false;
}

/**
 * The kernel suite in two guests at once, each running its files one at a time on its own
 * kernel: one guest takes the differential parity suite (half of its time), apply and tooling;
 * the other the traffic and companion set-ups, structured output and the small files (bin,
 * library, verbs, completion), so that both end at about the same time. Both guests' output
 * streams to ours, each line marked with its guest. TSIPVSADM_KERNEL_GUESTS=1 uses one guest.
 */
const FIRST_GUEST = ['test/kernel/parity', 'test/kernel/apply', 'test/kernel/tooling'];

function kernelShards() {
  const files = readdirSync(join(root, 'test/kernel'), { recursive: true })
    .map((f) => `test/kernel/${f}`)
    .filter((f) => f.endsWith('.test.ts'))
    .sort();
  if (process.env.TSIPVSADM_KERNEL_GUESTS === '1') return [files];
  const first = files.filter((f) => FIRST_GUEST.some((p) => f.startsWith(p)));
  const second = files.filter((f) => !first.includes(f));
  return [first, second].filter((shard) => shard.length > 0);
}

/** One guest running `files` (vitest filters) under in-guest.sh; resolves with its summary. */
function runGuest(files, label) {
  return new Promise((resolve) => {
    const child = spawn('node', ['test/vm/run.mjs', '--', 'sh', 'test/kernel/in-guest.sh', ...files], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let found = null;
    const lines = (stream, out, onLine) => {
      let buf = '';
      stream.on('data', (chunk) => {
        buf += chunk.toString('utf8');
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          out.write(label ? `[${label}] ${line}\n` : `${line}\n`);
          onLine?.(line);
        }
      });
      stream.on('end', () => buf && out.write(label ? `[${label}] ${buf}\n` : `${buf}\n`));
    };
    lines(child.stdout, process.stdout, (line) => {
      const m = /KERNEL-SUMMARY (\{.*\})/.exec(line);
      try {
        if (m) found = JSON.parse(m[1]);
      } catch {
        found = null;
      }
    });
    lines(child.stderr, process.stderr);
    child.on('close', (code) => resolve({ code, found, label }));
  });
}

if (wantKernel) {
  step('kernel suite (QEMU guests with IPVS)');
  // Fetch and build what a boot needs once, before guests start side by side.
  if (run('node', ['test/vm/run.mjs', '--prepare']) !== 0) ok = false;
  const shards = process.env.TSIPVSADM_KERNEL_FILTER ? [process.env.TSIPVSADM_KERNEL_FILTER.split(/\s+/).filter(Boolean)] : kernelShards();
  const labels = shards.length > 1 ? shards.map((_, i) => `guest ${i + 1}`) : [''];
  const results = await Promise.all(shards.map((files, i) => runGuest(files, labels[i])));
  const c = { passed: 0, failed: 0 };
  for (const r of results) {
    const name = r.label || 'kernel';
    const got = r.found ?? { passed: 0, failed: 1 };
    console.log(`${name}: ${got.passed} passed, ${got.failed} failed${r.found ? '' : ' (the guest reported no results: did it boot?)'}`);
    c.passed += got.passed;
    c.failed += got.failed;
    if (r.code !== 0 || !r.found || got.failed || got.passed === 0) ok = false;
  }
  console.log(`kernel: ${c.passed} passed, ${c.failed} failed`);
  const listed = (key) => results.flatMap((r) => (r.found?.[key] ?? []).map((f) => `  ${r.label ? `[${r.label}] ` : ''}${f.test}\n      ${f.error}`));
  const failures = listed('failures');
  const retried = listed('retried');
  if (failures.length) console.log(`failed kernel tests:\n${failures.join('\n')}`);
  if (retried.length) console.log(`kernel tests that passed only on their retry (timing under emulation; see README "Tests"):\n${retried.join('\n')}`);
  totals.passed += c.passed;
  totals.failed += c.failed;
}

console.log(`\ntime: ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed`);
process.exit(ok ? 0 : 1);
