// A fixed-seed slice of the fuzz campaign (test/fuzz/, `npm run fuzz` runs big ones): random and
// mutated command lines and -R inputs end without an uncaught error, stack trace or hang, and a
// sample matches Debian's ipvsadm byte for byte, kernel state included.

import { expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/fuzz';

it('fuzz slice (seed 20261130)', async () => {
  const report = await runFuzz({ seed: 20261130, argv: 600, restore: 120, compareArgv: 30, compareRestore: 10, states: 3 });
  for (const f of report.findings) console.log(`FUZZ-FINDING ${JSON.stringify(f)}`);
  expect(report.ran).toMatchObject({ argv: 600, compared: 40 });
  expect(report.findings.map((f) => `${f.kind}: ${JSON.stringify(f.args)} ${f.detail.slice(0, 300)}`)).toEqual([]);
}, 600_000);
