// Shell completion against a real kernel: `tsipvsadm __complete` lists the services and real
// servers that exist, and the generated bash, fish and zsh scripts offer exactly those after
// -t/-u/-f and -r (bash driven through COMP_WORDS/COMPREPLY, fish through `complete -C`, zsh with
// its completion builtins stubbed to print). The zsh and fish scripts are also syntax-checked.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sq } from '../../src/cli/completion/bash';
import { COMPLETION_SHELLS, completionScript } from '../../src/cli/completion/index';
import { VERBS } from '../../src/verbs/registry';
import { bashComplete, runAsync } from '../unit/bash-completion-driver';
import { destroyNamespaces, nsRunAsync, sh, TSIPVSADM_BIN, tsOk, tsRestore } from './traffic/topology';

const NS = 'tcmp-dir';
const BIN_DIR = dirname(TSIPVSADM_BIN);
/** tsipvsadm found by name, as an installed one would be. */
const env = { ...process.env, PATH: `${BIN_DIR}:${process.env.PATH}` };
const inNs = ['ip', 'netns', 'exec', NS];
let dir: string;
const scripts: Record<string, string> = {};

beforeAll(async () => {
  destroyNamespaces('tcmp');
  sh(`ip netns add ${NS}
ip -n ${NS} link set lo up
ip -n ${NS} link add d0 type dummy
ip -n ${NS} addr add 10.2.0.1/24 dev d0
ip -n ${NS} addr add fd00:2::1/64 dev d0 nodad
ip -n ${NS} link set d0 up`);
  await tsRestore(NS, [
    '-A -t 10.1.0.100:80 -s rr',
    '-a -t 10.1.0.100:80 -r 10.2.0.11:8080 -m',
    '-a -t 10.1.0.100:80 -r 10.2.0.12:8080 -m',
    '-A -t [fd00:1::100]:443 -s wlc',
    '-A -u 10.1.0.100:53 -s rr',
    '-A -f 7 -s rr',
    '-A -f 8 -6 -s rr',
    '-a -f 8 -6 -r fd00:2::11 -g',
  ]);
  dir = mkdtempSync(join(tmpdir(), 'tsipvsadm-completion-'));
  // The scripts as the program prints them (bash) or as the same code generates them in-process
  // (zsh, fish: one process start less each in the slow emulated guest).
  for (const shell of COMPLETION_SHELLS) {
    scripts[shell] = join(dir, `tsipvsadm.${shell}`);
    writeFileSync(scripts[shell], shell === 'bash' ? await tsOk(NS, ['completion', 'bash']) : completionScript(shell, VERBS));
  }
}, 300_000);

afterAll(() => {
  destroyNamespaces('tcmp');
});

const complete = async (args: string[]) => (await nsRunAsync(NS, ['node', TSIPVSADM_BIN, '__complete', ...args])).stdout;

describe('__complete reads the kernel', () => {
  it('services per protocol, real servers of a service, nothing for what does not exist', async () => {
    expect(await complete(['services', 'tcp'])).toBe('10.1.0.100:80\n[fd00:1::100]:443\n');
    expect(await complete(['services', 'sctp'])).toBe('');
    expect(await complete(['servers', '-f', '8', '-6'])).toBe('fd00:2::11\n');
    const none = await nsRunAsync(NS, ['node', TSIPVSADM_BIN, '__complete', 'servers', '-t', '10.1.0.100:81']);
    expect(none).toEqual({ stdout: '', stderr: '', status: 0 });
  }, 120_000);
});

