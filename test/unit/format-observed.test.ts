// Golden output of the real Debian 12 ipvsadm 1.31 on a 6.1 kernel (the QEMU guest of
// test/vm/run.mjs), for a state built with ipvsadm commands; the objects below are what the kernel
// reports for that state (dests newest first). Checked byte for byte, trailing spaces included.

import { describe, expect, it } from 'vitest';
import { listFormatFor, listHeader, listTitle, serviceBlock } from '../../src/format/list';
import { saveBlock } from '../../src/format/save';
import { sortServices } from '../../src/format/sort';
import { AF_INET6, IPPROTO_SCTP, IPPROTO_UDP } from '../../src/ipvs/constants';
import { dest, svc } from './format-fixture';

const P = 1, O = 4;
const state = [
  { svc: svc({ address: '192.168.1.10', port: 80 }), dests: [dest({ address: '10.0.0.2', port: 80, fwdMethod: 0, weight: 3 }), dest({ address: '10.0.0.3', port: 80, upperThreshold: 10, lowerThreshold: 5 })] },
  { svc: svc({ address: '192.168.1.10', port: 443, scheduler: 'sh', flags: P | 8, timeout: 300, netmask: 0xffffff00 }), dests: [dest({ address: '10.0.0.2', port: 443, fwdMethod: 2, weight: 2, upperThreshold: 100, lowerThreshold: 50 })] },
  { svc: svc({ address: '10.1.1.1', port: 0, scheduler: 'lc', flags: P, timeout: 1800, peName: 'sip' }), dests: [] },
  { svc: svc({ protocol: IPPROTO_UDP, address: '192.168.1.10', port: 53, scheduler: 'rr', flags: O }), dests: [dest({ address: '10.0.0.5', port: 53, fwdMethod: 0 })] },
  { svc: svc({ protocol: IPPROTO_SCTP, address: '192.168.1.20', port: 3868 }), dests: [] },
  { svc: svc({ fwmark: 7, protocol: 0, af: AF_INET6, scheduler: 'mh', flags: 0x18, netmask: 128 }), dests: [] },
  { svc: svc({ fwmark: 100, protocol: 0, scheduler: 'wrr', flags: P, timeout: 360 }), dests: [dest({ address: '10.0.0.9', port: 0, weight: 0 })] },
  { svc: svc({ af: AF_INET6, address: '2001:db8::1', port: 8080, netmask: 128 }), dests: [dest({ address: '10.0.0.7', port: 8080, fwdMethod: 2, tunType: 1, tunPort: 6080, tunFlags: 1 }), dest({ af: AF_INET6, address: '2001:db8::10', port: 8080, fwdMethod: 0 })] },
  { svc: svc({ address: '10.2.2.2', port: 80, scheduler: 'wrr', flags: P | 0x38, timeout: 10, netmask: 0 }), dests: [
    dest({ af: AF_INET6, address: '2001:db8::99', port: 80, fwdMethod: 2, tunType: 2, tunFlags: 0 }),
    dest({ address: '127.0.0.1', port: 80, fwdMethod: 0, weight: 2147483647 }),
    dest({ address: '10.0.0.13', port: 80, fwdMethod: 2, tunType: 1, tunPort: 443, tunFlags: 0 }),
    dest({ address: '10.0.0.12', port: 80, fwdMethod: 2, tunType: 1, tunPort: 443, tunFlags: 2 }),
    dest({ address: '10.0.0.11', port: 80, fwdMethod: 2, tunType: 2, tunFlags: 1 }),
  ] },
  { svc: svc({ af: AF_INET6, address: '2001:db8::2', port: 443, scheduler: 'sh', flags: P | 0x10, timeout: 100, netmask: 96, peName: 'sip' }), dests: [] },
  { svc: svc({ fwmark: 4294967294, protocol: 0, scheduler: 'rr' }), dests: [] },
  { svc: svc({ protocol: IPPROTO_UDP, address: '10.3.3.3', port: 5060, scheduler: 'rr', flags: P, timeout: 60, peName: 'sip' }), dests: [dest({ address: '10.0.0.20', port: 5060, fwdMethod: 0, upperThreshold: 65535, lowerThreshold: 7 })] },
];

