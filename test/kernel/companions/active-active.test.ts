// Active-active directors: a router spreads the VIP's flows over three directors with an ECMP
// multipath route (L4 hash); each director loads the same rules (examples/active-active.rules,
// Maglev hashing `mh` with the port in the hash, direct routing) with tsipvsadm through
// examples/active-active.sh, and runs master and backup sync daemons. Shown: new flows spread
// over the directors, the real servers' load follows their weights, a flow moved to another
// director reaches the same real server (consistent hashing; control: rr does not), and a held
// TCP connection whose director leaves the route goes on (sync; control: without sync it is reset).
//
//   client (aa-cl)              router (aa-rt)                     LAN br0 (aa-lan)
//   eth0 10.3.0.2-.4  ─ veth ─  eth0 10.3.0.1   eth1 10.2.0.1  ─┬─ d1 10.2.0.2, d2 .3, d3 .4 (VIP on lo)
//                               10.1.0.100 via .2/.3/.4 (ECMP)  └─ rs1 10.2.0.11 (w3), rs2 .12 (w2), rs3 .13 (w1), VIP on lo
// The real servers answer the client through the router directly (DR).

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agree, nsRunAsync, TSIPVSADM_BIN, tsipvsadm } from '../traffic/topology';
import { connKey, EXAMPLES, HeldConn, type NsSpec, procConns, Site, step, until } from './site';
import { COMPANIONS } from './site';

const site = new Site('aa');
const VIP = '10.1.0.100';
// not in the VIP's subnet: the client must send VIP traffic to the router, not ARP for it
const CLIENTS = ['10.3.0.2', '10.3.0.3', '10.3.0.4'];
const DIRECTORS = ['d1', 'd2', 'd3'];
const DIRECTOR_IP: Record<string, string> = { d1: '10.2.0.2', d2: '10.2.0.3', d3: '10.2.0.4' };
const WEIGHTS: Record<string, number> = { rs1: 3, rs2: 2, rs3: 1 };
const SCRIPT = join(EXAMPLES, 'active-active.sh');
const RULES = join(EXAMPLES, 'active-active.rules');

/** examples/active-active.sh in a namespace, with tsipvsadm as its TSIPVSADM. */
async function script(short: string, args: string[]): Promise<void> {
  const r = await nsRunAsync(site.ns(short), ['env', `TSIPVSADM=${TSIPVSADM_BIN}`, 'sh', SCRIPT, ...args]);
  if (r.status !== 0) throw new Error(`active-active.sh ${args.join(' ')} in ${short} failed (${r.status}): ${r.stdout}${r.stderr}`);
}
const onDirectors = (args: string[]) => Promise.all(DIRECTORS.map((d) => script(d, args)));
const route = (directors: string[]) => script('rt', ['router', ...directors.map((d) => DIRECTOR_IP[d])]);

/** The director the router sends each flow to (the kernel's own multipath choice, `ip route get`). */
function owners(proto: 'tcp' | 'udp', flows: { from: string; port: number }[], dport: number): string[] {
  const lines = flows.map((f) => `route get ${VIP} from ${f.from} iif eth0 ipproto ${proto} sport ${f.port} dport ${dport}`);
  const out = site.exec('rt', ['ip', '-batch', '-'], lines.join('\n') + '\n').split('\n').filter((l) => l.startsWith(VIP));
  if (out.length !== flows.length) throw new Error(`ip route get: ${out.join('\n')}`);
  return out.map((l) => {
    const via = /via (\S+)/.exec(l)?.[1];
    const d = DIRECTORS.find((x) => DIRECTOR_IP[x] === via);
    if (!d) throw new Error(`no director in: ${l}`);
    return d;
  });
}

/** UDP flows from fixed source ports; the real server that answered each. */
async function udpRound(portBase: number, count: number): Promise<string[]> {
  const [r] = await site.clients('cl', [{ proto: 'udp', host: VIP, port: 53, count, from: [CLIENTS[0]], sourcePortBase: portBase, parallel: 8 }]);
  expect(r.answers.filter((a) => a.startsWith('ERR'))).toEqual([]);
  return r.answers.map((a) => a.split(' ')[0]);
}

