// One fuzz campaign in the guest, sized by TSIPVSADM_FUZZ_* (set by test/fuzz/run.mjs, i.e.
// `npm run fuzz -- --seed S --count N`). Prints one FUZZ-FINDING line per finding and a
// FUZZ-SUMMARY line, and fails when there is any finding.

import { expect, it } from 'vitest';
import { diffTimings } from '../kernel/diff';
import { runFuzz } from './fuzz';

const num = (name: string, fallback: number) => Number(process.env[`TSIPVSADM_FUZZ_${name}`] ?? fallback);

it('fuzz campaign', async () => {
  const report = await runFuzz({
    seed: num('SEED', 1),
    argv: num('ARGV', 1000),
    restore: num('RESTORE', 100),
    compareArgv: num('COMPARE_ARGV', 40),
    compareRestore: num('COMPARE_RESTORE', 10),
    states: num('STATES', 6),
    progress: (line) => console.log(`fuzz: ${line}`),
    onFinding: (f) => console.log(`FUZZ-FINDING ${JSON.stringify(f)}`),
  });
  const perCase = Object.entries(diffTimings.ms).map(([k, v]) => `${k} ${(v / Math.max(1, diffTimings.cases)).toFixed(0)}`);
  console.log(`FUZZ-TIMING ms per compared case (${diffTimings.cases}): ${perCase.join(', ')}; daemon stops ${diffTimings.daemonStops}, rebuilds skipped ${diffTimings.rebuildsSkipped}, builds skipped ${diffTimings.buildsSkipped}`);
  for (const [ms, args] of diffTimings.slow) console.log(`FUZZ-SLOW ${ms} ${args}`);
  console.log(`FUZZ-SUMMARY ${JSON.stringify({ seed: report.seed, ...report.ran, findings: report.findings.length, seconds: report.seconds })}`);
  expect(report.findings.map((f) => `${f.kind}: ${JSON.stringify(f.args)}`)).toEqual([]);
}, 24 * 3600_000);
