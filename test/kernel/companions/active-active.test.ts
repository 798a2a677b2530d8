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
//
// Which director carried a flow is read from the directors' own connection tables, never
// predicted: the router's multipath hash uses the hash the client's socket put on the packet
// (a random one per socket) when there is one, which `ip route get` cannot know.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipvsadm, nsRunAsync, TSIPVSADM_BIN } from '../traffic/topology';
import { agreeAll, connKey, EXAMPLES, type NsSpec, procConns, procConnsOrigin, Site, step, until } from './site';

const site = new Site('aa');
const VIP = '10.1.0.100';
// not in the VIP's subnet: the client must send VIP traffic to the router, not ARP for it
const CLIENTS = ['10.3.0.2', '10.3.0.3', '10.3.0.4'];
const DIRECTORS = ['d1', 'd2', 'd3'];
const DIRECTOR_IP: Record<string, string> = { d1: '10.2.0.2', d2: '10.2.0.3', d3: '10.2.0.4' };
const WEIGHTS: Record<string, number> = { rs1: 3, rs2: 2, rs3: 1 };
const SCRIPT = join(EXAMPLES, 'active-active.sh');
const RR_CONTROL = [`-A -u ${VIP}:54 -s rr`, ...[1, 2, 3].map((n) => `-a -u ${VIP}:54 -r 10.2.0.1${n}:54 -g -w ${4 - n}`)].join('\n') + '\n';
const RULES = join(EXAMPLES, 'active-active.rules');

/** examples/active-active.sh in a namespace, with tsipvsadm as its TSIPVSADM. */
async function script(short: string, args: string[]): Promise<void> {
  const r = await nsRunAsync(site.ns(short), ['env', `TSIPVSADM=${TSIPVSADM_BIN}`, 'sh', SCRIPT, ...args]);
  if (r.status !== 0) throw new Error(`active-active.sh ${args.join(' ')} in ${short} failed (${r.status}): ${r.stdout}${r.stderr}`);
}
const onDirectors = (args: string[]) => Promise.all(DIRECTORS.map((d) => script(d, args)));
const route = (directors: string[]) => script('rt', ['router', ...directors.map((d) => DIRECTOR_IP[d])]);

type Flow = { from: string; port: number };

/** For each flow, the directors whose connection tables hold it (one read of each table). */
function holders(proto: 'TCP' | 'UDP', flows: Flow[], vport: number): string[][] {
  const tables = Object.fromEntries(DIRECTORS.map((d) => [d, procConns(site.ns(d))]));
  return flows.map((f) => DIRECTORS.filter((d) => tables[d].includes(connKey(proto, f.from, f.port, VIP, vport))));
}

/**
 * For each TCP flow, the director that scheduled it: the one whose table lists it as LOCAL
 * (/proc/net/ip_vs_conn_sync; the others hold it as SYNC, learnt from the sync daemons).
 */
function schedulers(flows: Flow[], vport: number): string[] {
  const tables = Object.fromEntries(DIRECTORS.map((d) => [d, procConnsOrigin(site.ns(d)).split('\n')]));
  return flows.map((f) => {
    const key = connKey('TCP', f.from, f.port, VIP, vport);
    const local = DIRECTORS.filter((d) => tables[d].some((row) => row.startsWith(key) && / LOCAL /.test(row)));
    if (local.length !== 1) throw new Error(`${f.from}:${f.port} scheduled by ${local.length} directors:\n${DIRECTORS.map((d) => tables[d].join('\n')).join('\n')}`);
    return local[0];
  });
}

const realServer = (n: number): NsSpec => ({
  sysctl: { 'ipv4/conf/all/arp_ignore': 1, 'ipv4/conf/all/arp_announce': 2, 'ipv4/conf/all/rp_filter': 0 },
  ip: [`addr add 10.2.0.${10 + n}/24 dev eth0`, 'link set eth0 up', 'route add default via 10.2.0.1', `addr add ${VIP}/32 dev lo`],
});
const director = (d: string): NsSpec => ({
  sysctl: { 'ipv4/conf/all/rp_filter': 0 },
  ip: [`addr add ${DIRECTOR_IP[d]}/24 dev eth0`, 'link set eth0 up', 'route add default via 10.2.0.1'],
});