const realServer = (n: number): NsSpec => ({
  sysctl: { 'ipv4/conf/all/arp_ignore': 1, 'ipv4/conf/all/arp_announce': 2, 'ipv4/conf/all/rp_filter': 0 },
  ip: [`addr add 10.2.0.${10 + n}/24 dev eth0`, 'link set eth0 up', 'route add default via 10.2.0.1', `addr add ${VIP}/32 dev lo`],
});
const director = (d: string): NsSpec => ({
  sysctl: { 'ipv4/conf/all/rp_filter': 0 },
  ip: [`addr add ${DIRECTOR_IP[d]}/24 dev eth0`, 'link set eth0 up', 'route add default via 10.2.0.1'],
});


describe.skipIf(!COMPANIONS)('active-active directors behind ECMP, mh scheduler, sync daemons', () => {
  beforeAll(async () => {
    const lanPorts = ['rt', ...DIRECTORS, 'rs1', 'rs2', 'rs3'];
    site.build(
      {
        cl: { ip: [...CLIENTS.map((a) => `addr add ${a}/24 dev eth0`), 'link set eth0 up', 'route add default via 10.3.0.1'] },
        rt: {
          sysctl: { 'ipv4/ip_forward': 1, 'ipv4/conf/all/rp_filter': 0, 'ipv4/conf/default/rp_filter': 0 },
          ip: ['addr add 10.3.0.1/24 dev eth0', 'link set eth0 up', 'addr add 10.2.0.1/24 dev eth1', 'link set eth1 up'],
        },
        lan: { ip: ['link add br0 type bridge mcast_snooping 0', 'link set br0 up', ...lanPorts.map((p) => `link set ${p} master br0 up`)] },
        d1: director('d1'),
        d2: director('d2'),
        d3: director('d3'),
        rs1: realServer(1),
        rs2: realServer(2),
        rs3: realServer(3),
      },
      [['cl', 'eth0', 'rt', 'eth0'], ...lanPorts.map((p): [string, string, string, string] => [p, p === 'rt' ? 'eth1' : 'eth0', 'lan', p])],
    );
    await Promise.all([
      ...['rs1', 'rs2', 'rs3'].map((r) => site.serve(r, r, { tcp: [80], udp: [53] })),
      onDirectors(['director', RULES]),
      route(DIRECTORS),
    ]);
    step('topology, real servers, directors and route up');
  }, 300_000);

  afterAll(() => site.destroy());

  it('every director loaded the same rules; new flows spread over the directors; load follows the weights', async () => {
    for (const d of DIRECTORS) await agree(site.ns(d), ['-S', '-n']);
    const N = 150;
    const [r] = await site.clients('cl', [{ proto: 'tcp', host: VIP, port: 80, count: N, from: CLIENTS, parallel: 6 }]);
    expect(r.answers.filter((a) => a.startsWith('ERR'))).toEqual([]);
    const perServer: Record<string, number> = { rs1: 0, rs2: 0, rs3: 0 };
    for (const a of r.answers) perServer[a.split(' ')[0]]++;
    const perDirector: Record<string, number> = {};
    await Promise.all(
      DIRECTORS.map(async (d) => {
        const out = (await tsipvsadm(site.ns(d), ['-L', '-n', '--stats', '--exact'])).stdout;
        perDirector[d] = Number(new RegExp(`^TCP  ${VIP}:80 +(\\d+) `, 'm').exec(out)?.[1]);
      }),
    );
    console.log(`${N} new TCP flows: per director ${JSON.stringify(perDirector)}, per real server ${JSON.stringify(perServer)} (weights 3:2:1)`);
    for (const d of DIRECTORS) expect(perDirector[d], d).toBeGreaterThanOrEqual(N * 0.15);
    expect(Object.values(perDirector).reduce((a, b) => a + b, 0)).toBe(N);
    for (const [rs, w] of Object.entries(WEIGHTS)) expect(Math.abs(perServer[rs] / N - w / 6), rs).toBeLessThan(0.12);
  }, 300_000);

  it('a flow moved to another director reaches the same real server (consistent hashing; rr does not)', async () => {
    const COUNT = 30;
    const movedFlows = async (portBase: number) => {
      await route(DIRECTORS);
      const flows = Array.from({ length: COUNT }, (_, i) => ({ from: CLIENTS[0], port: portBase + i }));
      const before = owners('udp', flows, 53);
      const first = await udpRound(portBase, COUNT);
      // the prediction is the kernel's: each flow's connection is in its director's table only
      flows.forEach((f, i) => {
        for (const d of DIRECTORS) expect(procConns(site.ns(d)).includes(connKey('UDP', f.from, f.port, VIP, 53)), `${f.port} on ${d}`).toBe(d === before[i]);
      });
      await route(['d1', 'd2']); // d3 leaves
      const after = owners('udp', flows, 53);
      const second = await udpRound(portBase, COUNT);
      const moved = flows.map((_, i) => i).filter((i) => before[i] !== after[i]);
      const kept = moved.filter((i) => first[i] === second[i]);
      return { moved: moved.length, kept: kept.length, unmovedSame: flows.every((_, i) => moved.includes(i) || first[i] === second[i]) };
    };
    const mh = await movedFlows(40000);
    console.log(`mh: ${mh.moved} of ${COUNT} UDP flows moved to another director, ${mh.kept} kept their real server`);
    expect(mh.moved).toBeGreaterThan(0);
    expect(mh.kept).toBe(mh.moved);
    expect(mh.unmovedSame).toBe(true);

    // Negative control: a scheduler without consistent hashing
    await Promise.all(DIRECTORS.map((d) => tsipvsadm(site.ns(d), ['-E', '-u', `${VIP}:53`, '-s', 'rr'])));
    const rr = await movedFlows(41000);
    console.log(`rr (control): ${rr.moved} of ${COUNT} UDP flows moved, ${rr.kept} kept their real server`);
    expect(rr.moved).toBeGreaterThan(0);
    expect(rr.kept).toBeLessThan(rr.moved);
    await Promise.all(DIRECTORS.map((d) => tsipvsadm(site.ns(d), ['-E', '-u', `${VIP}:53`, '-s', 'mh', '-b', 'mh-port'])));
    await route(DIRECTORS);
  }, 300_000);

  /** Hold TCP flows, take the director holding most of them out of the route, ping them all. */
  async function moveHeld(synced: boolean): Promise<{ moved: number; answered: number; same: number }> {
    await route(DIRECTORS);
    const held: HeldConn[] = await Promise.all(Array.from({ length: 6 }, (_, i) => site.hold('cl', VIP, 80, CLIENTS[i % 3])));
    for (const h of held) expect(await h.ping()).toMatch(/^rs\d/);
    const flows = held.map((h) => ({ from: h.localAddress, port: h.localPort }));
    if (synced) {
      const t0 = Date.now();
      await until('every held connection in every director', () =>
        DIRECTORS.every((d) => { const t = procConns(site.ns(d)); return flows.every((f) => t.includes(connKey('TCP', f.from, f.port, VIP, 80))); }), 30_000);
      step(`sync: the held connections reached all directors after ${Date.now() - t0} ms`);
    }
    const before = owners('tcp', flows, 80);
    const victim = DIRECTORS.map((d) => ({ d, n: before.filter((o) => o === d).length })).sort((a, b) => b.n - a.n)[0].d;
    await route(DIRECTORS.filter((d) => d !== victim));
    const after = owners('tcp', flows, 80);
    const moved = flows.map((_, i) => i).filter((i) => before[i] !== after[i]);
    const answers = await Promise.all(held.map((h) => h.ping()));
    const answered = moved.filter((i) => !answers[i].startsWith('ERROR'));
    const same = moved.filter((i) => answers[i].split(' ')[0] === held[i].server);
    // flows that stayed on their director go on either way
    flows.forEach((_, i) => { if (!moved.includes(i)) expect(answers[i].split(' ')[0]).toBe(held[i].server); });
    console.log(`${synced ? 'sync on' : 'sync off (control)'}: ${victim} left the route; ${moved.length} of ${held.length} held flows moved, ` +
      `${answered.length} answered (${same.length} by their real server): ${moved.map((i) => answers[i]).join(', ')}`);
    for (const h of held) h.proc.kill();
    return { moved: moved.length, answered: answered.length, same: same.length };
  }

  it("held connections go on when their director leaves the route (sync; without it they are reset)", async () => {
    await onDirectors(['sync', 'eth0', '60']);
    const daemons = (await agree(site.ns('d1'), ['-L', '--daemon'])).ours.stdout;
    expect(daemons).toMatch(/^master sync daemon \(mcast=eth0, syncid=60,.*\nbackup sync daemon \(mcast=eth0, syncid=60,/);
    const on = await moveHeld(true);
    expect(on.moved).toBeGreaterThan(0);
    expect(on.same).toBe(on.moved);

    await onDirectors(['nosync']);
    const off = await moveHeld(false);
    expect(off.moved).toBeGreaterThan(0);
    expect(off.answered).toBe(0);
  }, 300_000);
});
