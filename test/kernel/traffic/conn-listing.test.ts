// Live traffic, the connection table: real TCP, UDP and SCTP connections over IPv4 and IPv6,
// persistence templates and SIP persistence-engine data, listed by tsipvsadm -c (with and without
// -n, with and without --persistent-conn) while the connections are open and after they closed,
// compared with ipvsadm's listing taken at the same moment (expire countdown masked, and checked
// to lie between ipvsadm's values from just before and just after).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreeConns, connRows, expiries, HAVE_PYTHON, ipvsadm, Lan, sctpHold, sctpServe, tsOk, tsRestore, type Held } from './topology';
import type { ConnectionJson, ServiceJson } from '../../../src/format/json';
import { connTokens, listingTokens, textTokens } from '../structured-text';
import { schemaErrors } from '../../unit/json-schema';
import { parsePrometheus } from '../../unit/prometheus-parse';

const lan = new Lan({
  prefix: 'tcl',
  servers: 2,
  directorHosts: [
    '127.0.0.1 localhost',
    '10.1.0.2 client4',
    '10.1.0.100 vip4',
    '10.2.0.11 rs1',
    '10.2.0.12 rs2',
    'fd00:1::2 client6',
    'fd00:1::100 vip6',
    'fd00:2::11 rs1-6',
    'fd00:2::12 rs2-6',
    '',
  ].join('\n'),
});
const { vip, vip6, rips, rips6 } = lan;
const CALL_ID = '4711-0815@client4';
const SIP_INVITE =
  'INVITE sip:bob@vip4 SIP/2.0\r\nVia: SIP/2.0/UDP 10.1.0.2:5060\r\nFrom: <sip:alice@client4>\r\n' +
  `To: <sip:bob@vip4>\r\nCall-ID: ${CALL_ID}\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n`;

const held: Held[] = [];
let sctp: { localPort: number; answer: string } | undefined;

beforeAll(async () => {
  lan.build();
  await lan.serve({ tcp: [80, 8080, 443], udp: [53, 5060] });
  if (HAVE_PYTHON) await sctpServe(lan, 9000);
  const v6 = (a: string) => `[${a}]`;
  await tsRestore(lan.director, [
    `-A -t ${vip}:80 -s rr`,
    ...rips.map((r) => `-a -t ${vip}:80 -r ${r}:8080 -m`),
    `-A -u ${vip}:53 -s rr`,
    ...rips.map((r) => `-a -u ${vip}:53 -r ${r}:53 -m`),
    `-A -t ${v6(vip6)}:80 -s rr`,
    ...rips6.map((r) => `-a -t ${v6(vip6)}:80 -r ${v6(r)}:8080 -m`),
    `-A -u ${v6(vip6)}:53 -s rr`,
    ...rips6.map((r) => `-a -u ${v6(vip6)}:53 -r ${v6(r)}:53 -m`),
    // persistent (templates), and SIP persistence by Call-ID (pe data)
    `-A -t ${vip}:443 -s rr -p 120`,
    ...rips.map((r) => `-a -t ${vip}:443 -r ${r}:443 -m`),
    `-A -u ${vip}:5060 -s rr -p 60 --pe sip`,
    ...rips.map((r) => `-a -u ${vip}:5060 -r ${r}:5060 -m`),
    ...(HAVE_PYTHON ? [`-A --sctp-service ${vip}:9000 -s rr`, ...rips.map((r) => `-a --sctp-service ${vip}:9000 -r ${r}:9000 -m`)] : []),
  ]);
  await lan.clients([
    { proto: 'tcp', host: vip, port: 80, count: 3 },
    { proto: 'udp', host: vip, port: 53, count: 3 },
    { proto: 'tcp', host: vip6, port: 80, count: 3 },
    { proto: 'udp', host: vip6, port: 53, count: 3 },
    { proto: 'tcp', host: vip, port: 443, count: 2 },
    { proto: 'udp', host: vip, port: 5060, count: 1, payload: SIP_INVITE },
  ]);
  held.push(await lan.hold(vip, 80), await lan.hold(vip6, 80));
  if (HAVE_PYTHON) sctp = await sctpHold(lan, vip, 9000);
  else console.log('no python3 in the guest: no SCTP traffic (node has no SCTP sockets)');
}, 120_000);

afterAll(() => lan.destroy());

const rowsMatching = (text: string, re: RegExp) => connRows(text).filter((r) => re.test(r));

