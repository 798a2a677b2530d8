// What the guest is told: cfg.sh (boot nonce, kernel, modules to load, tmpfs mounts, host name)
// for the boot scripts, and run.sh (environment, working directory, the command) for the run.
// Both are written into the results directory that the guest mounts over 9p.

import fs from 'node:fs';
import path from 'node:path';
import { showDepends } from './kernel.mjs';
import { shq } from './util.mjs';

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

export function writeGuestConfig(dir, opts, kernel, nonce) {
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
