// apply --drain with live traffic through namespaces: a real server the file removes is set to
// weight 0 first; a connection in flight to it goes on normally while no new connection reaches
// it; once that connection closes, apply deletes the server (without waiting out its time).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipvsadm, Lan, serverOf, tally, TSIPVSADM_BIN, tsRestore } from './topology';

const lan = new Lan({ prefix: 'tad', servers: 2 });
const { vip, rips } = lan;
const dir = mkdtempSync(join(tmpdir(), 'apply-drain-'));

beforeAll(async () => {
  lan.build();
  await lan.serve({ tcp: [8080] });
  await tsRestore(lan.director, [`-A -t ${vip}:80 -s rr`, ...rips.map((r) => `-a -t ${vip}:80 -r ${r}:8080 -m`)]);
}, 120_000);

afterAll(() => {
  lan.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** Poll Debian's listing of the service until `test` holds (generous deadline: loaded machines). */
async function until(test: (listing: string) => boolean, what: string, ms = 30_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const listing = ipvsadm(lan.director, ['-L', '-n', '-t', `${vip}:80`]).stdout;
    if (test(listing)) return listing;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${listing}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('apply --drain', () => {
  it('drains a removed server: the open connection finishes, no new one reaches it, then it is deleted', async () => {
    const held = await lan.hold(vip, 80);
    const drained = held.server;
    const drainedRip = rips[lan.names.indexOf(drained)];
    const keptRip = rips.find((r) => r !== drainedRip)!;
    const kept = lan.nameOf(keptRip);

    const file = join(dir, 'one-server.rules');
    writeFileSync(file, `-A -t ${vip}:80 -s rr\n-a -t ${vip}:80 -r ${keptRip}:8080 -m -w 1\n`);
    const started = Date.now();
    const apply = lan.spawnIn(lan.director, ['node', TSIPVSADM_BIN, 'apply', '--drain', '120', file]);

    // Weight 0 first; the server stays while its connection is active.
    await until((l) => new RegExp(`-> ${drainedRip}:8080 +Masq +0 +1 `).test(l), 'weight 0 with one active connection');
    const fresh = await lan.client1({ proto: 'tcp', host: vip, port: 80, count: 12, parallel: 3 });
    console.log(`drain: held connection on ${drained}; new connections meanwhile: ${JSON.stringify(tally(fresh.answers))}`);
    expect(tally(fresh.answers)).toEqual({ [kept]: 12 });
    expect(serverOf(await held.ping())).toBe(drained);
    expect(serverOf(await held.ping())).toBe(drained);
    expect(ipvsadm(lan.director, ['-L', '-n', '-t', `${vip}:80`]).stdout).toContain(`-> ${drainedRip}:8080`);

    // The connection ends normally; apply then deletes the server, well before its 120 s.
    await held.close();
    const code = await apply.exited;
    const seconds = (Date.now() - started) / 1000;
    expect(code, apply.output.join('\n')).toBe(0);
    expect(seconds).toBeLessThan(100);
    expect(apply.output.join('\n')).not.toMatch(/deleted anyway/);
    const after = ipvsadm(lan.director, ['-L', '-n', '-t', `${vip}:80`]).stdout;
    expect(after).not.toContain(drainedRip);
    expect(after).toMatch(new RegExp(`-> ${keptRip}:8080 +Masq +1 `));
    console.log(`drain: apply finished ${seconds.toFixed(1)} s after it started; output:\n${apply.output.join('\n')}`);
  });
});
