// The canonical-line fast path (src/cli/canonical-rule.ts) against the full parser: on every
// line shape `-S -n` and the plan renderer write, and on near-misses and mutations of them, the
// fast path either declines (undefined) or gives exactly what parseCommandLine gives.

import { describe, expect, it } from 'vitest';
import { parseCanonicalRule } from '../../src/cli/canonical-rule';
import { CliExit, type ParsedCommand } from '../../src/cli/command';
import { parseCommandLine } from '../../src/cli/parse';
import { tokenizeRestoreInput } from '../../src/cli/restore';
import { saveBlock } from '../../src/format/save';
import { commandLine } from '../../src/apply/render';
import { AF_INET, AF_INET6, FwdMethod, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, SvcFlag, TunnelFlags, TunnelType } from '../../src/ipvs/constants';
import type { Destination, Service } from '../../src/ipvs/types';
import { deps } from './parse-helpers';
import { dest, svc } from './format-fixture';

/** popt's POSIXLY_CORRECT mode (the first non-option ends the options) must change nothing either. */
const posixDeps = { ...deps, env: { POSIXLY_CORRECT: '1' } };

/** The full parser's result, or its refusal. */
async function full(tokens: string[], with_ = deps): Promise<ParsedCommand | CliExit> {
  try {
    return await parseCommandLine(tokens, 'ipvsadm', with_);
  } catch (err) {
    if (err instanceof CliExit) return err;
    throw err;
  }
}

/** Runs both parsers on each line: the fast path declines or agrees exactly. Returns how many it took. */
async function agree(lines: string[]): Promise<{ taken: string[]; declined: string[] }> {
  const taken: string[] = [];
  const declined: string[] = [];
  for (const line of lines) {
    for (const tokens of tokenizeRestoreInput(line + '\n')) {
      const fast = parseCanonicalRule(tokens);
      const slow = await full(tokens);
      if (fast === undefined) {
        declined.push(line);
        continue;
      }
      if (slow instanceof CliExit) throw new Error(`fast path accepted ${JSON.stringify(line)}, the full parser refused it: ${slow.stderr}`);
      expect(fast, line).toStrictEqual(slow);
      expect([...fast.options].sort(), line).toEqual([...slow.options].sort());
      expect(fast, `${line} (POSIXLY_CORRECT)`).toStrictEqual(await full(tokens, posixDeps));
      taken.push(line);
    }
  }
  return { taken, declined };
}

const SERVICES: Service[] = [
  svc({ address: '10.1.2.3', port: 80 }),
  svc({ address: '0.0.0.0', port: 1 }),
  svc({ address: '255.255.255.255', port: 65535, scheduler: 'rr' }),
  svc({ protocol: IPPROTO_UDP, address: '192.168.100.200', port: 53, scheduler: 'sh', flags: SvcFlag.SCHED1 | SvcFlag.SCHED2 }),
  svc({ protocol: IPPROTO_UDP, address: '10.0.0.1', port: 5060, flags: SvcFlag.ONEPACKET | SvcFlag.PERSISTENT, timeout: 300, peName: 'sip' }),
  svc({ protocol: IPPROTO_SCTP, address: '10.9.9.9', port: 9, scheduler: 'mh', flags: SvcFlag.SCHED1 }),
  svc({ address: '10.1.1.1', port: 0, scheduler: 'lc', flags: SvcFlag.PERSISTENT, timeout: 1800 }),
  svc({ address: '10.1.1.2', port: 443, flags: SvcFlag.PERSISTENT, timeout: 1, netmask: 0xffffff00 }),
  svc({ address: '10.1.1.3', port: 443, flags: SvcFlag.PERSISTENT, timeout: 86400 * 31, netmask: 0 }),
  svc({ address: '10.1.1.4', port: 443, flags: SvcFlag.PERSISTENT | SvcFlag.HASHED, timeout: 360, netmask: 0x80000000 }),
  svc({ address: '10.1.1.5', port: 8080, scheduler: 'abcdefghijklmno', flags: SvcFlag.SCHED3 }),
  svc({ af: AF_INET6, address: '2001:db8::1', port: 80, netmask: 128 }),
  svc({ af: AF_INET6, address: '::1', port: 443, flags: SvcFlag.PERSISTENT, timeout: 60, netmask: 64 }),
  svc({ af: AF_INET6, protocol: IPPROTO_UDP, address: '::ffff:1.2.3.4', port: 53, netmask: 128, flags: SvcFlag.ONEPACKET }),
  svc({ af: AF_INET6, address: 'fe80::1:2:3:4', port: 22, flags: SvcFlag.PERSISTENT, timeout: 5, netmask: 1 }),
  svc({ af: AF_INET6, protocol: IPPROTO_SCTP, address: '2001:db8:0:0:1::', port: 7, netmask: 128 }),
  svc({ protocol: IPPROTO_TCP, fwmark: 1, address: '', port: 0 }),
  svc({ fwmark: 2147483647, scheduler: 'sh', flags: SvcFlag.SCHED2 | SvcFlag.ONEPACKET }),
  svc({ fwmark: 100, flags: SvcFlag.PERSISTENT, timeout: 600, netmask: 0xffff0000, peName: 'sip' }),
  svc({ af: AF_INET6, fwmark: 7, netmask: 128 }),
  svc({ af: AF_INET6, fwmark: 8, flags: SvcFlag.PERSISTENT, timeout: 10, netmask: 48 }),
  // Lines the full parser refuses, which the fast path must decline:
  svc({ address: '10.2.0.1', port: 0 }), // zero port without persistence
  svc({ address: '10.2.0.2', port: 80, flags: SvcFlag.ONEPACKET }), // -o on TCP
  svc({ fwmark: 0x80000000 }), // printed signed: -f -2147483648
];

