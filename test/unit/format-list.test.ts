import { beforeEach, describe, expect, it, vi } from 'vitest';

const hosts = vi.hoisted(() => ({ map: new Map<string, string>(), calls: [] as string[] }));
vi.mock('../../src/net/hosts', () => ({
  reverseLookup: async (address: string) => {
    hosts.calls.push(address);
    return hosts.map.get(address) ?? null;
  },
  resolveHostV4: async () => null,
}));

import {
  daemonLines,
  fwdName,
  listFormatFor,
  listHeader,
  listTitle,
  serviceBlock,
  timeoutLine,
  type ListFormat,
} from '../../src/format/list';
import { addrPortToName, clearNameCaches, destName, serviceName } from '../../src/format/names';
import { sortServices } from '../../src/format/sort';
import { AF_INET, AF_INET6, IPPROTO_TCP, IPPROTO_UDP, SvcFlag } from '../../src/ipvs/constants';
import { dest, installServicesFixture, sampleState, stats, svc } from './format-fixture';

installServicesFixture();

beforeEach(() => {
  hosts.map.clear();
  hosts.calls.length = 0;
  clearNameCaches();
});

/** What the runner prints for `-L` of all services (header, title, blocks). */
async function listAll(
  format: ListFormat,
  o: { numeric?: boolean; exact?: boolean; nosort?: boolean } = {},
): Promise<string> {
  const opts = { format, numeric: o.numeric ?? true, exact: o.exact ?? false, nosort: o.nosort ?? false };
  const state = sampleState();
  let out = listHeader({ version: 0x010201, connTabSize: 4096 }) + listTitle(format);
  const services = opts.nosort ? state.map((e) => e.svc) : sortServices(state.map((e) => e.svc));
  for (const s of services) out += await serviceBlock(s, state.find((e) => e.svc === s)!.dests, opts);
  return out;
}

