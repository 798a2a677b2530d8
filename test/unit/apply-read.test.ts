// Reading desired states: rules files through ipvsadm's own tokenizer and parser, JSON and YAML
// documents through the export schema; every problem with its file, line or path, and reason.

import { describe, expect, it } from 'vitest';
import { checkDesired, detectFormat, InvalidInput, readDesired, readRules, type Desired } from '../../src/apply/read';
import { EVERYTHING, parseScope } from '../../src/apply/scope';
import { planChanges } from '../../src/apply/plan';
import { AF_INET, AF_INET6, FwdMethod, IPPROTO_TCP, IPPROTO_UDP, SvcFlag, TunnelType } from '../../src/ipvs/constants';
import { canonical, server, service } from '../apply/states';
import { deps } from './parse-helpers';

async function problems(run: () => Promise<unknown>): Promise<string[]> {
  try {
    await run();
  } catch (err) {
    if (err instanceof InvalidInput) return err.problems.map((p) => `${p.where}: ${p.reason}`);
    throw err;
  }
  throw new Error('expected InvalidInput');
}

const RULES = `-A -t 10.0.0.1:80 -s wrr -p 300 -M 255.255.255.0
-a -t 10.0.0.1:80 -r 10.1.0.1:80 -m -w 3 -x 100 -y 10

ipvsadm -A -f 7 -6 -s mh -b mh-port
-a -f 7 -6 -r [2001:db8::5]:0 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum
-A --udp-service [2001:db8::1]:domain -s rr -o
-a -u [2001:db8::1]:53 -r 10.1.0.9 -i --tun-type gre
`;

describe('rules files', () => {
  it('reads -A and -a lines exactly as ipvsadm parses them', async () => {
    const d = await readRules(RULES, 'rules', deps);
    expect(canonical(d.state)).toEqual(
      canonical([
        {
          service: service({ address: '10.0.0.1', port: 80, scheduler: 'wrr', flags: SvcFlag.PERSISTENT, timeout: 300, netmask: 0xffffff00 }),
          dests: [server({ address: '10.1.0.1', port: 80, fwdMethod: FwdMethod.MASQ, weight: 3, upperThreshold: 100, lowerThreshold: 10 })],
        },
        {
          service: service({ fwmark: 7, af: AF_INET6, scheduler: 'mh', flags: SvcFlag.SCHED2, netmask: 128 }),
          dests: [server({ af: AF_INET6, address: '2001:db8::5', port: 0, fwdMethod: FwdMethod.TUNNEL, tunType: TunnelType.GUE, tunPort: 6080, tunFlags: 1 })],
        },
        {
          service: service({ af: AF_INET6, protocol: IPPROTO_UDP, address: '2001:db8::1', port: 53, scheduler: 'rr', flags: SvcFlag.ONEPACKET, netmask: 128 }),
          dests: [server({ af: AF_INET, address: '10.1.0.9', port: 53, fwdMethod: FwdMethod.TUNNEL, tunType: TunnelType.GRE })],
        },
      ]),
    );
    expect(d.serviceAt.get('fwmark6:7')).toBe('rules:4');
    expect(d.serverAt.get('udp:[2001:db8::1]:53 10.1.0.9:53')).toBe('rules:7');
  });

  it('refuses bad lines with file, line and ipvsadm\'s reason, all at once', async () => {
    const text = [
      '-A -t 10.0.0.1:80 -s rr',
      '-a -t 10.0.0.1:80 -r 10.1.0.1 -w 99999999999',
      '-a -t 10.0.0.2:80 -r 10.1.0.1',
      '-A -t 10.0.0.1:80 -s wlc',
      '-a -t 10.0.0.1:80 -r 10.1.0.2 -g',
      '-a -t 10.0.0.1:80 -r 10.1.0.2 -m',
      '-D -t 10.0.0.1:80',
      '-C',
      '-A -t 10.0.0.3:80 -x 5',
      '-A -t 10.0.0.4:80 -b ,',
      '',
    ].join('\n');
    expect(await problems(() => readRules(text, 'r.rules', deps))).toEqual([
      'r.rules:2: illegal weight specified',
      'r.rules:3: no -A line before this one defines its service',
      'r.rules:4: this service is already defined at r.rules:1',
      'r.rules:6: this server is already defined at r.rules:5',
      'r.rules:7: a state file has only -A (add-service) and -a (add-server) lines, not delete-service',
      'r.rules:8: a state file has only -A (add-service) and -a (add-server) lines, not flush',
      "r.rules:9: Illegal 'u-threshold' option with the 'add-service' command",
      'r.rules:10: ipvsadm would exit with status 139',
    ]);
  });

  it('counts lines as ipvsadm -R reads them (blank lines, CRLF, ipvsadm words)', async () => {
    const text = '\r\n  \n-A -t 10.0.0.1:80\r\nipvsadm\n\n-a -t 10.0.0.1:80 -r 10.1.0.1 -w x\n';
    expect(await problems(() => readRules(text, 'f', deps))).toEqual(['f:6: illegal weight specified']);
  });
});

