// The generated bash completion, driven the way bash drives it: COMP_LINE/COMP_POINT and
// COMP_WORDS/COMP_CWORD split as bash splits them (at white space and at the word-break
// characters : and =), the function called with the command name, COMPREPLY read back. The
// kernel's services come from a stand-in program answering `__complete` (the guest test asks the
// real one). The expectations for options are computed from the command x option matrix, so the
// script is checked against the parser's own tables.

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS_V_OPTIONS, MATRIX_OPTIONS, type MatrixCommand } from '../../src/cli/matrix';
import { OPTION_TABLE } from '../../src/cli/options/table';
import { bashScript, sq } from '../../src/cli/completion/bash';
import { bashComplete } from './bash-completion-driver';
import { completionSpec, helpDescriptions } from '../../src/cli/completion/spec';
import { SCHEDULERS } from '../../src/ipvs/schedulers';
import { TUNNEL_TYPES } from '../../src/model/tables';
import { helpText } from '../../src/cli/help';
import { VERBS as completionVerbs } from '../../src/verbs/registry';
import { SORT_KEYS } from '../../src/cli/top/columns';

let dir: string;
let script: string;
let fake: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsipvsadm-completion-'));
  script = join(dir, 'completion.bash');
  writeFileSync(script, bashScript(completionSpec(completionVerbs)));
  // Stands in for tsipvsadm's `__complete` (and logs its calls).
  fake = join(dir, 'tsipvsadm');
  writeFileSync(
    fake,
    `#!/bin/sh
echo "$*" >> ${dir}/calls
case "$*" in
  "__complete services tcp") printf '10.1.0.100:80\\n10.1.0.100:443\\n[fd00:1::100]:80\\n' ;;
  "__complete services udp") printf '10.1.0.100:53\\n' ;;
  "__complete services fwmark") printf '7\\n' ;;
  "__complete servers --tcp-service 10.1.0.100:80") printf '10.2.0.11:8080\\n10.2.0.12:8080\\n' ;;
  "__complete servers --fwmark-service 7 -6") printf 'fd00:2::11\\n' ;;
  "__complete servers --tcp-service [fd00:1::100]:80") printf '[fd00:2::11]:80\\n[fd00:2::12]:80\\n' ;;
esac
`,
  );
  chmodSync(fake, 0o755);
});

afterAll(() => {
  spawnSync('rm', ['-rf', dir]);
});

/** COMPREPLY for each line (the cursor at its end), in one bash process. */
async function complete(...lines: string[]): Promise<string[][]> {
  const r = await bashComplete(script, fake, lines);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.replies;
}
const one = async (line: string) => (await complete(line))[0];

const allowedLongs = (command: MatrixCommand) =>
  OPTION_TABLE.filter((o) => o.command === undefined && o.optname && COMMANDS_V_OPTIONS[command][MATRIX_OPTIONS.indexOf(o.optname)] !== 'x').map(
    (o) => o.long,
  );

