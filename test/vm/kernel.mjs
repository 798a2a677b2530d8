// The guest's kernel: the package linux-image-amd64 depends on, downloaded and unpacked once
// under .cache/vm/kernel/<package>/ with its modules depmod'ed, plus the ELF vmlinux that QEMU
// boots faster. Also module dependency look-ups in that tree.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { aptUpdate, aptWasUpdated } from './apt.mjs';
import { CACHE, Fatal, capture, log, olderThan, rmrf, run } from './util.mjs';

function resolveKernelPackage() {
  const parse = (out) => {
    const m = out && out.match(/^\s*Depends:\s*(linux-image-\d\S*)\s*$/m);
    return m ? m[1] : null;
  };
  let pkg = parse(capture('apt-cache', ['depends', 'linux-image-amd64']));
  if (!pkg && !aptWasUpdated()) {
    aptUpdate();
    pkg = parse(capture('apt-cache', ['depends', 'linux-image-amd64']));
  }
  return pkg;
}

function readKernelMeta(dir) {
  try {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8'));
    if (fs.existsSync(meta.vmlinuz) && fs.existsSync(path.join(meta.moddir, 'modules.dep.bin'))) return meta;
  } catch {
    /* not a complete cache entry */
  }
  return null;
}

export function ensureKernel() {
  const base = path.join(CACHE, 'kernel');
  fs.mkdirSync(base, { recursive: true });
  let pkg = resolveKernelPackage();
  if (!pkg) {
    // Offline or no apt lists: fall back to whatever kernel is cached.
    const cached = fs
      .readdirSync(base)
      .filter((d) => d.startsWith('linux-image-') && !d.includes('.tmp'))
      .filter((d) => readKernelMeta(path.join(base, d)));
    if (cached.length) {
      log(`cannot resolve linux-image-amd64 with apt-cache; using cached ${cached[0]}`);
      return withVmlinux(readKernelMeta(path.join(base, cached[0])), path.join(base, cached[0]));
    }
    throw new Fatal('cannot resolve the package linux-image-amd64 depends on (apt-cache depends linux-image-amd64)');
  }
  const dir = path.join(base, pkg);
  const meta = readKernelMeta(dir);
  if (meta) return withVmlinux(meta, dir);

  log(`preparing kernel ${pkg} (first run only)`);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmrf(tmp);
  fs.mkdirSync(tmp, { recursive: true });
  try {
    const dl = (extra) =>
      spawnSync('apt-get', [...extra, 'download', pkg], { cwd: tmp, stdio: ['ignore', 2, 2] }).status === 0;
    const sandbox = process.getuid && process.getuid() === 0 ? ['-o', 'APT::Sandbox::User=root'] : [];
    if (!dl(sandbox)) {
      if (aptWasUpdated()) throw new Fatal(`apt-get download ${pkg} failed`);
      aptUpdate(); // stale package lists: refresh and try once more
      const again = resolveKernelPackage();
      if (again !== pkg) {
        rmrf(tmp);
        return ensureKernel();
      }
      if (!dl(sandbox)) throw new Fatal(`apt-get download ${pkg} failed`);
    }
    const deb = fs.readdirSync(tmp).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Fatal(`apt-get download ${pkg} produced no .deb`);
    const root = path.join(tmp, 'root');
    run('dpkg-deb', ['-x', path.join(tmp, deb), root]);
    fs.rmSync(path.join(tmp, deb));
    if (!fs.existsSync(path.join(root, 'lib')) && fs.existsSync(path.join(root, 'usr', 'lib', 'modules'))) {
      fs.symlinkSync('usr/lib', path.join(root, 'lib'));
    }
    const modbase = path.join(root, 'lib', 'modules');
    const kvers = fs.readdirSync(modbase);
    if (kvers.length !== 1) throw new Fatal(`expected one kernel version in ${pkg}, found ${kvers.join(', ')}`);
    const kver = kvers[0];
    run('depmod', ['-b', root, kver]);
    const vmlinuz = path.join(root, 'boot', `vmlinuz-${kver}`);
    if (!fs.existsSync(vmlinuz)) throw new Fatal(`${pkg} has no boot/vmlinuz-${kver}`);
    const final = {
      pkg,
      kver,
      vmlinuz: path.join(dir, 'root', 'boot', `vmlinuz-${kver}`),
      moddir: path.join(dir, 'root', 'lib', 'modules', kver),
    };
    fs.writeFileSync(path.join(tmp, 'meta.json'), JSON.stringify(final, null, 2) + '\n');
    rmrf(dir);
    fs.renameSync(tmp, dir);
    withVmlinux(final, dir);
    // Drop other cached kernels (a newer Debian kernel replaced them).
    for (const d of fs.readdirSync(base)) {
      if (d === pkg) continue;
      const p = path.join(base, d);
      if (!d.includes('.tmp-') || olderThan(p, 3600e3)) rmrf(p);
    }
    return final;
  } catch (e) {
    rmrf(tmp);
    throw e;
  }
}

