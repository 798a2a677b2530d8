#!/usr/bin/env node
// Real-kernel test harness for tsipvsadm: runs a shell command inside a
// throw-away QEMU guest that boots Debian's kernel (which has IPVS), with the
// host's root filesystem visible read-only under a tmpfs overlay.
//
//   node test/vm/run.mjs [--timeout SECONDS] [--mem MB] [--smp N] [--verbose]
//                        [-e NAME[=VALUE]]... -- <shell command...>
//
// See test/vm/README.md. Only Node 20 built-ins are used. The steps live in
// their own modules: packages.mjs + apt.mjs (host packages), kernel.mjs,
// initramfs.mjs + guest/*.sh, guest-config.mjs, boot.mjs + console.mjs.

import fs from 'node:fs';
import { ensurePackages } from './apt.mjs';
import { parseArgs } from './args.mjs';
import { boot } from './boot.mjs';
import { ensureInitramfs } from './initramfs.mjs';
import { ensureKernel } from './kernel.mjs';
import { takeGuestSlot } from './slots.mjs';
import { CACHE, Fatal, log } from './util.mjs';

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Fatal(`needs an x86-64 Linux host (this is ${process.platform}/${process.arch})`);
  }
  ensurePackages();
  fs.mkdirSync(CACHE, { recursive: true });
  const kernel = ensureKernel();
  const missing = [];
  const initramfs = ensureInitramfs(kernel);
  if (opts.prepare) return 0;
  await takeGuestSlot();
  return boot(opts, kernel, initramfs, missing);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    if (err instanceof Fatal) {
      log(`ERROR: ${err.message}`);
      process.exitCode = err.code;
    } else {
      log(`ERROR: ${err && err.stack ? err.stack : err}`);
      process.exitCode = 3;
    }
  },
);