const OBSERVED: Record<string, string> = {
  "-Ln": [
    "IP Virtual Server version 1.2.1 (size=4096)",
    "Prot LocalAddress:Port Scheduler Flags",
    "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn",
    "FWM  -2 rr",
    "TCP  192.168.1.10:80 wlc",
    "  -> 10.0.0.2:80                  Masq    3      0          0         ",
    "  -> 10.0.0.3:80                  Route   1      0          0         ",
    "TCP  192.168.1.10:443 sh (sh-fallback) persistent 300 mask 255.255.255.0",
    "  -> 10.0.0.2:443                 Tunnel  2      0          0         ",
    "TCP  10.1.1.1:0 lc persistent 1800 pe sip",
    "TCP  10.2.2.2:80 wrr (flag-1,flag-2,flag-3) persistent 10 mask 0.0.0.0",
    "  -> 10.0.0.11:80                 Tunnel  1      0          0         ",
    "  -> 10.0.0.12:80                 Tunnel  1      0          0         ",
    "  -> 10.0.0.13:80                 Tunnel  1      0          0         ",
    "  -> [2001:db8::99]:80            Tunnel  1      0          0         ",
    "  -> 127.0.0.1:80                 Masq    2147483647 0          0         ",
    "UDP  192.168.1.10:53 rr ops",
    "  -> 10.0.0.5:53                  Masq    1      0          0         ",
    "UDP  10.3.3.3:5060 rr persistent 60 pe sip",
    "  -> 10.0.0.20:5060               Masq    1      0          0         ",
    "SCTP 192.168.1.20:3868 wlc",
    "TCP  [2001:db8::1]:8080 wlc",
    "  -> 10.0.0.7:8080                Tunnel  1      0          0         ",
    "  -> [2001:db8::10]:8080          Masq    1      0          0         ",
    "TCP  [2001:db8::2]:443 sh (sh-port) persistent 100 mask 96 pe sip",
    "FWM  7 IPv6 mh (mh-fallback,mh-port)",
    "FWM  100 wrr persistent 360",
    "  -> 10.0.0.9:0                   Route   0      0          0         ",
    '',
  ].join('\n'),
  "-Ln --thresholds": [
    "IP Virtual Server version 1.2.1 (size=4096)",
    "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn ",
    "  -> RemoteAddress:Port",
    "FWM  -2 rr",
    "TCP  192.168.1.10:80 wlc",
    "  -> 10.0.0.2:80                  0          0          0          0         ",
    "  -> 10.0.0.3:80                  10         5          0          0         ",
    "TCP  192.168.1.10:443 sh (sh-fallback) persistent 300 mask 255.255.255.0",
    "  -> 10.0.0.2:443                 100        50         0          0         ",
    "TCP  10.1.1.1:0 lc persistent 1800 pe sip",
    "TCP  10.2.2.2:80 wrr (flag-1,flag-2,flag-3) persistent 10 mask 0.0.0.0",
    "  -> 10.0.0.11:80                 0          0          0          0         ",
    "  -> 10.0.0.12:80                 0          0          0          0         ",
    "  -> 10.0.0.13:80                 0          0          0          0         ",
    "  -> [2001:db8::99]:80            0          0          0          0         ",
    "  -> 127.0.0.1:80                 0          0          0          0         ",
    "UDP  192.168.1.10:53 rr ops",
    "  -> 10.0.0.5:53                  0          0          0          0         ",
    "UDP  10.3.3.3:5060 rr persistent 60 pe sip",
    "  -> 10.0.0.20:5060               65535      7          0          0         ",
    "SCTP 192.168.1.20:3868 wlc",
    "TCP  [2001:db8::1]:8080 wlc",
    "  -> 10.0.0.7:8080                0          0          0          0         ",
    "  -> [2001:db8::10]:8080          0          0          0          0         ",
    "TCP  [2001:db8::2]:443 sh (sh-port) persistent 100 mask 96 pe sip",
    "FWM  7 IPv6 mh (mh-fallback,mh-port)",
    "FWM  100 wrr persistent 360",
    "  -> 10.0.0.9:0                   0          0          0          0         ",
    '',
  ].join('\n'),
  "-Ln --persistent-conn": [
    "IP Virtual Server version 1.2.1 (size=4096)",
    "Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn ",
    "  -> RemoteAddress:Port",
    "FWM  -2 rr",
    "TCP  192.168.1.10:80 wlc",
    "  -> 10.0.0.2:80                  3         0           0          0         ",
    "  -> 10.0.0.3:80                  1         0           0          0         ",
    "TCP  192.168.1.10:443 sh (sh-fallback) persistent 300 mask 255.255.255.0",
    "  -> 10.0.0.2:443                 2         0           0          0         ",
    "TCP  10.1.1.1:0 lc persistent 1800 pe sip",
    "TCP  10.2.2.2:80 wrr (flag-1,flag-2,flag-3) persistent 10 mask 0.0.0.0",
    "  -> 10.0.0.11:80                 1         0           0          0         ",
    "  -> 10.0.0.12:80                 1         0           0          0         ",
    "  -> 10.0.0.13:80                 1         0           0          0         ",
    "  -> [2001:db8::99]:80            1         0           0          0         ",
    "  -> 127.0.0.1:80                 2147483647 0           0          0         ",
    "UDP  192.168.1.10:53 rr ops",
    "  -> 10.0.0.5:53                  1         0           0          0         ",
    "UDP  10.3.3.3:5060 rr persistent 60 pe sip",
    "  -> 10.0.0.20:5060               1         0           0          0         ",
    "SCTP 192.168.1.20:3868 wlc",
    "TCP  [2001:db8::1]:8080 wlc",
    "  -> 10.0.0.7:8080                1         0           0          0         ",
    "  -> [2001:db8::10]:8080          1         0           0          0         ",
    "TCP  [2001:db8::2]:443 sh (sh-port) persistent 100 mask 96 pe sip",
    "FWM  7 IPv6 mh (mh-fallback,mh-port)",
    "FWM  100 wrr persistent 360",
    "  -> 10.0.0.9:0                   0         0           0          0         ",
    '',
  ].join('\n'),
  "-Ln --tun-info": [
    "IP Virtual Server version 1.2.1 (size=4096)",
    "Prot LocalAddress:Port Scheduler Flags",
    "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn",
    "FWM  -2 rr",
    "TCP  192.168.1.10:80 wlc",
    "  -> 10.0.0.2:80                  Masq    n/a           3      0          0         ",
    "  -> 10.0.0.3:80                  Route   n/a           1      0          0         ",
    "TCP  192.168.1.10:443 sh (sh-fallback) persistent 300 mask 255.255.255.0",
    "  -> 10.0.0.2:443                 Tunnel  ipip          2      0          0         ",
    "TCP  10.1.1.1:0 lc persistent 1800 pe sip",
    "TCP  10.2.2.2:80 wrr (flag-1,flag-2,flag-3) persistent 10 mask 0.0.0.0",
    "  -> 10.0.0.11:80                 Tunnel  gre:+c        1      0          0         ",
    "  -> 10.0.0.12:80                 Tunnel  gue:443:r+c   1      0          0         ",
    "  -> 10.0.0.13:80                 Tunnel  gue:443:-c    1      0          0         ",
    "  -> [2001:db8::99]:80            Tunnel  gre:-c        1      0          0         ",
    "  -> 127.0.0.1:80                 Masq    n/a           2147483647 0          0         ",
    "UDP  192.168.1.10:53 rr ops",
    "  -> 10.0.0.5:53                  Masq    n/a           1      0          0         ",
    "UDP  10.3.3.3:5060 rr persistent 60 pe sip",
    "  -> 10.0.0.20:5060               Masq    n/a           1      0          0         ",
    "SCTP 192.168.1.20:3868 wlc",
    "TCP  [2001:db8::1]:8080 wlc",
    "  -> 10.0.0.7:8080                Tunnel  gue:6080:+c   1      0          0         ",
    "  -> [2001:db8::10]:8080          Masq    n/a           1      0          0         ",
    "TCP  [2001:db8::2]:443 sh (sh-port) persistent 100 mask 96 pe sip",
    "FWM  7 IPv6 mh (mh-fallback,mh-port)",
    "FWM  100 wrr persistent 360",
    "  -> 10.0.0.9:0                   Route   n/a           0      0          0         ",
    '',
  ].join('\n'),
  "-Sn": [
    "-A -f -2 -s rr",
    "-A -t 192.168.1.10:80 -s wlc",
    "-a -t 192.168.1.10:80 -r 10.0.0.2:80 -m -w 3",
    "-a -t 192.168.1.10:80 -r 10.0.0.3:80 -g -w 1",
    "-A -t 192.168.1.10:443 -s sh -p 300 -M 255.255.255.0 -b sh-fallback",
    "-a -t 192.168.1.10:443 -r 10.0.0.2:443 -i -w 2 --tun-type ipip",
    "-A -t 10.1.1.1:0 -s lc -p 1800 --pe sip",
    "-A -t 10.2.2.2:80 -s wrr -p 10 -M 0.0.0.0 -b flag-1,flag-2,flag-3",
    "-a -t 10.2.2.2:80 -r 10.0.0.11:80 -i -w 1 --tun-type gre --tun-csum",
    "-a -t 10.2.2.2:80 -r 10.0.0.12:80 -i -w 1 --tun-type gue --tun-port 443 --tun-remcsum",
    "-a -t 10.2.2.2:80 -r 10.0.0.13:80 -i -w 1 --tun-type gue --tun-port 443 --tun-nocsum",
    "-a -t 10.2.2.2:80 -r [2001:db8::99]:80 -i -w 1 --tun-type gre --tun-nocsum",
    "-a -t 10.2.2.2:80 -r 127.0.0.1:80 -m -w 2147483647",
    "-A -u 192.168.1.10:53 -s rr -o",
    "-a -u 192.168.1.10:53 -r 10.0.0.5:53 -m -w 1",
    "-A -u 10.3.3.3:5060 -s rr -p 60 --pe sip",
    "-a -u 10.3.3.3:5060 -r 10.0.0.20:5060 -m -w 1",
    "-A --sctp-service 192.168.1.20:3868 -s wlc",
    "-A -t [2001:db8::1]:8080 -s wlc",
    "-a -t [2001:db8::1]:8080 -r 10.0.0.7:8080 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum",
    "-a -t [2001:db8::1]:8080 -r [2001:db8::10]:8080 -m -w 1",
    "-A -t [2001:db8::2]:443 -s sh -p 100 -M 96 --pe sip -b sh-port",
    "-A -f 7 -6 -s mh -b mh-fallback,mh-port",
    "-A -f 100 -s wrr -p 360",
    "-a -f 100 -r 10.0.0.9:0 -g -w 0",
    '',
  ].join('\n'),
  "-Ln -t 10.2.2.2:80": [
    "Prot LocalAddress:Port Scheduler Flags",
    "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn",
    "TCP  10.2.2.2:80 wrr (flag-1,flag-2,flag-3) persistent 10 mask 0.0.0.0",
    "  -> 10.0.0.11:80                 Tunnel  1      0          0         ",
    "  -> 10.0.0.12:80                 Tunnel  1      0          0         ",
    "  -> 10.0.0.13:80                 Tunnel  1      0          0         ",
    "  -> [2001:db8::99]:80            Tunnel  1      0          0         ",
    "  -> 127.0.0.1:80                 Masq    2147483647 0          0         ",
    '',
  ].join('\n'),
};