describe('active-active directors behind ECMP, mh scheduler, sync daemons', () => {
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
      ...['rs1', 'rs2', 'rs3'].map((r) => site.serve(r, r, { tcp: [80], udp: [53, 54] })),
      onDirectors(['director', RULES]),
      route(DIRECTORS),
    ]);
    // The consistent-hashing test's negative control: the same UDP service with rr, beside the
    // example's (added with the reference ipvsadm: it is not what is under test)
    for (const d of DIRECTORS) expect(ipvsadm(site.ns(d), ['-R'], RR_CONTROL).status).toBe(0);
    step('topology, real servers, directors and route up');
  }, 300_000);

  afterAll(() => site.destroy());

  it('every director loaded the same rules; new flows spread over the directors; load follows the weights', async () => {
    const [save] = await agreeAll(site.ns('d1'), [['-S', '-n']]);
    for (const d of ['d2', 'd3']) expect(ipvsadm(site.ns(d), ['-S', '-n']).stdout, d).toBe(save);
    const N = 150;
    const [r] = await site.clients('cl', [{ proto: 'tcp', host: VIP, port: 80, count: N, from: CLIENTS, parallel: 6 }]);
    expect(r.answers.filter((a) => a.startsWith('ERR'))).toEqual([]);
    const perServer: Record<string, number> = { rs1: 0, rs2: 0, rs3: 0 };
    for (const a of r.answers) perServer[a.split(' ')[0]]++;
    // each director's table: the TCP flows to VIP:80 it scheduled (nothing else used :80 yet)
    const vip80 = connKey('TCP', '0.0.0.0', 0, VIP, 80).slice(17); // " 0A010064 0050 "
    const perDirector = Object.fromEntries(DIRECTORS.map((d) => [d, procConns(site.ns(d)).split('\n').filter((l) => l.startsWith('TCP') && l.includes(vip80)).length]));
    console.log(`${N} new TCP flows: per director ${JSON.stringify(perDirector)}, per real server ${JSON.stringify(perServer)} (weights 3:2:1)`);
    for (const d of DIRECTORS) expect(perDirector[d], d).toBeGreaterThanOrEqual(N * 0.15);
    expect(Object.values(perDirector).reduce((a, b) => a + b, 0)).toBe(N);
    for (const [rs, w] of Object.entries(WEIGHTS)) expect(Math.abs(perServer[rs] / N - w / 6), rs).toBeLessThan(0.12);
  }, 300_000);

  it('a flow moved to another director reaches the same real server (consistent hashing; rr does not)', async () => {
    const COUNT = 30;
    // the example's mh service, and the rr control beside it: flows to both in each round
    const services = [{ name: 'mh', port: 53, base: 40000 }, { name: 'rr (control)', port: 54, base: 41000 }];
    const flowsOf = (base: number): Flow[] => Array.from({ length: COUNT }, (_, i) => ({ from: CLIENTS[0], port: base + i }));
    const round = async () => {
      const results = await site.clients('cl', services.map((v) => ({ proto: 'udp' as const, host: VIP, port: v.port, count: COUNT, from: [CLIENTS[0]], sourcePortBase: v.base, parallel: 8 })));
      for (const r of results) expect(r.answers.filter((a) => a.startsWith('ERR'))).toEqual([]);
      return results.map((r) => r.answers.map((a) => a.split(' ')[0]));
    };
    const tables = () => services.map((v) => holders('UDP', flowsOf(v.base), v.port));
    await route(DIRECTORS);
    const first = await round();
    const before = tables();
    // each flow went through exactly one director (no sync daemons yet)
    before.flat().forEach((h, i) => expect(h, `flow ${i}`).toHaveLength(1));
    await route(['d1', 'd2']); // d3 leaves
    const second = await round();
    // a flow that moved is now in two tables: its first director's and the new one's
    const after = tables();
    const outcome = services.map((v, k) => {
      after[k].forEach((h, i) => expect(h, `${v.name} flow ${i}`).toContain(before[k][i][0]));
      const moved = after[k].map((_, i) => i).filter((i) => after[k][i].length === 2);
      const kept = moved.filter((i) => first[k][i] === second[k][i]).length;
      const fromD3 = before[k].filter((h) => h[0] === 'd3').length;
      const unmovedSame = first[k].every((a, i) => moved.includes(i) || a === second[k][i]);
      console.log(`${v.name}: ${moved.length} of ${COUNT} UDP flows moved to another director (${fromD3} of them had d3, which left), ${kept} kept their real server`);
      return { moved: moved.length, kept, fromD3, unmovedSame };
    });
    const [mh, rr] = outcome;
    expect(mh.fromD3).toBeGreaterThan(0);
    expect(mh.moved).toBeGreaterThanOrEqual(mh.fromD3);
    expect(mh.kept).toBe(mh.moved);
    expect(mh.unmovedSame).toBe(true);
    // Negative control: a scheduler without consistent hashing
    expect(rr.moved).toBeGreaterThan(2);
    expect(rr.kept).toBeLessThan(rr.moved);
  }, 300_000);

  /**
   * Hold TCP connections, take the director that scheduled most of them out of the route, and
   * exchange a line on each again. Returns what happened to the flows of the director that left.
   */
  async function moveHeld(synced: boolean): Promise<{ victim: string; gone: number; answered: number; same: number }> {
    await route(DIRECTORS);
    const held = await site.holds('cl', VIP, 80, Array.from({ length: 9 }, (_, i) => CLIENTS[i % 3]));
    const flows: Flow[] = held.local.map((l) => ({ from: l.address, port: l.port }));
    let owners: string[];
    if (synced) {
      const t0 = Date.now();
      await until('every held connection in every director', () => holders('TCP', flows, 80).every((h) => h.length === DIRECTORS.length), 30_000);
      step(`sync: the held connections reached all directors after ${Date.now() - t0} ms`);
      owners = schedulers(flows, 80);
    } else {
      const h = holders('TCP', flows, 80);
      h.forEach((x, i) => expect(x, `flow ${flows[i].port}`).toHaveLength(1));
      owners = h.map((x) => x[0]);
    }
    const victim = DIRECTORS.map((d) => ({ d, n: owners.filter((o) => o === d).length })).sort((a, b) => b.n - a.n)[0].d;
    await route(DIRECTORS.filter((d) => d !== victim));
    const answers = await held.ping(synced ? 15_000 : 10_000);
    const gone = flows.map((_, i) => i).filter((i) => owners[i] === victim);
    const answered = gone.filter((i) => !answers[i].startsWith('ERROR'));
    const same = gone.filter((i) => answers[i].split(' ')[0] === held.server(i));
    console.log(`${synced ? 'sync on' : 'sync off (control)'}: ${victim} (which had scheduled ${gone.length} of ${flows.length} held flows) left the route; ` +
      `its flows answered: ${gone.map((i) => `${held.server(i)} -> ${answers[i]}`).join(', ')}; all answers: ${answers.join(', ')}`);
    // a flow that still reaches its first director goes on either way; one that moved needs sync
    answers.forEach((a, i) => {
      if (synced || owners[i] !== victim) expect(a.startsWith('ERROR') ? a : a.split(' ')[0], `flow ${i}`).toMatch(synced ? held.server(i) : new RegExp(`^(${held.server(i)}|ERROR .*)$`));
    });
    held.proc.kill();
    return { victim, gone: gone.length, answered: answered.length, same: same.length };
  }

  it('held connections go on when their director leaves the route (sync; without it they are reset)', async () => {
    await onDirectors(['sync', 'eth0', '60']);
    // (tsipvsadm's -L --daemon is compared with ipvsadm's in keepalived.test.ts)
    const daemons = ipvsadm(site.ns('d1'), ['-L', '--daemon']).stdout;
    expect(daemons).toMatch(/^master sync daemon \(mcast=eth0, syncid=60,.*\nbackup sync daemon \(mcast=eth0, syncid=60,/);
    const on = await moveHeld(true);
    expect(on.gone).toBeGreaterThan(0);
    expect(on.same).toBe(on.gone);

    await onDirectors(['nosync']);
    const off = await moveHeld(false);
    expect(off.gone).toBeGreaterThan(0);
    expect(off.answered).toBe(0);
  }, 300_000);
});
