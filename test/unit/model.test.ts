import { describe, expect, it } from 'vitest';
import { AddressFamily, FwdMethod, Protocol, SvcFlag } from '../../src/ipvs/constants';
import type { Destination, Service, ServiceKey } from '../../src/ipvs/types';
import type { IpvsClient } from '../../src/ipvs/client';
import { DumpInterruptedError } from '../../src/netlink/genl';
import {
  destinationKey,
  forwardingByMethod,
  formatServiceNotation,
  mapConcurrent,
  NotationError,
  parseDestinationNotation,
  parseServiceNotation,
  protocolByNumber,
  readServices,
  readSnapshot,
  sameDestinationConfig,
  sameServiceConfig,
  SCHED_FLAG_WORDS,
  schedFlagWords,
  serviceKey,
  SnapshotReadError,
  tunnelFlagsByValue,
  tunnelTypeByName,
} from '../../src/model';
import { dest, svc } from './format-fixture';

describe('tables', () => {
  it('name every protocol, forwarding method and tunnel setting once', () => {
    expect(protocolByNumber(Protocol.SCTP)).toMatchObject({ name: 'sctp', label: 'SCTP', ruleSwitch: '--sctp-service' });
    expect(forwardingByMethod(FwdMethod.LOCALNODE)).toMatchObject({ label: 'Local', ruleSwitch: '-g' });
    expect(forwardingByMethod(FwdMethod.BYPASS)?.label).toBeUndefined();
    expect(forwardingByMethod(8 | FwdMethod.MASQ)?.name).toBe('masq'); // only the low three bits
    expect(tunnelTypeByName('gue')?.type).toBe(1);
    expect(tunnelFlagsByValue(2)?.label).toBe('r+c');
  });

  it('give the scheduler-flag words ipvsadm prints and parses', () => {
    const all = SvcFlag.SCHED1 | SvcFlag.SCHED2 | SvcFlag.SCHED3;
    expect(schedFlagWords('sh', all)).toEqual(['sh-fallback', 'sh-port']);
    expect(schedFlagWords('mh', SvcFlag.SCHED2)).toEqual(['mh-port']);
    expect(schedFlagWords('rr', all)).toEqual(['flag-1', 'flag-2', 'flag-3']);
    expect(SCHED_FLAG_WORDS.get('mh-fallback')).toEqual({ bit: SvcFlag.SCHED1, scheduler: 'mh' });
    expect(SCHED_FLAG_WORDS.get('flag-3')).toEqual({ bit: SvcFlag.SCHED3 });
    expect([...SCHED_FLAG_WORDS.keys()].sort()).toEqual(
      ['flag-1', 'flag-2', 'flag-3', 'mh-fallback', 'mh-port', 'sh-fallback', 'sh-port'].sort(),
    );
  });
});