async function listing(format: ReturnType<typeof listFormatFor>): Promise<string> {
  let out = listHeader({ version: 0x010201, connTabSize: 4096 }) + listTitle(format);
  for (const s of sortServices(state.map((e) => e.svc))) {
    out += await serviceBlock(s, state.find((e) => e.svc === s)!.dests, { format, numeric: true, exact: false, nosort: false });
  }
  return out;
}

describe('output observed from the real ipvsadm on a 6.1 kernel', () => {
  it('-Ln', async () => expect(await listing('default')).toBe(OBSERVED['-Ln']));
  it('-Ln --thresholds', async () => expect(await listing('thresholds')).toBe(OBSERVED['-Ln --thresholds']));
  it('-Ln --persistent-conn', async () => expect(await listing('persistent-conn')).toBe(OBSERVED['-Ln --persistent-conn']));
  it('-Ln --tun-info', async () => expect(await listing('tun-info')).toBe(OBSERVED['-Ln --tun-info']));

  it('-Sn', async () => {
    let out = '';
    for (const s of sortServices(state.map((e) => e.svc))) {
      out += await saveBlock(s, state.find((e) => e.svc === s)!.dests, true);
    }
    expect(out).toBe(OBSERVED['-Sn']);
  });

  it('-Ln -t 10.2.2.2:80 (no header)', async () => {
    const one = state.find((e) => e.svc.address === '10.2.2.2')!;
    const out = listTitle('default') + (await serviceBlock(one.svc, one.dests, { format: 'default', numeric: true, exact: false, nosort: false }));
    expect(out).toBe(OBSERVED['-Ln -t 10.2.2.2:80']);
  });
});
