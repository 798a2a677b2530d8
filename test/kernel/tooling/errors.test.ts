// How the installed command ends where ipvsadm ends badly: as a user without CAP_NET_ADMIN,
// with output to a full device or a closed descriptor, and with a reader that went away. Each
// case runs bin/tsipvsadm and Debian's ipvsadm as processes and compares them.

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { IPVSADM, ipvsadm, resetKernel } from '../diff';

const BIN = resolve(__dirname, '../../../bin/tsipvsadm');
const TOOLS = { ipvsadm: IPVSADM, tsipvsadm: BIN };

/** Run `script` with $P set to each tool; stdout and stderr of the script, and its status. */
function both(script: string, input = '') {
  const out: Record<string, { stdout: string; stderr: string; status: number | null }> = {};
  for (const [name, path] of Object.entries(TOOLS)) {
    resetKernel();
    ipvsadm(['-A', '-t', '10.9.0.1:80']);
    const r = spawnSync('bash', ['-c', script], { input, encoding: 'latin1', env: { ...process.env, P: path } });
    out[name] = { stdout: r.stdout.replaceAll(path, 'PROG'), stderr: r.stderr.replaceAll(path, 'PROG'), status: r.status };
    out[name].stdout += `\nstate:\n${ipvsadm(['-S', '-n']).stdout}`;
  }
  return out;
}

const NOBODY = 'setpriv --reuid=65534 --regid=65534 --clear-groups';

describe('errors end as ipvsadm ends', () => {
  beforeEach(() => resetKernel());

  it.each([
    ['a non-root user listing', `${NOBODY} "$P" -L -n`],
    ['a non-root user adding', `${NOBODY} "$P" -A -t 10.9.0.2:80`],
    ['a non-root user asking for help', `${NOBODY} "$P" -h | head -3`],
    ['root without CAP_NET_ADMIN', 'setpriv --inh-caps=-all --bounding-set=-net_admin "$P" -L -n'],
  ])('%s', (_name, script) => {
    const r = both(script);
    expect(r.tsipvsadm).toEqual(r.ipvsadm);
    expect(r.tsipvsadm.stderr).toContain('Permission denied (you must be root)');
  });

  it.each([
    ['a listing to a full device', '"$P" -L -n >/dev/full; echo "status $?"'],
    ['a save to a full device', '"$P" -S -n >/dev/full; echo "status $?"'],
    ['help to a full device', '"$P" -h >/dev/full; echo "status $?"'],
    ['a refusal with stderr on a full device', '"$P" -A -t 10.9.0.1:80 2>/dev/full; echo "status $?"'],
    ['a usage error with stderr on a full device', '"$P" -Q 2>/dev/full; echo "status $?"'],
    ['-R with both streams on a full device', '"$P" -R >/dev/full 2>&1; echo "status $?"', '-L -n\n-A -t 10.9.0.1:80\n-A -t 10.9.0.3:80\n'],
    ['a listing with stdout closed', '"$P" -L -n >&-; echo "status $?"'],
    ['a refusal with stderr closed', '"$P" -A -t 10.9.0.1:80 2>&-; echo "status $?"'],
    // The reader is gone before the first write ("true" exits at once; the command starts later).
    ['a listing into a closed pipe', 'exec 3>&1; { sleep 0.5; "$P" -L -n; echo "status $?" >&3; } | true'],
    ['a refusal into a closed stderr pipe', 'exec 3>&1; { sleep 0.5; "$P" -A -t 10.9.0.1:80 2>&1 >/dev/null; echo "status $?" >&3; } | true'],
    // ipvsadm's stdout is a 4 KiB buffer: the lines after the listing still run, then SIGPIPE.
    ['-R into a closed pipe, changes after the listing still made', 'exec 3>&1; { sleep 0.5; "$P" -R; echo "status $?" >&3; } | true', '-L -n\n-A -t 10.9.0.4:80\n'],
  ])('%s', (_name, script, input = '') => {
    const r = both(script, input);
    expect(r.tsipvsadm).toEqual(r.ipvsadm);
    expect(r.tsipvsadm.stdout + r.tsipvsadm.stderr).not.toMatch(/terminate called|Napi::|\n\s+at /);
  });
});