describe('service notation', () => {
  const cases: [string, ServiceKey, string?][] = [
    ['tcp:10.0.0.1:80', { af: AddressFamily.INET, protocol: Protocol.TCP, address: '10.0.0.1', port: 80, fwmark: 0 }],
    ['udp:[2001:db8::1]:53', { af: AddressFamily.INET6, protocol: Protocol.UDP, address: '2001:db8::1', port: 53, fwmark: 0 }],
    ['sctp:[2001:DB8:0:0::1]:9', { af: AddressFamily.INET6, protocol: Protocol.SCTP, address: '2001:db8::1', port: 9, fwmark: 0 }, 'sctp:[2001:db8::1]:9'],
    ['tcp:10.0.0.1', { af: AddressFamily.INET, protocol: Protocol.TCP, address: '10.0.0.1', port: 0, fwmark: 0 }, 'tcp:10.0.0.1:0'],
    ['tcp:::1', { af: AddressFamily.INET6, protocol: Protocol.TCP, address: '::1', port: 0, fwmark: 0 }, 'tcp:[::1]:0'],
    ['fwmark:5', { af: AddressFamily.INET, protocol: Protocol.NONE, address: '', port: 0, fwmark: 5 }],
    ['fwmark6:4294967295', { af: AddressFamily.INET6, protocol: Protocol.NONE, address: '', port: 0, fwmark: 4294967295 }],
  ];
  it.each(cases)('parses and prints %s', (text, key, printed) => {
    expect(parseServiceNotation(text)).toEqual(key);
    expect(formatServiceNotation(key)).toBe(printed ?? text);
  });

  it.each([
    'tcp',
    'icmp:10.0.0.1:1',
    'tcp:10.0.0.1:65536',
    'tcp:10.0.0.1:http',
    'tcp:010.0.0.1:80',
    'tcp:10.1:80',
    'tcp:host.example:80',
    'udp:[2001:db8::1:53',
    'udp:[2001:db8::1]53',
    'udp:[10.0.0.1]:53',
    'fwmark:0',
    'fwmark:4294967296',
    'fwmark:-1',
  ])('rejects %s with a NotationError', (text) => {
    expect(() => parseServiceNotation(text)).toThrow(NotationError);
    try {
      parseServiceNotation(text);
    } catch (err) {
      expect((err as Error).name).toBe('NotationError');
      expect((err as Error).message).toContain(JSON.stringify(text));
    }
  });

  it('parses real servers, the port defaulting to the given one', () => {
    expect(parseDestinationNotation('10.0.0.2:8080')).toEqual({ af: AddressFamily.INET, address: '10.0.0.2', port: 8080 });
    expect(parseDestinationNotation('10.0.0.2', 80)).toEqual({ af: AddressFamily.INET, address: '10.0.0.2', port: 80 });
    expect(parseDestinationNotation('[2001:db8::2]:80')).toEqual({ af: AddressFamily.INET6, address: '2001:db8::2', port: 80 });
    expect(parseDestinationNotation('2001:db8::2', 443)).toEqual({ af: AddressFamily.INET6, address: '2001:db8::2', port: 443 });
  });
});

describe('identity and equality', () => {
  it('keys services by notation, fwmark services by mark and family only', () => {
    expect(serviceKey(svc({ address: '10.0.0.1', port: 80 }))).toBe('tcp:10.0.0.1:80');
    expect(serviceKey(svc({ fwmark: 7, protocol: Protocol.TCP, address: '' }))).toBe('fwmark:7');
    expect(serviceKey(svc({ fwmark: 7, protocol: Protocol.NONE, af: AddressFamily.INET6 }))).toBe('fwmark6:7');
    expect(serviceKey(svc({ af: AddressFamily.INET6, address: '2001:0db8::0:1', port: 1 }))).toBe('tcp:[2001:db8::1]:1');
    expect(destinationKey(dest({ af: AddressFamily.INET6, address: '::2', port: 80 }))).toBe('[::2]:80');
  });

  it('compares configurations without HASHED, counters or stats', () => {
    const a = svc({ address: '10.0.0.1', port: 80, flags: SvcFlag.PERSISTENT });
    const b = { ...a, flags: SvcFlag.PERSISTENT | SvcFlag.HASHED, stats: undefined };
    expect(sameServiceConfig(a, b)).toBe(true);
    expect(sameServiceConfig(a, { ...a, scheduler: 'rr' })).toBe(false);
    expect(sameServiceConfig(a, { ...a, flags: 0 })).toBe(false);
    const d = dest({ address: '10.0.0.2', port: 80 });
    expect(sameDestinationConfig(d, { ...d, activeConns: 5, inactConns: 1, persistConns: 2, stats: undefined })).toBe(true);
    expect(sameDestinationConfig(d, { ...d, weight: 2 })).toBe(false);
    expect(sameDestinationConfig(d, { ...d, port: 81 })).toBe(false);
  });
});

/** A client stand-in that answers the model's reads from a table, with hooks for failures. */
function fakeClient(
  table: { svc: Service; dests: Destination[] }[],
  hooks: { dests?: (s: ServiceKey, call: number) => void; services?: (call: number) => void } = {},
) {
  let inFlight = 0;
  const stats = { maxInFlight: 0, destCalls: 0, serviceCalls: 0 };
  const client: Record<string, unknown> = {
    fork: () => client,
    close: () => undefined,
    info: async () => ({ version: 0x010201, connTabSize: 4096 }),
    timeouts: async () => ({ tcp: 900, tcpFin: 120, udp: 300 }),
    daemons: async () => [],
    services: async () => {
      stats.serviceCalls++;
      hooks.services?.(stats.serviceCalls);
      return table.map((e) => e.svc);
    },
    service: async (key: ServiceKey) => table.find((e) => serviceKey(e.svc) === serviceKey(key))!.svc,
    destinations: async (key: ServiceKey) => {
      inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
      try {
        // Answer out of order: later services first.
        await new Promise((r) => setTimeout(r, 5 - (key.port % 5)));
        stats.destCalls++;
        hooks.dests?.(key, stats.destCalls);
        return table.find((e) => serviceKey(e.svc) === serviceKey(key))!.dests;
      } finally {
        inFlight--;
      }
    },
  };
  return { client: client as unknown as IpvsClient, stats };
}

