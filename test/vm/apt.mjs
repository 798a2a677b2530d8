// Host packages through apt-get: installs what packages.mjs lists and is missing.

import fs from 'node:fs';
import { HOST_PACKAGES } from './packages.mjs';
import { Fatal, asRoot, capture, log, run } from './util.mjs';

let aptUpdated = false;

/** Whether `apt-get update` already ran in this process. */
export function aptWasUpdated() {
  return aptUpdated;
}

/** `apt-get update`, at most once per run. */
export function aptUpdate() {
  if (aptUpdated) return;
  aptUpdated = true;
  log('apt-get update');
  run(...asRoot('apt-get', ['update']), { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function pkgInstalled(pkg) {
  const out = capture('dpkg-query', ['-W', '-f=${db:Status-Status}', pkg]);
  return out !== null && out.trim() === 'installed';
}

export function ensurePackages() {
  const missing = Object.entries(HOST_PACKAGES)
    .filter(([pkg, file]) => !(pkgInstalled(pkg) && fs.existsSync(file)))
    .map(([pkg]) => pkg);
  if (missing.length === 0) return;
  if (!fs.existsSync('/usr/bin/apt-get')) {
    throw new Fatal(`missing ${missing.join(', ')} and this is not a Debian-like system (no apt-get)`);
  }
  aptUpdate();
  log(`installing ${missing.join(' ')}`);
  // Daemon packages (keepalived, ldirectord) must not start as services on the host: where no
  // policy-rc.d exists, a temporary one denies every service start during the install.
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = process.getuid?.() === 0 && !fs.existsSync(policy);
  if (ownPolicy) fs.writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    run(...asRoot('apt-get', ['install', '-y', '--no-install-recommends', ...missing]), {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } finally {
    if (ownPolicy) fs.rmSync(policy, { force: true });
  }
  for (const pkg of missing) {
    if (!fs.existsSync(HOST_PACKAGES[pkg])) throw new Fatal(`${pkg} installed but ${HOST_PACKAGES[pkg]} is missing`);
  }
}