describe('-L -n on the spec sample (§2.13)', () => {
  it('reproduces the observed listing byte for byte', async () => {
    expect(await listAll('default')).toBe(
      [
        'IP Virtual Server version 1.2.1 (size=4096)',
        'Prot LocalAddress:Port Scheduler Flags',
        '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
        'TCP  192.168.1.10:80 wlc',
        '  -> 10.0.0.2:80                  Masq    3      2          0         ',
        '  -> 10.0.0.3:80                  Route   1      5          10        ',
        'TCP  192.168.1.10:443 sh (sh-fallback) persistent 300 mask 255.255.255.0',
        '  -> 10.0.0.2:443                 Tunnel  2      0          0         ',
        'TCP  10.1.1.1:0 lc persistent 1800 pe sip',
        'UDP  192.168.1.10:53 rr ops',
        '  -> 10.0.0.5:53                  Masq    1      0          7         ',
        'SCTP 192.168.1.20:3868 wlc',
        'TCP  [2001:db8::1]:8080 wlc',
        '  -> 10.0.0.7:8080                Tunnel  1      0          0         ',
        '  -> [2001:db8::10]:8080          Masq    1      0          0         ',
        'FWM  7 IPv6 mh (mh-fallback,mh-port)',
        'FWM  100 wrr persistent 360',
        '  -> 10.0.0.9:0                   Local   0      0          0         ',
        '',
      ].join('\n'),
    );
  });

  it('--nosort keeps kernel order for services and dests', async () => {
    const out = await listAll('default', { nosort: true });
    const lines = out.split('\n');
    expect(lines[3]).toBe('TCP  192.168.1.10:80 wlc');
    expect(lines[4]).toBe('  -> 10.0.0.2:80                  Masq    3      2          0         ');
    expect(lines.filter((l) => !l.startsWith(' ') && /^(TCP|UDP|SCTP|FWM)/.test(l)).map((l) => l.replace(/ (wlc|rr|sh|lc|wrr|mh)( .*)?$/, ''))).toEqual([
      'TCP  192.168.1.10:80',
      'UDP  192.168.1.10:53',
      'TCP  192.168.1.10:443',
      'TCP  10.1.1.1:0',
      'FWM  100',
      'FWM  7 IPv6',
      'TCP  [2001:db8::1]:8080',
      'SCTP 192.168.1.20:3868',
    ]);
    // [2001:db8::10] was added last, so the kernel lists it first.
    expect(out).toContain('TCP  [2001:db8::1]:8080 wlc\n  -> [2001:db8::10]:8080');
  });

  it('--stats', async () => {
    const out = await listAll('stats');
    expect(out.split('\n').slice(0, 6).join('\n')).toBe(
      [
        'IP Virtual Server version 1.2.1 (size=4096)',
        'Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes',
        '  -> RemoteAddress:Port',
        'TCP  192.168.1.10:80                    12      345        0    67890        0',
        '  -> 10.0.0.2:80                         6      145        0    27890        0',
        '  -> 10.0.0.3:80                         6      200        0    40000        0',
      ].join('\n'),
    );
    expect(out).toContain('\nFWM  7 IPv6                              0        0        0        0        0\n');
  });

  it('--tun-info', async () => {
    const out = await listAll('tun-info');
    expect(out).toContain(
      'Prot LocalAddress:Port Scheduler Flags\n' +
        '  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n' +
        'TCP  192.168.1.10:80 wlc\n' +
        '  -> 10.0.0.2:80                  Masq    n/a           3      2          0         \n',
    );
    expect(out).toContain('  -> 10.0.0.7:8080                Tunnel  gue:6080:+c   1      0          0         \n');
    expect(out).toContain('  -> 10.0.0.2:443                 Tunnel  ipip          2      0          0         \n');
  });

  it('--thresholds and --persistent-conn', async () => {
    const th = await listAll('thresholds');
    expect(th).toContain(
      'Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n  -> RemoteAddress:Port\n',
    );
    expect(th).toContain(
      'TCP  192.168.1.10:443 sh (sh-fallback) persistent 300 mask 255.255.255.0\n' +
        '  -> 10.0.0.2:443                 100        50         0          0         \n',
    );
    const pc = await listAll('persistent-conn');
    expect(pc).toContain(
      'Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn \n  -> RemoteAddress:Port\n',
    );
    expect(pc).toContain('  -> 10.0.0.2:443                 2         3           0          0         \n');
  });

  it('--rate', async () => {
    expect(listTitle('rate')).toBe(
      'Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n  -> RemoteAddress:Port\n',
    );
    const s = svc({ address: '10.0.0.1', port: 80, stats: stats({ cps: 3n, inpps: 100000000n, inbps: 4294967295n }) });
    const d = dest({
      address: '10.0.0.2',
      port: 80,
      stats: stats({ cps: 100000000000n, inpps: 4294967297n, outpps: 123456789n, inbps: 4294967296n + 5n, outbps: 100000000n }),
    });
    expect(await serviceBlock(s, [d], { format: 'rate', numeric: true, exact: false, nosort: false })).toBe(
      'TCP  10.0.0.1:80                         3  100000K        0    4294M        0\n' +
        '  -> 10.0.0.2:80                  1215752192        1 123456789        5  100000K\n',
    );
  });
});

describe('titles and format choice', () => {
  it('picks stats > rate > thresholds > persistent-conn > tun-info > default', () => {
    expect(listFormatFor({})).toBe('default');
    expect(listFormatFor({ stats: true, rate: true, tunInfo: true })).toBe('stats');
    expect(listFormatFor({ rate: true, thresholds: true })).toBe('rate');
    expect(listFormatFor({ thresholds: true, persistentConn: true })).toBe('thresholds');
    expect(listFormatFor({ persistentConn: true, tunInfo: true })).toBe('persistent-conn');
    expect(listFormatFor({ tunInfo: true })).toBe('tun-info');
  });

  it('prints the header from GET_INFO', () => {
    expect(listHeader({ version: 0x010201, connTabSize: 4096 })).toBe('IP Virtual Server version 1.2.1 (size=4096)\n');
    expect(listHeader({ version: 0x020a0b, connTabSize: 1 << 20 })).toBe(
      'IP Virtual Server version 2.10.11 (size=1048576)\n',
    );
  });
});

