// Live traffic, forwarding methods: a client reaches real servers through a director configured
// with tsipvsadm only, under NAT (-m), direct routing (-g) and tunnelling (-i: ipip, and the
// gre / gue tunnel types), IPv4 and IPv6. Each server answers with its name and the address the
// request reached it at: the RIP under NAT (the director rewrote it), the VIP under -g / -i.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agree, Lan, sh, tally, tsRestore, type Job, type JobResult } from './topology';

const lan = new Lan({ prefix: 'tfw', servers: 2 });
const { vip, vip6, rips, rips6 } = lan;
const GUE_PORT = 6080;

interface Case {
  what: string;
  job: Job;
  /** The address the servers must see the requests arriving at. */
  seen: (i: number) => string;
}

const N = 6;
const cases: Case[] = [
  { what: 'NAT, TCP over IPv4 (port 80 → 8080)', job: { proto: 'tcp', host: vip, port: 80, count: N }, seen: (i) => rips[i] },
  { what: 'NAT, UDP over IPv4', job: { proto: 'udp', host: vip, port: 53, count: N }, seen: (i) => rips[i] },
  { what: 'NAT, TCP over IPv6', job: { proto: 'tcp', host: vip6, port: 80, count: N }, seen: (i) => rips6[i] },
  { what: 'NAT, UDP over IPv6', job: { proto: 'udp', host: vip6, port: 53, count: N }, seen: (i) => rips6[i] },
  { what: 'direct routing, TCP over IPv4', job: { proto: 'tcp', host: vip, port: 81, count: N }, seen: () => vip },
  { what: 'direct routing, UDP over IPv4', job: { proto: 'udp', host: vip, port: 81, count: N }, seen: () => vip },
  { what: 'direct routing, TCP over IPv6', job: { proto: 'tcp', host: vip6, port: 81, count: N }, seen: () => vip6 },
  { what: 'tunnelling (ipip), TCP over IPv4', job: { proto: 'tcp', host: vip, port: 82, count: N }, seen: () => vip },
  { what: 'tunnelling (ip6ip6), TCP over IPv6', job: { proto: 'tcp', host: vip6, port: 82, count: N }, seen: () => vip6 },
  { what: 'tunnelling (--tun-type gre), TCP over IPv4', job: { proto: 'tcp', host: vip, port: 83, count: N }, seen: () => vip },
  { what: `tunnelling (--tun-type gue --tun-port ${GUE_PORT}), TCP over IPv4`, job: { proto: 'tcp', host: vip, port: 84, count: N }, seen: () => vip },
];

let results: JobResult[] = [];

beforeAll(async () => {
  lan.build();
  // GUE: the real servers decapsulate UDP port GUE_PORT (then ipip on tunl0); GRE: gre0.
  sh(lan.servers.map((R) => `ip -n ${R} fou add port ${GUE_PORT} gue\nip -n ${R} link set gre0 up\n` +
    `ip netns exec ${R} sysctl -qw net.ipv4.conf.gre0.rp_filter=0`).join('\n'));
  await lan.serve({ tcp: [80, 81, 82, 83, 84, 8080], udp: [53, 81] });
  const lines: string[] = [];
  const svc = (proto: string, addr: string, port: number, dests: string[], fwd: string, dport = port) => {
    lines.push(`-A ${proto} ${addr}:${port} -s rr`);
    for (const d of dests) lines.push(`-a ${proto} ${addr}:${port} -r ${d}:${dport} ${fwd}`);
  };
  const v6 = (a: string) => `[${a}]`;
  svc('-t', vip, 80, rips, '-m', 8080);
  svc('-u', vip, 53, rips, '-m');
  svc('-t', v6(vip6), 80, rips6.map(v6), '-m', 8080);
  svc('-u', v6(vip6), 53, rips6.map(v6), '-m');
  svc('-t', vip, 81, rips, '-g');
  svc('-u', vip, 81, rips, '-g');
  svc('-t', v6(vip6), 81, rips6.map(v6), '-g');
  svc('-t', vip, 82, rips, '-i');
  svc('-t', v6(vip6), 82, rips6.map(v6), '-i');
  svc('-t', vip, 83, rips, '-i --tun-type gre');
  svc('-t', vip, 84, rips, `-i --tun-type gue --tun-port ${GUE_PORT}`);
  await tsRestore(lan.director, lines);
  results = await lan.clients(cases.map((c) => c.job));
}, 120_000);

afterAll(() => lan.destroy());

describe('forwarding, end to end through a director set up by tsipvsadm', () => {
  cases.forEach((c, k) => {
    it(c.what, () => {
      const { answers } = results[k];
      expect(answers.filter((a) => a.startsWith('ERR')), `failed connections: ${answers}`).toEqual([]);
      // rr over two servers: both answered, half each.
      expect(tally(answers)).toEqual({ rs1: N / 2, rs2: N / 2 });
      for (const a of answers) {
        const [name, seen] = a.split(' ');
        expect(seen, `${name} saw the request at`).toBe(c.seen(lan.names.indexOf(name)));
      }
    });
  });

  it('the director lists the forwarding methods and tunnel types as ipvsadm does', async () => {
    const { ours } = await agree(lan.director, ['-L', '-n', '--tun-info']);
    const text = ours.stdout;
    expect(text).toMatch(new RegExp(`-> ${rips[0]}:8080 +Masq `));
    expect(text).toMatch(new RegExp(`-> ${rips[0]}:81 +Route `));
    expect(text).toMatch(new RegExp(`-> ${rips[0]}:82 +Tunnel +ipip `));
    expect(text).toMatch(new RegExp(`-> ${rips[0]}:83 +Tunnel +gre:-c `));
    expect(text).toMatch(new RegExp(`-> ${rips[0]}:84 +Tunnel +gue:${GUE_PORT}:-c `));
  });

  it('the kernel counted every connection, and tsipvsadm --stats says so as ipvsadm does', async () => {
    // The kernel folds its per-CPU counters into the listed ones every 2 s: wait for that.
    const deadline = Date.now() + 6000;
    let text = '';
    do {
      text = (await agree(lan.director, ['-L', '-n', '--stats'])).ours.stdout;
    } while (!new RegExp(`TCP  ${vip}:84 +${N} `).test(text) && Date.now() < deadline);
    for (const c of cases) {
      const proto = c.job.proto.toUpperCase();
      const addr = c.job.host.includes(':') ? `\\[${c.job.host}\\]` : c.job.host;
      expect(text, `${proto} ${c.job.host}:${c.job.port}`).toMatch(new RegExp(`${proto}  ${addr}:${c.job.port} +${N} `));
    }
  });
});
