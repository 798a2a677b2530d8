// Shared bits of the QEMU harness: where things live, logging, the fatal-error type, and
// running host commands (their output goes to our stderr: stdout is reserved for the guest).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '..', '..');
export const CACHE = path.join(REPO, '.cache', 'vm');

/** When the harness started (for the "prep" time in the closing line). */
export const t0 = Date.now();

/** -v / TSIPVSADM_VM_VERBOSE: set once by the argument parser. */
export const settings = { verbose: false };

export function log(msg) {
  process.stderr.write(`vm: ${msg}\n`);
}

export class Fatal extends Error {
  constructor(msg, code = 3) {
    super(msg);
    this.code = code;
  }
}

export function shq(s) {
  return `'${String(s).replace(/'/g, `'\\''`)}'`;
}

/** Run a command, output to our stderr (stdout is reserved for the guest). */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 2, 2], ...opts });
  if (r.error) throw new Fatal(`cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Fatal(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/** Run a command and return its stdout (stderr captured), or null on failure. */
export function capture(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  if (r.error || r.status !== 0) return null;
  return r.stdout;
}

export function asRoot(cmd, args) {
  if (process.getuid && process.getuid() !== 0) return ['sudo', ['-n', cmd, ...args]];
  return [cmd, args];
}

export function olderThan(p, ms) {
  try {
    return Date.now() - fs.statSync(p).mtimeMs > ms;
  } catch {
    return false;
  }
}

export function rmrf(p) {
  try {
    fs.rmSync(p, { recursive: true, force: true });
  } catch {
    /* best effort */
  }
}