describe('service and dest lines', () => {
  const opts = { format: 'default' as const, numeric: true, exact: false, nosort: false };

  it('prints fwmarks signed and ops without persistence, pe only with it', async () => {
    expect(await serviceBlock(svc({ fwmark: 2147483648, protocol: 0 }), [], opts)).toBe('FWM  -2147483648 wlc\n');
    expect(await serviceBlock(svc({ fwmark: 4294967294, protocol: 0, af: AF_INET6 }), [], opts)).toBe(
      'FWM  -2 IPv6 wlc\n',
    );
    expect(
      await serviceBlock(svc({ address: '1.2.3.4', port: 1, peName: 'sip', flags: SvcFlag.ONEPACKET }), [], opts),
    ).toBe('TCP  1.2.3.4:1 wlc ops\n');
  });

  it('prints sched flags per scheduler, `()` for unmapped sh/mh bits', async () => {
    const f = (scheduler: string, flags: number) =>
      serviceBlock(svc({ address: '1.2.3.4', port: 1, scheduler, flags }), [], opts);
    expect(await f('wrr', 0x38)).toBe('TCP  1.2.3.4:1 wrr (flag-1,flag-2,flag-3)\n');
    expect(await f('sh', 0x08)).toBe('TCP  1.2.3.4:1 sh (sh-fallback)\n');
    expect(await f('sh', 0x20)).toBe('TCP  1.2.3.4:1 sh ()\n');
    expect(await f('mh', 0x18)).toBe('TCP  1.2.3.4:1 mh (mh-fallback,mh-port)\n');
  });

  it('prints masks: inet_ntoa for IPv4 (incl. 0.0.0.0), %i for IPv6', async () => {
    expect(
      await serviceBlock(svc({ address: '1.2.3.4', port: 1, flags: 1, timeout: 60, netmask: 0 }), [], opts),
    ).toBe('TCP  1.2.3.4:1 wlc persistent 60 mask 0.0.0.0\n');
    expect(
      await serviceBlock(
        svc({ af: AF_INET6, address: '2001:db8::1', port: 1, flags: 1 | 4, timeout: 60, netmask: 64, peName: 'sip' }),
        [],
        opts,
      ),
    ).toBe('TCP  [2001:db8::1]:1 wlc persistent 60 mask 64 pe sip ops\n');
  });

  it('prints (null) for forwarding methods 4..7 and weight %d', async () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(fwdName)).toEqual([
      'Masq',
      'Local',
      'Tunnel',
      'Route',
      '(null)',
      '(null)',
      '(null)',
      '(null)',
    ]);
    const out = await serviceBlock(
      svc({ address: '1.2.3.4', port: 80 }),
      [dest({ address: '10.0.0.1', port: 80, fwdMethod: 4, weight: 4294967295, activeConns: 4294967295 })],
      opts,
    );
    expect(out).toBe('TCP  1.2.3.4:80 wlc\n  -> 10.0.0.1:80                  (null)  -1     4294967295 0         \n');
  });

  it('tunnel info: gue/gre flag texts, n/a for unknown types and non-tunnels', async () => {
    const line = async (d: Partial<Parameters<typeof dest>[0]>) =>
      (
        await serviceBlock(svc({ address: '1.2.3.4', port: 80 }), [dest({ address: '10.0.0.1', port: 80, fwdMethod: 2, ...d })], {
          ...opts,
          format: 'tun-info',
        })
      ).split('\n')[1];
    expect(await line({ tunType: 1, tunPort: 443, tunFlags: 2 })).toBe(
      '  -> 10.0.0.1:80                  Tunnel  gue:443:r+c   1      0          0         ',
    );
    expect(await line({ tunType: 1, tunPort: 443, tunFlags: 0 })).toContain('Tunnel  gue:443:-c    1');
    expect(await line({ tunType: 2, tunFlags: 1 })).toContain('Tunnel  gre:+c        1');
    expect(await line({ tunType: 2, tunFlags: 3 })).toContain('Tunnel  gre:(null)    1');
    expect(await line({ tunType: 9 })).toContain('Tunnel  n/a           1');
    expect(await line({ fwdMethod: 3, tunType: 1 })).toContain('Route   n/a           1');
  });

  it('dest stats64: low 32 bits except bytes; exact widths', async () => {
    const d = dest({
      address: '10.0.0.2',
      port: 80,
      stats: stats({ conns: 4294967297n, inpkts: 4294967296n, outpkts: 5n, inbytes: 4294967297n, outbytes: 100000000n }),
    });
    const s = svc({ address: '10.0.0.1', port: 80, stats: stats({ conns: 4294967297n }) });
    expect(await serviceBlock(s, [d], { ...opts, format: 'stats' })).toBe(
      'TCP  10.0.0.1:80                     4294M        0        0        0        0\n' +
        '  -> 10.0.0.2:80                         1        0        5    4294M  100000K\n',
    );
    expect(await serviceBlock(s, [d], { ...opts, format: 'stats', exact: true })).toBe(
      'TCP  10.0.0.1:80                  4294967297        0        0        0        0\n' +
        '  -> 10.0.0.2:80                         1        0        5 4294967297 100000000\n',
    );
  });
});

