// bin/tsipvsadm-rules on the host, beside a stand-in tsipvsadm that logs its arguments and
// input: which commands each action runs, in which order, with which settings. (The guest runs
// the unit's commands against the real kernel in test/kernel/tooling/rules.test.ts.)

import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const helper = resolve(__dirname, '../../bin/tsipvsadm-rules');

function setup(settings: string, rules?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'rules-helper-'));
  copyFileSync(helper, join(dir, 'tsipvsadm-rules'));
  // The stand-in: logs "args | stdin", prints a saved table for -S, fails for a line with "bad".
  writeFileSync(join(dir, 'tsipvsadm'), `#!/bin/sh
in=""; [ "$1" = -R ] && in=$(cat)
printf '%s | %s\\n' "$*" "$in" >> "${dir}/log"
case "$*" in -S*) printf -- '-A -t 10.0.0.1:80 -s rr\\n' ;; esac
case "$in" in *bad*) echo "Service already exists" >&2; exit 255 ;; esac
exit 0
`);
  chmodSync(join(dir, 'tsipvsadm'), 0o755);
  writeFileSync(join(dir, 'defaults'), `RULES="${dir}/rules"\n${settings}\n`);
  if (rules !== undefined) writeFileSync(join(dir, 'rules'), rules);
  const run = (action: string) => {
    const r = spawnSync(join(dir, 'tsipvsadm-rules'), [action], { encoding: 'utf8', env: { ...process.env, TSIPVSADM_DEFAULTS: join(dir, 'defaults') } });
    return { status: r.status, stderr: r.stderr };
  };
  const log = () => (existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '');
  return { dir, run, log };
}

describe('tsipvsadm-rules', () => {
  it('start: flushes, then restores the rules without their # lines', () => {
    const t = setup('', '# ipvsadm.rules\n-A -t 10.0.0.1:80 -s rr\n#x\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1\n');
    expect(t.run('start')).toEqual({ status: 0, stderr: '' });
    expect(t.log()).toBe('-C | \n-R | -A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1\n');
  });

  it('start with a bad line fails with the message', () => {
    const t = setup('', '-A bad\n');
    expect(t.run('start')).toEqual({ status: 1, stderr: 'Service already exists\n' });
  });

  it('start without a rules file restores nothing and says so', () => {
    const t = setup('');
    expect(t.run('start').status).toBe(0);
    expect(t.log()).toBe('-C | \n');
  });

  it('stop: saves (SAVE_ON_STOP=true) atomically, then flushes', () => {
    const t = setup('SAVE_ON_STOP="true"', 'old\n');
    expect(t.run('stop')).toEqual({ status: 0, stderr: '' });
    expect(t.log()).toBe('-S -n | \n-C | \n');
    expect(readFileSync(join(t.dir, 'rules'), 'utf8')).toMatch(/^# saved by tsipvsadm-rules on \S+\n-A -t 10\.0\.0\.1:80 -s rr\n$/);
  });

  it('AUTO=false touches neither table nor file; daemons follow DAEMON, IFACE and SYNCID', () => {
    const t = setup('AUTO="false"\nDAEMON="both"\nIFACE="eth1"\nSYNCID="5"', 'x\n');
    expect(t.run('start').status).toBe(0);
    expect(t.run('stop').status).toBe(0);
    expect(t.log()).toBe([
      '--start-daemon master --mcast-interface eth1 --syncid 5 | ',
      '--start-daemon backup --mcast-interface eth1 --syncid 5 | ',
      '--stop-daemon master | ',
      '--stop-daemon backup | ',
      '',
    ].join('\n'));
    expect(readFileSync(join(t.dir, 'rules'), 'utf8')).toBe('x\n');
  });

  it('rejects an unknown action with its usage and status 2', () => {
    const t = setup('');
    expect(t.run('bogus')).toEqual({ status: 2, stderr: 'Usage: tsipvsadm-rules start|stop|reload|load|save|status\n' });
  });
});
