// The differential suite: every case runs Debian's ipvsadm and tsipvsadm from the same kernel
// state and must agree on stdout, stderr, exit status and the resulting kernel state.

import { afterAll, describe, expect, it } from 'vitest';
import { closeClient, runDiff, type DiffCase } from './diff';
import basic from './cases/basic';

const suites: Record<string, Record<string, DiffCase>> = { basic };

afterAll(() => closeClient());

for (const [suite, cases] of Object.entries(suites)) {
  describe(suite, () => {
    for (const [name, c] of Object.entries(cases)) {
      it(`${name}: ipvsadm ${c.args.join(' ')}`, async () => {
        const { ipvsadm, tsipvsadm } = await runDiff(c);
        expect(tsipvsadm).toEqual(ipvsadm);
      });
    }
  });
}
