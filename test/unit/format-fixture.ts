// The kernel state of the spec's observed sample listing (§2.13), in a plausible kernel order
// (services as `--nosort` printed them; dests newest first).

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AF_INET, AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, SvcFlag } from '../../src/ipvs/constants';
import type { Destination, Service, Stats } from '../../src/ipvs/types';

export function stats(p: Partial<Stats> = {}): Stats {
  return {
    conns: 0n,
    inpkts: 0n,
    outpkts: 0n,
    inbytes: 0n,
    outbytes: 0n,
    cps: 0n,
    inpps: 0n,
    outpps: 0n,
    inbps: 0n,
    outbps: 0n,
    ...p,
  };
}

export function svc(p: Partial<Service>): Service {
  return {
    af: AF_INET,
    protocol: IPPROTO_TCP,
    address: '',
    port: 0,
    fwmark: 0,
    scheduler: 'wlc',
    flags: 0,
    timeout: 0,
    netmask: 0xffffffff,
    peName: '',
    stats: stats(),
    ...p,
  };
}

export function dest(p: Partial<Destination>): Destination {
  return {
    af: AF_INET,
    address: '0.0.0.0',
    port: 0,
    fwdMethod: 3,
    weight: 1,
    upperThreshold: 0,
    lowerThreshold: 0,
    tunType: 0,
    tunPort: 0,
    tunFlags: 0,
    activeConns: 0,
    inactConns: 0,
    persistConns: 0,
    stats: stats(),
    ...p,
  };
}

export interface Entry {
  svc: Service;
  dests: Destination[];
}

export function sampleState(): Entry[] {
  return [
    {
      svc: svc({
        address: '192.168.1.10',
        port: 80,
        stats: stats({ conns: 12n, inpkts: 345n, inbytes: 67890n }),
      }),
      dests: [
        dest({
          address: '10.0.0.2',
          port: 80,
          fwdMethod: 0,
          weight: 3,
          activeConns: 2,
          stats: stats({ conns: 6n, inpkts: 145n, inbytes: 27890n }),
        }),
        dest({
          address: '10.0.0.3',
          port: 80,
          fwdMethod: 3,
          weight: 1,
          activeConns: 5,
          inactConns: 10,
          stats: stats({ conns: 6n, inpkts: 200n, inbytes: 40000n }),
        }),
      ],
    },
    {
      svc: svc({ protocol: IPPROTO_UDP, address: '192.168.1.10', port: 53, scheduler: 'rr', flags: SvcFlag.ONEPACKET }),
      dests: [dest({ address: '10.0.0.5', port: 53, fwdMethod: 0, weight: 1, inactConns: 7 })],
    },
    {
      svc: svc({
        address: '192.168.1.10',
        port: 443,
        scheduler: 'sh',
        flags: SvcFlag.PERSISTENT | SvcFlag.SCHED1,
        timeout: 300,
        netmask: 0xffffff00,
      }),
      dests: [
        dest({
          address: '10.0.0.2',
          port: 443,
          fwdMethod: 2,
          weight: 2,
          tunType: 0,
          upperThreshold: 100,
          lowerThreshold: 50,
          persistConns: 3,
        }),
      ],
    },
    {
      svc: svc({ address: '10.1.1.1', port: 0, scheduler: 'lc', flags: SvcFlag.PERSISTENT, timeout: 1800, peName: 'sip' }),
      dests: [],
    },
    {
      svc: svc({ fwmark: 100, protocol: 0, scheduler: 'wrr', flags: SvcFlag.PERSISTENT, timeout: 360 }),
      dests: [dest({ address: '10.0.0.9', port: 0, fwdMethod: 1, weight: 0 })],
    },
    {
      svc: svc({
        fwmark: 7,
        protocol: 0,
        af: AF_INET6,
        scheduler: 'mh',
        flags: SvcFlag.SCHED1 | SvcFlag.SCHED2,
        netmask: 64,
      }),
      dests: [],
    },
    {
      svc: svc({ af: AF_INET6, address: '2001:db8::1', port: 8080, netmask: 128 }),
      dests: [
        dest({ af: AF_INET6, address: '2001:db8::10', port: 8080, fwdMethod: 0, weight: 1 }),
        dest({ address: '10.0.0.7', port: 8080, fwdMethod: 2, weight: 1, tunType: 1, tunPort: 6080, tunFlags: 1 }),
      ],
    },
    {
      svc: svc({ protocol: IPPROTO_SCTP, address: '192.168.1.20', port: 3868 }),
      dests: [],
    },
  ];
}

/**
 * Points src/net/services at a small /etc/services with netbase 6.4's lines for the ports the
 * tests name. Call before the first port-name look-up (the table is loaded once).
 */
export function installServicesFixture(): void {
  const file = join(mkdtempSync(join(tmpdir(), 'tsipvsadm-fmt-')), 'services');
  writeFileSync(
    file,
    [
      'domain\t\t53/tcp\t\t\t\t# Domain Name Server',
      'domain\t\t53/udp',
      'http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP',
      'https\t\t443/tcp',
      'https\t\t443/udp',
      'sip\t\t5060/tcp',
      'sip\t\t5060/udp',
      'mdns\t\t5353/udp',
      'http-alt\t8080/tcp\twebcache',
      'diameter\t3868/tcp',
      'diameter\t3868/sctp',
      '',
    ].join('\n'),
  );
  process.env.TSIPVSADM_SERVICES_FILE = file;
}