describe('format detection', () => {
  it('goes by the extension, else by the content', () => {
    expect(detectFormat('a.json', '-A')).toBe('json');
    expect(detectFormat('a.YML', '')).toBe('yaml');
    expect(detectFormat('-', ' {"schemaVersion":1}')).toBe('json');
    expect(detectFormat('-', '-A -t 1.2.3.4:80\n')).toBe('rules');
    expect(detectFormat('-', '--add-service -t 1.2.3.4:80\n')).toBe('rules');
    expect(detectFormat('-', 'ipvsadm -A -t 1.2.3.4:80\n')).toBe('rules');
    expect(detectFormat('-', '')).toBe('rules');
    expect(detectFormat('-', 'schemaVersion: 1\nservices: []\n')).toBe('yaml');
    expect(detectFormat('-', '---\nschemaVersion: 1\n')).toBe('yaml');
  });
});

const DOC = {
  schemaVersion: 1,
  services: [
    {
      key: 'tcp:10.0.0.1:80', family: 'inet', protocol: 'tcp', address: '10.0.0.1', port: 80, scheduler: 'wrr', schedFlags: [],
      persistence: { timeout: 300, netmask: '255.255.255.0' }, pe: null, onePacket: false,
      stats: { conns: '5', inPkts: '1', outPkts: '1', inBytes: '1', outBytes: '1' },
      destinations: [
        { family: 'inet', address: '10.1.0.1', port: 80, forwarding: 'masq', weight: 3, upperThreshold: 100, lowerThreshold: 10, tunnel: null, activeConns: 4, inactiveConns: 1, persistentConns: 0 },
      ],
    },
    { family: 'inet6', fwmark: 7, scheduler: 'mh', schedFlags: ['mh-port'], destinations: [{ address: '2001:db8::5', port: 0, forwarding: 'tunnel', tunnel: { type: 'gue', port: 6080, checksum: 'csum' } }] },
    { protocol: 'udp', address: '2001:db8::1', port: 53, scheduler: 'rr', onePacket: true, persistence: { timeout: 60, netmask: 64 }, pe: 'sip', destinations: [{ address: '10.1.0.9', port: 53, forwarding: 'tunnel', tunnel: { type: 'gre' } }] },
  ],
  timeouts: { tcp: 900, tcpFin: 120, udp: 300 },
};

