// Machine-wide guest slots: emulated guests are CPU-bound, so several developers' (or test
// runs') guests at once on a small machine make every one of them slow enough to fail timing
// tests. Before booting, take one of N slots (TSIPVSADM_VM_SLOTS, default 2; 0 turns this off)
// and hold it until this process ends. A slot is an flock(1) held by a child whose stdin is our
// pipe: however we end, the pipe closes and the slot is free again.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { log } from './util.mjs';

const DIR = path.join(os.tmpdir(), 'tsipvsadm-vm-slots');
const BUSY = 75;

function tryTake(file) {
  return new Promise((resolve) => {
    const child = spawn('flock', ['-n', '-E', String(BUSY), file, 'sh', '-c', 'echo taken; exec cat >/dev/null'], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    child.on('error', () => resolve(null)); // no flock(1): run without slots
    child.stdout.once('data', () => {
      child.unref();
      child.stdin.unref?.();
      child.stdout.destroy();
      resolve(child);
    });
    child.on('exit', (code) => resolve(code === BUSY ? false : null));
  });
}

/** Wait for a free slot; resolves once one is held (or at once when slots are off). */
export async function takeGuestSlot() {
  const slots = Number(process.env.TSIPVSADM_VM_SLOTS ?? 2);
  if (!(slots > 0)) return;
  fs.mkdirSync(DIR, { recursive: true, mode: 0o1777 });
  let waited = false;
  for (;;) {
    for (let i = 1; i <= slots; i++) {
      const held = await tryTake(path.join(DIR, `slot-${i}`));
      if (held) {
        if (waited) log('guest slot free, booting');
        return;
      }
      if (held === null) return;
    }
    if (!waited) log(`waiting for a guest slot (at most ${slots} guests at once on this machine: TSIPVSADM_VM_SLOTS)`);
    waited = true;
    await new Promise((r) => setTimeout(r, 2000));
  }
}
