#!/usr/bin/env node
// Real-kernel test harness for tsipvsadm: runs a shell command inside a
// throw-away QEMU guest that boots Debian's kernel (which has IPVS), with the
// host's root filesystem visible read-only under a tmpfs overlay.
//
//   node test/vm/run.mjs [--timeout SECONDS] [--mem MB] [--smp N] [--verbose]
//                        [-e NAME[=VALUE]]... -- <shell command...>
//
// See test/vm/README.md. Only Node 20 built-ins are used.

import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const CACHE = path.join(REPO, '.cache', 'vm');
const FORMAT = 1; // bump to invalidate cached initramfs images

// Debian packages the harness needs on the host (and, through the overlay, in
// the guest): package -> a file that proves it is usable.
const HOST_PACKAGES = {
  'qemu-system-x86': '/usr/bin/qemu-system-x86_64',
  'busybox-static': '/bin/busybox',
  cpio: '/usr/bin/cpio',
  kmod: '/sbin/modprobe',
  'xz-utils': '/usr/bin/xz', // to unpack the kernel image once (see extractVmlinux)
  ipvsadm: '/sbin/ipvsadm',
  iproute2: '/sbin/ip',
  tmux: '/usr/bin/tmux', // `top` under a pseudo-terminal
  zsh: '/usr/bin/zsh', // syntax check of the generated completion script
  fish: '/usr/bin/fish', // likewise
};

// Modules the initramfs needs to mount the host root (those that are
// built in or absent are skipped; dependencies are resolved by modprobe).
const INITRD_MODULES = [
  'virtio', 'virtio_ring', 'virtio_pci', 'netfs', 'fscache',
  '9pnet', '9pnet_virtio', '9p', 'overlay',
];

// Modules the guest loads before running the command.
const GUEST_MODULES = [
  'ip_vs',
  'ip_vs_rr', 'ip_vs_wrr', 'ip_vs_lc', 'ip_vs_wlc', 'ip_vs_lblc', 'ip_vs_lblcr',
  'ip_vs_dh', 'ip_vs_sh', 'ip_vs_sed', 'ip_vs_nq', 'ip_vs_fo', 'ip_vs_ovf', 'ip_vs_mh',
  'ip_vs_pe_sip', 'ip_vs_ftp',
  'dummy', 'veth', 'ipip', 'gre', 'ip_gre', 'fou', 'ip6_tunnel',
];

// Host environment variables forwarded to the guest command (plus TSIPVSADM_*
// and LC_*, plus anything given with -e).
const PASS_ENV = [
  'CI', 'HOME', 'PATH', 'TERM', 'LANG', 'LANGUAGE', 'TZ', 'USER', 'LOGNAME',
  'NODE_OPTIONS', 'NODE_ENV', 'NO_COLOR', 'FORCE_COLOR', 'DEBUG',
];
const PASS_ENV_PREFIXES = ['TSIPVSADM_', 'LC_'];

const GUEST_HOSTNAME = 'tsipvsadm-vm';
const SANE_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

// ---------------------------------------------------------------------------
// small helpers

const t0 = Date.now();
let verbose = false;

function log(msg) {
  process.stderr.write(`vm: ${msg}\n`);
}

class Fatal extends Error {
  constructor(msg, code = 3) {
    super(msg);
    this.code = code;
  }
}

