// The executor against a fake kernel built on the simulator, with a pipelining window: a refusal
// mid-plan must leave exactly the reported prefix applied.

import { describe, expect, it } from 'vitest';
import { executePlan, type ApplyClient, type IpvsChange, type BatchOutcome } from '../../src/apply/execute';
import { planChanges, requestCount, type IpvsState, type RequestOperation } from '../../src/apply/plan';
import { simulate, simulateAll, SimulatedRefusal } from '../../src/apply/simulate';
import { destId, serviceId } from '../../src/apply/identity';
import { canonical, mutate, randomState, rng, server, service } from '../apply/states';

const KIND: Record<IpvsChange['op'], RequestOperation['kind']> = {
  add_service: 'add-service', update_service: 'edit-service', del_service: 'delete-service',
  add_dest: 'add-server', update_dest: 'edit-server', del_dest: 'delete-server',
};
const asOperation = (c: IpvsChange) => ({ ...c, kind: KIND[c.op] }) as unknown as RequestOperation;

/** A kernel that is the simulator, answering `window` requests ahead like a pipelined socket. */
function fakeKernel(initial: IpvsState, refuse: (c: IpvsChange, n: number) => boolean = () => false) {
  const k = {
    state: initial,
    requests: 0,
    windows: [] as number[],
    client: undefined as unknown as ApplyClient,
  };
  k.client = {
    async batch(changes, options = {}) {
      const list = [...changes];
      const window = options.maxInFlight ?? 16;
      k.windows.push(window);
      const outcomes: BatchOutcome[] = [];
      let firstFailure: { index: number; error: Error } | undefined;
      let stopAt = list.length;
      for (let i = 0; i < Math.min(list.length, stopAt); i++) {
        k.requests++;
        try {
          if (refuse(list[i], k.requests)) throw new SimulatedRefusal(asOperation(list[i]), 22);
          k.state = simulate(k.state, asOperation(list[i]));
          outcomes.push({ status: 'applied' });
        } catch (err) {
          if (!(err instanceof SimulatedRefusal)) throw err;
          outcomes.push({ status: 'failed', error: err });
          if (!firstFailure) {
            firstFailure = { index: i, error: err };
            // Requests already in flight still reach the kernel.
            if (options.stopOnError) stopAt = i + window;
          }
        }
      }
      return { outcomes, sent: outcomes.length, applied: outcomes.filter((o) => o.status === 'applied').length, firstFailure };
    },
    async destinations(key) {
      const e = k.state.find((s) => serviceId(s.service) === serviceId(key as never));
      if (!e) throw new Error('ESRCH');
      return e.dests;
    },
  };
  return k;
}

describe('executePlan', { timeout: 120_000 }, () => {
  it('applies whole plans with exactly the plan\'s requests', async () => {
    for (let seed = 1; seed <= 150; seed++) {
      const r = rng(seed);
      const current = randomState(r);
      const desired = mutate(r, current);
      const plan = planChanges(current, desired, { prune: true });
      const k = fakeKernel(current);
      const report = await executePlan(plan, k.client);
      expect(report.failed).toBeUndefined();
      expect(k.requests).toBe(requestCount(plan));
      expect(report.requests).toBe(requestCount(plan));
      expect(canonical(k.state), `seed ${seed}`).toEqual(canonical(desired));
    }
  });

  it('stops at a refusal and leaves exactly the reported prefix applied', async () => {
    let failures = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const current = randomState(r);
      const plan = planChanges(current, mutate(r, current), { prune: true });
      const n = requestCount(plan);
      if (n === 0) continue;
      const refuseAt = r.int(1, n);
      const k = fakeKernel(current, (_, count) => count === refuseAt);
      const report = await executePlan(plan, k.client, { maxInFlight: r.pick([1, 2, 8, 128]) });
      const requests = plan.operations.filter((o) => o.kind !== 'drain') as RequestOperation[];
      expect(report.failed?.operation, `seed ${seed}`).toBe(requests[refuseAt - 1]);
      expect(report.applied).toEqual(requests.slice(0, refuseAt - 1));
      expect(report.undoFailed).toEqual([]);
      expect(canonical(k.state), `seed ${seed}`).toEqual(canonical(simulateAll(current, report.applied)));
      failures++;
    }
    expect(failures).toBeGreaterThan(200);
  });

  it('sends service deletes one at a time, everything else pipelined', async () => {
    const a = service({ address: '10.0.0.1', port: 80 });
    const b = service({ address: '10.0.0.2', port: 80 });
    const current: IpvsState = [{ service: a, dests: [] }, { service: b, dests: [] }];
    const plan = planChanges(current, [{ service: { ...a, scheduler: 'rr' }, dests: [server({ address: '10.1.0.1', port: 80 })] }], { prune: true });
    const k = fakeKernel(current);
    await executePlan(plan, k.client, { maxInFlight: 64 });
    expect(k.windows).toEqual([64, 1]);
  });

  it('drains: waits for active connections to end, then deletes', async () => {
    const vip = service({ address: '10.0.0.1', port: 80 });
    const busy = server({ address: '10.1.0.1', port: 80, weight: 5, activeConns: 3 });
    const keep = server({ address: '10.1.0.2', port: 80 });
    const current: IpvsState = [{ service: vip, dests: [busy, keep] }];
    const plan = planChanges(current, [{ service: vip, dests: [keep] }], { drainSeconds: 30 });
    const k = fakeKernel(current);
    let clock = 0;
    const looks: number[] = [];
    const report = await executePlan(plan, k.client, {
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
        // The connections end after 2.5 s.
        if (clock >= 2500) k.state[0].dests.find((d) => destId(d) === destId(busy))!.activeConns = 0;
      },
      onDrain: (e) => looks.push(e.busy),
    });
    expect(looks).toEqual([1, 1, 1, 0]);
    expect(report.drains).toEqual([{ waited: 3, timedOut: [] }]);
    expect(report.applied.map((o) => o.kind)).toEqual(['edit-server', 'delete-server']);
    expect(canonical(k.state)).toEqual(canonical([{ service: vip, dests: [keep] }]));
    // The weight was 0 while waiting.
    expect(report.applied[0]).toMatchObject({ dest: { weight: 0 } });
  });

  it('drains: gives up when the time runs out and deletes anyway', async () => {
    const vip = service({ address: '10.0.0.1', port: 80 });
    const busy = server({ address: '10.1.0.1', port: 80, activeConns: 1 });
    const current: IpvsState = [{ service: vip, dests: [busy] }];
    const plan = planChanges(current, [], { prune: true, drainSeconds: 2 });
    const k = fakeKernel(current);
    let clock = 0;
    const report = await executePlan(plan, k.client, { now: () => clock, sleep: async (ms) => void (clock += ms) });
    expect(report.drains[0].timedOut.map((t) => t.dest.address)).toEqual(['10.1.0.1']);
    expect(report.drains[0].waited).toBe(2);
    expect(k.state).toEqual([]);
  });
});