describe('names', () => {
  it('numeric forms, glibc IPv6 text', async () => {
    expect(await addrPortToName(AF_INET, '10.0.0.1', 80, IPPROTO_TCP, true)).toBe('10.0.0.1:80');
    expect(await addrPortToName(AF_INET6, '::ffff:10.0.0.1', 80, IPPROTO_TCP, true)).toBe('[::ffff:10.0.0.1]:80');
    expect(await addrPortToName(AF_INET6, '0:0:0:0:0:ffff:a00:1', 80, IPPROTO_TCP, true)).toBe('[::ffff:10.0.0.1]:80');
    expect(await addrPortToName(AF_INET6, '2001:DB8:0:0:1:0:0:1', 0, IPPROTO_TCP, true)).toBe('[2001:db8::1:0:0:1]:0');
    expect(hosts.calls).toEqual([]);
  });

  it('resolves IPv4 hosts and ports for the protocol, numbers otherwise', async () => {
    hosts.map.set('127.0.0.1', 'localhost');
    expect(await addrPortToName(AF_INET, '127.0.0.1', 80, IPPROTO_TCP, false)).toBe('localhost:http');
    expect(await addrPortToName(AF_INET, '10.0.0.1', 53, IPPROTO_UDP, false)).toBe('10.0.0.1:domain');
    expect(await addrPortToName(AF_INET, '10.0.0.1', 5353, IPPROTO_UDP, false)).toBe('10.0.0.1:mdns');
    expect(await addrPortToName(AF_INET, '10.0.0.1', 5353, IPPROTO_TCP, false)).toBe('10.0.0.1:5353');
    expect(await addrPortToName(AF_INET, '127.0.0.1', 80, 0, false)).toBe('localhost:80');
    expect(await addrPortToName(AF_INET, '10.0.0.1', 0, IPPROTO_TCP, false)).toBe('10.0.0.1:0');
    // Cached per process: one look-up per address.
    expect(hosts.calls).toEqual(['127.0.0.1', '10.0.0.1']);
  });

  it('looks IPv6 addresses up too, with brackets around the name (observed on a 6.1 guest)', async () => {
    hosts.map.set('::1', 'ip6-localhost');
    hosts.map.set('2001:db8::5', 'foo6');
    expect(await addrPortToName(AF_INET6, '::1', 8080, IPPROTO_TCP, false)).toBe('[ip6-localhost]:http-alt');
    expect(await addrPortToName(AF_INET6, '2001:DB8:0:0:0:0:0:5', 80, IPPROTO_TCP, false)).toBe('[foo6]:http');
    expect(await addrPortToName(AF_INET6, '::2', 80, IPPROTO_TCP, false)).toBe('[::2]:http');
    expect(await addrPortToName(AF_INET6, '0:0:0:1::', 80, IPPROTO_TCP, true)).toBe('[0:0:0:1::]:80');
    expect(hosts.calls).toEqual(['::1', '2001:db8::5', '::2']);
  });

  it('cuts names at 59, IPv4 service names at 33 and IPv4 dest names at 28', async () => {
    const long = 'very-long-hostname-for-testing-truncation.example.com-10';
    hosts.map.set('192.168.1.10', long);
    expect(await addrPortToName(AF_INET, '192.168.1.10', 80, IPPROTO_TCP, false)).toBe(
      'very-long-hostname-for-testing-truncation.example.com-10:ht',
    );
    const s = svc({ address: '192.168.1.10', port: 80 });
    expect(await serviceName(s, false, true)).toBe('TCP  very-long-hostname-for-testi');
    expect(await serviceName(s, false, false)).toBe('-t very-long-hostname-for-testing-truncation.example.com-10:ht');
    const d = dest({ address: '192.168.1.10', port: 80 });
    expect(await destName(d, IPPROTO_TCP, false, true)).toBe('very-long-hostname-for-testi');
    expect(await destName(d, IPPROTO_TCP, false, false)).toBe(
      'very-long-hostname-for-testing-truncation.example.com-10:ht',
    );
    // The block pads the cut names (dest: 28 wide, service line unpadded in the default view).
    expect(await serviceBlock(s, [d], { format: 'default', numeric: false, exact: false, nosort: false })).toBe(
      'TCP  very-long-hostname-for-testi wlc\n  -> very-long-hostname-for-testi Route   1      0          0         \n',
    );
    // IPv6 names are not cut at 33/28 (only at 59).
    const v6 = '2001:db8:1111:2222:3333:4444:5555:6666';
    const s6 = svc({ af: AF_INET6, address: v6, port: 65535 });
    expect(await serviceName(s6, true, true)).toBe(`TCP  [${v6}]:65535`);
    const d6 = dest({ af: AF_INET6, address: v6, port: 65535 });
    expect(await destName(d6, IPPROTO_TCP, true, true)).toBe(`[${v6}]:65535`);
    // 33-byte cut of a numeric IPv4 name that is long enough only with the protocol prefix.
    expect(await serviceName(svc({ protocol: 132, address: '255.255.255.255', port: 65535 }), true, true)).toBe(
      'SCTP 255.255.255.255:65535',
    );
  });

  it('lists the sample without -n (no PTR records)', async () => {
    const out = await listAll('default', { numeric: false });
    expect(out).toContain('\nTCP  192.168.1.10:http wlc\n  -> 10.0.0.2:http                Masq    3      2          0         \n');
    expect(out).toContain('\nTCP  192.168.1.10:https sh (sh-fallback)');
    expect(out).toContain('\nUDP  192.168.1.10:domain rr ops\n');
    expect(out).toContain('\nTCP  [2001:db8::1]:http-alt wlc\n');
    expect(out).toContain('\nSCTP 192.168.1.20:diameter wlc\n');
    expect(out).toContain('\nFWM  100 wrr persistent 360\n  -> 10.0.0.9:0                   Local');
  });

  it('unknown protocols list as `?`', async () => {
    expect(await serviceName(svc({ protocol: 99, address: '1.2.3.4', port: 5 }), true, true)).toBe('?    1.2.3.4:5');
  });
});