describe('bash', () => {
  it('offers the kernel services after -t/-u/-f (IPv6 ones escaped) and the real servers after -r; the verbs after help', async () => {
    const r = await bashComplete(
      scripts.bash,
      'tsipvsadm',
      [
        'tsipvsadm -L -t 10.1.0.100:',
        'tsipvsadm -D -u ',
        'tsipvsadm -Z -f ',
        'tsipvsadm -e -t 10.1.0.100:80 -r ',
        'tsipvsadm -A -t 10.1.0.100:80 -s w',
        'tsipvsadm -E -t [f',
        'tsipvsadm -E -t \\[fd00:1::',
        'tsipvsadm help t',
      ],
      inNs,
      env,
    );
    expect(r.stderr).toBe('');
    expect(r.replies).toEqual([
      ['80'],
      ['10.1.0.100:53'],
      ['7', '8'],
      ['10.2.0.11:8080', '10.2.0.12:8080'],
      ['wrr', 'wlc'],
      ['\\[fd00:1::100\\]:443'], // [ and ] escaped: inserted as typed, never globbed
      ['100\\]:443'], // bash replaces only the text after the last colon
      ['top'],
    ]);
  }, 120_000);
});

describe('fish and zsh', () => {
  it('both scripts pass the shells’ syntax checks', async () => {
    for (const [shell, file] of [['zsh', scripts.zsh], ['fish', scripts.fish]]) {
      const r = await runAsync([shell, '-n', file]);
      expect({ shell, status: r.status, stderr: r.stderr }).toEqual({ shell, status: 0, stderr: '' });
    }
  });

  it('fish: complete -C offers the commands, the kernel services and real servers', async () => {
    const lines = ['tsipvsadm -A -t 10.0.0.1:80 -s w', 'tsipvsadm -E -t ', 'tsipvsadm -e -t 10.1.0.100:80 -r ', 'tsipvsadm top --sort c'];
    const body = lines.map((l) => `complete -C ${sq(l)}; echo @@`).join('\n');
    const r = await runAsync([...inNs, 'fish', '--no-config', '-c', `source ${sq(scripts.fish)}\n${body}`], env);
    expect(r.stderr).toBe('');
    const blocks = r.stdout.split('@@\n').map((b) => b.split('\n').filter(Boolean));
    expect(blocks[0]).toEqual(['wlc\tweighted least-connection', 'wrr\tweighted round robin']);
    expect(blocks[1]).toEqual(['10.1.0.100:80', '[fd00:1::100]:443']);
    expect(blocks[2]).toEqual(['10.2.0.11:8080', '10.2.0.12:8080']);
    expect(blocks[3]).toEqual(['cps']);
  }, 120_000);

  it('zsh: the function offers the same (compadd/_describe stubbed to print)', async () => {
    const stubs = `
compdef() { :; }
compset() { :; }
compadd() { while [[ $1 == -* && $1 != -- ]]; do shift; done; [[ $1 == -- ]] && shift; print -rl -- "$@"; }
_describe() { local -a __s; __s=("\${(@P)4}"); print -rl -- "\${__s[@]%%:*}"; }
`;
    const cases: [string[], string][] = [
      [['tsipvsadm', '-E', '-t', ''], 'services'],
      [['tsipvsadm', '-e', '-t', '10.1.0.100:80', '-r', ''], 'servers'],
      [['tsipvsadm', '-A', '-t', '10.0.0.1:80', '-s', ''], 'schedulers'],
      [['tsipvsadm', '-A', '-t', '10.0.0.1:80', '-'], 'options'],
    ];
    const body = cases.map(([words]) => `words=(${words.map(sq).join(' ')}); CURRENT=${words.length}; _tsipvsadm; echo @@`).join('\n');
    const r = await runAsync([...inNs, 'zsh', '-f', '-c', `${stubs}\nsource ${sq(scripts.zsh)}\n${body}`], env);
    expect(r.stderr).toBe('');
    const blocks = r.stdout.split('@@\n').map((b) => b.split('\n').filter(Boolean));
    expect(blocks[0]).toEqual(['10.1.0.100:80', '[fd00:1::100]:443']);
    expect(blocks[1]).toEqual(['10.2.0.11:8080', '10.2.0.12:8080']);
    expect(blocks[2]).toEqual(['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh']);
    expect(blocks[3]).toEqual(expect.arrayContaining(['--scheduler', '-s', '--persistent', '-p']));
    expect(blocks[3]).not.toContain('-t');
    expect(blocks[3]).not.toContain('-r');
  }, 120_000);
});