const DESTS = (s: Service): Destination[] => {
  const v6 = s.af === AF_INET6;
  const a = (n: number) => (v6 ? `2001:db8::${n}` : `10.200.0.${n}`);
  const af = s.af;
  return [
    dest({ af, address: a(1), port: 80, fwdMethod: FwdMethod.MASQ, weight: 1 }),
    dest({ af, address: a(2), port: s.port || 8080, fwdMethod: FwdMethod.DROUTE, weight: 0 }),
    dest({ af, address: a(3), port: 81, fwdMethod: FwdMethod.DROUTE, weight: 2147483647 }),
    dest({ af, address: a(4), port: 0, fwdMethod: FwdMethod.LOCALNODE, weight: 5 }),
    dest({ af, address: a(5), port: s.port, fwdMethod: FwdMethod.TUNNEL, weight: 3 }),
    dest({ af, address: a(6), port: 65535, fwdMethod: FwdMethod.TUNNEL, tunType: TunnelType.GUE, tunPort: 6080, tunFlags: TunnelFlags.NOCSUM }),
    dest({ af, address: a(7), port: 1, fwdMethod: FwdMethod.TUNNEL, tunType: TunnelType.GUE, tunPort: 1, tunFlags: TunnelFlags.CSUM }),
    dest({ af, address: a(8), port: 2, fwdMethod: FwdMethod.TUNNEL, tunType: TunnelType.GUE, tunPort: 65535, tunFlags: TunnelFlags.REMCSUM }),
    dest({ af, address: a(9), port: 3, fwdMethod: FwdMethod.TUNNEL, tunType: TunnelType.GRE, tunFlags: TunnelFlags.NOCSUM }),
    dest({ af, address: a(10), port: 4, fwdMethod: FwdMethod.TUNNEL, tunType: TunnelType.GRE, tunFlags: TunnelFlags.CSUM }),
    // Another family: only a tunnel may (the others the full parser refuses).
    dest({ af: v6 ? AF_INET : AF_INET6, address: v6 ? '10.3.0.1' : '2001:db8::99', port: 80, fwdMethod: FwdMethod.TUNNEL }),
    dest({ af: v6 ? AF_INET : AF_INET6, address: v6 ? '10.3.0.2' : '2001:db8::98', port: 80, fwdMethod: FwdMethod.MASQ }),
  ];
};

/** What `-S -n` writes for every service and server above. */
async function savedLines(): Promise<string[]> {
  let text = '';
  for (const s of SERVICES) text += await saveBlock(s, DESTS(s), true, true);
  return text.trimEnd().split('\n');
}

/** What the plan renderer writes for adds, thresholds included. */
function renderedLines(): string[] {
  const lines: string[] = [];
  for (const s of SERVICES) {
    try {
      lines.push(commandLine({ kind: 'add-service', service: s }));
    } catch {
      // not expressible: nothing to compare
    }
    for (const d of DESTS(s)) {
      for (const [x, y] of [[0, 0], [100, 0], [0, 10], [2147483647, 2147483647], [5, 10]]) {
        try {
          lines.push(commandLine({ kind: 'add-server', service: s, dest: { ...d, upperThreshold: x, lowerThreshold: y } }));
        } catch {
          // not expressible
        }
      }
    }
  }
  return lines;
}