const manyServices = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    svc: svc({ address: `10.0.${i >> 8}.${i & 255}`, port: 80 + (i % 7) }),
    dests: [dest({ address: '10.9.0.2', port: i }), dest({ address: '10.9.0.1', port: i })],
  })).reverse();

describe('snapshot reader', () => {
  it('reads every service with its destinations, in ipvsadm order, with bounded concurrency', async () => {
    const table = manyServices(50);
    const { client, stats } = fakeClient(table);
    const snap = await readSnapshot(client, { concurrency: 8 });
    expect(snap.services.map((s) => s.address)).toEqual(table.map((e) => e.svc.address).reverse());
    expect(snap.services[0].destinations.map((d) => d.address)).toEqual(['10.9.0.1', '10.9.0.2']);
    expect(snap.timeouts.tcp).toBe(900);
    expect(stats.maxInFlight).toBe(8);
  });

  it('keeps kernel order when asked', async () => {
    const table = manyServices(5);
    const { client } = fakeClient(table);
    const services = await readServices(client, { order: 'kernel' });
    expect(services.map((s) => s.address)).toEqual(table.map((e) => e.svc.address));
    expect(services[0].destinations.map((d) => d.address)).toEqual(['10.9.0.2', '10.9.0.1']);
  });

  it('reports the first failure in order with the services read before it', async () => {
    const table = manyServices(30);
    const refused = new Set(['10.0.0.9', '10.0.0.20']);
    const { client } = fakeClient(table, {
      dests: (k) => {
        if (refused.has(k.address)) throw new Error(`refused ${k.address}`);
      },
    });
    const err = await readServices(client, { concurrency: 30 }).catch((e) => e);
    expect(err).toBeInstanceOf(SnapshotReadError);
    expect(err.name).toBe('SnapshotReadError');
    expect(err.stage).toBe('destinations');
    expect(err.failedService.address).toBe('10.0.0.9');
    expect(err.services.map((s: Service) => s.address)).toEqual(Array.from({ length: 9 }, (_, i) => `10.0.0.${i}`));
    expect((err.cause as Error).message).toBe('refused 10.0.0.9');
  });

  it('retries the whole read when a dump comes back interrupted, a bounded number of times', async () => {
    const table = manyServices(4);
    const once = fakeClient(table, {
      dests: (_k, call) => {
        if (call === 2) throw new DumpInterruptedError([]);
      },
    });
    expect((await readServices(once.client)).length).toBe(4);
    expect(once.stats.serviceCalls).toBe(2);

    const always = fakeClient(table, {
      services: () => {
        throw new DumpInterruptedError([]);
      },
    });
    const err = await readServices(always.client, { retries: 2 }).catch((e) => e);
    expect(err).toBeInstanceOf(SnapshotReadError);
    expect(err.cause).toBeInstanceOf(DumpInterruptedError);
    expect(always.stats.serviceCalls).toBe(3);
  });

  it('reads a single service by key', async () => {
    const table = manyServices(3);
    const { client } = fakeClient(table);
    const [one] = await readServices(client, { service: parseServiceNotation('tcp:10.0.0.1:81') });
    expect(one.address).toBe('10.0.0.1');
    expect(one.destinations).toHaveLength(2);
  });

  it('mapConcurrent runs nothing past a failure it already knows', async () => {
    const seen: number[] = [];
    const r = await mapConcurrent([0, 1, 2, 3, 4, 5], 1, async (i) => {
      seen.push(i);
      if (i === 2) throw new Error('x');
      return i;
    });
    expect(r.failed).toBe(2);
    expect(seen).toEqual([0, 1, 2]);
  });
});
