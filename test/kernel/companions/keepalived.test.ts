// keepalived (Debian's package, unmodified) on two directors, with examples/keepalived.conf as it
// stands: VRRP fail-over of the VIPs, lvs_sync_daemon tied to the VRRP instance, and virtual
// servers (NAT with weights and thresholds, DR persistent with granularity, fwmark, IPv6, UDP,
// a sorry server, HTTP and TCP checks against real servers in namespaces). keepalived programs
// IPVS itself over netlink; tsipvsadm must list what it built as Debian's ipvsadm does, see the
// health checks' changes, and show the backup's synchronised connections after a fail-over.
//
//   client (kav-cl)          directors (kav-d1, kav-d2)            real servers (kav-rsN)
//   br0 10.1.0.2/24  ─ veth ─ eth0 10.1.0.11 / .12   eth1 10.2.0.2 / .3 ─ veth ─ br0 (kav-lan) ─ eth0 10.2.0.1N
//       fd00:1::2/64           VIPs on the master: 10.1.0.100, fd00:1::100 (eth0); 10.2.0.1, fd00:2::1 (eth1)

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipvsadm, type LineProc, tsipvsadm, tsOk } from '../traffic/topology';
import { agreeAll, connKey, debianSave, EXAMPLES, type NsSpec, procConns, Site, step, until } from './site';

const site = new Site('kav');
const VIP = '10.1.0.100';
const CLIENT = '10.1.0.2';
const RUN = '/tmp/kav';
const servers: Record<string, LineProc> = {};

const director = (n: number): NsSpec => ({
  sysctl: {
    'ipv4/ip_forward': 1,
    'ipv6/conf/all/forwarding': 1,
    'ipv4/conf/all/rp_filter': 0,
    'ipv4/conf/default/rp_filter': 0,
    // DR replies come back through the master with the VIP as source
    'ipv4/conf/all/accept_local': 1,
  },
  ip: [
    `addr add 10.1.0.${10 + n}/24 dev eth0`,
    `addr add fd00:1::${10 + n}/64 dev eth0 nodad`,
    'link set eth0 up',
    `addr add 10.2.0.${1 + n}/24 dev eth1`,
    `addr add fd00:2::${1 + n}/64 dev eth1 nodad`,
    'link set eth1 up',
  ],
});

const realServer = (n: number): NsSpec => ({
  sysctl: { 'ipv4/conf/all/arp_ignore': 1, 'ipv4/conf/all/arp_announce': 2, 'ipv4/conf/all/rp_filter': 0 },
  ip: [
    `addr add 10.2.0.${10 + n}/24 dev eth0`,
    `addr add fd00:2::${10 + n}/64 dev eth0 nodad`,
    'link set eth0 up',
    'route add default via 10.2.0.1',
    'route add default via fd00:2::1',
    `addr add ${VIP}/32 dev lo`, // for the DR and fwmark services
  ],
});

const bridge = (ports: string[]) => [
  'link add br0 type bridge mcast_snooping 0',
  'link set br0 up',
  ...ports.map((p) => `link set ${p} master br0 up`),
];

function startKeepalived(d: string): LineProc {
  return site.spawn(d, [
    // (no --log-console: keepalived writes that to the guest's console; states are read from the VIPs)
    'keepalived', '--dont-fork', '--config-id', d,
    '-f', join(EXAMPLES, 'keepalived.conf'),
    '-p', `${RUN}/${d}.pid`, '-r', `${RUN}/${d}-vrrp.pid`, '-c', `${RUN}/${d}-checkers.pid`,
  ]);
}

async function startServer(n: number): Promise<void> {
  const name = `rs${n}`;
  servers[name] = await site.serve(name, name, n === 3 ? { tcp: [8080] } : { tcp: [8080, 9000], udp: [5353], http: [8081] });
}

/** The director keepalived made VRRP master (d1 until the fail-over test, d2 after it). */
let master = 'd1';
const saveMaster = () => debianSave(site.ns(master));
/** Whether a director holds the VIP on eth0 (the VRRP master does). */
const holdsVip = (d: string) => site.exec(d, ['ip', '-4', 'addr', 'show', 'eth0']).includes(`${VIP}/24`);

