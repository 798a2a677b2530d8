// The planner on its own: generated pairs of states, run through the pure kernel simulator.

import { describe, expect, it } from 'vitest';
import { planChanges, requestCount, type IpvsState, type Operation } from '../../src/apply/plan';
import { simulate, simulateAll, SimulatedRefusal } from '../../src/apply/simulate';
import { destDifferences, destId, serviceDifferences, serviceId } from '../../src/apply/identity';
import { parseScope, inScope } from '../../src/apply/scope';
import { AF_INET, AF_INET6, FwdMethod, IPPROTO_TCP, IPPROTO_UDP, SvcFlag } from '../../src/ipvs/constants';
import { canonical, minimalChanges, mutate, randomState, rng, server, service, toDocument } from '../apply/states';
import { readDesired } from '../../src/apply/read';

const SEEDS = Array.from({ length: 250 }, (_, i) => i + 1);

/** What the plan must reach: the desired services, plus (without prune) the ones it does not mention. */
function expected(current: IpvsState, desired: IpvsState, prune: boolean, inside = (_: IpvsState[number]) => true): IpvsState {
  const named = new Set(desired.map((e) => serviceId(e.service)));
  const kept = current.filter((e) => !inside(e) || (!prune && !named.has(serviceId(e.service))));
  return [...kept, ...desired];
}

describe('planChanges on generated pairs', { timeout: 120_000 }, () => {
  for (const prune of [true, false]) {
    it(`reaches the desired state through valid steps, minimally (${prune ? 'prune' : 'no prune'}, ${SEEDS.length} seeds)`, () => {
      for (const seed of SEEDS) {
        const r = rng(seed);
        const current = randomState(r);
        const desired = r.chance(0.5) ? mutate(r, current) : randomState(r);
        const plan = planChanges(current, desired, { prune });
        // simulateAll throws on any step the kernel would refuse.
        const reached = simulateAll(current, plan.operations);
        expect(canonical(reached), `seed ${seed}`).toEqual(canonical(expected(current, desired, prune)));
        expect(requestCount(plan), `seed ${seed}`).toBe(minimalChanges(current, desired, prune));
        // Applying again changes nothing.
        expect(planChanges(reached, desired, { prune }).operations, `seed ${seed}`).toEqual([]);
      }
    });
  }

  it('never touches an unchanged service or server', () => {
    for (const seed of SEEDS) {
      const r = rng(seed);
      const current = randomState(r);
      const desired = mutate(r, current);
      const have = new Map(current.map((e) => [serviceId(e.service), e]));
      for (const op of planChanges(current, desired, { prune: true }).operations) {
        if (op.kind === 'edit-service') expect(serviceDifferences(op.service, op.previous).length).toBeGreaterThan(0);
        if (op.kind === 'edit-server') {
          const old = have.get(serviceId(op.service))!.dests.find((d) => destId(d) === destId(op.dest))!;
          expect(destDifferences(op.dest, old)).toEqual(op.changed);
          expect(op.changed.length).toBeGreaterThan(0);
        }
      }
    }
  });

  it('orders make-before-break: every add and edit before any delete', () => {
    for (const seed of SEEDS) {
      const r = rng(seed);
      const current = randomState(r);
      const ops = planChanges(current, mutate(r, current), { prune: true }).operations;
      const firstDelete = ops.findIndex((o) => o.kind.startsWith('delete'));
      if (firstDelete < 0) continue;
      expect(ops.slice(firstDelete).every((o) => o.kind.startsWith('delete')), `seed ${seed}`).toBe(true);
      // Server deletes come before service deletes.
      const kinds = ops.slice(firstDelete).map((o) => o.kind);
      expect(kinds.lastIndexOf('delete-server') < Math.max(0, kinds.indexOf('delete-service')) || !kinds.includes('delete-service') || !kinds.includes('delete-server')).toBe(true);
    }
  });

  it('plans nothing for equal states, whatever the order and the HASHED bit', () => {
    for (const seed of SEEDS.slice(0, 50)) {
      const state = randomState(rng(seed));
      const asKernel = [...state].reverse().map((e) => ({
        service: { ...e.service, flags: e.service.flags | SvcFlag.HASHED, stats: undefined },
        dests: [...e.dests].reverse().map((d) => ({ ...d, activeConns: 7, inactConns: 3 })),
      }));
      expect(planChanges(asKernel, state, { prune: true }).operations).toEqual([]);
    }
  });
});

describe('generated documents', { timeout: 120_000 }, () => {
  it('read back as the state they were written from (JSON and YAML)', async () => {
    const YAML = await import('yaml');
    for (let seed = 1; seed <= 60; seed++) {
      const state = randomState(rng(seed));
      const doc = toDocument(state);
      expect(canonical((await readDesired(JSON.stringify(doc), 'g.json')).state), `seed ${seed}`).toEqual(canonical(state));
      expect(canonical((await readDesired(YAML.stringify(doc), 'g.yaml')).state), `seed ${seed}`).toEqual(canonical(state));
    }
  });
});

