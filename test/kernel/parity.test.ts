// The differential suite: every case runs Debian's ipvsadm and tsipvsadm from the same kernel
// state and must agree on stdout, stderr, exit status and the resulting kernel state.

import { afterAll, describe, expect, it } from 'vitest';
import { closeClient, runDiff, type DiffCase } from './diff';

// Every module in cases/ default-exports a table of named cases; each becomes a describe block.
const modules = import.meta.glob<{ default: Record<string, DiffCase> }>('./cases/*.ts', { eager: true });
const suites: Record<string, Record<string, DiffCase>> = Object.fromEntries(
  Object.entries(modules).map(([path, mod]) => [path.replace(/^.*\/|\.ts$/g, ''), mod.default]),
);

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

// Negative controls: the comparison must notice a different output and a different kernel state.
describe('the comparison itself', () => {
  it('notices different output', async () => {
    const { ipvsadm: theirs } = await runDiff({ args: ['-L', '-n'], setup: [['-A', '-t', '10.2.0.1:80']], kind: 'read' });
    const { tsipvsadm: ours } = await runDiff({ args: ['-S', '-n'], setup: [['-A', '-t', '10.2.0.1:80']], kind: 'read' });
    expect(ours).not.toEqual(theirs);
  });
  it('notices a different kernel state', async () => {
    const a = await runDiff({ args: ['-A', '-t', '10.2.0.1:80', '-s', 'rr'] });
    const b = await runDiff({ args: ['-A', '-t', '10.2.0.1:80', '-s', 'wrr'] });
    expect(a.tsipvsadm.state).not.toEqual(b.tsipvsadm.state);
    expect(a.tsipvsadm.state).toContain('"address":"10.2.0.1","port":80,"scheduler":"rr"');
  });
});
