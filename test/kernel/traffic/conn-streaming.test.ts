// Live traffic, a large connection table: tsipvsadm -Lnc must stream /proc/net/ip_vs_conn, so
// its memory stays flat however many connections the kernel holds. Thousands of UDP
// "connections" (one datagram from each of many source ports, to a real server behind the
// director's black hole) are listed at two table sizes; the peak RSS of the tsipvsadm process
// may not grow with the table. A deliberately non-streaming lister (read everything, format
// everything, then write) is measured the same way, to show the measurement would catch one.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connRows, expiryBetween, ipvsadm, Lan, maskExpire, measuredNode, ROOT, TSIPVSADM_BIN, tsRestore, udpFlood } from './topology';

const lan = new Lan({ prefix: 'tcs', servers: 0 });
const { vip } = lan;
const SMALL = 6_000;
const LARGE = 24_000;
const PORT_BASE = 20_000;
/** MiB the listing's peak RSS may grow by from SMALL to LARGE rows. */
const FLAT_MIB = 16;

// Not streaming: the whole file in, every row formatted, one write.
const CONTROL = `
const fs = require('fs');
const { connHeader, connLineNumeric } = require(${JSON.stringify(`${ROOT}/dist/src/format/connections/rows.js`)});
const lines = fs.readFileSync('/proc/net/ip_vs_conn', 'latin1').split('\\n').slice(1).filter(Boolean);
process.stdout.write(connHeader(false) + lines.map((l) => connLineNumeric(l + '\\n', false)).join(''));
`;

async function fillTo(total: number, from: number): Promise<void> {
  const t0 = Date.now();
  await udpFlood(lan, vip, 53, PORT_BASE + from, total - from);
  console.log(`sent ${total - from} datagrams from distinct source ports in ${Date.now() - t0} ms`);
}

interface Figures {
  seconds: number;
  rssKiB: number;
}

/**
 * tsipvsadm -Lnc and the control, measured. With `compare`, ipvsadm lists the table just before
 * and just after tsipvsadm, and the three must agree (expire countdown masked and in between).
 */
async function measure(rows: number, compare: boolean): Promise<{ ours: Figures; control: Figures; json: Figures }> {
  const args = ['-L', '-n', '-c'];
  const before = compare ? ipvsadm(lan.director, args) : undefined;
  const r = await measuredNode(lan.director, [TSIPVSADM_BIN, ...args]);
  const after = compare ? ipvsadm(lan.director, args) : undefined;
  expect(r.status).toBe(0);
  expect(r.stderr).toBe('');
  expect(connRows(r.stdout), 'tsipvsadm -Lnc rows').toHaveLength(rows);
  if (before && after) {
    expect(maskExpire(after.stdout), 'the table held still').toBe(maskExpire(before.stdout));
    expect(maskExpire(r.stdout), 'tsipvsadm -Lnc against ipvsadm -Lnc').toBe(maskExpire(before.stdout));
    expiryBetween(before.stdout, r.stdout, after.stdout);
  }
  const c = await measuredNode(lan.director, ['-e', CONTROL]);
  expect(maskExpire(c.stdout), 'the control prints the same listing').toBe(maskExpire(r.stdout));
  // The same table as JSON (streamed too): one entry per text row, in the same order.
  const j = await measuredNode(lan.director, [TSIPVSADM_BIN, ...args, '--json']);
  expect(j.status).toBe(0);
  expect(j.stderr).toBe('');
  const entries = JSON.parse(j.stdout).connections as { client: { address: string; port: number } }[];
  expect(entries, 'tsipvsadm -Lnc --json entries').toHaveLength(rows);
  expect(entries.map((e) => `${e.client.address}:${e.client.port}`)).toEqual(connRows(r.stdout).map((row) => row.split(/\s+/)[3]));
  const ours = { seconds: r.seconds, rssKiB: r.rssKiB };
  const control = { seconds: c.seconds, rssKiB: c.rssKiB };
  const json = { seconds: j.seconds, rssKiB: j.rssKiB };
  const f = (x: Figures) => `${x.seconds.toFixed(2)} s, peak RSS ${(x.rssKiB / 1024).toFixed(1)} MiB`;
  console.log(`${rows} connections: tsipvsadm -Lnc ${f(ours)}; -Lnc --json ${f(json)}; non-streaming control ${f(control)}`);
  return { ours, control, json };
}

let small: { ours: Figures; control: Figures; json: Figures };

beforeAll(async () => {
  lan.build();
  await tsRestore(lan.director, [`-A -u ${vip}:53 -s rr`, `-a -u ${vip}:53 -r ${lan.blackHole}:53 -m`]);
}, 120_000);

afterAll(() => lan.destroy());

describe('a large connection table', () => {
  it(`tsipvsadm -Lnc lists ${SMALL} connections as ipvsadm does`, async () => {
    await fillTo(SMALL, 0);
    small = await measure(SMALL, true);
  }, 180_000);

  it(`peak RSS of tsipvsadm -Lnc stays flat from ${SMALL} to ${LARGE} connections`, async () => {
    expect(small, 'the first test measured the small table').toBeDefined();
    await fillTo(LARGE, SMALL);
    const large = await measure(LARGE, false);
    const growth = (large.ours.rssKiB - small.ours.rssKiB) / 1024;
    const controlGrowth = (large.control.rssKiB - small.control.rssKiB) / 1024;
    console.log(
      `peak RSS growth from ${SMALL} to ${LARGE} rows: tsipvsadm ${growth.toFixed(1)} MiB, ` +
        `non-streaming control ${controlGrowth.toFixed(1)} MiB (bound ${FLAT_MIB} MiB)`,
    );
    expect(growth).toBeLessThan(FLAT_MIB);
    expect(large.ours.rssKiB / 1024, 'peak RSS of tsipvsadm -Lnc').toBeLessThan(128);
    const jsonGrowth = (large.json.rssKiB - small.json.rssKiB) / 1024;
    console.log(`peak RSS growth from ${SMALL} to ${LARGE} rows: tsipvsadm -Lnc --json ${jsonGrowth.toFixed(1)} MiB (bound ${FLAT_MIB} MiB)`);
    expect(jsonGrowth, 'peak RSS growth of tsipvsadm -Lnc --json').toBeLessThan(FLAT_MIB);
    expect(large.json.rssKiB / 1024, 'peak RSS of tsipvsadm -Lnc --json').toBeLessThan(128);
    // The measurement can tell: a lister that holds the table grows past the bound.
    expect(controlGrowth).toBeGreaterThan(FLAT_MIB);
  }, 240_000);
});
