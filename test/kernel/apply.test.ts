// apply and diff on the real kernel, over generated pairs of states (IPv4, IPv6, fwmark, every
// forwarding method ipvsadm sets, tunnels, thresholds, persistence and netmasks, pe sip, -o,
// scheduler flags): the state reached is the one Debian's ipvsadm -R builds from the same file;
// diff's text, fed to Debian's ipvsadm -R, reaches it too; the requests sent are exactly the
// minimal plan (counted on the socket); counters of what stays survive; a second apply sends
// nothing; --scope leaves the rest alone; a bad file changes nothing; a refusal mid-plan leaves
// exactly the reported prefix. tsipvsadm runs in-process (process starts are the guest's cost).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as yamlStringify } from 'yaml';
import { IpvsClient } from '../../src/ipvs/client';
import { runCli } from '../../src/cli/run';
import { NETLINK_GENERIC, type NetlinkTransport } from '../../src/netlink/genl';
import { DestAttr, IpvsCommand } from '../../src/ipvs/constants';
import { planChanges, type IpvsState } from '../../src/apply/plan';
import { planText } from '../../src/apply/render';
import { inScope, parseScope } from '../../src/apply/scope';
import { serviceId } from '../../src/apply/identity';
import { IPPROTO_TCP, IPPROTO_UDP } from '../../src/ipvs/constants';
import { minimalChanges, mutate, randomState, rng, toDocument } from '../apply/states';
import { ipvsadm, kernelState, resetKernel } from './diff';

/** Change requests (NEW/SET/DEL of services and servers) seen on the client's socket. */
const CHANGE_COMMANDS = new Set<number>([IpvsCommand.NEW_SERVICE, IpvsCommand.SET_SERVICE, IpvsCommand.DEL_SERVICE, IpvsCommand.NEW_DEST, IpvsCommand.SET_DEST, IpvsCommand.DEL_DEST]);
const GENL_ID_CTRL = 0x10;
let changeRequests = 0;

/** node-netlink's raw socket, counting each change request in each datagram sent. */
function countingTransport(): NetlinkTransport {
  const { RawNetlinkSocket } = require('netlink/dist/raw') as typeof import('netlink/dist/raw');
  const inner = new RawNetlinkSocket(NETLINK_GENERIC, { recvBufferSize: 4 << 20, sendBufferSize: 1 << 20 }) as unknown as NetlinkTransport;
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop !== 'send') {
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      }
      return (data: Uint8Array[], options: undefined, callback: (err?: Error) => void) => {
        const buf = Buffer.concat(data);
        for (let off = 0; off + 20 <= buf.length; ) {
          const len = buf.readUInt32LE(off);
          if (buf.readUInt16LE(off + 4) !== GENL_ID_CTRL && CHANGE_COMMANDS.has(buf[off + 16])) changeRequests++;
          off += (len + 3) & ~3;
          if (len < 16) break;
        }
        target.send(data, options, callback);
      };
    },
  });
}

let client: IpvsClient;
const dir = mkdtempSync(join(tmpdir(), 'apply-'));

/** tsipvsadm in-process; returns its output and how many change requests it sent. */
async function ts(args: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const before = changeRequests;
  const status = await runCli(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), readStdin: async () => stdin, argv0: 'tsipvsadm' }, client);
  return { stdout, stderr, status, requests: changeRequests - before };
}

const rulesOf = (state: IpvsState) => planText(planChanges([], state));

/**
 * The kernel's state without the live connection counts of real servers (active, inactive,
 * persistent): those count the test's own traffic (and connections a deleted server keeps into
 * its next incarnation), not anything apply or ipvsadm -R sets, so a state built without traffic
 * must not be compared on them. Every setting, and every other attribute byte, still is.
 */
