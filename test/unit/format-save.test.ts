import { beforeEach, describe, expect, it, vi } from 'vitest';

const hosts = vi.hoisted(() => ({ map: new Map<string, string>() }));
vi.mock('../../src/net/hosts', () => ({
  reverseLookup: async (address: string) => hosts.map.get(address) ?? null,
  resolveHostV4: async () => null,
}));

import { clearNameCaches } from '../../src/format/names';
import { fwdSwitch, saveBlock, SimulatedCrash } from '../../src/format/save';
import { sortServices } from '../../src/format/sort';
import { AF_INET6, SvcFlag } from '../../src/ipvs/constants';
import { dest, installServicesFixture, sampleState, svc } from './format-fixture';

installServicesFixture();

beforeEach(() => {
  hosts.map.clear();
  clearNameCaches();
});

async function saveAll(numeric: boolean): Promise<string> {
  const state = sampleState();
  let out = '';
  for (const s of sortServices(state.map((e) => e.svc))) {
    out += await saveBlock(s, state.find((e) => e.svc === s)!.dests, numeric);
  }
  return out;
}

describe('-S', () => {
  it('reproduces the spec sample (§1.10) with -n', async () => {
    expect(await saveAll(true)).toBe(
      [
        '-A -t 192.168.1.10:80 -s wlc',
        '-a -t 192.168.1.10:80 -r 10.0.0.2:80 -m -w 3',
        '-a -t 192.168.1.10:80 -r 10.0.0.3:80 -g -w 1',
        '-A -t 192.168.1.10:443 -s sh -p 300 -M 255.255.255.0 -b sh-fallback',
        '-a -t 192.168.1.10:443 -r 10.0.0.2:443 -i -w 2 --tun-type ipip',
        '-A -t 10.1.1.1:0 -s lc -p 1800 --pe sip',
        '-A -u 192.168.1.10:53 -s rr -o',
        '-a -u 192.168.1.10:53 -r 10.0.0.5:53 -m -w 1',
        '-A --sctp-service 192.168.1.20:3868 -s wlc',
        '-A -t [2001:db8::1]:8080 -s wlc',
        '-a -t [2001:db8::1]:8080 -r 10.0.0.7:8080 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum',
        '-a -t [2001:db8::1]:8080 -r [2001:db8::10]:8080 -m -w 1',
        '-A -f 7 -6 -s mh -b mh-fallback,mh-port',
        '-A -f 100 -s wrr -p 360',
        '-a -f 100 -r 10.0.0.9:0 -g -w 0',
        '',
      ].join('\n'),
    );
  });

  it('resolves names without -n and cuts them at 59', async () => {
    hosts.map.set('192.168.1.10', 'very-long-hostname-for-testing-truncation.example.com-10');
    const s = svc({ address: '192.168.1.10', port: 80 });
    expect(await saveBlock(s, [], false)).toBe(
      '-A -t very-long-hostname-for-testing-truncation.example.com-10:ht -s wlc\n',
    );
    const s2 = svc({ address: '192.168.1.11', port: 8080 });
    expect(await saveBlock(s2, [dest({ address: '10.0.0.1', port: 8080, fwdMethod: 0 })], false)).toBe(
      '-A -t 192.168.1.11:http-alt -s wlc\n-a -t 192.168.1.11:http-alt -r 10.0.0.1:http-alt -m -w 1\n',
    );
  });

  it('prints -p/-M only when persistent, --pe and -o regardless, `-b ` possibly empty', async () => {
    expect(await saveBlock(svc({ address: '1.1.1.1', port: 1, netmask: 0xffff0000, peName: 'sip' }), [], true)).toBe(
      '-A -t 1.1.1.1:1 -s wlc --pe sip\n',
    );
    expect(
      await saveBlock(
        svc({ af: AF_INET6, address: '::1', port: 1, flags: SvcFlag.PERSISTENT | SvcFlag.ONEPACKET, timeout: 5, netmask: 96 }),
        [],
        true,
      ),
    ).toBe('-A -t [::1]:1 -s wlc -p 5 -M 96 -o\n');
    expect(await saveBlock(svc({ address: '10.0.0.1', port: 80, scheduler: 'sh', flags: SvcFlag.SCHED3 }), [], true)).toBe(
      '-A -t 10.0.0.1:80 -s sh -b \n',
    );
    expect(await saveBlock(svc({ address: '10.0.0.1', port: 80, scheduler: 'wrr', flags: 0x38 }), [], true)).toBe(
      '-A -t 10.0.0.1:80 -s wrr -b flag-1,flag-2,flag-3\n',
    );
  });

  it('prints fwmarks signed and unknown protocols as --xxx-service', async () => {
    expect(await saveBlock(svc({ fwmark: 4294967294, protocol: 0 }), [], true)).toBe('-A -f -2 -s wlc\n');
    expect(await saveBlock(svc({ protocol: 99, address: '1.2.3.4', port: 7 }), [], true)).toBe(
      '-A --xxx-service 1.2.3.4:7 -s wlc\n',
    );
  });

  it('forwarding switches: -m -g -i -g, (null) for 4..7; weight %d', async () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(fwdSwitch)).toEqual(['-m', '-g', '-i', '-g', '(null)', '(null)', '(null)', '(null)']);
    const s = svc({ address: '1.1.1.1', port: 80 });
    expect(await saveBlock(s, [dest({ address: '2.2.2.2', port: 80, fwdMethod: 5, weight: 2147483648 })], true)).toBe(
      '-A -t 1.1.1.1:80 -s wlc\n-a -t 1.1.1.1:80 -r 2.2.2.2:80 (null) -w -2147483648\n',
    );
  });

  it('tunnel dests: gre flag options, unknown type without --tun-type, crash past the flag table', async () => {
    const s = svc({ address: '1.1.1.1', port: 80 });
    const one = async (p: Parameters<typeof dest>[0]) =>
      (await saveBlock(s, [dest({ address: '2.2.2.2', port: 80, fwdMethod: 2, ...p })], true)).split('\n')[1];
    expect(await one({ tunType: 2, tunFlags: 0 })).toBe('-a -t 1.1.1.1:80 -r 2.2.2.2:80 -i -w 1 --tun-type gre --tun-nocsum');
    expect(await one({ tunType: 1, tunPort: 1, tunFlags: 2 })).toBe(
      '-a -t 1.1.1.1:80 -r 2.2.2.2:80 -i -w 1 --tun-type gue --tun-port 1 --tun-remcsum',
    );
    expect(await one({ tunType: 7 })).toBe('-a -t 1.1.1.1:80 -r 2.2.2.2:80 -i -w 1');
    const err = await saveBlock(s, [dest({ address: '2.2.2.2', port: 80, fwdMethod: 2, tunType: 2, tunFlags: 3 })], true).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SimulatedCrash);
    expect((err as SimulatedCrash).signal).toBe('SIGSEGV');
  });

  it('sorts dests like the listing', async () => {
    const s = svc({ address: '1.1.1.1', port: 80 });
    const out = await saveBlock(
      s,
      [dest({ address: '10.0.0.1', port: 80 }), dest({ address: '192.168.0.1', port: 80 })],
      true,
    );
    expect(out).toBe(
      '-A -t 1.1.1.1:80 -s wlc\n-a -t 1.1.1.1:80 -r 192.168.0.1:80 -g -w 1\n-a -t 1.1.1.1:80 -r 10.0.0.1:80 -g -w 1\n',
    );
  });
});