/**
 * keepalived starts the backup's sync daemon on its own schedule: wait for it, and when it never
 * comes, say what the directors hold (VIPs, daemons, keepalived processes) so a failure explains
 * itself.
 */
async function backupDaemon(): Promise<string> {
  try {
    return await until("the backup's sync daemon", () => {
      const text = ipvsadm(site.ns('d2'), ['-L', '--daemon']).stdout;
      return /^backup sync daemon/m.test(text) ? text : false;
    }, 60_000);
  } catch (err) {
    for (const d of ['d1', 'd2']) {
      console.log(`${d}: holds the VIP: ${holdsVip(d)}; -L --daemon: ${JSON.stringify(ipvsadm(site.ns(d), ['-L', '--daemon']).stdout)}`);
    }
    console.log(`keepalived processes:\n${site.exec('d1', ['ps', '-eo', 'pid,ppid,stat,etime,args']).split('\n').filter((l) => /keepalived/.test(l)).join('\n')}`);
    throw err;
  }
}


describe('keepalived builds IPVS, tsipvsadm lists it', () => {
  beforeAll(async () => {
    mkdirSync(RUN, { recursive: true });
    site.build(
      {
        cl: { ip: [...bridge(['p1', 'p2']), `addr add ${CLIENT}/24 dev br0`, 'addr add fd00:1::2/64 dev br0 nodad'] },
        lan: { ip: bridge(['d1', 'd2', 'rs1', 'rs2', 'rs3']) },
        d1: director(1),
        d2: director(2),
        rs1: realServer(1),
        rs2: realServer(2),
        rs3: realServer(3),
      },
      [
        ['cl', 'p1', 'd1', 'eth0'],
        ['cl', 'p2', 'd2', 'eth0'],
        ['lan', 'd1', 'd1', 'eth1'],
        ['lan', 'd2', 'd2', 'eth1'],
        ['lan', 'rs1', 'rs1', 'eth0'],
        ['lan', 'rs2', 'rs2', 'eth0'],
        ['lan', 'rs3', 'rs3', 'eth0'],
      ],
    );
    await Promise.all([1, 2, 3].map(startServer));
    step('topology and real servers up');
    startKeepalived('d1');
    startKeepalived('d2');
    await until('d1 to become the VRRP master', () => holdsVip('d1'), 90_000);
    // Both directors carry the whole configuration (a backup must be ready to take over).
    for (const d of ['d1', 'd2']) {
      step(`waiting for keepalived's table in ${d}`);
      await until(`keepalived's table in ${d}`, () => debianSave(site.ns(d)).split('\n').filter(Boolean).length === 15, 60_000);
    }
  }, 300_000);

  afterAll(() => site.destroy());

  it('the table keepalived built, listed byte-identically to ipvsadm', async () => {
    const [web, dr, web6, dns] = await site.clients('cl', [
      { proto: 'tcp', host: VIP, port: 80, count: 6 },
      { proto: 'tcp', host: VIP, port: 9000, count: 3 },
      { proto: 'tcp', host: 'fd00:1::100', port: 80, count: 4 },
      { proto: 'udp', host: VIP, port: 53, count: 4 },
    ]);
    step('client traffic done');
    for (const j of [web, dr, web6, dns]) expect(j.answers.filter((a) => a.startsWith('ERR'))).toEqual([]);
    // wrr 2:1 over NAT; persistence keeps the client on one server under DR (answers from the VIP)
    expect(new Set(web.answers.map((a) => a.split(' ')[0]))).toEqual(new Set(['rs1', 'rs2']));
    expect(new Set(dr.answers)).toHaveProperty('size', 1);
    expect(dr.answers[0]).toMatch(new RegExp(`^rs[12] ${VIP.replace(/\./g, '\\.')}$`));

    const save = saveMaster();
    console.log(`keepalived's table (ipvsadm -S -n in the master):\n${save}`);
    for (const line of [
      `-A -t ${VIP}:80 -s wrr`,
      `-a -t ${VIP}:80 -r 10.2.0.11:8080 -m -w 2`,
      `-A -t ${VIP}:9000 -s rr -p 120 -M 255.255.255.0`,
      `-a -t ${VIP}:9000 -r 10.2.0.12:9000 -g -w 1`,
      '-A -f 7 -s wlc',
      '-A -t [fd00:1::100]:80 -s rr',
      `-A -u ${VIP}:53 -s rr`,
    ]) {
      expect(save.split('\n')).toContain(line);
    }
    // One connection stays open through the listings: the batch's closed already, and a
    // connection closed by a reset stays in IPVS's table for 10 s only (CLOSE), less than a loaded
    // guest may take to get here. keepalived starts the backup's sync daemon on its own schedule.
    const open = await site.hold('cl', VIP, 80);
    await backupDaemon();
    // The listings run side by side (each tsipvsadm is a node start of seconds in the guest).
    const listings = [['-L', '-n'], ['-S', '-n'], ['-L', '-n', '--stats'], ['-L', '-n', '--thresholds'], ['-L', '-n', '--persistent-conn'], ['-L', '--daemon'], ['-L', '-n', '-c']];
    const [ours, [backupDaemons]] = await Promise.all([agreeAll(site.ns('d1'), listings), agreeAll(site.ns('d2'), [['-L', '--daemon']])]);
    const conns = ours[6];
    open.proc.kill();
    step(`tsipvsadm ${listings.map((a) => a.join(' ')).join(', ')} in the master and -L --daemon in the backup print what ipvsadm prints`);
    expect(ours[3]).toMatch(/-> 10\.2\.0\.11:8080 +200 +20 /);
    expect(conns).toMatch(/^TCP .* 10\.1\.0\.2:\d+ +10\.1\.0\.100:80 +10\.2\.0\.1[12]:8080$/m);
    expect(conns).toMatch(/^UDP .* 10\.1\.0\.2:\d+ +10\.1\.0\.100:53 +10\.2\.0\.1[12]:5353$/m);
    // the persistence template of the /24 (client port 0, masked to 10.1.0.0; ASSURED once used)
    expect(conns).toMatch(/^TCP .* (NONE|ASSURED) +10\.1\.0\.0:0 +10\.1\.0\.100:9000 +10\.2\.0\.1[12]:9000$/m);
    expect(ours[5]).toMatch(/^master sync daemon \(mcast=eth1, syncid=51,/m);
    expect(backupDaemons).toMatch(/^backup sync daemon \(mcast=eth1, syncid=51,/m);
    expect(backupDaemons).not.toMatch(/^master/m);
  }, 300_000);

  it("fail-over: the backup takes the VIPs, holds the master's connections, a held connection goes on", async () => {
    const d1 = site.ns('d1');
    const d2 = site.ns('d2');
    // Negative control for the sync: a connection made while the backup's daemon is stopped.
    const daemon = await backupDaemon();
    const m = /backup sync daemon \(mcast=(\S+), syncid=(\d+), maxlen=(\d+), group=(\S+), port=(\d+), ttl=(\d+)\)/.exec(daemon);
    expect(m, daemon).not.toBeNull();
    await tsOk(d2, ['--stop-daemon', 'backup']);
    step('backup daemon stopped');
    const unsynced = await site.hold('cl', VIP, 80);
    expect(unsynced.server).toMatch(/^rs[12]$/);
    // The master queues a connection's sync message and sends it within about 3 s
    // (IPVS_SYNC_FLUSH_TIME 2 s, checked every second): let it go while the backup is not listening.
    await new Promise((r) => setTimeout(r, 3500));
    await tsOk(d2, ['--start-daemon', 'backup', '--mcast-interface', m![1], '--syncid', m![2], '--sync-maxlen', m![3],
      '--mcast-group', m![4], '--mcast-port', m![5], '--mcast-ttl', m![6]]);
    expect(ipvsadm(d2, ['-L', '--daemon']).stdout).toBe(daemon);

    step('backup daemon started again');
    const held = await site.hold('cl', VIP, 80);
    const heldKey = connKey('TCP', CLIENT, held.localPort, VIP, 80);
    const t0 = Date.now();
    await until("the held connection in the backup's table", () => procConns(d2).includes(heldKey), 30_000);
    console.log(`sync: the held connection reached the backup after ${Date.now() - t0} ms`);
    expect(procConns(d1)).toContain(connKey('TCP', CLIENT, unsynced.localPort, VIP, 80));
    expect(procConns(d2)).not.toContain(connKey('TCP', CLIENT, unsynced.localPort, VIP, 80));
    // Before the fail-over the backup does not hold the VIP.
    expect(holdsVip('d2')).toBe(false);

    // The master dies: its links go down (keepalived there never says goodbye).
    const probe = site.spawn('cl', ['node', join(__dirname, '../traffic/peer.mjs'), 'probe', VIP, '80', '100', '500']);
    await probe.next(/^OK /, 30_000);
    const down = Date.now();
    site.exec('d1', ['ip', 'link', 'set', 'eth0', 'down']);
    site.exec('d1', ['ip', 'link', 'set', 'eth1', 'down']);
    await until('d2 to take the VIP', () => holdsVip('d2'), 60_000, 50);
    const tookVip = Date.now() - down;
    master = 'd2';
    let answered = 0;
    await until('a new connection through the backup', async () => {
      const ok = await probe.next(/^OK (\d+) (\d+) /, 30_000);
      if (Number(ok[1]) > down) answered = Number(ok[2]) - down;
      return answered > 0;
    }, 30_000, 0);
    probe.kill();
    console.log(`fail-over: backup holds the VIP ${tookVip} ms after the master's links went down; first new connection answered through it after ${answered} ms`);

    // The held connection goes on, to the same real server; the unsynchronised one is reset.
    const again = await held.ping();
    expect(again.split(' ')[0]).toBe(held.server);
    expect(await unsynced.ping()).toMatch(/^ERROR/);

    const list = (await tsipvsadm(d2, ['-L', '-n', '-c'])).stdout;
    const rows = list.split('\n').slice(2).filter(Boolean);
    const heldRow = rows.find((r) => r.includes(`${CLIENT}:${held.localPort} `));
    console.log(`backup's tsipvsadm -L -n -c after the fail-over: ${rows.length} entries learnt from the master, among them\n${heldRow}`);
    expect(list).toMatch(new RegExp(`^TCP \\d\\d:\\d\\d  ESTABLISHED ${CLIENT}:${held.localPort} +${VIP}:80 +10\\.2\\.0\\.1[12]:8080$`, 'm'));
  }, 300_000);

  it('health checks in the new master: a stopped server leaves (weight 0 under inhibit_on_failure); none left: the sorry server', async () => {
    const t0 = Date.now();
    servers.rs2.kill();
    await until('rs2 removed from :80 and inhibited in :53', () => {
      const s = saveMaster();
      return !s.includes(`-r 10.2.0.12:8080`) && s.includes(`-a -u ${VIP}:53 -r 10.2.0.12:5353 -m -w 0`);
    }, 60_000, 300, saveMaster);
    console.log(`rs2 stopped: keepalived removed/inhibited it after ${Date.now() - t0} ms`);
    // (tsipvsadm's -L -n is compared with ipvsadm's below, with the sorry server in)
    const list = ipvsadm(site.ns(master), ['-L', '-n']).stdout;
    expect(list).toContain('  -> 10.2.0.11:8080               Masq    2');
    expect(list).not.toContain('10.2.0.12:8080');
    expect(list).toContain('  -> 10.2.0.12:5353               Masq    0');
    expect(list).toContain('  -> 10.2.0.11:5353               Masq    1');

    const t1 = Date.now();
    servers.rs1.kill();
    await until('the sorry server in :80', () => saveMaster().includes(`-a -t ${VIP}:80 -r 10.2.0.13:8080 -m -w 1`), 60_000, 300, saveMaster);
    console.log(`rs1 stopped too: the sorry server came in after ${Date.now() - t1} ms`);
    const sorry = (await agreeAll(site.ns(master), [['-L', '-n']]))[0];
    expect(sorry).toMatch(new RegExp(`TCP  ${VIP}:80 wrr\\n  -> 10\\.2\\.0\\.13:8080 +Masq +1 `));
    const [res] = await site.clients('cl', [{ proto: 'tcp', host: VIP, port: 80, count: 2 }]);
    expect(res.answers.map((a) => a.split(' ')[0])).toEqual(['rs3', 'rs3']);
  }, 300_000);
});