async function settingsState(): Promise<string> {
  const live = [DestAttr.ACTIVE_CONNS, DestAttr.INACT_CONNS, DestAttr.PERSIST_CONNS];
  return (await kernelState())
    .split('\n')
    .map((line) =>
      !line.startsWith('  dest ')
        ? line
        : line
            .replace(/"activeConns":\d+,"inactConns":\d+,"persistConns":\d+,/, '')
            .replace(/([:,])(\d+)=[0-9a-f]*(?=,|$)/g, (m, sep: string, attr: string) => (live.includes(Number(attr)) ? `${sep}${attr}=*` : m)),
    )
    .join('\n');
}

/** A clean kernel holding `state`, built by Debian's ipvsadm. */
function build(state: IpvsState): void {
  const r = ipvsadm(['-R'], '-C\n' + rulesOf(state));
  if (r.status !== 0 || r.stderr) throw new Error(`ipvsadm -R refused the setup: ${r.stderr}\n${rulesOf(state)}`);
}

/** What Debian's ipvsadm -R builds from `state`'s rules on a clean kernel. */
async function stateBuiltByIpvsadm(state: IpvsState): Promise<string> {
  build(state);
  return settingsState();
}

/**
 * One packet or SYN to every TCP/UDP service from this host, so counters are not all zero; then
 * wait until the kernel has folded its per-CPU counters into the listed totals (every 2 s on the
 * guest's kernel), so a count does not arrive between the "before" and "after" readings.
 */
