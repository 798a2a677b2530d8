// The installed command itself (bin/tsipvsadm as a process, not the in-process runner): exit
// statuses, streams, argv[0] and pipes, against Debian's ipvsadm. Needs `npm run build` first.

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { IPVSADM, resetKernel } from './diff';

const BIN_DIR = resolve(__dirname, '../../bin');
const PATH = `${BIN_DIR}:${process.env.PATH}`;

function run(cmd: string, args: string[], input = '') {
  const r = spawnSync(cmd, args, { input, encoding: 'latin1', env: { ...process.env, PATH } });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}
const ours = (args: string[], input?: string) => run('tsipvsadm', args, input);
const theirs = (args: string[], input?: string) => run(IPVSADM, args, input);
const sameAs = (a: ReturnType<typeof run>, name: string) => ({ ...a, stdout: a.stdout.replaceAll(name, 'PROG'), stderr: a.stderr.replaceAll(name, 'PROG') });

describe('bin/tsipvsadm as a process', () => {
  beforeAll(() => resetKernel());

  it('adds, lists and saves like ipvsadm', () => {
    for (const args of [['-A', '-t', '10.4.0.1:80', '-s', 'rr'], ['-a', '-t', '10.4.0.1:80', '-r', '10.0.0.2', '-m', '-w', '2']]) {
      expect(ours(args)).toEqual({ stdout: '', stderr: '', status: 0 });
    }
    expect(ours(['-L', '-n'])).toEqual(theirs(['-L', '-n']));
    expect(ours(['-S', '-n'])).toEqual(theirs(['-S', '-n']));
  });

  it('exits 255 with the kernel message on a refused change', () => {
    expect(ours(['-A', '-t', '10.4.0.1:80'])).toEqual({ stdout: '', stderr: 'Service already exists\n', status: 255 });
  });

  it('exits 2 on bad input and 255 on a popt error, naming itself as invoked from PATH', () => {
    expect(sameAs(ours(['-A', '-t', '10.4.0.1:80', '-w', 'x']), 'tsipvsadm')).toEqual(sameAs(theirs(['-A', '-t', '10.4.0.1:80', '-w', 'x']), IPVSADM));
    const o = ours(['-n', '-L']);
    expect(o).toEqual({ stdout: '', stderr: "Try `tsipvsadm -h' or 'tsipvsadm --help' for more information.\n", status: 255 });
    expect(sameAs(o, 'tsipvsadm')).toEqual(sameAs(theirs(['-n', '-L']), IPVSADM));
  });

  it('prints help to stdout with its own name', () => {
    const o = ours(['-h']);
    expect(o.status).toBe(0);
    expect(o.stdout).toContain('  tsipvsadm -A|E virtual-service');
    expect(o.stdout.replaceAll('tsipvsadm', 'PROG')).toBe(theirs(['-h']).stdout.replaceAll(IPVSADM, 'PROG'));
  });

  it('reads -R input from stdin and exits with the last line status', () => {
    expect(ours(['-R'], '-A -t 10.4.0.2:80\n-A -t 10.4.0.1:80\n')).toEqual({ stdout: '', stderr: 'Service already exists\n', status: 255 });
    expect(ours(['-R'], '-A -t 10.4.0.1:80\n-A -t 10.4.0.3:80\n').status).toBe(0);
  });

  it('ends quietly when its output pipe closes', () => {
    const input = Array.from({ length: 300 }, (_, i) => `-A -t 10.5.${i >> 8}.${i & 255}:80`).join('\n') + '\n';
    expect(ours(['-R'], input).status).toBe(0);
    const r = spawnSync('sh', ['-c', 'tsipvsadm -L -n | head -1'], { encoding: 'utf8', env: { ...process.env, PATH } });
    expect(r.stdout.split('\n')[0]).toBe('IP Virtual Server version 1.2.1 (size=4096)');
    expect(r.stderr).toBe('');
  });
});
