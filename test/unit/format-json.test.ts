// The JSON renderer on the host: every field of every record, names beside addresses, exact
// 64-bit counters, and every document valid against schema/tsipvsadm.schema.json (ajv).

import { describe, expect, it } from 'vitest';
import { AF_INET6, IPPROTO_TCP, IPPROTO_UDP, SvcFlag } from '../../src/ipvs/constants';
import {
  connectionJson,
  daemonsJson,
  infoJson,
  SCHEMA_VERSION,
  serviceConfigJson,
  serviceJson,
  timeoutsJson,
  type NameLookup,
} from '../../src/format/json';
import { connRecord } from '../../src/format/connections/record';
import { dest, sampleState, stats, svc } from './format-fixture';
import type { Destination, Service } from '../../src/ipvs/types';

const st = (s: Service, destinations: Destination[] = []) => ({ ...s, destinations });
import { schemaErrors } from './json-schema';

const names: NameLookup = {
  host: async (a) => ({ '10.0.0.2': 'web1', '192.168.1.10': 'vip', '2001:db8::2': 'web6' })[a] ?? null,
  port: (p, proto) => (proto === IPPROTO_TCP && p === 80 ? 'http' : null),
};

const doc = (body: object) => ({ schemaVersion: SCHEMA_VERSION, ...body });

describe('service and destination records', () => {
  it('carry every field, numeric', async () => {
    const s = svc({ address: '192.168.1.10', port: 80, scheduler: 'sh', flags: SvcFlag.PERSISTENT | SvcFlag.SCHED1 | SvcFlag.SCHED2, timeout: 300, netmask: 0xffffff00, peName: 'sip', stats: stats({ conns: 2n ** 64n - 1n, inbytes: 2n ** 53n + 1n, cps: 7n }) });
    const d = dest({ address: '10.0.0.2', port: 8080, fwdMethod: 0, weight: 3, upperThreshold: 10, lowerThreshold: 5, activeConns: 4, inactConns: 6, persistConns: 2, stats: stats({ conns: 2n ** 40n, outbps: 99n }) });
    const j = await serviceJson(st(s, [d]), null);
    expect(j).toEqual({
      key: 'tcp:192.168.1.10:80',
      family: 'inet',
      protocol: 'tcp',
      address: '192.168.1.10',
      port: 80,
      scheduler: 'sh',
      schedFlags: ['sh-fallback', 'sh-port'],
      persistence: { timeout: 300, netmask: '255.255.255.0' },
      pe: 'sip',
      onePacket: false,
      stats: { conns: '18446744073709551615', inPkts: '0', outPkts: '0', inBytes: '9007199254740993', outBytes: '0' },
      rates: { cps: '7', inPps: '0', outPps: '0', inBps: '0', outBps: '0' },
      destinations: [
        {
          family: 'inet',
          address: '10.0.0.2',
          port: 8080,
          forwarding: 'masq',
          weight: 3,
          upperThreshold: 10,
          lowerThreshold: 5,
          tunnel: null,
          activeConns: 4,
          inactiveConns: 6,
          persistentConns: 2,
          stats: { conns: '1099511627776', inPkts: '0', outPkts: '0', inBytes: '0', outBytes: '0' },
          rates: { cps: '0', inPps: '0', outPps: '0', inBps: '0', outBps: '99' },
        },
      ],
    });
    expect(schemaErrors(doc({ services: [j] }))).toBe('');
  });

  it('put names beside the address and port, only where they exist', async () => {
    const s = svc({ address: '192.168.1.10', port: 80 });
    const j = await serviceJson(st(s, [dest({ address: '10.0.0.2', port: 80 }), dest({ address: '10.0.0.3', port: 81 })]), names);
    expect(j).toMatchObject({ address: '192.168.1.10', port: 80, host: 'vip', portName: 'http' });
    expect(j.destinations[0]).toMatchObject({ address: '10.0.0.2', port: 80, host: 'web1', portName: 'http' });
    expect(j.destinations[1]).not.toHaveProperty('host');
    expect(j.destinations[1]).not.toHaveProperty('portName');
    expect(j.destinations[1]).toMatchObject({ address: '10.0.0.3', port: 81 });
    expect(schemaErrors(doc({ services: [j] }))).toBe('');
  });

  it('identify fwmark and IPv6 services', async () => {
    const fw6 = await serviceJson(st(svc({ fwmark: 7, protocol: 0, af: AF_INET6, scheduler: 'mh', flags: SvcFlag.PERSISTENT, timeout: 60, netmask: 64 })), names);
    expect(fw6).toMatchObject({ key: 'fwmark6:7', family: 'inet6', fwmark: 7, persistence: { timeout: 60, netmask: 64 } });
    expect(fw6).not.toHaveProperty('address');
    expect(fw6).not.toHaveProperty('host');
    const v6 = await serviceJson(st(svc({ af: AF_INET6, protocol: IPPROTO_UDP, address: '2001:DB8:0:0::1', port: 53 }), [dest({ af: AF_INET6, address: '2001:db8::2', port: 53 })]), names);
    expect(v6).toMatchObject({ key: 'udp:[2001:db8::1]:53', family: 'inet6', address: '2001:db8::1' });
    expect(v6.destinations[0]).toMatchObject({ family: 'inet6', address: '2001:db8::2', host: 'web6' });
    expect(v6.destinations[0]).not.toHaveProperty('portName');
    expect(schemaErrors(doc({ services: [fw6, v6] }))).toBe('');
  });

  it('describe tunnels by type, port and checksum', async () => {
    const t = (p: object) => serviceJson(st(svc({ address: '10.0.0.1', port: 80 }), [dest({ fwdMethod: 2, ...p })]), null).then((j) => j.destinations[0].tunnel);
    expect(await t({ tunType: 0 })).toEqual({ type: 'ipip' });
    expect(await t({ tunType: 1, tunPort: 6080, tunFlags: 2 })).toEqual({ type: 'gue', port: 6080, checksum: 'remcsum' });
    expect(await t({ tunType: 2, tunFlags: 1 })).toEqual({ type: 'gre', checksum: 'csum' });
    expect(await t({ fwdMethod: 3, tunType: 2 })).toBeNull();
  });

  it('every service of the sample state validates, listed and as configuration', async () => {
    const listed = await Promise.all(sampleState().map((e) => serviceJson(st(e.svc, e.dests), names)));
    const config = await Promise.all(sampleState().map((e) => serviceConfigJson(st(e.svc, e.dests))));
    expect(schemaErrors(doc({ ipvs: infoJson({ version: 0x010201, connTabSize: 4096 }), services: listed }))).toBe('');
    expect(schemaErrors(doc({ services: config }))).toBe('');
    for (const c of config) {
      expect(c).not.toHaveProperty('stats');
      for (const d of c.destinations) expect(d).not.toHaveProperty('activeConns');
    }
  });
});