async function traffic(state: IpvsState): Promise<void> {
  const targets = state.filter(({ service: s, dests }) => !s.fwmark && dests.some((d) => d.weight > 0) && (s.protocol === IPPROTO_UDP || (s.protocol === IPPROTO_TCP && s.port)));
  await Promise.all(
    targets.map(({ service: s }) =>
      s.protocol === IPPROTO_UDP
        ? new Promise<void>((res) => {
            const sock = createSocket(s.af === 10 ? 'udp6' : 'udp4');
            sock.send('x', s.port, s.address, () => (sock.close(), res()));
          })
        : new Promise<void>((res) => {
            const c = connect(s.port, s.address);
            c.on('error', () => undefined);
            setTimeout(() => (c.destroy(), res()), 50);
          }),
    ),
  );
  if (targets.length === 0) return;
  // Every target counted, or two folds' time passed (a service the kernel gave no connection).
  const deadline = Date.now() + 5000;
  for (;;) {
    const conns = await serviceConns();
    if (targets.every(({ service: s }) => (conns.get(serviceId(s)) ?? 0n) > 0n) || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Each service's connection counter, by key. */
async function serviceConns(): Promise<Map<string, bigint>> {
  return new Map((await client.services()).map((s) => [serviceId(s), s.stats?.conns ?? 0n]));
}

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** The desired state written in one of the three formats apply reads. */
function desiredFile(state: IpvsState, seed: number): string {
  switch (seed % 3) {
    case 0:
      return file(`s${seed}.rules`, rulesOf(state));
    case 1:
      return file(`s${seed}.json`, JSON.stringify(toDocument(state), null, 2));
    default:
      return file(`s${seed}.yaml`, yamlStringify(toDocument(state)));
  }
}

beforeAll(async () => {
  resetKernel();
  client = await IpvsClient.open({ socket: countingTransport() });
});

afterAll(() => {
  client?.close();
  rmSync(dir, { recursive: true, force: true });
  resetKernel();
});

const PAIRS = 12;

describe('apply --prune on generated pairs of states', () => {
  for (let seed = 1; seed <= PAIRS; seed++) {
    it(`pair ${seed}`, async () => {
      const r = rng(1000 + seed);
      const current = randomState(r, 7);
      const desired = r.chance(0.75) ? mutate(r, current) : randomState(r, 7);
      const path = desiredFile(desired, seed);
      const expected = await stateBuiltByIpvsadm(desired);

      // diff's text through Debian's ipvsadm -R reaches the same state.
      build(current);
      const diff = await ts(['diff', '--prune', path]);
      const changes = minimalChanges(current, desired, true);
      expect(diff.stderr).toBe('');
      expect(diff.status).toBe(changes === 0 ? 0 : 1);
      expect(diff.requests).toBe(0);
      const viaIpvsadm = ipvsadm(['-R'], diff.stdout);
      expect(viaIpvsadm.stderr, diff.stdout).toBe('');
      expect(await settingsState()).toBe(expected);

      // apply reaches it with exactly the minimal number of requests, keeping counters.
      build(current);
      await traffic(current);
      const before = await serviceConns();
      const applied = await ts(['apply', '--prune', path]);
      expect(applied.stderr).toBe('');
      expect(applied.status).toBe(0);
      expect(applied.requests).toBe(changes);
      expect(await settingsState()).toBe(expected);
      const after = await serviceConns();
      for (const [key, conns] of before) if (after.has(key)) expect(after.get(key), `counters of ${key}`).toBe(conns);

      // A second apply sends nothing.
      const again = await ts(['apply', '--prune', path]);
      expect(again).toMatchObject({ status: 0, requests: 0, stderr: '' });
    });
  }
});

describe('apply --scope', () => {
  it('leaves services outside the scope untouched, byte for byte, even with --prune', async () => {
    const scope = ['10.0.0.0/16', '2001:db8::/32', 'fwmark:1-3'];
    const s = parseScope(scope);
    let checked = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const r = rng(2000 + seed);
      const current = randomState(r, 8, 6);
      // Services of other owners beside ours: other VIPs, other marks.
      const others = randomState(r, 4, 6).map((e) => ({ ...e, service: { ...e.service, ...(e.service.fwmark ? { fwmark: e.service.fwmark + 100 } : e.service.af === 2 ? { address: e.service.address.replace(/^10\.0\./, '10.9.') } : { address: e.service.address.replace(/^2001:db8:/, '2001:db9:') }) } }));
      const all = [...current, ...others.filter((o) => !current.some((c) => serviceId(c.service) === serviceId(o.service)))];
      const desired = mutate(r, current).filter((e) => inScope(s, e.service));
      build(all);
      await traffic(all);
      const outside = all.filter((e) => !inScope(s, e.service)).map((e) => serviceId(e.service));
      const before = await outsideServices(outside);
      const path = desiredFile(desired, seed);
      const applied = await ts(['apply', '--prune', ...scope.flatMap((x) => ['--scope', x]), path]);
      expect(applied.stderr).toBe('');
      expect(applied.status).toBe(0);
      expect(await outsideServices(outside)).toEqual(before);
      checked += outside.length;
    }
    expect(checked).toBeGreaterThan(5);
  });
});

/**
 * The named services and their servers as the kernel reports them: every setting and the
 * totals (not the rate estimates, which decay by themselves), decoded from the kernel's replies.
 */
async function outsideServices(keys: string[]): Promise<string[]> {
  const totals = (st?: { conns: bigint; inpkts: bigint; outpkts: bigint; inbytes: bigint; outbytes: bigint }) =>
    st && [st.conns, st.inpkts, st.outpkts, st.inbytes, st.outbytes].join('/');
  const services = await client.services();
  const out: string[] = [];
  for (const key of keys) {
    const svc = services.find((x) => serviceId(x) === key);
    if (!svc) {
      out.push(`missing ${key}`);
      continue;
    }
    const dests = (await client.destinations(svc)).map((d) => JSON.stringify({ ...d, stats: totals(d.stats) })).sort();
    out.push(JSON.stringify({ ...svc, stats: totals(svc.stats) }) + '\n' + dests.join('\n'));
  }
  return out;
}

describe('a bad file', () => {
  it('changes nothing and says where and why', async () => {
    const r = rng(3000);
    const current = randomState(r, 6);
    build(current);
    const before = await settingsState();
    const rules = rulesOf(mutate(r, current)) + '-a -t 10.0.1.1:80 -r 10.255.1.1:80 -w 99999999999\n';
    const bad = await ts(['apply', '--prune', file('bad.rules', rules)]);
    expect(bad.status).toBe(2);
    expect(bad.requests).toBe(0);
    expect(bad.stderr).toMatch(/bad\.rules:\d+: illegal weight specified\n.*nothing was changed\n$/);
    const doc = toDocument(mutate(r, current)) as { services: Array<{ destinations: Array<Record<string, unknown>> }> };
    doc.services.push({ protocol: 'tcp', address: '10.0.9.9', port: 80, destinations: [{ address: '224.0.0.9', port: 80 }] } as never);
    const badDoc = await ts(['apply', file('bad.json', JSON.stringify(doc, null, 2))]);
    expect(badDoc.status).toBe(2);
    expect(badDoc.requests).toBe(0);
    expect(badDoc.stderr).toMatch(/bad\.json:\d+: \$\.services\[\d+\]\.destinations\[0\]: 224\.0\.0\.9 is a multicast address/);
    expect(await settingsState()).toBe(before);
  });
});

describe('a kernel refusal mid-plan', () => {
  it('stops, reports the refused change and what was applied, and leaves exactly that prefix', async () => {
    const r = rng(4000);
    const current = randomState(r, 8);
    const desired = mutate(r, current);
    // A real server on the broadcast address of the guest's 10.0.0.0/8 (ipvs0): only the kernel
    // knows that address is not unicast, so it refuses in the middle of the plan.
    desired.splice(1, 0, {
      service: { af: 2, protocol: IPPROTO_TCP, address: '10.0.77.1', port: 80, fwmark: 0, scheduler: 'rr', flags: 0, timeout: 0, netmask: 0xffffffff, peName: '' },
      dests: [
        { af: 2, address: '10.255.7.1', port: 80, fwdMethod: 0, weight: 1, upperThreshold: 0, lowerThreshold: 0, tunType: 0, tunPort: 0, tunFlags: 0, activeConns: 0, inactConns: 0, persistConns: 0 },
        { af: 2, address: '10.255.255.255', port: 80, fwdMethod: 0, weight: 1, upperThreshold: 0, lowerThreshold: 0, tunType: 0, tunPort: 0, tunFlags: 0, activeConns: 0, inactConns: 0, persistConns: 0 },
      ],
    });
    build(current);
    const path = file('refused.rules', rulesOf(desired));
    const res = await ts(['apply', '--prune', '--json', path]);
    expect(res.status).toBe(3);
    const report = JSON.parse(res.stdout) as { changes: number; applied: number; failed: { command: string; reason: string }; operations: Array<{ command: string }> };
    expect(report.failed).toMatchObject({ command: '-a -t 10.0.77.1:80 -r 10.255.255.255:80 -m -w 1', reason: 'Invalid operation.  Possibly wrong module version, address not unicast, ...' });
    expect(report.applied).toBeGreaterThan(0);
    expect(report.applied).toBeLessThan(report.changes - 1);
    // The reported prefix, run by Debian's ipvsadm from the same start, gives the same state.
    const reached = await settingsState();
    build(current);
    const prefix = report.operations.slice(0, report.applied).map((o) => o.command).join('\n') + '\n';
    expect(ipvsadm(['-R'], prefix).stderr).toBe('');
    expect(reached).toBe(await settingsState());

    // Without --json: the words on stderr.
    build(current);
    const plain = await ts(['apply', '--prune', path]);
    expect(plain.status).toBe(3);
    expect(plain.stderr).toContain('tsipvsadm apply: refused: -a -t 10.0.77.1:80 -r 10.255.255.255:80 -m -w 1: Invalid operation.  Possibly wrong module version, address not unicast, ...\n');
    expect(plain.stderr).toContain(`tsipvsadm apply: applied ${report.applied} of ${report.changes} changes`);
  });
});