describe('bash completion: the ipvsadm command line', () => {
  it('the script is valid bash and registers the function', async () => {
    const r = spawnSync('bash', ['--norc', '-c', `source ${sq(script)}; complete -p tsipvsadm`], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('complete -F _tsipvsadm tsipvsadm');
  });

  it('first on the line: every command, short and long, and the verbs', async () => {
    const offers = await one('tsipvsadm ');
    for (const o of OPTION_TABLE.filter((d) => d.command !== undefined)) {
      expect(offers).toContain(`--${o.long}`);
      if (o.short) expect(offers).toContain(`-${o.short}`);
    }
    expect(offers).toEqual(expect.arrayContaining(['top', 'completion']));
    expect(offers).not.toContain('__complete');
    expect(offers).not.toContain('--scheduler');
    expect(await one('tsipvsadm --a')).toEqual(['--add-service', '--add-server']);
    expect(await one('tsipvsadm to')).toEqual(['top']);
  });

  it.each(Object.keys(COMMANDS_V_OPTIONS) as MatrixCommand[])('after %s: exactly the options its matrix column allows', async (command) => {
    const def = OPTION_TABLE.find((o) => o.command === command)!;
    const offers = (await one(`tsipvsadm --${def.long}${def.arg === 'required' ? ' master' : ''} --`)).map((o) => o.slice(2));
    const extra = offers.filter((o) => !allowedLongs(command).includes(o));
    // -6 goes wherever a service does; --sort (a no-op kept by ipvsadm) with -L.
    expect(extra.sort()).toEqual(
      [...(allowedLongs(command).includes('tcp-service') ? ['ipv6'] : []), ...(command === 'list' ? ['sort'] : [])].sort(),
    );
    expect(offers.filter((o) => allowedLongs(command).includes(o)).sort()).toEqual(allowedLongs(command).sort());
  });

  it('after -A: what -A allows, short and long, less what was given', async () => {
    const offers = await one('tsipvsadm -A ');
    expect(offers).toEqual(expect.arrayContaining(['-t', '--tcp-service', '-u', '-f', '-s', '--scheduler', '-p', '-M', '--pe', '-b', '-o']));
    for (const no of ['-r', '-w', '-m', '-c', '--stats', '--tun-type', '-A']) expect(offers).not.toContain(no);
    // one service option at most (-t/-u/-f share a matrix row), and -s only once
    const later = await one('tsipvsadm -A -t 10.0.0.1:80 -s rr -');
    for (const no of ['-t', '-u', '-f', '--sctp-service', '-s', '--scheduler']) expect(later).not.toContain(no);
    expect(later).toContain('-p');
  });

  it('bundles and --opt=value are read as popt reads them', async () => {
    expect(await one('tsipvsadm -Ln -')).not.toContain('-n');
    expect(await one('tsipvsadm -Ln -')).toContain('--stats');
    expect(await one('tsipvsadm -At10.0.0.1:80 -')).not.toContain('-t');
    expect(await one('tsipvsadm -A --tcp-service=10.0.0.1:80 -')).not.toContain('-u');
  });

  it('after -s: the scheduler names; after --tun-type: the tunnel types', async () => {
    expect(await one('tsipvsadm -A -t 10.0.0.1:80 -s ')).toEqual(SCHEDULERS.map((s) => s.name));
    expect(await one('tsipvsadm -E -t 10.0.0.1:80 --scheduler w')).toEqual(['wrr', 'wlc']);
    expect(await one('tsipvsadm -A -t 10.0.0.1:80 --scheduler=w')).toEqual(['wrr', 'wlc']);
    expect(await one('tsipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type ')).toEqual(TUNNEL_TYPES.map((t) => t.name));
    expect(await one('tsipvsadm --start-daemon ')).toEqual(['master', 'backup']);
    expect(await one('tsipvsadm -A -t 10.0.0.1:80 -s sh -b sh-fallback,sh-p')).toEqual(['sh-fallback,sh-port']);
  });

  it('after -t/-u/-f of -E -D -a -e -d -Z -L: the services in the kernel', async () => {
    for (const cmd of ['-E', '-D', '-a', '-e', '-d', '-Z', '-L']) {
      expect(await one(`tsipvsadm ${cmd} -t `)).toEqual(['10.1.0.100:80', '10.1.0.100:443', '\\[fd00:1::100\\]:80']);
    }
    expect(await one('tsipvsadm -D -u ')).toEqual(['10.1.0.100:53']);
    expect(await one('tsipvsadm -Z -f ')).toEqual(['7']);
    expect(await one('tsipvsadm -L --tcp-service ')).toEqual(['10.1.0.100:80', '10.1.0.100:443', '\\[fd00:1::100\\]:80']);
    // -A makes a new service: nothing to offer from the kernel
    expect(await one('tsipvsadm -A -t ')).toEqual([]);
  });

  it('addresses with colons: the offers are cut where bash splits the word', async () => {
    expect(await one('tsipvsadm -E -t 10.1.0.100:')).toEqual(['80', '443']);
    expect(await one('tsipvsadm -E -t 10.1.0.100:4')).toEqual(['443']);
    expect(await one('tsipvsadm -L -t [fd00:1::100]:')).toEqual(['80']);
    expect(await one('tsipvsadm -e --tcp-service=10.1.0.100:80 -r 10.2.0.1')).toEqual(['10.2.0.11:8080', '10.2.0.12:8080']);
  });

  it('IPv6 services: offered with [ and ] escaped (no glob), completed across the colons, read back when escaped or quoted', async () => {
    expect(await one('tsipvsadm -E -t [')).toEqual(['\\[fd00:1::100\\]:80']);
    expect(await one('tsipvsadm -E -t \\[fd')).toEqual(['\\[fd00:1::100\\]:80']);
    expect(await one('tsipvsadm -E -t \\[fd00:1::')).toEqual(['100\\]:80']);
    expect(await one('tsipvsadm -E -t \\[fd00:1::100\\]:')).toEqual(['80']);
    expect(await one("tsipvsadm -E -t '[fd00:1::100]:")).toEqual(['80']);
    expect(await one('tsipvsadm -d -t \\[fd00:1::100\\]:80 -r ')).toEqual(['\\[fd00:2::11\\]:80', '\\[fd00:2::12\\]:80']);
    expect(await one('tsipvsadm -d -t "[fd00:1::100]:80" -r \\[fd00:2::1')).toEqual(['\\[fd00:2::11\\]:80', '\\[fd00:2::12\\]:80'].map((o) => o.slice('\\[fd00:2::'.length)));
    expect(await one('tsipvsadm -d -t "[fd00:1::100]:80" -r \\[')).toEqual(['\\[fd00:2::11\\]:80', '\\[fd00:2::12\\]:80']);
    expect(await one('tsipvsadm -d -t [fd00:1::100]:80 -r [fd00:2::12\\]:')).toEqual(['80']);
    // What bash inserts is a word the shell gives back unchanged.
    const r = spawnSync('bash', ['--norc', '-c', 'shopt -s failglob; printf "%s\\n" \\[fd00:1::100\\]:80'], { encoding: 'utf8' });
    expect(r.stdout).toBe('[fd00:1::100]:80\n');
  });

  it("after -r of -e -d: that service's real servers; nothing for -a", async () => {
    expect(await one('tsipvsadm -e -t 10.1.0.100:80 -r ')).toEqual(['10.2.0.11:8080', '10.2.0.12:8080']);
    expect(await one('tsipvsadm -d -t 10.1.0.100:80 -r 10.2.0.12')).toEqual(['10.2.0.12:8080']);
    expect(await one('tsipvsadm -d -t 10.1.0.100:80 -r 10.2.0.12:')).toEqual(['8080']);
    expect(await one('tsipvsadm -d -f 7 -6 -r ')).toEqual(['fd00:2::11']);
    expect(await one('tsipvsadm -a -t 10.1.0.100:80 -r ')).toEqual([]);
    const calls = readFileSync(join(dir, 'calls'), 'utf8');
    expect(calls).toContain('__complete servers --tcp-service 10.1.0.100:80\n');
    expect(calls).not.toContain('__complete servers --tcp-service 10.1.0.100:80 -r');
  });
});

describe('bash completion: verbs', () => {
  it("a verb's options, its choices, and its -t from the kernel", async () => {
    expect(await one('tsipvsadm top --')).toEqual(expect.arrayContaining(['--delay', '--sort', '--tcp-service', '--numeric']));
    expect(await one('tsipvsadm top --sort ')).toEqual([...SORT_KEYS]);
    expect(await one('tsipvsadm top -t ')).toEqual(['10.1.0.100:80', '10.1.0.100:443', '\\[fd00:1::100\\]:80']);
    // top's -d is its delay (a number), not ipvsadm's -d
    expect(await one('tsipvsadm top -d ')).toEqual([]);
    expect(await one('tsipvsadm completion ')).toEqual(['bash', 'zsh', 'fish']);
    expect(await one('tsipvsadm completion z')).toEqual(['zsh']);
    expect(await one('tsipvsadm help ')).toEqual(completionVerbs.filter((v) => !v.hidden).map((v) => v.name));
    expect(await one('tsipvsadm help t')).toEqual(['top']);
  });
});

describe('what completion is generated from', () => {
  it('every option of the table has a description in the help text', async () => {
    const d = helpDescriptions();
    const missing = OPTION_TABLE.filter((o) => o.long !== 'version' && !d.has(o.long)).map((o) => o.long);
    expect(missing).toEqual([]);
  });

  it("the scheduler table is the help text's list", async () => {
    const list = /one of ([a-z|]+),/.exec(helpText('ipvsadm'))![1].split('|');
    expect(SCHEDULERS.map((s) => s.name)).toEqual(list);
  });
});