const YAML_DOC = `schemaVersion: 1
services:
  - protocol: tcp
    address: 10.0.0.1
    port: 80
    scheduler: wrr
    persistence: { timeout: 300, netmask: 255.255.255.0 }
    destinations:
      - { address: 10.1.0.1, port: 80, forwarding: masq, weight: 3, upperThreshold: 100, lowerThreshold: 10 }
  - family: inet6
    fwmark: 7
    scheduler: mh
    schedFlags: [mh-port]
    destinations:
      - address: "2001:db8::5"
        port: 0
        forwarding: tunnel
        tunnel: { type: gue, port: 6080, checksum: csum }
  - protocol: udp
    address: "2001:db8::1"
    port: 53
    scheduler: rr
    onePacket: true
    persistence: { timeout: 60, netmask: 64 }
    pe: sip
    destinations:
      - { address: 10.1.0.9, port: 53, forwarding: tunnel, tunnel: { type: gre } }
`;

const EXPECTED = [
  {
    service: service({ address: '10.0.0.1', port: 80, scheduler: 'wrr', flags: SvcFlag.PERSISTENT, timeout: 300, netmask: 0xffffff00 }),
    dests: [server({ address: '10.1.0.1', port: 80, fwdMethod: FwdMethod.MASQ, weight: 3, upperThreshold: 100, lowerThreshold: 10 })],
  },
  {
    service: service({ fwmark: 7, af: AF_INET6, scheduler: 'mh', flags: SvcFlag.SCHED2, netmask: 128 }),
    dests: [server({ af: AF_INET6, address: '2001:db8::5', port: 0, fwdMethod: FwdMethod.TUNNEL, tunType: TunnelType.GUE, tunPort: 6080, tunFlags: 1 })],
  },
  {
    service: service({ af: AF_INET6, protocol: IPPROTO_UDP, address: '2001:db8::1', port: 53, scheduler: 'rr', flags: SvcFlag.ONEPACKET | SvcFlag.PERSISTENT, timeout: 60, netmask: 64, peName: 'sip' }),
    dests: [server({ af: AF_INET, address: '10.1.0.9', port: 53, fwdMethod: FwdMethod.TUNNEL, tunType: TunnelType.GRE })],
  },
];

