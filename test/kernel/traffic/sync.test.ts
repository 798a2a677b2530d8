// Live traffic, connection synchronisation between two directors: the master and backup sync
// daemons are started with tsipvsadm in two namespaces linked by a veth pair (sync0, the
// multicast interface); connections made through the master then appear in the backup's
// connection table, as listed by tsipvsadm -Lnc there (and identical to ipvsadm's listing).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agree, agreeConns, ipvsadm, Lan, nsRun, tsOk, tsRestore } from './topology';

const lan = new Lan({ prefix: 'tsy', servers: 2, backup: true });
const { vip, rips } = lan;
const SYNCID = '42';
const daemonOpts = ['--mcast-interface', 'sync0', '--syncid', SYNCID, '--mcast-group', '239.255.7.7', '--mcast-port', '8849'];

/** The rows of /proc/net/ip_vs_conn in a namespace (cheap to poll: no node start). */
function procConns(ns: string): string {
  return nsRun(ns, ['cat', '/proc/net/ip_vs_conn']).stdout;
}

const hex4 = (ip: string) => ip.split('.').map((b) => Number(b).toString(16).padStart(2, '0')).join('').toUpperCase();
const hexPort = (p: number) => p.toString(16).padStart(4, '0').toUpperCase();

beforeAll(async () => {
  lan.build();
  await lan.serve({ tcp: [8080] });
  // The same virtual service on both directors, as a backup that may take over would have.
  const config = [`-A -t ${vip}:80 -s rr`, ...rips.map((r) => `-a -t ${vip}:80 -r ${r}:8080 -m`)];
  await tsRestore(lan.director, config);
  await tsRestore(lan.backup, config);
}, 120_000);

afterAll(() => lan.destroy());

describe('two directors, master and backup sync daemons started by tsipvsadm', () => {
  it('the daemons run, listed as ipvsadm lists them', async () => {
    await tsOk(lan.director, ['--start-daemon', 'master', ...daemonOpts]);
    await tsOk(lan.backup, ['--start-daemon', 'backup', ...daemonOpts]);
    const m = (await agree(lan.director, ['-L', '--daemon'])).ours.stdout;
    const b = (await agree(lan.backup, ['-L', '--daemon'])).ours.stdout;
    console.log(`master director: ${m}backup director: ${b}`);
    expect(m).toMatch(/^master sync daemon \(mcast=sync0, syncid=42, maxlen=\d+, group=239\.255\.7\.7, port=8849, ttl=1\)\n$/);
    expect(b).toMatch(/^backup sync daemon \(mcast=sync0, syncid=42, maxlen=\d+, group=239\.255\.7\.7, port=8849, ttl=1\)\n$/);
  });

  it("connections through the master appear in the backup's table", async () => {
    // Before: the backup knows no connection.
    expect(procConns(lan.backup).split('\n').filter(Boolean)).toHaveLength(1);
    const held = await lan.hold(vip, 80);
    await held.ping();
    const batch = await lan.client1({ proto: 'tcp', host: vip, port: 80, count: 4 });
    expect(batch.answers.filter((a) => a.startsWith('ERR'))).toEqual([]);
    const rip = rips[lan.names.indexOf(held.server)];

    // The held connection, as the kernel writes it: client, VIP, real server (hex).
    const key = `TCP ${hex4(lan.clientIp)} ${hexPort(held.localPort)} ${hex4(vip)} ${hexPort(80)} ${hex4(rip)} ${hexPort(8080)} ESTABLISHED`;
    expect(procConns(lan.director)).toContain(key);
    const t0 = Date.now();
    // The master sends its buffer when full or about every 2 s.
    while (!procConns(lan.backup).includes(key) && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 200));
    console.log(`the held connection reached the backup's table after ${Date.now() - t0} ms`);
    expect(procConns(lan.backup)).toContain(key);

    const { ours } = await agreeConns(lan.backup, ['-L', '-n', '-c']);
    console.log(`backup -Lnc:\n${ours.stdout}`);
    expect(ours.stdout).toMatch(new RegExp(`^TCP \\d\\d:\\d\\d  ESTABLISHED ${lan.clientIp}:${held.localPort} +${vip}:80 +${rip}:8080$`, 'm'));
    // The short connections of the batch were synchronised too (their closing states vary).
    const synced = ours.stdout.split('\n').filter((l) => new RegExp(`^TCP .* ${lan.clientIp}:\\d+ +${vip}:80 `).test(l));
    expect(synced.length).toBeGreaterThan(1);
    await held.close();
  });

  it('--stop-daemon on both directors', async () => {
    await tsOk(lan.director, ['--stop-daemon', 'master']);
    await tsOk(lan.backup, ['--stop-daemon', 'backup']);
    expect(ipvsadm(lan.director, ['-L', '--daemon']).stdout).toBe('');
    expect(ipvsadm(lan.backup, ['-L', '--daemon']).stdout).toBe('');
  });
});
