// ldirectord (Debian's package, unmodified) with tsipvsadm in the place of ipvsadm, next to a
// second ldirectord with Debian's ipvsadm, both on examples/ldirectord.cf and checking the same
// real servers. In the first director's mount namespace /usr/sbin/ipvsadm (= /sbin/ipvsadm, the
// path ldirectord runs) is a symlink to bin/tsipvsadm, through a read-only overlay that only that
// process tree sees; nothing is patched. ldirectord runs in debug mode (-d: foreground, every
// ipvsadm call logged). After every event both directors' tables must be the same, and no
// ipvsadm call may have failed.
//
// ldirectord runs ipvsadm three times for most changes (-L -n, -L -n --thresholds, then the
// change), and each tsipvsadm run is a node start of a few seconds in the emulated guest. To keep
// the suite's time in bounds the directors start from the table the configuration describes,
// loaded with -R (as the rules unit does at boot, see systemd/): ldirectord takes it over
// (reads both listings, -E the virtual service) instead of adding every server and taking it
// out again until its first check; every later change is ldirectord's.
//
//   director ldr-ts (tsipvsadm) eth0 10.2.0.2 ─┐
//   director ldr-deb (ipvsadm)  eth0 10.2.0.3 ─┼─ br0 (ldr-lan) ─ rs1 10.2.0.11, rs2 .12, rs3 .13 (fallback)

import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipvsadm, type LineProc, tsOk, TSIPVSADM_BIN } from '../traffic/topology';
import { agreeAll, debianSave, EXAMPLES, type NsSpec, Site, step, until } from './site';

const site = new Site('ldr');
const RUN = '/tmp/ldr';
const CONFIG = join(RUN, 'ldirectord.cf');
const VIP = '10.1.0.100';
const servers: Record<string, LineProc> = {};
const ld: Record<'ts' | 'deb', LineProc | undefined> = { ts: undefined, deb: undefined };

const host = (addr: string): NsSpec => ({ ip: [`addr add ${addr}/24 dev eth0`, 'link set eth0 up'] });

async function startServer(n: number): Promise<void> {
  servers[`rs${n}`] = await site.serve(`rs${n}`, `rs${n}`, { http: [80] });
}

function startLdirectord(d: 'ts' | 'deb'): LineProc {
  const start = `exec ldirectord -d ${CONFIG} start`;
  // ldr-ts: /usr/sbin/ipvsadm is the symlink to tsipvsadm in this process tree only
  const script = d === 'ts' ? `mount -t overlay overlay -o lowerdir=${RUN}/sbin:/usr/sbin /usr/sbin && ls -l /sbin/ipvsadm && ${start}` : start;
  return site.spawn(d, ['sh', '-c', script]);
}

const CHECK = /^DEBUG2: Checking negotiate: real server=/;
/** Resolves once an ldirectord has checked every real server again after now (a full round). */
async function checkedAgain(p: LineProc, what: string): Promise<void> {
  const count = () => p.output.filter((l) => CHECK.test(l)).length;
  const from = count();
  // the round under way may be half done: two more rounds' worth of checks holds a full one
  await until(`${what}: a full round of checks`, () => count() >= from + 4, 240_000, 300, () => p.output.slice(-20).join('\n'));
}

/** Both directors' tables (read by Debian's ipvsadm) once both satisfy `ok`; they must be equal. */
async function settled(what: string, ok: (save: string) => boolean): Promise<string> {
  const t0 = Date.now();
  const tables = () => [debianSave(site.ns('ts')), debianSave(site.ns('deb'))];
  const [ts, deb] = await until(what, () => {
    const pair = tables();
    return pair.every(ok) && pair;
  }, 240_000, 1000, () => `ldr-ts:\n${tables()[0]}ldr-deb:\n${tables()[1]}ldirectord (tsipvsadm) said:\n${ld.ts?.output.slice(-15).join('\n')}`);
  step(`${what}: ${Date.now() - t0} ms`);
  expect(ts).toBe(deb);
  return ts;
}

/** The ipvsadm calls an ldirectord made (-d logs each one) and the ones that failed. */
function calls(p: LineProc): { made: string[]; failed: string[] } {
  const made = p.output.map((l) => /^Running system\((.*)\)$/.exec(l)?.[1]).filter((c): c is string => !!c);
  const failed = p.output.filter((l) => /^system\(.*\) failed/.test(l));
  return { made, failed };
}

const has = (...lines: string[]) => (save: string) => lines.every((l) => save.split('\n').includes(l));
const lacks = (...parts: string[]) => (save: string) => parts.every((p) => !save.includes(p));
const all = (...preds: ((s: string) => boolean)[]) => (s: string) => preds.every((p) => p(s));

/** The table examples/ldirectord.cf describes (-S -n; -S carries no thresholds). */
const INITIAL = [
  `-A -t ${VIP}:80 -s wrr -p 300`,
  `-a -t ${VIP}:80 -r 10.2.0.11:80 -g -w 2`,
  `-a -t ${VIP}:80 -r 10.2.0.12:80 -g -w 1`,
];
const RULES = [
  `-A -t ${VIP}:80 -s wrr -p 300`,
  `-a -t ${VIP}:80 -r 10.2.0.11:80 -g -w 2 -x 100 -y 10`,
  `-a -t ${VIP}:80 -r 10.2.0.12:80 -g -w 1`,
].join('\n') + '\n';

