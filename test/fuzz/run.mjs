#!/usr/bin/env node
// npm run fuzz -- --seed S --count N [--restore N] [--compare N] [--compare-restore N] [--states N]
//
// Runs a fuzz campaign inside the QEMU guest (test/vm): N random and mutated argv vectors and
// --restore (default N/10) -R inputs and rules files for robustness, then --compare (default
// N/25) argv vectors and --compare-restore (default N/100) -R inputs compared with Debian's
// ipvsadm. Findings are printed as FUZZ-FINDING lines; the exit status is vitest's.

import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: String(Date.now() % 1e9) },
    count: { type: 'string', default: '1000' },
    restore: { type: 'string' },
    compare: { type: 'string' },
    'compare-restore': { type: 'string' },
    states: { type: 'string', default: '6' },
    timeout: { type: 'string', default: '21600' },
  },
});
const count = Number(values.count);
const env = {
  TSIPVSADM_FUZZ_SEED: values.seed,
  TSIPVSADM_FUZZ_ARGV: String(count),
  TSIPVSADM_FUZZ_RESTORE: values.restore ?? String(Math.ceil(count / 10)),
  TSIPVSADM_FUZZ_COMPARE_ARGV: values.compare ?? String(Math.ceil(count / 25)),
  TSIPVSADM_FUZZ_COMPARE_RESTORE: values['compare-restore'] ?? String(Math.ceil(count / 100)),
  TSIPVSADM_FUZZ_STATES: values.states,
};
for (const [k, v] of Object.entries(env)) if (!/^\d+$/.test(v)) throw new Error(`${k}: expected a whole number, got ${v}`);
console.log(`fuzz: ${JSON.stringify(env)}`);

const vitest = ['npx', 'vitest', 'run', '--config', 'test/fuzz/vitest.config.ts'];
const run = (cmd, args, extraEnv = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...extraEnv } }).status ?? 1;

if (process.env.TSIPVSADM_VM) process.exit(run(vitest[0], vitest.slice(1), env));
if (run('npx', ['tsc', '-p', 'tsconfig.json']) !== 0) process.exit(1);
process.exit(run('node', ['test/vm/run.mjs', '--timeout', values.timeout, '--', ...vitest], env));
