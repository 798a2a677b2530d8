// The initramfs: static busybox, the modules that mount the host root (virtio, 9p, overlay),
// and the two boot scripts in guest/. Cached as .cache/vm/initramfs-<hash>.cpio; the hash covers
// the scripts, module list, kernel and busybox, so any change to them builds a new image.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { showDepends } from './kernel.mjs';
import { CACHE, HERE, capture, log, olderThan, rmrf, settings } from './util.mjs';

const FORMAT = 1; // bump to invalidate cached initramfs images

// Modules the initramfs needs to mount the host root (those that are
// built in or absent are skipped; dependencies are resolved by modprobe).
const INITRD_MODULES = [
  'virtio', 'virtio_ring', 'virtio_pci', 'netfs', 'fscache',
  '9pnet', '9pnet_virtio', '9p', 'overlay',
];

// Stage 1 runs from the initramfs as PID 1: mount the host root read-only over 9p, put a tmpfs
// overlay on top, prepare the new root and switch to it.
const INIT_SCRIPT = fs.readFileSync(path.join(HERE, 'guest', 'init.sh'), 'utf8');

// Stage 2 runs as PID 1 in the new root (host files + tmpfs overlay), under the initramfs'
// busybox copied to /run/tsipvsadm-vm: module tree, modprobe, network, then the command, its
// status, power-off. That busybox prefers its own applets over $PATH, so host tools are named
// by absolute path.
const STAGE2_SCRIPT = fs.readFileSync(path.join(HERE, 'guest', 'stage2.sh'), 'utf8');

/** Minimal newc (SVR4, no CRC) cpio writer. */
function cpioNewc(entries) {
  const chunks = [];
  let ino = 1;
  const pad = (n) => (4 - (n % 4)) % 4;
  const push = (name, mode, data, rdevMajor = 0, rdevMinor = 0) => {
    const nameBuf = Buffer.from(name + '\0');
    const fields = [ino++, mode, 0, 0, 1, 0, data.length, 0, 0, rdevMajor, rdevMinor, nameBuf.length, 0];
    const header = '070701' + fields.map((f) => f.toString(16).padStart(8, '0')).join('');
    chunks.push(Buffer.from(header, 'ascii'), nameBuf, Buffer.alloc(pad(110 + nameBuf.length)));
    chunks.push(data, Buffer.alloc(pad(data.length)));
  };
  for (const e of entries) {
    if (e.type === 'dir') push(e.name, 0o040755, Buffer.alloc(0));
    else if (e.type === 'file') push(e.name, 0o100000 | (e.mode ?? 0o644), e.data);
    else if (e.type === 'symlink') push(e.name, 0o120777, Buffer.from(e.target));
    else if (e.type === 'chr') push(e.name, 0o020600, Buffer.alloc(0), e.major, e.minor);
  }
  push('TRAILER!!!', 0, Buffer.alloc(0));
  return Buffer.concat(chunks);
}

export function ensureInitramfs(kernel) {
  const modules = [];
  for (const name of INITRD_MODULES) {
    const files = showDepends(kernel, name);
    if (files === null) {
      if (settings.verbose) log(`initramfs: module ${name} not in ${kernel.pkg}, skipped`);
      continue;
    }
    for (const f of files) if (!modules.includes(f)) modules.push(f);
  }
  const busybox = fs.readFileSync('/bin/busybox');
  const hash = crypto
    .createHash('sha256')
    .update(JSON.stringify({ FORMAT, INIT_SCRIPT, STAGE2_SCRIPT, modules, kver: kernel.kver, pkg: kernel.pkg }))
    .update(busybox)
    .digest('hex')
    .slice(0, 16);
  const file = path.join(CACHE, `initramfs-${hash}.cpio`);
  if (fs.existsSync(file)) return file;

  log(`building initramfs ${path.basename(file)}`);
  const entries = [];
  const dirs = new Set();
  const addDir = (d) => {
    if (!d || d === '.' || dirs.has(d)) return;
    addDir(path.posix.dirname(d));
    dirs.add(d);
    entries.push({ type: 'dir', name: d });
  };
  for (const d of ['bin', 'dev', 'proc', 'sys', 'lib/modules']) addDir(d);
  entries.push({ type: 'chr', name: 'dev/console', major: 5, minor: 1 });
  entries.push({ type: 'chr', name: 'dev/null', major: 1, minor: 3 });
  entries.push({ type: 'file', name: 'bin/busybox', mode: 0o755, data: busybox });
  const applets = (capture('/bin/busybox', ['--list']) ?? '').split('\n').filter((a) => /^[\w.[-]+$/.test(a));
  for (const a of ['sh', ...applets]) {
    if (a !== 'busybox' && !entries.some((e) => e.name === `bin/${a}`)) {
      entries.push({ type: 'symlink', name: `bin/${a}`, target: 'busybox' });
    }
  }
  for (const m of modules) {
    const name = `lib/modules/${m}`;
    addDir(path.posix.dirname(name));
    entries.push({ type: 'file', name, data: fs.readFileSync(path.join(kernel.moddir, m)) });
  }
  entries.push({ type: 'file', name: 'modules.list', data: Buffer.from(modules.map((m) => m + '\n').join('')) });
  entries.push({ type: 'file', name: 'init', mode: 0o755, data: Buffer.from(INIT_SCRIPT) });
  entries.push({ type: 'file', name: 'stage2.sh', mode: 0o755, data: Buffer.from(STAGE2_SCRIPT) });

  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, cpioNewc(entries));
  fs.renameSync(tmp, file);
  // Drop images of other script versions once nobody can be about to boot them.
  for (const f of fs.readdirSync(CACHE)) {
    const p = path.join(CACHE, f);
    if (/^initramfs-[0-9a-f]+\.cpio(\.tmp-\d+)?$/.test(f) && p !== file && olderThan(p, 3600e3)) rmrf(p);
  }
  return file;
}
