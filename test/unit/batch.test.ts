// IpvsClient.batch against a scripted fake kernel: order, refusals in the middle, bounded
// in-flight count, one acknowledgement per datagram, stopping at the first refusal, timeouts.

import { describe, expect, it } from 'vitest';
import { IpvsClient, IpvsError, IpvsTimeoutError, type BatchOutcome } from '../../src/ipvs/client';
import type { IpvsChange } from '../../src/ipvs/changes';
import { IpvsCommand, SvcAttr } from '../../src/ipvs/constants';
import { iterAttrs } from '../../src/netlink/genl';
import { FakeNetlink, type FakeRequest } from './fake-netlink';

const service = (port: number) => ({ af: 2, protocol: 6, address: '10.0.0.1', port, fwmark: 0, scheduler: 'wlc', flags: 0, timeout: 0, netmask: 0xffffffff, peName: '' });
const adds = (n: number): IpvsChange[] => Array.from({ length: n }, (_, i) => ({ op: 'add_service', service: service(i + 1) }));

/** The port of the service a request names (network order in the SERVICE nest). */
function portOf(req: FakeRequest): number {
  const [[, nest]] = [...iterAttrs(req.attrs)];
  for (const [t, v] of iterAttrs(nest)) if (t === SvcAttr.PORT) return v.readUInt16BE(0);
  return -1;
}
const ipvsRequests = (fake: FakeNetlink) => fake.requests.filter((r) => r.family !== 0x10);

async function open(answer: ConstructorParameters<typeof FakeNetlink>[0], timeoutMs?: number) {
  const fake = new FakeNetlink(answer);
  return { fake, client: await IpvsClient.open({ socket: fake, timeoutMs }) };
}

describe('IpvsClient.batch', () => {
  it('applies every change in order and reports each in order', async () => {
    const { fake, client } = await open(() => ({}));
    const seen: number[] = [];
    const result = await client.batch(adds(1000), { onResult: (i) => seen.push(i) });
    expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(result).toMatchObject({ sent: 1000, applied: 1000, firstFailure: undefined });
    expect(ipvsRequests(fake).map(portOf)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(ipvsRequests(fake).every((r) => r.cmd === IpvsCommand.NEW_SERVICE)).toBe(true);
    client.close();
  });

  it('asks for one acknowledgement per datagram, many changes to a datagram', async () => {
    const { fake, client } = await open(() => ({}));
    await client.batch(adds(640));
    const acked = ipvsRequests(fake).filter((r) => r.flags & 0x4).length;
    expect(fake.datagrams - 1).toBe(acked); // minus the family look-up
    expect(acked).toBeLessThanOrEqual(640 / 16);
    client.close();
  });

  it('reports refusals in the middle with the operation and goes on', async () => {
    const { client } = await open((req) => (portOf(req) % 7 === 0 ? { errno: 17 } : {}));
    const outcomes: BatchOutcome[] = [];
    const result = await client.batch(adds(100), { onResult: (_, o) => outcomes.push(o) });
    expect(outcomes).toEqual(result.outcomes);
    expect(result.applied).toBe(100 - 14);
    expect(result.firstFailure?.index).toBe(6);
    const refused = result.outcomes.flatMap((o, i) => (o.status === 'failed' ? [i + 1] : []));
    expect(refused).toEqual(Array.from({ length: 14 }, (_, i) => (i + 1) * 7));
    const err = (result.outcomes[6] as { error: IpvsError }).error;
    expect(err).toBeInstanceOf(IpvsError);
    expect(err).toMatchObject({ operation: 'add_service', errno: 17, code: 'EEXIST' });
    client.close();
  });

  it('handles a refusal of the acknowledged (last) change of a datagram', async () => {
    const { client } = await open((req) => (req.flags & 0x4 ? { errno: 3 } : {}));
    const result = await client.batch(adds(5), { maxInFlight: 10 });
    expect(result.outcomes.map((o) => o.status)).toEqual(['applied', 'applied', 'applied', 'applied', 'failed']);
    client.close();
  });

  it('keeps at most maxInFlight changes unanswered', async () => {
    const { fake, client } = await open(() => ({}));
    let answered = 0;
    let worst = 0;
    const origSend = fake.send.bind(fake);
    fake.send = (data, opts, cb) => {
      origSend(data, opts, cb);
      worst = Math.max(worst, ipvsRequests(fake).length - answered);
    };
    await client.batch(adds(500), { maxInFlight: 10, onResult: () => answered++ });
    expect(answered).toBe(500);
    expect(worst).toBeLessThanOrEqual(10);
    expect(worst).toBeGreaterThan(1);
    client.close();
  });

  it('stops sending after the first refusal with stopOnError (exactly, with maxInFlight 1)', async () => {
    const { fake, client } = await open((req) => (portOf(req) === 4 ? { errno: 17 } : {}));
    const result = await client.batch(adds(50), { stopOnError: true, maxInFlight: 1 });
    expect(result).toMatchObject({ sent: 4, applied: 3, firstFailure: { index: 3 } });
    expect(ipvsRequests(fake).length).toBe(4);
    client.close();
  });

  it('takes changes lazily from any iterable', async () => {
    const { client } = await open(() => ({}));
    function* gen() {
      yield { op: 'flush' } as IpvsChange;
      yield { op: 'zero' } as IpvsChange;
    }
    expect((await client.batch(gen())).applied).toBe(2);
    expect(await client.batch([])).toMatchObject({ sent: 0, applied: 0 });
    client.close();
  });

  it('fails changes the codec cannot encode without sending them, in their place', async () => {
    const { fake, client } = await open(() => ({}));
    const bad: IpvsChange = { op: 'add_service', service: { ...service(2), peName: 'x'.repeat(70000) } };
    const result = await client.batch([adds(1)[0], bad, { op: 'add_service', service: service(3) }]);
    expect(result.outcomes.map((o) => o.status)).toEqual(['applied', 'failed', 'applied']);
    expect(ipvsRequests(fake).map(portOf)).toEqual([1, 3]);
    client.close();
  });

  it('fails every unanswered change with IpvsTimeoutError when the kernel goes silent', async () => {
    const { client } = await open((req) => (portOf(req) > 40 ? 'silent' : {}), 50);
    const result = await client.batch(adds(100), { maxInFlight: 20 });
    expect(result.applied).toBe(40);
    const failed = result.outcomes.filter((o) => o.status === 'failed') as { error: Error }[];
    expect(failed.length).toBe(result.sent - 40);
    expect(failed.every((f) => f.error instanceof IpvsTimeoutError && f.error.message.startsWith('IPVS add_service:'))).toBe(true);
    client.close();
  });

  it('rejects a maxInFlight below 1', async () => {
    const { client } = await open(() => ({}));
    await expect(client.batch(adds(1), { maxInFlight: 0 })).rejects.toThrow(RangeError);
    client.close();
  });
});