describe('canonical rules fast path', () => {
  it('agrees with the full parser on every line -S -n writes, and takes each one the full parser accepts', async () => {
    const lines = await savedLines();
    expect(lines.length).toBeGreaterThan(250);
    const { taken, declined } = await agree(lines);
    // Every declined line is one the full parser refuses: the fast path covers -S -n's output.
    for (const line of declined) expect(await full(tokenizeRestoreInput(line)[0]), line).toBeInstanceOf(CliExit);
    expect(taken.length).toBeGreaterThan(200);
    expect(declined.length).toBeGreaterThan(10);
  });

  it('agrees on the plan renderer\'s add lines (thresholds, tunnels) and takes them all', async () => {
    const lines = renderedLines();
    expect(lines.length).toBeGreaterThan(500);
    const { declined } = await agree(lines);
    expect(declined).toEqual([]);
  });

  it('declines near-misses, whatever the full parser makes of them', async () => {
    const misses = [
      '--add-service -t 10.0.0.1:80 -s wlc', // long spelling
      '-A -t 10.0.0.1:http -s wlc', // service name
      '-A -t localhost:80 -s wlc', // host name
      '-A -t 10.0.0.01:80 -s wlc', // leading zero (octal to inet_aton)
      '-A -t 10.1:80 -s wlc', // inet_aton shorthand
      '-A -t 0x0a000001:80 -s wlc',
      '-A -t 10.0.0.1:080 -s wlc',
      '-A -t 10.0.0.1:+80 -s wlc',
      '-A -t 10.0.0.1:65536 -s wlc',
      '-A -t 10.0.0.1 -s wlc', // no port
      '-A -t [2001:db8::1]:80x -s wlc',
      '-A -t [2001:db8::1] -s wlc',
      '-A -t 2001:db8::1 -s wlc', // bare IPv6 (no port)
      '-A -t [10.0.0.1]:80 -s wlc', // bracketed IPv4
      '-A -t 10.0.0.1:80', // no -s
      '-A -t 10.0.0.1:80 -s', // -s without a name
      '-A -t 10.0.0.1:80 -s wlc -s rr',
      '-A -t 10.0.0.1:80 -s -p', // a name that is an option
      '-A -t 10.0.0.1:80 -s w!#:+c x',
      '-A -t 10.0.0.1:80 -s wlc -p', // default timeout
      '-A -t 10.0.0.1:80 -s wlc -p 0',
      '-A -t 10.0.0.1:80 -s wlc -p 2678401',
      '-A -t 10.0.0.1:80 -s wlc -M 255.255.255.0 -p 300', // out of -S order
      '-A -t 10.0.0.1:80 -s wlc -p 300 -M 255.255.0255.0',
      '-A -t 10.0.0.1:80 -s wlc -p 300 -M 24',
      '-A -t [::1]:80 -s wlc -p 300 -M 129',
      '-A -t [::1]:80 -s wlc -p 300 -M 0',
      '-A -t [::1]:80 -s wlc -p 300 -M 064',
      '-A -t 10.0.0.1:80 -s wlc -o', // -o on TCP
      '-A -t 10.0.0.1:80 -s wlc -b sh-port', // flag for another scheduler
      '-A -t 10.0.0.1:80 -s sh -b nope',
      '-A -t 10.0.0.1:80 -s sh -b ,', // ipvsadm crashes
      '-A -t 10.0.0.1:80 -s wlc -6',
      '-A -t 10.0.0.1:0 -s wlc', // zero port
      '-A -f 0 -s wlc',
      '-A -f 4294967296 -s wlc',
      '-A -f -5 -s wlc',
      '-A -f 5 -s wlc -6', // -6 after -s
      '-A -f 05 -s wlc',
      '-A -t 10.0.0.1:80 -s wlc extra',
      '-A -t 10.0.0.1:80 -s wlc -n',
      '-A -u 10.0.0.1:53 -s rr -o -o',
      '-a -t 10.0.0.1:80 -r 10.0.0.2:80', // no method, no weight
      '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m', // no weight
      '-a -t 10.0.0.1:80 -r 10.0.0.2 -m -w 1', // no port
      '-a -t 10.0.0.1:80 -r 10.0.0.2:http -m -w 1',
      '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -w 1 -m', // order
      '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w -1',
      '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 2147483648',
      '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 01',
      '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1 -y 5 -x 10', // out of order
      '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1 -x',
      '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1 --tun-type gue',
      '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -i -w 1 --tun-type gue', // no port
      '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -i -w 1 --tun-type gue --tun-port 0',
      '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -i -w 1 --tun-type gue --tun-port 1 --tun-csum --tun-nocsum',
      '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -i -w 1 --tun-type gre --tun-remcsum',
      '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -i -w 1 --tun-type gre --tun-port 5',
      '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -i -w 1 --tun-type ipip --tun-csum',
      '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -i -w 1 --tun-type vxlan',
      '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -i -w 1 --tun-csum',
      '-a -t 10.0.0.1:80 -r [2001:db8::2]:80 -m -w 1', // another family, not tunnelling
      '-a -t 10.0.0.1:80 -s wlc -r 10.0.0.2:80 -m -w 1',
      '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1 -m',
      '-a -f 5 -6 -r 10.0.0.2:80 -m -w 1',
      '-a -f 5 -r 10.0.0.2:80 -m -w 1 -6',
      '-e -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1',
      '-E -t 10.0.0.1:80 -s wlc',
      '-d -t 10.0.0.1:80 -r 10.0.0.2:80',
      '-D -t 10.0.0.1:80',
      '-C',
      '-Am -t 10.0.0.1:80 -s wlc',
      '-A -t10.0.0.1:80 -s wlc',
      '-A --tcp-service 10.0.0.1:80 -s wlc',
      '-A --tcp-service=10.0.0.1:80 -s wlc',
    ];
    const { taken } = await agree(misses);
    expect(taken).toEqual([]);
  });

  it('takes lines in the canonical order that -S does not write but ipvsadm reads the same way', async () => {
    const lines = [
      '-A -t 10.0.0.1:80 -s wlc -M 255.255.255.0', // a netmask without persistence (export, diff)
      '-A -t 10.0.0.1:80 -s wlc -b flag-1,,flag-2', // strtok skips empty words
      '-A -t 10.0.0.1:80 -s abcdefghijklmnopq', // cut to 15 bytes by both
      '-A --sctp-service [2001:db8::0:1]:80 -s rr', // IPv6 in a non-canonical spelling
      '-a -t 10.0.0.1:80 -r 10.0.0.2:8080 -g -w 1', // the service's port wins
    ];
    const { declined } = await agree(lines);
    expect(declined).toEqual([]);
  });

  it('declines or agrees on 20,000 mutations of canonical lines', async () => {
    const base = [...(await savedLines()), ...renderedLines()].map((l) => l.split(' '));
    const odd = ['', '0', '00', '01', '-1', '+1', '1e3', '0x10', '4294967295', '4294967296', '2147483648', '65535', '65536',
      'http', 'localhost', '10.1', '10.0.0.1', '10.0.0.1:80', '[::1]:80', '::1', '[::1]', '1::2:80', '255.255.255.0',
      '!#:+', '-6', '-o', '-p', '-M', '-b', '-s', '-x', '-y', '-w', '-m', '-i', '-g', '-r', '-t', '-u', '-f', '-A', '-a',
      '--pe', '--tun-type', '--tun-port', '--tun-csum', '--tun-nocsum', '--tun-remcsum', 'gue', 'gre', 'ipip', 'sh',
      'sh-port', 'flag-1', 'mh-fallback', 'sip', 'wlc', '--sctp-service', 'ipvsadm', '-n', '--', 'x,y'];
    let seed = 9;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const lines: string[] = [];
    for (let k = 0; k < 20000; k++) {
      const t = [...base[random(base.length)]];
      for (let m = 1 + random(2); m > 0; m--) {
        const at = random(t.length + 1);
        switch (random(4)) {
          case 0:
            t.splice(at, 1);
            break;
          case 1:
            t.splice(at, 0, odd[random(odd.length)]);
            break;
          case 2:
            t[Math.min(at, t.length - 1)] = odd[random(odd.length)];
            break;
          default:
            if (at + 1 < t.length) [t[at], t[at + 1]] = [t[at + 1], t[at]];
        }
      }
      lines.push(t.join(' '));
    }
    const { taken, declined } = await agree(lines);
    // Both outcomes occur often enough for the comparison to mean something.
    expect(taken.length).toBeGreaterThan(1000);
    expect(declined.length).toBeGreaterThan(1000);
  }, 120_000);
});
