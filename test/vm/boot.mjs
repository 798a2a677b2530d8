// Boots the guest: QEMU (software emulation, no NIC, serial console on stdio, the host root and
// a results directory over 9p), relays its console, enforces the timeout, and turns the outcome
// into our exit status (the command's, or 124 timeout, 3 no boot/no status, 128+N signal).

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConsoleRelay } from './console.mjs';
import { writeGuestConfig } from './guest-config.mjs';
import { log, olderThan, rmrf, settings, shq, t0 } from './util.mjs';

export async function boot(opts, kernel, initramfs, missing) {
  // Results directories of runs that were killed outright (SIGKILL) linger: sweep old ones.
  for (const d of fs.readdirSync(os.tmpdir())) {
    if (/^tsipvsadm-vm-\w{6}$/.test(d) && olderThan(path.join(os.tmpdir(), d), 86400e3)) rmrf(path.join(os.tmpdir(), d));
  }
  const results = fs.mkdtempSync(path.join(os.tmpdir(), 'tsipvsadm-vm-'));
  const nonce = crypto.randomBytes(8).toString('hex');
  const stillMissing = writeGuestConfig(results, opts, kernel, nonce);
  missing.push(...stillMissing);
  if (missing.length) log(`kernel ${kernel.kver} lacks modules: ${missing.join(' ')}`);

  const append = [
    'console=ttyS0', 'quiet', 'loglevel=1', 'panic=-1', 'rdinit=/init',
    'mitigations=off', 'tsc=reliable', 'no_timer_check', 'nowatchdog', 'audit=0',
    'i8042.noaux', 'i8042.nokbd', 'i8042.nopnp', '8250.nr_uarts=1', 'random.trust_cpu=on',
    process.env.TSIPVSADM_VM_APPEND ?? '', // extra kernel arguments, for debugging
  ].join(' ').trim();
  const args = [
    '-accel', 'tcg,thread=multi', '-cpu', 'max', '-smp', String(opts.smp), '-m', String(opts.mem),
    '-nodefaults', '-nographic', '-no-reboot', '-nic', 'none',
    '-serial', 'stdio', '-monitor', 'none', '-parallel', 'none',
    '-kernel', kernel.vmlinux && !process.env.TSIPVSADM_VM_BZIMAGE ? kernel.vmlinux : kernel.vmlinuz, '-initrd', initramfs, '-append', append,
    '-virtfs', 'local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap',
    '-virtfs', `local,path=${results},mount_tag=results,security_model=none`,
  ];
  // Extra QEMU arguments for experiments/debugging (split on whitespace).
  if (process.env.TSIPVSADM_VM_QEMU_ARGS) args.push(...process.env.TSIPVSADM_VM_QEMU_ARGS.trim().split(/\s+/));
  if (settings.verbose) log(`qemu-system-x86_64 ${args.map((a) => (/^[\w.,=:/+-]+$/.test(a) ? a : shq(a))).join(' ')}`);

  const started = Date.now();
  let timedOut = false;
  let interrupted = null;
  const relay = new ConsoleRelay(nonce, started);

  const qemu = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  qemu.stdout.on('data', (chunk) => relay.onData(chunk));
  qemu.stderr.on('data', (d) => process.stderr.write(d));
  const timer = setTimeout(() => {
    timedOut = true;
    qemu.kill('SIGKILL');
  }, opts.timeout * 1000);
  const onSignal = (sig) => {
    interrupted = sig;
    qemu.kill('SIGKILL');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);

  const [code, signal] = await new Promise((resolve) => {
    qemu.on('error', (err) => {
      log(`cannot start qemu-system-x86_64: ${err.message}`);
      resolve([null, null]);
    });
    qemu.on('close', (c, s) => resolve([c, s]));
  });
  clearTimeout(timer);
  relay.flush();

  let status = null;
  try {
    const s = fs.readFileSync(path.join(results, 'status'), 'utf8').trim();
    if (/^\d+$/.test(s)) status = Number(s);
  } catch {
    /* no status */
  }
  rmrf(results);

  const secs = (ms) => (ms / 1000).toFixed(1);
  const now = Date.now();
  const { bootedAt, state, endStatus } = relay;
  const timing = bootedAt
    ? `boot ${secs(bootedAt - started)} s, run ${secs(now - bootedAt)} s, boot+run ${secs(now - started)} s`
    : `boot+run ${secs(now - started)} s`;

  if (interrupted) {
    log(`interrupted by ${interrupted}; guest killed (${timing})`);
    return 128 + (os.constants.signals[interrupted] ?? 2);
  }
  if (timedOut) {
    log(`TIMEOUT: guest killed after ${opts.timeout} s (${timing})`);
    if (state === 'boot') relay.dumpBootLog();
    return 124;
  }
  if (state === 'boot') {
    log(`ERROR: the guest did not boot (qemu exit ${code ?? signal}; ${timing})`);
    relay.dumpBootLog();
    return 3;
  }
  if (status === null) {
    log(`ERROR: the guest wrote no exit status (qemu exit ${code ?? signal}; ${timing})`);
    if (endStatus !== null) log(`(the console reported status ${endStatus})`);
    return 3;
  }
  if (endStatus === null) log('WARNING: the end marker never arrived; console output may be truncated');
  const prep = started - t0 > 1500 ? `prep ${secs(started - t0)} s, ` : '';
  log(`${prep}${timing} (guest command exit ${status})`);
  return status;
}