describe('JSON and YAML documents', { timeout: 60_000 }, () => {
  it('read the export document, counters and names ignored, defaults as ipvsadm\'s', async () => {
    expect(canonical((await readDesired(JSON.stringify(DOC), 'state.json')).state)).toEqual(canonical(EXPECTED));
    expect(canonical((await readDesired(YAML_DOC, 'state.yaml')).state)).toEqual(canonical(EXPECTED));
    // Content sniffing for standard input.
    expect(canonical((await readDesired(YAML_DOC, '(stdin)')).state)).toEqual(canonical(EXPECTED));
    expect(canonical((await readDesired(JSON.stringify(DOC, null, 1), '(stdin)')).state)).toEqual(canonical(EXPECTED));
    const minimal = await readDesired('{"schemaVersion":1,"services":[{"protocol":"tcp","address":"10.0.0.1","port":80,"destinations":[{"address":"10.1.0.1","port":80}]}]}', 'm.json');
    expect(canonical(minimal.state)).toEqual(canonical([{ service: service({ address: '10.0.0.1', port: 80, protocol: IPPROTO_TCP }), dests: [server({ address: '10.1.0.1', port: 80 })] }]));
    expect((await readDesired('{"schemaVersion":1}', 'e.json')).state).toEqual([]);
  });

  it('refuses schema violations with the path and the line', async () => {
    const bad = YAML_DOC.replace('weight: 3', 'weight: -3').replace('port: 53\n', 'port: 99999\n').replace('scheduler: mh', 'scheduler: mh\n    colour: blue');
    expect(await problems(() => readDesired(bad, 'bad.yaml'))).toEqual([
      'bad.yaml:9: $.services[0].destinations[0].weight: must be >= 0',
      'bad.yaml:13: $.services[1].colour: unknown property',
      'bad.yaml:22: $.services[2].port: must be <= 65535',
    ]);
    const json = JSON.stringify(DOC, null, 2).replace('"weight": 3', '"weight": "3"');
    expect(await problems(() => readDesired(json, 'bad.json'))).toEqual(['bad.json:31: $.services[0].destinations[0].weight: must be integer']);
    expect(json.split('\n')[30]).toContain('"weight": "3"');
    const addr = JSON.stringify({ schemaVersion: 1, services: [{ protocol: 'tcp', address: 'www', port: 80 }] });
    expect(await problems(() => readDesired(addr, 'a.json'))).toEqual(['a.json:1: $.services[0].address: must be ipv4 or ipv6']);
  });

  it('refuses what the schema cannot see: contradicting keys, masks of the wrong family, other schedulers\' flags, duplicates', async () => {
    const doc = structuredClone(DOC) as typeof DOC & { services: Array<Record<string, unknown>> };
    doc.services[0].key = 'tcp:10.0.0.2:80';
    (doc.services[1] as { schedFlags: string[] }).schedFlags = ['sh-port'];
    (doc.services[2] as { persistence: unknown }).persistence = { timeout: 60, netmask: '255.0.0.0' };
    doc.services.push({ protocol: 'tcp', address: '10.0.0.1', port: 80 });
    doc.services.push({ family: 'inet6', protocol: 'tcp', address: '10.0.0.9', port: 80 });
    expect(await problems(() => readDesired(JSON.stringify(doc, null, 2), 'x.json'))).toEqual([
      'x.json:5: $.services[0].key: the key tcp:10.0.0.2:80 does not match the service\'s fields (tcp:10.0.0.1:80)',
      'x.json:46: $.services[1].schedFlags[0]: sh-port is a flag of the sh scheduler, not of mh',
      'x.json:69: $.services[2].persistence.netmask: an IPv6 service takes a prefix length (1-128), not a dotted mask',
      'x.json:83: $.services[3]: service tcp:10.0.0.1:80 is already defined at $.services[0]',
      'x.json:91: $.services[4].address: family inet6 does not match the address 10.0.0.9',
    ]);
  });

  it('refuses text that is not JSON or YAML, with the line', async () => {
    expect(await problems(() => readDesired('{\n "schemaVersion": 1,\n "services": [,]\n}', 'a.json'))).toEqual([
      expect.stringMatching(/^a\.json:3: not valid JSON: /),
    ]);
    expect(await problems(() => readDesired('schemaVersion: 1\nservices: [\n', 'a.yaml'))).toEqual([expect.stringMatching(/^a\.yaml:\d: not valid YAML: /)]);
    expect(await problems(() => readDesired('a: 1\na: 2\n', 'dup.yaml'))).toEqual([expect.stringMatching(/^dup\.yaml:2: not valid YAML: .*unique/i)]);
  });
});