describe('planChanges: single cases', () => {
  const vip = service({ address: '10.0.0.1', port: 80, scheduler: 'rr' });
  const rip = (n: number, p: Partial<Parameters<typeof server>[0]> = {}) => server({ address: `10.1.0.${n}`, port: 80, ...p });

  it('edits a changed service and server in place', () => {
    const ops = planChanges([{ service: vip, dests: [rip(1)] }], [{ service: { ...vip, scheduler: 'wrr' }, dests: [rip(1, { weight: 5 })] }]).operations;
    expect(ops.map((o) => o.kind)).toEqual(['edit-service', 'edit-server']);
    expect(ops[0]).toMatchObject({ changed: ['scheduler'] });
    expect(ops[1]).toMatchObject({ changed: ['weight'] });
  });

  it('replaces a server whose key changes (port), and leaves the service alone', () => {
    const ops = planChanges([{ service: vip, dests: [rip(1, { fwdMethod: FwdMethod.MASQ })] }], [{ service: vip, dests: [rip(1, { fwdMethod: FwdMethod.MASQ, port: 8080 })] }]).operations;
    expect(ops.map((o) => o.kind)).toEqual(['add-server', 'delete-server']);
  });

  it('treats a fwmark service of another family as another service', () => {
    const v4 = service({ fwmark: 5 });
    const v6 = service({ fwmark: 5, af: AF_INET6, netmask: 128 });
    expect(planChanges([{ service: v4, dests: [] }], [{ service: v6, dests: [] }], { prune: true }).operations.map((o) => o.kind)).toEqual(['add-service', 'delete-service']);
    expect(planChanges([{ service: v4, dests: [] }], [{ service: v6, dests: [] }]).operations.map((o) => o.kind)).toEqual(['add-service']);
  });

  it('matches IPv6 addresses whatever their spelling, and fwmark services whatever protocol they report', () => {
    const a = service({ af: AF_INET6, address: '2001:db8:0:0::1', port: 80, netmask: 128 });
    const b = service({ af: AF_INET6, address: '2001:db8::1', port: 80, netmask: 128 });
    const d1 = server({ af: AF_INET6, address: '2001:DB8::0:5', port: 80 });
    const d2 = server({ af: AF_INET6, address: '2001:db8::5', port: 80 });
    expect(planChanges([{ service: a, dests: [d1] }], [{ service: b, dests: [d2] }]).operations).toEqual([]);
    const f = service({ fwmark: 9 });
    expect(planChanges([{ service: { ...f, protocol: 0 }, dests: [] }], [{ service: f, dests: [] }]).operations).toEqual([]);
  });

  it('deletes a pruned service with one request, its servers with it', () => {
    const ops = planChanges([{ service: vip, dests: [rip(1), rip(2)] }], [], { prune: true }).operations;
    expect(ops).toEqual([{ kind: 'delete-service', service: vip }]);
    expect(planChanges([{ service: vip, dests: [rip(1)] }], []).operations).toEqual([]);
  });

  it('drains: weight 0 first, then the wait, then the deletes', () => {
    const other = service({ address: '10.0.0.2', port: 80 });
    const current = [
      { service: vip, dests: [rip(1, { weight: 3 }), rip(2, { weight: 0 }), rip(3)] },
      { service: other, dests: [rip(4)] },
    ];
    const desired = [{ service: vip, dests: [rip(3)] }];
    const ops = planChanges(current, desired, { prune: true, drainSeconds: 30 }).operations;
    expect(ops.map((o) => o.kind)).toEqual(['edit-server', 'edit-server', 'drain', 'delete-server', 'delete-server', 'delete-service']);
    expect(ops[0]).toMatchObject({ dest: { address: '10.1.0.1', weight: 0 } });
    expect(ops[1]).toMatchObject({ service: other, dest: { address: '10.1.0.4', weight: 0 } });
    const drain = ops[2] as Extract<Operation, { kind: 'drain' }>;
    expect(drain.seconds).toBe(30);
    expect(drain.servers.map((s) => s.dest.address)).toEqual(['10.1.0.1', '10.1.0.2', '10.1.0.4']);
    expect(canonical(simulateAll(current, ops))).toEqual(canonical(desired));
    // Nothing to remove: no drain step at all.
    expect(planChanges(desired, desired, { prune: true, drainSeconds: 30 }).operations).toEqual([]);
  });

  it('refuses a desired state that lists a service or a server twice', () => {
    expect(() => planChanges([], [{ service: vip, dests: [] }, { service: vip, dests: [] }])).toThrow(/listed twice/);
    expect(() => planChanges([], [{ service: vip, dests: [rip(1), rip(1, { weight: 4 })] }])).toThrow(/listed twice/);
  });
});

