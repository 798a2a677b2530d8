// The verb front end against Debian's ipvsadm: for every verb in the registry, ipvsadm rejects the
// lines tsipvsadm hands to the verb, and the lines ipvsadm accepts (a first option -h/-v) still
// give ipvsadm's output byte for byte. New verbs are covered as soon as they are registered.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClient, ipvsadm, resetKernel, tsipvsadm } from './diff';
import { isVerbLine } from '../../src/verbs/dispatch';
import { VERBS } from '../../src/verbs/registry';

beforeAll(() => resetKernel());
afterAll(() => closeClient());

describe.each(VERBS.map((v) => v.name))('verb %s', (name) => {
  it('every line the front end takes is one ipvsadm rejects', () => {
    for (const rest of [[], ['--format', 'json'], ['-L'], ['-n'], ['--json'], ['x', 'y'], ['--', '-h']]) {
      const args = [name, ...rest];
      expect(isVerbLine(args, {}), args.join(' ')).toBe(true);
      const r = ipvsadm(args);
      expect(r.status, `ipvsadm ${args.join(' ')}: ${r.stderr}`).not.toBe(0);
      expect(r.stdout).toBe('');
    }
  });

  it('lines ipvsadm accepts stay its own', async () => {
    for (const rest of [['-h'], ['--help'], ['-v'], ['--version'], ['x', '--help', '--format']]) {
      const args = [name, ...rest];
      expect(isVerbLine(args, {})).toBe(false);
      const theirs = ipvsadm(args);
      expect(theirs.status).toBe(0);
      expect(await tsipvsadm(args), args.join(' ')).toEqual(theirs);
    }
  });
});