describe('connection table while connections are open', () => {
  it('-Lnc lists IPv4 and IPv6, TCP and UDP, templates, as ipvsadm does', async () => {
    const { ours, tries } = await agreeConns(lan.director, ['-L', '-n', '-c']);
    console.log(`-Lnc during (agreed on try ${tries}):\n${ours.stdout}`);
    const t = ours.stdout;
    expect(t.startsWith('IPVS connection entries\npro expire state       source             virtual            destination\n')).toBe(true);
    const [h4, h6] = held;
    expect(t).toMatch(new RegExp(`^TCP \\d\\d:\\d\\d  ESTABLISHED ${lan.clientIp}:${h4.localPort} +${vip}:80 +10\\.2\\.0\\.1[12]:8080$`, 'm'));
    expect(t).toMatch(new RegExp(`^TCP \\d\\d:\\d\\d  ESTABLISHED \\[${lan.clientIp6}\\]:${h6.localPort} +\\[${vip6}\\]:80 +\\[fd00:2::1[12]\\]:8080$`, 'm'));
    expect(rowsMatching(t, new RegExp(`^TCP \\d\\d:\\d\\d  TIME_WAIT +${lan.clientIp}:\\d+ +${vip}:80 `))).toHaveLength(3);
    expect(rowsMatching(t, new RegExp(`^TCP \\d\\d:\\d\\d  TIME_WAIT +\\[${lan.clientIp6}\\]:\\d+ +\\[${vip6}\\]:80 `))).toHaveLength(3);
    expect(rowsMatching(t, new RegExp(`^UDP \\d\\d:\\d\\d  UDP +${lan.clientIp}:\\d+ +${vip}:53 +10\\.2\\.0\\.1[12]:53$`))).toHaveLength(3);
    expect(rowsMatching(t, new RegExp(`^UDP \\d\\d:\\d\\d  UDP +\\[${lan.clientIp6}\\]:\\d+ +\\[${vip6}\\]:53 +\\[fd00:2::1[12]\\]:53$`))).toHaveLength(3);
    // persistence templates: client port 0
    expect(rowsMatching(t, new RegExp(`^TCP \\d\\d:\\d\\d  (NONE|ASSURED) +${lan.clientIp}:0 +${vip}:443 +10\\.2\\.0\\.1[12]:443$`))).toHaveLength(1);
    expect(rowsMatching(t, new RegExp(`^UDP \\d\\d:\\d\\d  (NONE|ASSURED) +${lan.clientIp}:0 +${vip}:5060 `))).toHaveLength(1);
    if (sctp) {
      expect(sctp.answer).toMatch(/^rs[12] 10\.2\.0\.1[12]$/);
      expect(t).toMatch(new RegExp(`^SCTP \\d\\d:\\d\\d  ESTABLISHED ${lan.clientIp}:${sctp.localPort} +${vip}:9000 +10\\.2\\.0\\.1[12]:9000$`, 'm'));
    }
  });

  it('-Lnc --persistent-conn shows the SIP Call-ID as ipvsadm does', async () => {
    const { ours } = await agreeConns(lan.director, ['-L', '-n', '-c', '--persistent-conn']);
    const t = ours.stdout;
    expect(t.split('\n')[1]).toBe('pro expire state       source             virtual            destination        pe name          pe_data');
    const sip = rowsMatching(t, / sip +/);
    console.log(`pe rows:\n${sip.join('\n')}`);
    expect(sip.length).toBeGreaterThan(0);
    expect(sip[0]).toMatch(new RegExp(`^UDP \\d\\d:\\d\\d  \\S+ +${lan.clientIp}:\\d+ +${vip}:5060 +10\\.2\\.0\\.1[12]:5060 +sip +${CALL_ID}$`));
  });

  it('-Lc (names from the hosts file and /etc/services) as ipvsadm does', async () => {
    const { ours } = await agreeConns(lan.director, ['-L', '-c']);
    const t = ours.stdout;
    console.log(`-Lc during:\n${t}`);
    expect(t).toMatch(/^TCP \d\d:\d\d  ESTABLISHED client4:\d+ +vip4:http +rs[12]:http-alt$/m);
    expect(t).toMatch(/^TCP \d\d:\d\d  ESTABLISHED \[client6\]:\d+ +\[vip6\]:http +\[rs[12]-6\]:http-alt$/m);
    expect(t).toMatch(/^UDP \d\d:\d\d  UDP +client4:\d+ +vip4:domain +rs[12]:domain$/m);
    expect(t).toMatch(/^TCP \d\d:\d\d  (NONE|ASSURED) +client4:0 +vip4:https +rs[12]:https$/m);
    expect(t).toMatch(/^UDP \d\d:\d\d  (NONE|ASSURED) +client4:0 +vip4:sip +rs[12]:sip$/m);
    await agreeConns(lan.director, ['-L', '-c', '--persistent-conn']);
  });
});

describe('the comparison itself', () => {
  it('notices a listing that differs (negative control: tsipvsadm -Lc against ipvsadm -Lnc)', async () => {
    await expect(agreeConns(lan.director, ['-L', '-n', '-c'], { oursArgs: ['-L', '-c'] })).rejects.toThrow(/differs from ipvsadm/);
  });
});

describe('connection table after the connections closed', () => {
  it('-Lnc lists the closing and closed connections as ipvsadm does', async () => {
    for (const h of held) await h.close();
    await new Promise((r) => setTimeout(r, 500));
    const { ours } = await agreeConns(lan.director, ['-L', '-n', '-c']);
    const t = ours.stdout;
    console.log(`-Lnc after:\n${t}`);
    expect(t).not.toMatch(/ESTABLISHED.*:80 /);
    for (const h of held) {
      const src = h.localAddress.includes(':') ? `\\[${h.localAddress}\\]` : h.localAddress;
      expect(t).toMatch(new RegExp(`^TCP \\d\\d:\\d\\d  (TIME_WAIT|FIN_WAIT|CLOSE_WAIT|LAST_ACK|CLOSE) +${src}:${h.localPort} `, 'm'));
    }
  });
});