describe('ldirectord runs tsipvsadm in the place of ipvsadm', () => {
  beforeAll(async () => {
    rmSync(RUN, { recursive: true, force: true });
    mkdirSync(join(RUN, 'sbin'), { recursive: true });
    symlinkSync(TSIPVSADM_BIN, join(RUN, 'sbin/ipvsadm'));
    copyFileSync(join(EXAMPLES, 'ldirectord.cf'), CONFIG);
    site.build(
      {
        lan: { ip: ['link add br0 type bridge', 'link set br0 up', ...['ts', 'deb', 'rs1', 'rs2', 'rs3'].map((p) => `link set ${p} master br0 up`)] },
        ts: host('10.2.0.2'),
        deb: host('10.2.0.3'),
        rs1: host('10.2.0.11'),
        rs2: host('10.2.0.12'),
        rs3: host('10.2.0.13'),
      },
      ['ts', 'deb', 'rs1', 'rs2', 'rs3'].map((n) => ['lan', n, n, 'eth0']),
    );
    await Promise.all([startServer(1), startServer(2), startServer(3), tsOk(site.ns('ts'), ['-R'], RULES)]);
    expect(ipvsadm(site.ns('deb'), ['-R'], RULES).status).toBe(0);
    step('topology, real servers and the starting tables up');
  }, 300_000);

  afterAll(() => site.destroy());

  it('start: ldirectord takes the table over through tsipvsadm; tsipvsadm lists it as ipvsadm does', async () => {
    ld.ts = startLdirectord('ts');
    ld.deb = startLdirectord('deb');
    await Promise.all([checkedAgain(ld.ts, 'ldirectord with tsipvsadm started'), checkedAgain(ld.deb, 'ldirectord with ipvsadm started')]);
    const table = await settled('both ldirectords running', has(...INITIAL));
    console.log(`the table under ldirectord with tsipvsadm:\n${table}`);
    const [th] = await agreeAll(site.ns('ts'), [['-L', '-n', '--thresholds'], ['-L', '-n']]);
    expect(th).toMatch(/-> 10\.2\.0\.11:80 +100 +10 /);
    expect(ld.ts.output.join('\n')).toMatch(new RegExp(`/sbin/ipvsadm -> ${TSIPVSADM_BIN}`));
    const made = calls(ld.ts).made.map((c) => c.trim());
    expect(made).toContain(`/sbin/ipvsadm -E -t ${VIP}:80 -s wrr -p 300`);
    expect(made.every((c) => c.startsWith('/sbin/ipvsadm '))).toBe(true);
  }, 300_000);

  it('a config reload (SIGHUP, what `ldirectord reload` sends) changes a weight', async () => {
    const cf = readFileSync(CONFIG, 'latin1');
    writeFileSync(CONFIG, cf.replace('real=10.2.0.11:80 gate 2', 'real=10.2.0.11:80 gate 5'));
    ld.ts!.child.kill('SIGHUP');
    ld.deb!.child.kill('SIGHUP');
    await settled('the reloaded configuration', has(`-a -t ${VIP}:80 -r 10.2.0.11:80 -g -w 5`, `-a -t ${VIP}:80 -r 10.2.0.12:80 -g -w 1`));
  }, 300_000);

  it('HTTP checks: failed servers quiesced (weight 0), then the fallback; a server back is restored and the fallback removed', async () => {
    servers.rs1.kill();
    servers.rs2.kill();
    const down = await settled('both servers quiesced, the fallback in',
      has(`-a -t ${VIP}:80 -r 10.2.0.11:80 -g -w 0`, `-a -t ${VIP}:80 -r 10.2.0.12:80 -g -w 0`, `-a -t ${VIP}:80 -r 10.2.0.13:80 -g -w 1`));
    console.log(`every real server failed:\n${down}`);
    await startServer(1);
    await settled('rs1 restored, the fallback removed',
      all(has(`-a -t ${VIP}:80 -r 10.2.0.11:80 -g -w 5`, `-a -t ${VIP}:80 -r 10.2.0.12:80 -g -w 0`), lacks('10.2.0.13')));
  }, 300_000);

  it('stop (SIGTERM, what `ldirectord stop` sends): both tables emptied; no ipvsadm call failed', async () => {
    ld.ts!.child.kill('SIGTERM');
    ld.deb!.child.kill('SIGTERM');
    await Promise.all([ld.ts!.exited, ld.deb!.exited]);
    await settled('both tables empty after stop', (s) => s === '');
    const ts = calls(ld.ts!);
    const deb = calls(ld.deb!);
    console.log(`ldirectord made ${ts.made.length} ipvsadm calls with tsipvsadm (${ts.failed.length} failed), ` +
      `${deb.made.length} with Debian ipvsadm (${deb.failed.length} failed):\n${ts.made.join('\n')}`);
    expect(ts.failed).toEqual([]);
    expect(deb.failed).toEqual([]);
    // The same changes were asked of both (the order may differ: the checks ran independently).
    expect([...new Set(ts.made)].sort()).toEqual([...new Set(deb.made)].sort());
  }, 300_000);
});
