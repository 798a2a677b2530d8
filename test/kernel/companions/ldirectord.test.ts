// ldirectord (Debian's package, unmodified) with tsipvsadm in the place of ipvsadm, next to a
// second ldirectord with Debian's ipvsadm, both on examples/ldirectord.cf and checking the same
// real servers. In the first director's mount namespace /usr/sbin/ipvsadm (= /sbin/ipvsadm, the
// path ldirectord runs) is a symlink to bin/tsipvsadm, through a read-only overlay that only that
// process tree sees; nothing is patched. ldirectord runs in debug mode (-d: foreground, every
// ipvsadm call logged). After every event both directors' tables must be the same, and no
// ipvsadm call may have failed.
//
//   director ldr-ts (tsipvsadm) eth0 10.2.0.2 ─┐
//   director ldr-deb (ipvsadm)  eth0 10.2.0.3 ─┼─ br0 (ldr-lan) ─ rs1 10.2.0.11, rs2 .12, rs3 .13 (fallback)

import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agree, type LineProc, TSIPVSADM_BIN } from '../traffic/topology';
import { debianSave, EXAMPLES, type NsSpec, Site, step, until } from './site';
import { COMPANIONS } from './site';

const site = new Site('ldr');
const RUN = '/tmp/ldr';
const CONFIG = join(RUN, 'ldirectord.cf');
const VIP = '10.1.0.100';
const servers: Record<string, LineProc> = {};
const ld: Record<'ts' | 'deb', LineProc | undefined> = { ts: undefined, deb: undefined };

const host = (addr: string): NsSpec => ({ ip: [`addr add ${addr}/24 dev eth0`, 'link set eth0 up'] });

async function startServer(n: number): Promise<void> {
  servers[`rs${n}`] = await site.serve(`rs${n}`, `rs${n}`, { http: [80, 8080] });
}

function startLdirectord(d: 'ts' | 'deb'): LineProc {
  const start = `exec ldirectord -d ${CONFIG} start`;
  // ldr-ts: /usr/sbin/ipvsadm is the symlink to tsipvsadm in this process tree only
  const script = d === 'ts' ? `mount -t overlay overlay -o lowerdir=${RUN}/sbin:/usr/sbin /usr/sbin && ls -l /sbin/ipvsadm && ${start}` : start;
  return site.spawn(d, ['sh', '-c', script]);
}

/** Both directors' tables (read by Debian's ipvsadm) once both satisfy `ok`; they must be equal. */
async function settled(what: string, ok: (save: string) => boolean): Promise<string> {
  const t0 = Date.now();
  const [ts, deb] = await until(what, () => {
    const pair = [debianSave(site.ns('ts')), debianSave(site.ns('deb'))];
    return pair.every(ok) && pair;
  }, 90_000, 300);
  step(`${what}: ${Date.now() - t0} ms`);
  expect(ts).toBe(deb);
  // ...and tsipvsadm lists the tsipvsadm-built table as ipvsadm does
  await agree(site.ns('ts'), ['-S', '-n']);
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


const INITIAL = [
  `-A -t ${VIP}:80 -s wrr`,
  `-a -t ${VIP}:80 -r 10.2.0.11:80 -g -w 2`,
  `-a -t ${VIP}:80 -r 10.2.0.12:80 -g -w 1`,
  `-A -t ${VIP}:8080 -s wlc -p 300`,
  `-a -t ${VIP}:8080 -r 10.2.0.11:8080 -m -w 1`,
  `-a -t ${VIP}:8080 -r 10.2.0.12:8080 -m -w 1`,
];

describe.skipIf(!COMPANIONS)('ldirectord runs tsipvsadm in the place of ipvsadm', () => {
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
    await Promise.all([1, 2, 3].map(startServer));
    step('topology and real servers up');
  }, 300_000);

  afterAll(() => site.destroy());

  it('start: the same table as with Debian ipvsadm; tsipvsadm is what ldirectord runs', async () => {
    ld.ts = startLdirectord('ts');
    ld.deb = startLdirectord('deb');
    const table = await settled('both ldirectords built their tables', has(...INITIAL));
    console.log(`the table ldirectord built with tsipvsadm:\n${table}`);
    // -S does not carry thresholds; --thresholds does (ldirectord reads it back, too)
    const th = (await agree(site.ns('ts'), ['-L', '-n', '--thresholds'])).ours.stdout;
    expect(th).toMatch(/-> 10\.2\.0\.11:8080 +100 +10 /);
    expect(ld.ts.output.join('\n')).toMatch(new RegExp(`/sbin/ipvsadm -> ${TSIPVSADM_BIN}`));
    expect(calls(ld.ts).made.length).toBeGreaterThanOrEqual(6);
    expect(calls(ld.ts).made.every((c) => c.startsWith('/sbin/ipvsadm '))).toBe(true);
  }, 300_000);

  it('HTTP checks remove a failed server, quiesce it where quiescent=yes, add it back', async () => {
    servers.rs2.kill();
    await settled('rs2 out of :80, weight 0 in :8080',
      all(lacks('-r 10.2.0.12:80 '), has(`-a -t ${VIP}:8080 -r 10.2.0.12:8080 -m -w 0`, `-a -t ${VIP}:80 -r 10.2.0.11:80 -g -w 2`)));
    const list = (await agree(site.ns('ts'), ['-L', '-n'])).ours.stdout;
    expect(list).toContain('  -> 10.2.0.12:8080               Masq    0');
    await startServer(2);
    await settled('rs2 back', has(...INITIAL));
  }, 300_000);

  it('the fallback server when every real server failed, gone when one is back', async () => {
    servers.rs1.kill();
    servers.rs2.kill();
    const fallback = await settled('the fallback in :80',
      all(has(`-a -t ${VIP}:80 -r 10.2.0.13:80 -g -w 1`), lacks('-r 10.2.0.11:80 ', '-r 10.2.0.12:80 ')));
    expect(fallback).toContain(`-a -t ${VIP}:8080 -r 10.2.0.11:8080 -m -w 0`);
    await Promise.all([startServer(1), startServer(2)]);
    await settled('real servers back, the fallback gone', all(has(...INITIAL), lacks('10.2.0.13')));
  }, 300_000);

  it('a config reload (SIGHUP, what `ldirectord reload` sends) changes weights and adds a service', async () => {
    const cf = readFileSync(CONFIG, 'latin1')
      .replace('real=10.2.0.11:80 gate 2', 'real=10.2.0.11:80 gate 5')
      .concat(`\nvirtual=10.1.0.101:80\n\treal=10.2.0.12:80 gate 3\n\tservice=http\n\tscheduler=sh\n\tchecktype=negotiate\n\trequest="health"\n\treceive="^rs"\n`);
    writeFileSync(CONFIG, cf);
    ld.ts!.child.kill('SIGHUP');
    ld.deb!.child.kill('SIGHUP');
    await settled('the reloaded configuration',
      has(`-a -t ${VIP}:80 -r 10.2.0.11:80 -g -w 5`, '-A -t 10.1.0.101:80 -s sh', '-a -t 10.1.0.101:80 -r 10.2.0.12:80 -g -w 3'));
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