function shq(s) {
  return `'${String(s).replace(/'/g, `'\\''`)}'`;
}

/** Run a command, output to our stderr (stdout is reserved for the guest). */
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 2, 2], ...opts });
  if (r.error) throw new Fatal(`cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Fatal(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/** Run a command and return its stdout (stderr captured), or null on failure. */
function capture(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  if (r.error || r.status !== 0) return null;
  return r.stdout;
}

function asRoot(cmd, args) {
  if (process.getuid && process.getuid() !== 0) return ['sudo', ['-n', cmd, ...args]];
  return [cmd, args];
}

function olderThan(p, ms) {
  try {
    return Date.now() - fs.statSync(p).mtimeMs > ms;
  } catch {
    return false;
  }
}

function rmrf(p) {
  try {
    fs.rmSync(p, { recursive: true, force: true });
  } catch {
    /* best effort */
  }
}

// ---------------------------------------------------------------------------
// arguments

function usage(code) {
  const text = `usage: node test/vm/run.mjs [options] -- <shell command...>

Runs the command with /bin/sh -c inside a QEMU guest booting Debian's kernel
(with IPVS), in the current directory, seeing the host's files through a
throw-away overlay. Exits with the command's exit status.

options:
  --timeout SECONDS   kill the guest after this long (default 1800); exit 124
  --mem MB            guest memory (default 3072)
  --smp N             guest CPUs (default 2)
  -e, --env NAME[=V]  pass NAME (from the host, or with value V) to the command
  -v, --verbose       show the guest's boot log and setup output on stderr
  -h, --help          this text

One command argument is taken as a shell command line; several are quoted
one by one and run as a program with its arguments.
`;
  (code ? process.stderr : process.stdout).write(text);
  process.exit(code);
}

function parseArgs(argv) {
  const o = { timeout: 1800, mem: 3072, smp: 2, env: new Map(), command: null };
  let i = 0;
  const num = (name, v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) {
      process.stderr.write(`vm: ${name} needs a positive number, got ${JSON.stringify(v)}\n`);
      usage(2);
    }
    return n;
  };
  for (; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const [flag, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (a === '--') {
      i++;
      break;
    } else if (flag === '--timeout') o.timeout = num('--timeout', value());
    else if (flag === '--mem') o.mem = Math.round(num('--mem', value()));
    else if (flag === '--smp') o.smp = Math.round(num('--smp', value()));
    else if (flag === '-e' || flag === '--env') {
      const spec = value() ?? '';
      const k = spec.indexOf('=');
      const name = k >= 0 ? spec.slice(0, k) : spec;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        process.stderr.write(`vm: bad environment variable name ${JSON.stringify(name)}\n`);
        usage(2);
      }
      o.env.set(name, k >= 0 ? spec.slice(k + 1) : process.env[name]);
    } else if (a === '-v' || a === '--verbose') verbose = true;
    else if (a === '-h' || a === '--help') usage(0);
    else if (a.startsWith('-')) {
      process.stderr.write(`vm: unknown option ${a}\n`);
      usage(2);
    } else break;
  }
  const rest = argv.slice(i);
  if (rest.length === 0) {
    process.stderr.write('vm: no command given\n');
    usage(2);
  }
  o.command = rest.length === 1 ? rest[0] : rest.map(shq).join(' ');
  if (process.env.TSIPVSADM_VM_VERBOSE && process.env.TSIPVSADM_VM_VERBOSE !== '0') verbose = true;
  return o;
}

// ---------------------------------------------------------------------------
// 1. host packages

let aptUpdated = false;

function aptUpdate() {
  if (aptUpdated) return;
  aptUpdated = true;
  log('apt-get update');
  run(...asRoot('apt-get', ['update']), { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function pkgInstalled(pkg) {
  const out = capture('dpkg-query', ['-W', '-f=${db:Status-Status}', pkg]);
  return out !== null && out.trim() === 'installed';
}

function ensurePackages() {
  const missing = Object.entries(HOST_PACKAGES)
    .filter(([pkg, file]) => !(pkgInstalled(pkg) && fs.existsSync(file)))
    .map(([pkg]) => pkg);
  if (missing.length === 0) return;
  if (!fs.existsSync('/usr/bin/apt-get')) {
    throw new Fatal(`missing ${missing.join(', ')} and this is not a Debian-like system (no apt-get)`);
  }
  aptUpdate();
  log(`installing ${missing.join(' ')}`);
  run(...asRoot('apt-get', ['install', '-y', '--no-install-recommends', ...missing]), {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  for (const pkg of missing) {
    if (!fs.existsSync(HOST_PACKAGES[pkg])) throw new Fatal(`${pkg} installed but ${HOST_PACKAGES[pkg]} is missing`);
  }
}

// ---------------------------------------------------------------------------
// 2. kernel (cached under .cache/vm/kernel/<package>/)

function resolveKernelPackage() {
  const parse = (out) => {
    const m = out && out.match(/^\s*Depends:\s*(linux-image-\d\S*)\s*$/m);
    return m ? m[1] : null;
  };
  let pkg = parse(capture('apt-cache', ['depends', 'linux-image-amd64']));
  if (!pkg && !aptUpdated) {
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

function ensureKernel() {
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
      if (aptUpdated) throw new Fatal(`apt-get download ${pkg} failed`);
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
function showDepends(kernel, name) {
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

// ---------------------------------------------------------------------------
// 3. initramfs (cached under .cache/vm/initramfs-<hash>.cpio)

// Stage 1 runs from the initramfs as PID 1: mount the host root read-only over
// 9p, put a tmpfs overlay on top, prepare the new root and switch to it.
const INIT_SCRIPT = String.raw`#!/bin/sh
export PATH=/bin
fail() {
  echo "vm-init: FATAL: $*"
  sync
  poweroff -f
  exit 1
}
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while read -r m; do
  insmod "/lib/modules/$m" || fail "insmod $m"
done < /modules.list

mkdir -p /lower /upper /newroot /results
P9='trans=virtio,version=9p2000.L,msize=512000'
n=0
until mount -t 9p -o "$P9,cache=loose,ro" hostroot /lower 2>/dev/null; do
  n=$((n + 1))
  [ $n -gt 50 ] && fail "cannot mount the host root (9p tag hostroot)"
  sleep 0.1
done
mount -t 9p -o "$P9,cache=none" results /results || fail "cannot mount the results export"
[ -r /results/cfg.sh ] || fail "no /results/cfg.sh"
. /results/cfg.sh

mount -t tmpfs -o mode=755 upper /upper || fail "tmpfs"
mkdir -p /upper/u /upper/w
mount -t overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w overlay /newroot || fail "overlay mount"

R=/newroot
mount --move /proc $R/proc || fail "move /proc"
mount --move /sys $R/sys || fail "move /sys"
mount --move /dev $R/dev || fail "move /dev"
for d in $VM_TMPFS; do
  mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$R$d" || fail "tmpfs on $d"
done
chmod 755 $R/run
mkdir -p $R/dev/pts $R/dev/shm $R/run/netns $R/run/lock $R/run/tsipvsadm-vm/results
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts $R/dev/pts
mount -t tmpfs -o mode=1777,nosuid,nodev shm $R/dev/shm
ln -sfn /proc/self/fd $R/dev/fd
ln -sfn /proc/self/fd/0 $R/dev/stdin
ln -sfn /proc/self/fd/1 $R/dev/stdout
ln -sfn /proc/self/fd/2 $R/dev/stderr
mount -t cgroup2 cgroup2 $R/sys/fs/cgroup 2>/dev/null
cp /bin/busybox /stage2.sh $R/run/tsipvsadm-vm/ || fail "copy stage 2"
mount --move /results $R/run/tsipvsadm-vm/results || fail "move results"
exec switch_root $R /run/tsipvsadm-vm/busybox sh /run/tsipvsadm-vm/stage2.sh
fail "switch_root"
`;

// Stage 2 runs as PID 1 in the new root (host files + tmpfs overlay), under
// the initramfs' busybox copied to /run/tsipvsadm-vm. That busybox prefers its
// own applets over $PATH, so host tools are named by absolute path.
const STAGE2_SCRIPT = String.raw`D=/run/tsipvsadm-vm
BB=$D/busybox
R=$D/results
. $R/cfg.sh
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
fail() {
  echo "vm-init: FATAL: $*"
  $BB sync
  $BB poweroff -f
  exit 1
}
$BB hostname "$VM_HOSTNAME"

# Kernel modules: the cached, depmod'ed tree becomes /lib/modules/<version>,
# so modprobe and the kernel's on-demand loading (request_module) work.
$BB mkdir -p "/lib/modules/$VM_KVER" || fail "mkdir /lib/modules/$VM_KVER"
$BB mount --bind "$VM_MODDIR" "/lib/modules/$VM_KVER" || fail "bind $VM_MODDIR"
[ -z "$VM_MODULES" ] || /sbin/modprobe -a $VM_MODULES || echo "vm-init: WARNING: modprobe -a $VM_MODULES failed"

# Networking: lo, and a dummy device owning the test ranges, because IPVS
# refuses real servers it cannot route as unicast.
/sbin/ip -batch - <<'EOF' || fail "network setup"
link set lo up
link add ipvs0 type dummy
link set ipvs0 up
addr add 10.255.255.254/8 dev ipvs0
addr add 172.31.255.254/12 dev ipvs0
addr add 192.168.255.254/16 dev ipvs0
addr add 2001:db8:ffff:ffff:ffff:ffff:ffff:fffe/32 dev ipvs0 nodad
addr add fdff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/8 dev ipvs0 nodad
EOF

# Name service: the host's resolver address would route into ipvs0 and every
# DNS query would wait for its timeout. Point DNS at loopback, where nothing
# listens, so look-ups fail at once; give the tests a few names of their own.
$BB rm -f /etc/resolv.conf
echo 'nameserver 127.0.0.1' >/etc/resolv.conf
cat >>/etc/hosts <<'EOF'
192.168.1.10 vip.example.test
10.0.0.2 rs-one.example.test rs-one
2001:db8::10 rs-six.example.test
10.9.8.7 a-very-long-host-name-that-ipvsadm-truncates-in-listings.example.test
EOF

# Console: no \n -> \r\n translation on our side of the serial line.
/bin/stty -onlcr </dev/console 2>/dev/null
printf '@@TSIPVSADM-VM-BEGIN-%s@@' "$VM_NONCE" # no newline: output follows

# The command's stdout/stderr go through a FIFO so that it does not see a
# terminal; a reader copies them to the serial console.
$BB mkfifo $D/out
$BB cat $D/out >/dev/console &
reader=$!
$BB env -i /bin/sh $R/run.sh </dev/null >$D/out 2>&1
st=$?
# Background processes may still hold the FIFO open: give them a moment.
( $BB sleep 3; kill $reader 2>/dev/null ) &
watchdog=$!
wait $reader 2>/dev/null
kill $watchdog 2>/dev/null

echo "$st" >$R/status
$BB sync
/bin/stty -onlcr </dev/console 2>/dev/null # tcsetattr(TCSADRAIN) waits for the UART
printf '@@TSIPVSADM-VM-END-%s-%s@@\n' "$VM_NONCE" "$st"
/bin/stty -onlcr </dev/console 2>/dev/null
$BB poweroff -f
`;

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

function ensureInitramfs(kernel) {
  const modules = [];
  for (const name of INITRD_MODULES) {
    const files = showDepends(kernel, name);
    if (files === null) {
      if (verbose) log(`initramfs: module ${name} not in ${kernel.pkg}, skipped`);
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

// ---------------------------------------------------------------------------
// 4-6. boot the guest and relay its console

function guestEnv(opts, kernel) {
  const env = new Map();
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) continue;
    if (PASS_ENV.includes(k) || PASS_ENV_PREFIXES.some((p) => k.startsWith(p))) env.set(k, v);
  }
  for (const [k, v] of opts.env) {
    if (v === undefined) env.delete(k);
    else env.set(k, v);
  }
  const p = (env.get('PATH') ?? '').split(':').filter(Boolean);
  for (const d of SANE_PATH) if (!p.includes(d)) p.push(d);
  env.set('PATH', p.join(':'));
  env.set('HOSTNAME', GUEST_HOSTNAME);
  env.set('TSIPVSADM_VM', '1');
  env.set('TSIPVSADM_VM_KERNEL', kernel.kver);
  return env;
}

function within(p, dir) {
  return p === dir || p.startsWith(dir + '/');
}

function writeGuestConfig(dir, opts, kernel, nonce) {
  const cwd = process.cwd();
  const modules = [];
  const missing = [];
  for (const m of GUEST_MODULES) (showDepends(kernel, m) === null ? missing : modules).push(m);
  // Mount fresh tmpfs on /tmp and /run unless that would hide the work tree.
  const tmpfs = ['/tmp', '/run'].filter((d) => !within(cwd, d) && !within(kernel.moddir, d));
  const cfg = [
    `VM_NONCE=${shq(nonce)}`,
    `VM_KVER=${shq(kernel.kver)}`,
    `VM_MODDIR=${shq(kernel.moddir)}`,
    `VM_MODULES=${shq(modules.join(' '))}`,
    `VM_TMPFS=${shq(tmpfs.join(' '))}`,
    `VM_HOSTNAME=${shq(GUEST_HOSTNAME)}`,
  ];
  fs.writeFileSync(path.join(dir, 'cfg.sh'), cfg.join('\n') + '\n');
  const lines = [];
  for (const [k, v] of guestEnv(opts, kernel)) lines.push(`export ${k}=${shq(v)}`);
  lines.push(`cd ${shq(cwd)} || { echo "vm: cannot cd to ${cwd.replace(/["\\$`]/g, '\\$&')} in the guest" >&2; exit 3; }`);
  lines.push(`exec /bin/sh -c ${shq(opts.command)}`);
  fs.writeFileSync(path.join(dir, 'run.sh'), lines.join('\n') + '\n');
  return missing;
}

async function boot(opts, kernel, initramfs, missing) {
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
  if (verbose) log(`qemu-system-x86_64 ${args.map((a) => (/^[\w.,=:/+-]+$/.test(a) ? a : shq(a))).join(' ')}`);

  const BEGIN = `@@TSIPVSADM-VM-BEGIN-${nonce}@@`;
  const END_PREFIX = `@@TSIPVSADM-VM-END-${nonce}-`;
  const started = Date.now();
  let bootedAt = null;
  let state = 'boot'; // boot -> run -> done
  let bootLog = ''; // console text before the begin marker (latin1 = raw bytes)
  let pending = ''; // run-state text held back (a possible partial marker or \r)
  let endStatus = null;
  let timedOut = false;
  let interrupted = null;

  const verboseStamp = !!process.env.TSIPVSADM_VM_STAMP;
  let stdoutBroken = false; // e.g. piped into head: keep running, drop output
  process.stdout.on('error', () => {
    stdoutBroken = true;
  });
  const out = (s) => {
    if (s && !stdoutBroken) process.stdout.write(Buffer.from(s, 'latin1'));
  };
  const onRun = (text) => {
    pending += text;
    const e = pending.indexOf(END_PREFIX);
    let emit;
    if (e >= 0) {
      emit = pending.slice(0, e);
      const m = pending.slice(e + END_PREFIX.length).match(/^(\d*)(@@)?/);
      if (m[2]) {
        endStatus = Number(m[1]);
        pending = '';
        state = 'done';
      } else {
        pending = pending.slice(e); // the status digits are still on the way
      }
    } else {
      // hold back a trailing partial marker and a trailing \r (maybe half of \r\n)
      let keep = 0;
      for (let k = Math.min(END_PREFIX.length - 1, pending.length); k > 0; k--) {
        if (END_PREFIX.startsWith(pending.slice(pending.length - k))) {
          keep = k;
          break;
        }
      }
      if (keep === 0 && pending.endsWith('\r')) keep = 1;
      emit = pending.slice(0, pending.length - keep);
      pending = pending.slice(pending.length - keep);
    }
    out(emit.replace(/\r\n/g, '\n'));
  };
  const rawLog = process.env.TSIPVSADM_VM_RAWLOG ? fs.openSync(process.env.TSIPVSADM_VM_RAWLOG, 'w') : null;
  const onData = (chunk) => {
    if (rawLog !== null) fs.writeSync(rawLog, chunk);
    const text = chunk.toString('latin1');
    if (state === 'boot') {
      if (verbose) process.stderr.write(verboseStamp ? `[+${((Date.now() - started) / 1000).toFixed(2)}]` + text : chunk);
      bootLog += text;
      const b = bootLog.indexOf(BEGIN);
      if (b < 0) {
        if (bootLog.length > 4e6) bootLog = bootLog.slice(-2e6);
        return;
      }
      bootedAt = Date.now();
      const rest = bootLog.slice(b + BEGIN.length);
      bootLog = bootLog.slice(0, b);
      state = 'run';
      if (rest) onRun(rest);
    } else if (state === 'run') {
      onRun(text);
    } else if (verbose) {
      process.stderr.write(chunk);
    }
  };

  const qemu = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  qemu.stdout.on('data', onData);
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
  if (state === 'run' && pending) out(pending.replace(/\r\n/g, '\n'));

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
  const timing = bootedAt
    ? `boot ${secs(bootedAt - started)} s, run ${secs(now - bootedAt)} s, boot+run ${secs(now - started)} s`
    : `boot+run ${secs(now - started)} s`;
  const dumpBootLog = () => {
    if (verbose) return;
    const lines = bootLog.replace(/\r\n/g, '\n').split('\n');
    process.stderr.write('vm: ---- guest console (last 60 lines) ----\n');
    process.stderr.write(lines.slice(-60).join('\n') + '\n');
    process.stderr.write('vm: ---- end of guest console ----\n');
  };

  if (interrupted) {
    log(`interrupted by ${interrupted}; guest killed (${timing})`);
    return 128 + (os.constants.signals[interrupted] ?? 2);
  }
  if (timedOut) {
    log(`TIMEOUT: guest killed after ${opts.timeout} s (${timing})`);
    if (state === 'boot') dumpBootLog();
    return 124;
  }
  if (state === 'boot') {
    log(`ERROR: the guest did not boot (qemu exit ${code ?? signal}; ${timing})`);
    dumpBootLog();
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

// ---------------------------------------------------------------------------

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
