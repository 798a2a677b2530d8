// The verb front end against Debian's ipvsadm: for every verb in the registry, ipvsadm rejects the
// lines tsipvsadm hands to the verb, and the lines ipvsadm accepts (a first option -h/-v) still
// give ipvsadm's output byte for byte. New verbs are covered as soon as they are registered.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClient, ipvsadm, resetKernel, tsipvsadm } from './diff';
import { isVerbLine } from '../../src/verbs/dispatch';
import { VERBS } from '../../src/verbs/registry';

beforeAll(() => resetKernel());
afterAll(() => closeClient());

// What ipvsadm does with a stray first word does not depend on the word: the whole set of line
// shapes is checked for one verb, and the two that matter for every verb (an emulated guest
// makes each ipvsadm start cost most of a second).
const SHAPES_REJECTED = [[], ['--format', 'json'], ['-L'], ['-n'], ['--json'], ['x', 'y'], ['--', '-h']];
const SHAPES_ACCEPTED = [['-h'], ['--help'], ['-v'], ['--version'], ['x', '--help', '--format']];

describe.each(VERBS.map((v, i) => [v.name, i === 0] as const))('verb %s', (name, allShapes) => {
  it('every line the front end takes is one ipvsadm rejects', () => {
    for (const rest of allShapes ? SHAPES_REJECTED : [[]]) {
      const args = [name, ...rest];
      expect(isVerbLine(args, {}), args.join(' ')).toBe(true);
      const r = ipvsadm(args);
      expect(r.status, `ipvsadm ${args.join(' ')}: ${r.stderr}`).not.toBe(0);
      expect(r.stdout).toBe('');
    }
  });

  it('lines ipvsadm accepts stay its own', async () => {
    for (const rest of allShapes ? SHAPES_ACCEPTED : [['--help']]) {
      const args = [name, ...rest];
      expect(isVerbLine(args, {})).toBe(false);
      const theirs = ipvsadm(args);
      expect(theirs.status).toBe(0);
      expect(await tsipvsadm(args), args.join(' ')).toEqual(theirs);
    }
  });
});