// --json on the same table (structured output, issue 8): the rows ipvsadm prints, field by field,
// with the expire countdown between ipvsadm's before and after; the pe fields; names beside the
// addresses without -n; and the traffic counters of --stats and metrics in the same window.
describe('connection table and counters as JSON', () => {
  const sameWindow = async (theirArgs: string[], ours: () => Promise<string>, project: (ours: string) => string[][], theirs: (text: string) => string[][], between?: (b: string, o: string, a: string) => 'moved' | void) => {
    for (let i = 0; ; i++) {
      const before = ipvsadm(lan.director, theirArgs).stdout;
      const o = await ours();
      const after = ipvsadm(lan.director, theirArgs).stdout;
      const still = JSON.stringify(theirs(before)) === JSON.stringify(theirs(after));
      if (!still && i < 4) continue;
      expect(project(o), theirArgs.join(' ')).toEqual(theirs(before));
      // A row a packet refreshed between ipvsadm's two listings has no window: list again, and
      // fail (as agree() does) when it moved in every try, rather than pass unchecked.
      if (between?.(before, o, after) === 'moved') {
        if (i < 4) continue;
        throw new Error(`${theirArgs.join(' ')}: a countdown went up between ipvsadm's listings in every try\n${before}\n${after}`);
      }
      return o;
    }
  };
  const conns = (text: string) => connRows(text).map((r) => r.trim().split(/\s+/).filter((_, i) => i !== 1));
  const json = async (args: string[]) => {
    const out = await tsOk(lan.director, [...args, '--json']);
    const doc = JSON.parse(out);
    expect(schemaErrors(doc), `schema: ${args.join(' ')}`).toBe('');
    return out;
  };

  it('-L -n -c --json: every row ipvsadm lists, expire times in its window', async () => {
    const between = (b: string, o: string, a: string) => {
      const ours = (JSON.parse(o).connections as ConnectionJson[]).map((c) => c.expires);
      const [before, after] = [expiries(b), expiries(a)];
      // Untouched, a countdown only goes down; up means refreshed (as expiryBetween has it).
      if (after.some((t, i) => t > before[i])) return 'moved';
      ours.forEach((t, i) => expect(before[i] >= t && t >= after[i], `row ${i}: ${after[i]} <= ${t} <= ${before[i]}`).toBe(true));
    };
    const o = await sameWindow(['-L', '-n', '-c'], () => json(['-L', '-n', '-c']), (t) => (JSON.parse(t).connections as ConnectionJson[]).map((c) => connTokens(c, true)), conns, between);
    expect(JSON.parse(o).connections.length).toBeGreaterThan(10);
  });

  it('-L -n -c --persistent-conn --json: the SIP Call-ID as pe data', async () => {
    const o = JSON.parse(await json(['-L', '-n', '-c', '--persistent-conn'])).connections as ConnectionJson[];
    expect(o.filter((c) => c.peName === 'sip').map((c) => c.peData)).toContain(CALL_ID);
  });

  it('-L -c --json: names beside the addresses, as ipvsadm names them', async () => {
    const o = await sameWindow(['-L', '-c'], () => json(['-L', '-c']), (t) => (JSON.parse(t).connections as ConnectionJson[]).map((c) => connTokens(c, false)), conns);
    const named = (JSON.parse(o).connections as ConnectionJson[]).find((c) => c.client.host === 'client4' && c.virtual.portName === 'http')!;
    expect(named.client.address).toBe(lan.clientIp);
    expect(named.virtual).toMatchObject({ address: vip, port: 80, host: 'vip4' });
  });

  it('-L -n --stats --exact --json and metrics: the counters ipvsadm shows', async () => {
    const stats = ['-L', '-n', '--stats', '--exact'];
    const o = await sameWindow(stats, () => json(stats), (t) => (JSON.parse(t).services as ServiceJson[]).flatMap((s) => listingTokens(s, 'stats', true)), textTokens);
    const services = JSON.parse(o).services as ServiceJson[];
    expect(services.some((s) => BigInt(s.stats.inPkts) > 0n)).toBe(true);
    await sameWindow(
      stats,
      () => tsOk(lan.director, ['metrics']),
      (t) => {
        const f = parsePrometheus(t);
        const v = (name: string, key: string) => f.get(name)!.metrics.find((m) => m.labels!.service === key)!.value;
        return services.map((s) => [v('ipvs_service_connections_total', s.key), v('ipvs_service_incoming_packets_total', s.key), v('ipvs_service_outgoing_packets_total', s.key), v('ipvs_service_incoming_bytes_total', s.key), v('ipvs_service_outgoing_bytes_total', s.key)]);
      },
      (t) => textTokens(t).filter((l) => l[0] !== '->').map((l) => l.slice(-5)),
    );
  });
});