describe('other documents', () => {
  it('info, timeouts, daemons', () => {
    expect(infoJson({ version: 0x010201, connTabSize: 4096 })).toEqual({ version: '1.2.1', connTableSize: 4096 });
    expect(timeoutsJson({ tcp: 900, tcpFin: 120, udp: 300 })).toEqual({ tcp: 900, tcpFin: 120, udp: 300 });
    const daemons = daemonsJson([
      { state: 1, mcastIfn: 'eth0', syncId: 10, syncMaxlen: 1472, mcastGroup: '224.0.0.81', mcastPort: 8848, mcastTtl: 1 },
      { state: 2, mcastIfn: 'eth1', syncId: 0, mcastGroup: 'FF02:0:0:0:0:0:0:1' },
    ]);
    expect(daemons).toEqual([
      { state: 'master', mcastInterface: 'eth0', syncId: 10, syncMaxlen: 1472, mcastGroup: '224.0.0.81', mcastPort: 8848, mcastTtl: 1 },
      { state: 'backup', mcastInterface: 'eth1', syncId: 0, mcastGroup: 'ff02::1' },
    ]);
    expect(schemaErrors(doc({ timeouts: timeoutsJson({ tcp: 900, tcpFin: 120, udp: 300 }), daemons }))).toBe('');
  });

  it('connections, with and without the persistence-engine fields', async () => {
    const tcp = connRecord('TCP  C0A80001 9C40 C0A80A01 0050 0A000002 0050 ESTABLISHED       899\n')!;
    const j = await connectionJson(tcp, null);
    expect(j).toEqual({
      protocol: 'tcp',
      expires: 899,
      state: 'ESTABLISHED',
      client: { address: '192.168.0.1', port: 40000 },
      virtual: { address: '192.168.10.1', port: 80 },
      destination: { address: '10.0.0.2', port: 80 },
    });
    const named = await connectionJson(tcp, names);
    expect(named.destination).toEqual({ address: '10.0.0.2', port: 80, host: 'web1', portName: 'http' });
    const sip = await connectionJson(connRecord('UDP  0A000001 13C4 0A000064 13C4 0A000002 13C4 NONE             179 sip 6162633132\n')!, null);
    expect(sip).toMatchObject({ protocol: 'udp', state: 'NONE', peName: 'sip', peData: '6162633132' });
    const v6 = await connectionJson(connRecord('TCP  2001:0db8:0000:0000:0000:0000:0000:0001 9C40 2001:0db8:0000:0000:0000:0000:0000:0064 0050 2001:0db8:0000:0000:0000:0000:0000:0002 0050 SYN_RECV           59\n')!, null);
    expect(v6.client).toEqual({ address: '2001:db8::1', port: 40000 });
    expect(schemaErrors(doc({ connections: [j, named, sip, v6] }))).toBe('');
  });

  it('the schema refuses what it should', () => {
    expect(schemaErrors(doc({ services: [{ key: 'x', family: 'inet', fwmark: 1, protocol: 'tcp' }] }))).not.toBe('');
    expect(schemaErrors(doc({ services: [{ protocol: 'tcp', address: '10.0.0.1', port: 80, stats: { conns: 1, inPkts: '0', outPkts: '0', inBytes: '0', outBytes: '0' } }] }))).toMatch(/conns/);
    expect(schemaErrors({ services: [] })).toMatch(/schemaVersion/);
    expect(schemaErrors(doc({ surprise: 1 }))).not.toBe('');
    // A hand-written document for apply: identities only.
    expect(schemaErrors(doc({ services: [{ protocol: 'tcp', address: '10.0.0.1', port: 80, destinations: [{ address: '10.0.0.2', port: 80 }] }, { fwmark: 3, family: 'inet6' }] }))).toBe('');
  });
});
