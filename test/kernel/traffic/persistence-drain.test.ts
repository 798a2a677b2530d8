// Live traffic, persistence and draining: a persistent service (tsipvsadm -p) keeps each client on
// one server and shows its template entries in the connection table; weight 0 (tsipvsadm -e -w 0)
// sends a server no new connections while a connection it already has goes on exchanging data.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agree, agreeConns, connRows, Lan, serverOf, tally, tsOk, tsRestore } from './topology';

const lan = new Lan({ prefix: 'tpd', servers: 3, clientAddrs: 2 });
const { vip, rips } = lan;
const [ip1, ip2] = lan.clientIps;

beforeAll(async () => {
  lan.build();
  await lan.serve({ tcp: [8080] });
  await tsRestore(lan.director, [
    // persistent, 30 s
    `-A -t ${vip}:80 -s rr -p 30`,
    ...rips.map((r) => `-a -t ${vip}:80 -r ${r}:8080 -m`),
    // the same without persistence (the control)
    `-A -t ${vip}:81 -s rr`,
    ...rips.map((r) => `-a -t ${vip}:81 -r ${r}:8080 -m`),
    // to drain
    `-A -t ${vip}:82 -s rr`,
    ...rips.slice(0, 2).map((r) => `-a -t ${vip}:82 -r ${r}:8080 -m`),
  ]);
}, 120_000);

afterAll(() => lan.destroy());

describe('persistence', () => {
  it('keeps each client on one server across connections, where plain rr does not; template entries listed as ipvsadm does', async () => {
    const [persistent, plain] = await lan.clients([
      { proto: 'tcp', host: vip, port: 80, count: 12, from: [ip1, ip2] },
      { proto: 'tcp', host: vip, port: 81, count: 12, from: [ip1, ip2] },
    ]);
    const serversOf = (r: typeof persistent, src: string) =>
      [...new Set(r.answers.filter((_, i) => r.from[i] === src).map(serverOf))].sort();
    console.log(
      `persistent: ${ip1} → ${serversOf(persistent, ip1)}, ${ip2} → ${serversOf(persistent, ip2)}; ` +
        `plain rr: ${ip1} → ${serversOf(plain, ip1)}, ${ip2} → ${serversOf(plain, ip2)}`,
    );
    expect(persistent.answers.filter((a) => a.startsWith('ERR'))).toEqual([]);
    expect(serversOf(persistent, ip1)).toHaveLength(1);
    expect(serversOf(persistent, ip2)).toHaveLength(1);
    // rr hands the second client's template to the next server
    expect(serversOf(persistent, ip1)).not.toEqual(serversOf(persistent, ip2));
    expect(serversOf(plain, ip1).length).toBeGreaterThan(1);

    const { ours } = await agreeConns(lan.director, ['-L', '-n', '-c']);
    const rows = connRows(ours.stdout);
    for (const src of [ip1, ip2]) {
      const rip = rips[lan.names.indexOf(serversOf(persistent, src)[0])];
      // A template: client port 0, the service's port, the server; state NONE (or ASSURED).
      const template = new RegExp(`^TCP (\\d\\d):(\\d\\d)  (NONE|ASSURED) +${src.replace(/\./g, '\\.')}:0 +${vip}:80 +${rip}:8080$`);
      const row = rows.find((r) => template.test(r));
      expect(row, `template of ${src} in\n${ours.stdout}`).toBeDefined();
      const [, mm, ss] = template.exec(row!)!;
      expect(Number(mm) * 60 + Number(ss)).toBeLessThanOrEqual(30 + 1);
    }
    const pc = (await agree(lan.director, ['-L', '-n', '--persistent-conn'])).ours.stdout;
    // PersistConn (the templates per server): 1 on each of the two servers the clients stuck to.
    const block = pc.split(`TCP  ${vip}:80 `)[1].split(/\n\S/)[0];
    const persistConns = [...block.matchAll(/^  -> \S+ +1 +(\d+) /gm)].map((m) => Number(m[1]));
    expect(persistConns.sort(), block).toEqual([0, 1, 1]);
  });
});

describe('draining with weight 0', () => {
  it('sends no new connections to a server of weight 0 while its open connection goes on', async () => {
    const held = await lan.hold(vip, 82);
    const drained = held.server;
    const other = lan.names.find((n) => n !== drained && lan.names.indexOf(n) < 2)!;
    const rip = rips[lan.names.indexOf(drained)];

    // Before: both servers take new connections (so "none to the drained one" below means something).
    const before = await lan.client1({ proto: 'tcp', host: vip, port: 82, count: 6 });
    expect(Object.keys(tally(before.answers)).sort()).toEqual(['rs1', 'rs2']);

    await tsOk(lan.director, ['-e', '-t', `${vip}:82`, '-r', `${rip}:8080`, '-m', '-w', '0']);
    const listing = (await agree(lan.director, ['-L', '-n', '-t', `${vip}:82`])).ours.stdout;
    // weight 0, and the held connection still active on it
    expect(listing).toMatch(new RegExp(`-> ${rip}:8080 +Masq +0 +1 `));

    const after = await lan.client1({ proto: 'tcp', host: vip, port: 82, count: 20, parallel: 4 });
    console.log(`drain: held connection on ${drained}; after -w 0, 20 new connections went to ${JSON.stringify(tally(after.answers))}`);
    expect(tally(after.answers)).toEqual({ [other]: 20 });

    // The old connection still exchanges data with the drained server.
    expect(serverOf(await held.ping())).toBe(drained);
    expect(serverOf(await held.ping())).toBe(drained);
    const { ours } = await agreeConns(lan.director, ['-L', '-n', '-c']);
    expect(ours.stdout).toMatch(new RegExp(`^TCP \\d\\d:\\d\\d  ESTABLISHED ${lan.clientIp}:${held.localPort} +${vip}:82 +${rip}:8080$`, 'm'));
    await held.close();
  });
});