describe('--timeout and --daemon', () => {
  it('prints the timeout line', () => {
    expect(timeoutLine({ tcp: 900, tcpFin: 120, udp: 300 })).toBe('Timeout (tcp tcpfin udp): 900 120 300\n');
  });

  it('prints daemons master/backup with optional fields', () => {
    expect(daemonLines([])).toBe('');
    // Observed on a 6.1 guest (--start-daemon master, then backup with group/port/ttl/maxlen 1000).
    expect(
      daemonLines([
        { state: 1, mcastIfn: 'd0', syncId: 0, syncMaxlen: 1472, mcastGroup: '224.0.0.81', mcastPort: 8848, mcastTtl: 1 },
        { state: 2, mcastIfn: 'd0', syncId: 9, syncMaxlen: 1024, mcastGroup: '239.1.2.3', mcastPort: 9000, mcastTtl: 5 },
      ]),
    ).toBe(
      'master sync daemon (mcast=d0, syncid=0, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)\n' +
        'backup sync daemon (mcast=d0, syncid=9, maxlen=1024, group=239.1.2.3, port=9000, ttl=5)\n',
    );
    // Fields the kernel did not send are left out; IPv6 groups print in inet_ntop form.
    expect(daemonLines([{ state: 2, mcastIfn: 'eth1', syncId: 5, mcastGroup: 'FF02:0:0:0:0:0:0:1' }])).toBe(
      'backup sync daemon (mcast=eth1, syncid=5, group=ff02::1)\n',
    );
  });
});
