// Messages carry the input's bytes unchanged: an argument that is not UTF-8 (Node would decode
// it to U+FFFD; the bytes come from /proc/self/cmdline) and -R lines holding UTF-8 text (read as
// bytes, written as the same bytes). bin/tsipvsadm and Debian's ipvsadm as processes, and the
// in-process runner through the differential harness.

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IPVSADM, bashBytes, closeClient, ipvsadm, resetKernel, runDiff } from '../diff';

const BIN = resolve(__dirname, '../../../bin/tsipvsadm');

/** Run a tool with byte-string arguments and input; argv[0] is "ipvsadm" for both. */
function run(path: string, args: string[], stdin = '') {
  const r = spawnSync('bash', ['-c', `exec -a ipvsadm ${path} ${args.map(bashBytes).join(' ')}`], { input: Buffer.from(stdin, 'latin1'), encoding: 'latin1' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

afterAll(() => closeClient());

const ARGV_CASES: Record<string, string[]> = {
  'an unexpected argument of bytes that are not UTF-8': ['-A', '-t', '10.9.1.1:80', '\xff\xfe'],
  'a UTF-8 argument': ['-A', '-t', '10.9.1.1:80', 'caf\xc3\xa9'],
  'an address of high bytes': ['-A', '-t', '10.9.1.\xff:80'],
  'a scheduler name of high bytes cut at 15 bytes': ['-A', '-t', '10.9.1.1:80', '-s', '\xc3\xa9'.repeat(9)],
  'an option of high bytes': ['--\xe9\xff'],
  'a weight in full-width digits': ['-a', '-t', '10.9.1.1:80', '-r', '10.9.1.2', '-w', '\xef\xbc\x91'],
};

const RESTORE_CASES: Record<string, string> = {
  'a fwmark in full-width digits': '-A -f 7\xef\xbc\x91\xef\xbc\x90\n',
  'a UTF-8 word': '-A -t 10.9.1.1:80 caf\xc3\xa9\n',
  'bytes that are not UTF-8': '-A -t 10.9.1.1:80 -s \xff\xfe\n-A -t 10.9.1.\xe9:80\n',
};

describe('argument bytes, as processes', () => {
  for (const [name, args] of Object.entries(ARGV_CASES)) {
    it(name, () => {
      resetKernel();
      const theirs = { ...run(IPVSADM, args), state: ipvsadm(['-S', '-n']).stdout };
      resetKernel();
      const ours = { ...run(BIN, args), state: ipvsadm(['-S', '-n']).stdout };
      expect(ours).toEqual(theirs);
      expect(ours.stdout + ours.stderr).not.toContain('\xef\xbf\xbd'); // U+FFFD in UTF-8
    });
  }
});

describe('-R input bytes', () => {
  for (const [name, stdin] of Object.entries(RESTORE_CASES)) {
    it(`${name}, as processes`, () => {
      resetKernel();
      const theirs = run(IPVSADM, ['-R'], stdin);
      resetKernel();
      const ours = run(BIN, ['-R'], stdin);
      expect(ours).toEqual(theirs);
      expect(theirs.stderr).toMatch(/[\x80-\xff]/); // the case does echo the bytes
    });
    it(`${name}, in-process`, async () => {
      const { ipvsadm: theirs, tsipvsadm: ours } = await runDiff({ args: ['-R'], stdin });
      expect(ours).toEqual(theirs);
    });
  }
});