describe('checkDesired', () => {
  const desired = (text: string): Promise<Desired> => readRules(text, 'f', deps);
  it('refuses what the kernel would refuse, before anything is sent', async () => {
    const d = await desired(
      [
        '-A -t 10.0.0.1:80 -s nosuch',
        '-a -t 10.0.0.1:80 -r 224.0.0.1 -m',
        '-a -t 10.0.0.1:80 -r 10.1.0.1 -m -x 5 -y 9',
        '-A -t [2001:db8::1]:80 -s rr --pe nope -p',
        '-a -t [2001:db8::1]:80 -r [ff02::1]:80 -m',
        '-a -t [2001:db8::1]:80 -r [::]:80 -m',
        '-a -t [2001:db8::1]:80 -r 0.0.0.0:80 -i',
        '',
      ].join('\n'),
    );
    const modules = (m: string) => !m.includes('nosuch') && !m.includes('nope');
    expect(await problems(() => checkDesired(d, { scope: EVERYTHING, modules }))).toEqual([
      'f:1: scheduler nosuch is not available in this kernel (no module ip_vs_nosuch)',
      'f:2: 224.0.0.1 is a multicast address, which the kernel refuses for a real server',
      'f:3: the lower threshold (9) is above the upper threshold (5)',
      'f:4: persistence engine nope is not available in this kernel (no module ip_vs_pe_nope)',
      'f:5: ff02::1 is a multicast address, which the kernel refuses for a real server',
      'f:6: :: is the unspecified address, which the kernel refuses for a real server',
      'f:7: 0.0.0.0 is in 0.0.0.0/8, which the kernel refuses for a real server',
    ]);
    // Unknown module availability (no /lib/modules): the kernel has the last word.
    await checkDesired(await desired('-A -t 10.0.0.1:80 -s nosuch\n'), { scope: EVERYTHING, modules: () => undefined });
  });

  it('refuses services outside --scope', async () => {
    const d = await desired('-A -t 10.0.0.1:80\n-A -t 192.168.0.1:80\n-A -f 5\n');
    expect(await problems(() => checkDesired(d, { scope: parseScope(['10.0.0.0/8', 'fwmark:1-4']), modules: () => true }))).toEqual([
      'f:2: this service is outside --scope 10.0.0.0/8 --scope fwmark:1-4',
      'f:3: this service is outside --scope 10.0.0.0/8 --scope fwmark:1-4',
    ]);
  });

  it('gives document paths line numbers in semantic problems too', async () => {
    const d = await readDesired(YAML_DOC.replace('10.1.0.9', '239.1.1.1'), 's.yaml');
    expect(await problems(() => checkDesired(d, { scope: EVERYTHING, modules: () => true }))).toEqual([
      's.yaml:27: $.services[2].destinations[0]: 239.1.1.1 is a multicast address, which the kernel refuses for a real server',
    ]);
    void planChanges;
  });
});

describe('export, read back by apply', () => {
  it('is a no-op: every setting the kernel holds survives the document (a non-persistent mask, a third flag on sh/mh)', async () => {
    const { exportDocument } = await import('../../src/verbs/export');
    const { stringify } = await import('yaml');
    const states = [
      // ipvsadm -A -t 10.0.0.1:80 -M 255.255.255.0 (no -p): the kernel keeps the mask.
      { service: service({ address: '10.0.0.1', port: 80, netmask: 0xffffff00 }), dests: [server({ address: '10.1.0.1', port: 80 })] },
      { service: service({ af: AF_INET6, address: '2001:db8::1', port: 80, netmask: 48 }), dests: [] },
      { service: service({ address: '10.0.0.2', port: 80, scheduler: 'sh', flags: SvcFlag.SCHED1 | SvcFlag.SCHED2 | SvcFlag.SCHED3 }), dests: [] },
      { service: service({ fwmark: 3, protocol: 0, scheduler: 'mh', flags: SvcFlag.SCHED3 | SvcFlag.PERSISTENT, timeout: 60, netmask: 0xffff0000 }), dests: [] },
    ];
    const snapshot = { services: states.map((e) => ({ ...e.service, destinations: e.dests })), timeouts: { tcp: 900, tcpFin: 120, udp: 300 }, daemons: [] };
    const doc = await exportDocument(snapshot as never);
    for (const [text, name] of [[JSON.stringify(doc), 'x.json'], [stringify(doc), 'x.yaml']]) {
      const desired = await readDesired(text, name);
      expect(canonical(desired.state)).toEqual(canonical(states));
      expect(planChanges(states, desired.state, { prune: true }).operations).toEqual([]);
    }
  });

  it('refuses a service-level netmask beside persistence', async () => {
    const doc = { schemaVersion: 1, services: [{ protocol: 'tcp', address: '10.0.0.1', port: 80, persistence: { timeout: 60 }, netmask: '255.255.255.0' }] };
    expect(await problems(() => readDesired(JSON.stringify(doc), 'n.json'))).toEqual(['n.json:1: $.services[0].netmask: a persistent service gives its mask as persistence.netmask']);
  });
});