/**
 * Booting the compressed bzImage spends ~3.5 s of TCG time in the kernel's XZ
 * decompressor. Kernels built with CONFIG_PVH can instead be booted from the
 * uncompressed ELF (QEMU uses the PVH entry point), so unpack it once.
 * Adds meta.vmlinux (a path, or null when not possible) and saves it.
 */
function withVmlinux(meta, dir) {
  if (meta.vmlinux !== undefined) return meta;
  meta.vmlinux = null;
  try {
    const config = fs.readFileSync(path.join(dir, 'root', 'boot', `config-${meta.kver}`), 'utf8');
    if (/^CONFIG_PVH=y$/m.test(config)) {
      const out = path.join(dir, 'vmlinux');
      extractVmlinux(meta.vmlinuz, out);
      meta.vmlinux = out;
    }
  } catch (e) {
    log(`cannot unpack ${path.basename(meta.vmlinuz)} (${e.message}); booting the bzImage`);
  }
  fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
  return meta;
}

/** Writes the ELF kernel packed inside an x86 bzImage to `out`. */
function extractVmlinux(bzImage, out) {
  const img = fs.readFileSync(bzImage);
  if (img.readUInt32LE(0x202) !== 0x53726448) throw new Error('not a bzImage'); // "HdrS"
  const setupSects = img[0x1f1] || 4;
  const start = (setupSects + 1) * 512 + img.readUInt32LE(0x248);
  const payload = img.subarray(start, start + img.readUInt32LE(0x24c));
  let elf;
  if (payload.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) {
    const r = spawnSync('xz', ['-dc', '--single-stream'], { input: payload, maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`xz failed: ${String(r.stderr).trim()}`);
    elf = r.stdout;
  } else if (payload[0] === 0x1f && payload[1] === 0x8b) {
    elf = zlib.gunzipSync(payload.subarray(0, payload.length - 4)); // drop the appended size
  } else {
    throw new Error('unsupported kernel compression');
  }
  if (!elf.subarray(0, 4).equals(Buffer.from('\x7fELF', 'latin1'))) throw new Error('payload is not an ELF image');
  fs.writeFileSync(`${out}.tmp-${process.pid}`, elf);
  fs.renameSync(`${out}.tmp-${process.pid}`, out);
}

/** Module name -> list of .ko paths (dependencies first); null if absent; [] if built in. */
export function showDepends(kernel, name) {
  const root = path.resolve(kernel.moddir, '..', '..', '..');
  const out = capture('modprobe', ['-C', '/dev/null', '--show-depends', '-d', root, '-S', kernel.kver, name]);
  if (out === null) return null;
  const files = [];
  for (const line of out.split('\n')) {
    const m = line.match(/^insmod (\S+)/);
    if (m) files.push(path.relative(kernel.moddir, m[1]));
  }
  return files;
}
