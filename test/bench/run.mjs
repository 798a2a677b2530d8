#!/usr/bin/env node
// `npm run bench`: build, boot the test guest, and run the benchmark table there (Debian's
// ipvsadm against tsipvsadm on the same kernel). Arguments filter rows by name.
//
//   npm run bench                      every row (tens of minutes under emulation)
//   npm run bench -- restore '-L -n'   rows whose name contains "restore" or "-L -n"
//   BENCH_CONNECTIONS=20000 npm run bench -- '-c'

import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
// The connection flooder, when there is a C compiler (else the guest falls back to python).
mkdirSync(join(root, '.cache/bench'), { recursive: true });
const cc = spawnSync('cc', ['-O2', '-o', join(root, '.cache/bench/flood'), join(root, 'test/bench/flood.c')], { stdio: 'inherit' });
if (cc.status !== 0) console.error('bench: no C compiler: connections will be made by python, slowly');
// The kernel's floor for the restore rows (skipped without a compiler).
spawnSync('cc', ['-O2', '-o', join(root, '.cache/bench/floor'), join(root, 'test/bench/floor.c')], { stdio: 'inherit' });
console.error(`bench: host load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
const env = process.env.BENCH_CONNECTIONS ? ['-e', `BENCH_CONNECTIONS=${process.env.BENCH_CONNECTIONS}`] : [];
const r = spawnSync('node', ['test/vm/run.mjs', '--timeout', '5400', ...env, '--', 'node', 'test/bench/in-guest.mjs', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