describe('scope', { timeout: 120_000 }, () => {
  const s = (p: Parameters<typeof service>[0]) => service(p);
  it('parses prefixes, protocols and fwmark ranges, and refuses the rest', () => {
    expect(parseScope(['10.0.0.0/8', 'tcp', 'fwmark:5-9', '2001:db8::/32', '10.1.2.3', 'UDP', 'fwmark:7'])).toMatchObject({
      protocols: [IPPROTO_TCP, IPPROTO_UDP],
      fwmarks: [[5, 9], [7, 7]],
    });
    for (const bad of ['10.0.0.0/33', 'icmp', 'fwmark:9-5', 'fwmark:0', 'fwmark:x', '10.0.0.0/', '', '::/129', 'fwmark:1-2-3']) {
      expect(() => parseScope([bad]), bad).toThrow(/invalid --scope/);
    }
  });

  it('matches address services by prefix and protocol, fwmark services by range', () => {
    const scope = parseScope(['10.1.0.0/16', 'tcp', 'fwmark:100-199']);
    expect(inScope(scope, s({ address: '10.1.2.3', port: 80 }))).toBe(true);
    expect(inScope(scope, s({ address: '10.2.2.3', port: 80 }))).toBe(false);
    expect(inScope(scope, s({ address: '10.1.2.3', port: 53, protocol: IPPROTO_UDP }))).toBe(false);
    expect(inScope(scope, s({ fwmark: 150 }))).toBe(true);
    expect(inScope(scope, s({ fwmark: 200, af: AF_INET6 }))).toBe(false);
    expect(inScope(parseScope(['fwmark:1-5']), s({ address: '10.1.2.3', port: 80 }))).toBe(false);
    expect(inScope(parseScope(['udp']), s({ address: '192.168.0.1', port: 53, protocol: IPPROTO_UDP }))).toBe(true);
    expect(inScope(parseScope(['udp']), s({ fwmark: 3 }))).toBe(false);
    expect(inScope(parseScope(['2001:db8:1::/48']), s({ af: AF_INET6, address: '2001:db8:1:ffff::1', port: 80 }))).toBe(true);
    expect(inScope(parseScope(['2001:db8:1::/48']), s({ af: AF_INET6, address: '2001:db8:2::1', port: 80 }))).toBe(false);
    expect(inScope(parseScope(['10.0.0.0/8']), s({ af: AF_INET6, address: '::ffff:10.0.0.1', port: 80 }))).toBe(false);
    expect(inScope(parseScope(['0.0.0.0/0']), s({ address: '1.2.3.4', port: 80 }))).toBe(true);
    expect(inScope(parseScope(['10.1.2.3']), s({ address: '10.1.2.4', port: 80 }))).toBe(false);
  });

  it('leaves services outside the scope alone, even with prune', () => {
    for (const seed of SEEDS.slice(0, 200)) {
      const r = rng(seed);
      const scope = parseScope(r.chance(0.5) ? ['10.0.0.0/16', 'fwmark:1-3'] : ['2001:db8::/32', 'udp']);
      const current = randomState(r);
      const desired = mutate(r, current).filter((e) => inScope(scope, e.service));
      const plan = planChanges(current, desired, { prune: true, scope });
      for (const op of plan.operations) if (op.kind !== 'drain') expect(inScope(scope, op.service), `seed ${seed}`).toBe(true);
      const reached = simulateAll(current, plan.operations);
      expect(canonical(reached), `seed ${seed}`).toEqual(canonical(expected(current, desired, true, (e) => inScope(scope, e.service))));
    }
  });

  it('refuses a desired service outside the scope', () => {
    expect(() => planChanges([], [{ service: s({ address: '192.168.1.1', port: 80 }), dests: [] }], { scope: parseScope(['10.0.0.0/8']) })).toThrow(/outside the scope/);
  });
});

describe('simulator', () => {
  const vip = service({ address: '10.0.0.1', port: 80 });
  const refusal = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      if (e instanceof SimulatedRefusal) return e.errno;
      throw e;
    }
    return 0;
  };
  it('refuses as the kernel does', () => {
    const st: IpvsState = [{ service: vip, dests: [server({ address: '10.1.0.1', port: 80 })] }];
    expect(refusal(() => simulate(st, { kind: 'add-service', service: vip }))).toBe(17);
    expect(refusal(() => simulate([], { kind: 'edit-service', service: vip, previous: vip, changed: [] }))).toBe(3);
    expect(refusal(() => simulate([], { kind: 'add-server', service: vip, dest: server({ address: '10.1.0.1' }) }))).toBe(3);
    expect(refusal(() => simulate(st, { kind: 'add-server', service: vip, dest: server({ address: '10.1.0.1', port: 80 }) }))).toBe(17);
    expect(refusal(() => simulate(st, { kind: 'delete-server', service: vip, dest: server({ address: '10.1.0.2', port: 80 }) }))).toBe(2);
    expect(refusal(() => simulate(st, { kind: 'add-server', service: vip, dest: server({ address: '10.1.0.3', upperThreshold: 1, lowerThreshold: 2 }) }))).toBe(34);
    expect(refusal(() => simulate(st, { kind: 'add-server', service: vip, dest: server({ af: AF_INET6, address: '::2' }) }))).toBe(22);
    expect(simulate(st, { kind: 'delete-service', service: { ...vip, scheduler: 'x' } })).toEqual([]);
    expect(st[0].dests).toHaveLength(1); // the input is left alone
    void AF_INET;
  });
});
