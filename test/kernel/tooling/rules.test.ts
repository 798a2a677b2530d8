// The boot-time unit (systemd/tsipvsadm.service): its ExecStart, ExecReload and ExecStop command
// lines run as systemd would run them (the guest has no systemd), with the package's bin/ on
// PATH and a defaults file of the test's own. Rules saved at stop come back at start.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ipvsadm, resetKernel } from '../diff';

const root = resolve(__dirname, '../../..');
const unit = readFileSync(join(root, 'systemd/tsipvsadm.service'), 'utf8');
const exec = (key: string) => {
  const m = new RegExp(`^${key}=(.+)$`, 'm').exec(unit);
  if (!m) throw new Error(`no ${key} in the unit`);
  return m[1].split(' '); // the unit's command lines are plain words (no quoting, no $)
};
const dir = mkdtempSync(join(tmpdir(), 'tsipvsadm-rules-'));
const rules = join(dir, 'ipvsadm.rules');
const defaults = join(dir, 'tsipvsadm');

function unitCommand(key: 'ExecStart' | 'ExecStop' | 'ExecReload') {
  const [cmd, ...args] = exec(key);
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, PATH: `${join(root, 'bin')}:${process.env.PATH}`, TSIPVSADM_DEFAULTS: defaults } });
  return { status: r.status, stderr: r.stderr };
}

function configure(settings: string) {
  // The shipped defaults file with the test's own rules path and settings after it.
  writeFileSync(defaults, `${readFileSync(join(root, 'systemd/tsipvsadm.default'), 'utf8')}\nRULES="${rules}"\n${settings}\n`);
}

const RULES = '-A -t 10.9.2.1:80 -s wrr -p 120\n-a -t 10.9.2.1:80 -r 10.9.2.11:80 -m -w 3\n-A -f 7 -s rr\n-a -f 7 -r 10.9.2.12:0 -g -w 1\n';
/** RULES as ipvsadm -S -n prints them once restored (its order and spelling). */
let SAVED = '';

describe('the boot-time unit', () => {
  beforeEach(() => {
    if (!SAVED) {
      resetKernel();
      ipvsadm(['-R'], RULES);
      SAVED = ipvsadm(['-S', '-n']).stdout;
    }
    resetKernel();
  });

  it('is a oneshot unit that stays active and orders itself before the network', () => {
    expect(unit).toMatch(/^Type=oneshot$/m);
    expect(unit).toMatch(/^RemainAfterExit=yes$/m);
    expect(unit).toMatch(/^Before=network-pre\.target/m);
    expect(unit).toMatch(/^WantedBy=multi-user\.target$/m);
  });

  it('ExecStart flushes the table and restores the rules file, # comments and all', () => {
    configure('');
    writeFileSync(rules, `# ipvsadm.rules\n${SAVED}# the end\n`);
    ipvsadm(['-A', '-t', '10.9.2.99:80']); // there before boot: flushed
    expect(unitCommand('ExecStart')).toEqual({ status: 0, stderr: '' });
    expect(ipvsadm(['-S', '-n']).stdout).toBe(SAVED);
  });

  it('ExecStop saves the running table when SAVE_ON_STOP=true, then flushes; ExecStart brings it back', () => {
    configure('SAVE_ON_STOP="true"');
    writeFileSync(rules, '');
    ipvsadm(['-R'], SAVED);
    expect(unitCommand('ExecStop')).toEqual({ status: 0, stderr: '' });
    expect(readFileSync(rules, 'latin1')).toMatch(new RegExp(`^# saved by tsipvsadm-rules on \\S+\\n${SAVED.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    expect(ipvsadm(['-S', '-n']).stdout).toBe('');
    expect(unitCommand('ExecStart')).toEqual({ status: 0, stderr: '' });
    expect(ipvsadm(['-S', '-n']).stdout).toBe(SAVED);
  });

  it('leaves the table and the file alone with AUTO=false, and saves nothing by default', () => {
    configure('AUTO="false"');
    writeFileSync(rules, SAVED);
    ipvsadm(['-A', '-t', '10.9.2.99:80']);
    expect(unitCommand('ExecStart').status).toBe(0);
    expect(unitCommand('ExecStop').status).toBe(0);
    expect(ipvsadm(['-S', '-n']).stdout).toBe('-A -t 10.9.2.99:80 -s wlc\n');
    configure('');
    expect(unitCommand('ExecStop').status).toBe(0);
    expect(readFileSync(rules, 'latin1')).toBe(SAVED);
  });

  it('fails the unit, with the message, when the rules file has a bad line', () => {
    configure('');
    writeFileSync(rules, '-A -t 10.9.2.1:80\n-A -t 10.9.2.1:80\n');
    expect(unitCommand('ExecStart')).toEqual({ status: 1, stderr: 'Service already exists\n' });
    expect(unitCommand('ExecReload').status).toBe(1);
  });

  it('starts and stops the sync daemon named in the defaults file', () => {
    configure('DAEMON="backup"\nIFACE="lo"\nSYNCID="9"');
    writeFileSync(rules, SAVED);
    expect(unitCommand('ExecStart')).toEqual({ status: 0, stderr: '' });
    expect(ipvsadm(['-L', '--daemon']).stdout).toMatch(/^backup sync daemon \(mcast=lo, syncid=9/);
    expect(unitCommand('ExecStop')).toEqual({ status: 0, stderr: '' });
    expect(ipvsadm(['-L', '--daemon']).stdout).toBe('');
    expect(existsSync(rules)).toBe(true);
  });
});
