#!/usr/bin/env node
// The whole test suite: build, unit tests on the host, then the kernel suite inside a QEMU guest
// that has IPVS. Prints one closing line "tests: N passed, N failed" and fails when anything
// failed or when the kernel suite ran no test.
//
//   node test/run.mjs              everything
//   node test/run.mjs --unit       host unit tests only
//   node test/run.mjs --kernel     kernel suite only (still builds first)
//   TSIPVSADM_KERNEL_FILTER=parity node test/run.mjs --kernel    one kernel test file

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
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

if (wantKernel) {
  step('kernel suite (QEMU guest with IPVS)');
  const filter = process.env.TSIPVSADM_KERNEL_FILTER ? [process.env.TSIPVSADM_KERNEL_FILTER] : [];
  const guestCmd = ['sh', 'test/kernel/in-guest.sh', ...filter];
  const summary = await new Promise((resolve) => {
    const child = spawn('node', ['test/vm/run.mjs', '--', ...guestCmd], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let found = null;
    let buf = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      buf += chunk.toString('utf8');
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const m = /KERNEL-SUMMARY (\{.*\})/.exec(line);
        if (m) found = JSON.parse(m[1]);
      }
    });
    child.on('close', (code) => resolve({ code, found }));
  });
  const c = summary.found ?? { passed: 0, failed: 1 };
  console.log(`kernel: ${c.passed} passed, ${c.failed} failed`);
  totals.passed += c.passed;
  totals.failed += c.failed;
  if (summary.code !== 0 || !summary.found || c.failed || c.passed === 0) ok = false;
  if (!summary.found) console.log('kernel: the guest reported no results (did it boot?)');
}

console.log(`\ntime: ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed`);
process.exit(ok ? 0 : 1);
