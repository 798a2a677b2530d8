// Live traffic, scheduling: how tsipvsadm-configured services spread real connections (rr evenly,
// wrr in proportion to the weights, sh by source), and --stats / --rate listed by tsipvsadm while
// traffic flows and after it, compared with ipvsadm's at the same moment.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agree, Lan, serverOf, tally, tsRestore, type JobResult } from './topology';

const lan = new Lan({ prefix: 'tsch', servers: 3, clientAddrs: 8 });
const { vip, rips } = lan;
const PER_SOURCE = 10;

let rr: JobResult;
let wrr: JobResult;
let sh: JobResult;

/** Conns per real server of one service in a `-L -n --stats` listing. */
function destConns(text: string, service: string): Record<string, number> {
  const out: Record<string, number> = {};
  let inside = false;
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) inside = line.startsWith(`${service} `);
    const m = /^  -> (\S+):\d+ +(\d+) /.exec(line);
    if (inside && m) out[lan.nameOf(m[1])] = Number(m[2]);
  }
  return out;
}

beforeAll(async () => {
  lan.build();
  await lan.serve({ tcp: [8080] });
  await tsRestore(lan.director, [
    `-A -t ${vip}:80 -s rr`,
    ...rips.map((r) => `-a -t ${vip}:80 -r ${r}:8080 -m`),
    `-A -t ${vip}:81 -s wrr`,
    `-a -t ${vip}:81 -r ${rips[0]}:8080 -m -w 3`,
    `-a -t ${vip}:81 -r ${rips[1]}:8080 -m -w 1`,
    `-A -t ${vip}:82 -s sh`,
    ...rips.map((r) => `-a -t ${vip}:82 -r ${r}:8080 -m`),
  ]);
  [rr, wrr, sh] = await lan.clients([
    { proto: 'tcp', host: vip, port: 80, count: 300, parallel: 10 },
    { proto: 'tcp', host: vip, port: 81, count: 300, parallel: 10 },
    { proto: 'tcp', host: vip, port: 82, count: PER_SOURCE * lan.clientIps.length, from: lan.clientIps, parallel: 4 },
  ]);
}, 120_000);

afterAll(() => lan.destroy());

describe('scheduling of real connections', () => {
  it('rr spreads 300 connections evenly over 3 servers', () => {
    const t = tally(rr.answers);
    console.log(`rr, 300 connections over 3 servers: ${JSON.stringify(t)} (${rr.ms} ms)`);
    // ±10: wrr-like or sh-like spreading would miss it by far.
    for (const n of lan.names) expect(Math.abs((t[n] ?? 0) - 100), `${n}: ${t[n]}`).toBeLessThanOrEqual(10);
  });

  it('wrr 3:1 splits 300 connections 225/75', () => {
    const t = tally(wrr.answers);
    console.log(`wrr 3:1, 300 connections: ${JSON.stringify(t)} (${wrr.ms} ms)`);
    // rr would give 150/150; ±15 leaves no doubt either way.
    expect(Math.abs((t.rs1 ?? 0) - 225), `rs1: ${t.rs1}`).toBeLessThanOrEqual(15);
    expect(Math.abs((t.rs2 ?? 0) - 75), `rs2: ${t.rs2}`).toBeLessThanOrEqual(15);
    expect(t.rs3, 'rs3 is not in the wrr service').toBeUndefined();
  });

  it('sh keeps each source on one server, and different sources use several servers', () => {
    const bySource = new Map<string, Set<string>>();
    sh.answers.forEach((a, i) => {
      const src = sh.from[i]!;
      if (!bySource.has(src)) bySource.set(src, new Set());
      bySource.get(src)!.add(serverOf(a));
    });
    const mapping = Object.fromEntries([...bySource].map(([s, set]) => [s, [...set].join(',')]));
    console.log(`sh, ${PER_SOURCE} connections from each of ${bySource.size} sources: ${JSON.stringify(mapping)}`);
    expect(bySource.size).toBe(lan.clientIps.length);
    for (const [src, set] of bySource) expect([...set], `servers of ${src}`).toHaveLength(1);
    const used = new Set([...bySource.values()].map((s) => [...s][0]));
    expect(used.size, 'servers used by all sources together').toBeGreaterThan(1);
  });

  it('--stats after the traffic: identical to ipvsadm, and the per-server counts are the ones the client saw', async () => {
    // The kernel folds its per-CPU counters into the listed totals every 2 s.
    let text = '';
    const deadline = Date.now() + 6000;
    do text = (await agree(lan.director, ['-L', '-n', '--stats'])).ours.stdout;
    while (!new RegExp(`TCP  ${vip}:82 +${PER_SOURCE * lan.clientIps.length} `).test(text) && Date.now() < deadline);
    expect(destConns(text, `TCP  ${vip}:80`)).toEqual(tally(rr.answers));
    expect(destConns(text, `TCP  ${vip}:81`)).toEqual(tally(wrr.answers));
    expect(destConns(text, `TCP  ${vip}:82`)).toEqual(tally(sh.answers));
  });

  it('--stats and --rate while traffic flows, and --rate after it, identical to ipvsadm', async () => {
    const background = lan.clients([{ proto: 'tcp', host: vip, port: 80, count: 1000, gapMs: 100, durationMs: 9_000 }]);
    // Let the rate estimator see the traffic (it samples every 2 s).
    await new Promise((r) => setTimeout(r, 2500));
    const during = await agree(lan.director, ['-L', '-n', '--rate']);
    console.log(`--rate during traffic (agreed on try ${during.tries}):\n${during.ours.stdout}`);
    const cps = Number(new RegExp(`TCP  ${vip}:80 +(\\d+) `).exec(during.ours.stdout)?.[1]);
    expect(cps, 'connections per second during the traffic').toBeGreaterThan(0);
    const stats = await agree(lan.director, ['-L', '-n', '--stats', '--exact']);
    const [done] = await background;
    expect(done.answers.filter((a) => a.startsWith('ERR'))).toEqual([]);
    // After: the counters settle, the rates decay (they move every 2 s for a while).
    const after = await agree(lan.director, ['-L', '-n', '--rate', '--exact']);
    console.log(`--rate --exact after the traffic (agreed on try ${after.tries}):\n${after.ours.stdout}`);
    console.log(`--stats --exact during the traffic agreed on try ${stats.tries}`);
  });
});
