// Structured output against Debian's ipvsadm on generated kernel states (IPv4, IPv6, fwmark, every
// forwarding method, tunnels, thresholds, persistence with netmasks, pe sip, scheduler flags, many
// services): every --json listing validates against the schema and says, field by field, what
// ipvsadm's text says for the same state; `export --format rules` is `ipvsadm -S -n`; export's
// json and yaml are one document; `metrics` parses with a Prometheus text-format parser library
// and its values are those of `--stats --exact`. Counters move only with traffic, which these
// states have none of (traffic/structured-traffic.test.ts covers moving counters and -c).

import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { ServiceConfigJson, ServiceJson } from '../../src/format/json';
import { closeClient, ipvsadm, resetKernel, tsipvsadm } from './diff';
import { genServices } from './cases/independent';
import { daemonText, listingTokens, ruleLines, textTokens, timeoutText, type Format } from './structured-text';
import { schemaErrors } from '../unit/json-schema';
import { parsePrometheus } from '../unit/prometheus-parse';

const BIN = resolve(__dirname, '../../bin/tsipvsadm');

/** Every feature at least once, by hand. */
const FEATURES = [
  '-A -t 10.7.0.1:80 -s wlc',
  '-a -t 10.7.0.1:80 -r 10.7.1.1:8080 -m -w 3 -x 100 -y 50',
  '-a -t 10.7.0.1:80 -r 10.7.1.2:80 -g -w 0',
  '-a -t 10.7.0.1:80 -r 10.7.1.3:80 -i -w 2',
  '-a -t 10.7.0.1:80 -r 10.7.1.4:80 -i --tun-type gue --tun-port 6080 --tun-remcsum',
  '-a -t 10.7.0.1:80 -r 10.7.1.5:80 -i --tun-type gre --tun-csum',
  '-a -t 10.7.0.1:80 -r 10.7.1.6:80 -i --tun-type gue --tun-port 5555 --tun-nocsum',
  '-a -t 10.7.0.1:80 -r 127.0.0.1:80 -g',
  '-A -u 10.7.0.2:5060 -s rr -p 120 -M 255.255.255.0 --pe sip -o',
  '-a -u 10.7.0.2:5060 -r 10.7.1.1:5060 -m',
  '-A -t 10.7.0.3:443 -s sh -b sh-fallback,sh-port,flag-3 -p',
  '-a -t 10.7.0.3:443 -r 10.7.1.7:443 -g -x 5',
  '-A -t 10.7.0.4:22 -s mh -b mh-port',
  '-A -t 10.7.0.5:25 -s wrr -b flag-1,flag-3',
  '-A --sctp-service 10.7.0.6:3868 -s lc',
  '-a --sctp-service 10.7.0.6:3868 -r 10.7.1.8:3868 -m',
  '-A -t [2001:db8:7::1]:80 -s sed -p 60 -M 64',
  '-a -t [2001:db8:7::1]:80 -r [2001:db8:7::10]:8080 -m -w 5',
  '-a -t [2001:db8:7::1]:80 -r 10.7.1.9:80 -i --tun-type ipip',
  '-A -f 7 -s nq',
  '-a -f 7 -r 10.7.1.10:0 -g',
  '-A -f 7 -6 -s fo -p 30 -M 96',
  '-a -f 7 -6 -r [2001:db8:7::20]:0 -m',
  '-A -f 4294967295 -s ovf',
  '-A -f 2147483648 -6 -s dh',
  '-a -f 2147483648 -6 -r [2001:db8:7::30]:0 -i --tun-type gre --tun-nocsum',
];

const STATES: Record<string, string[]> = {
  features: FEATURES,
  'many (seed 71)': genServices(71, 48),
  'many (seed 5309)': genServices(5309, 40, { maxDests: 5 }),
  // Only 127.0.0.1 and fwmarks, so that listings without -n find names in /etc/hosts.
  'names (seed 17)': genServices(17, 24, { local: true }),
};

const LISTINGS: { args: string[]; format: Format }[] = [
  { args: ['-L', '-n'], format: 'default' },
  { args: ['-L', '-n', '--stats', '--exact'], format: 'stats' },
  { args: ['-L', '-n', '--rate', '--exact'], format: 'rate' },
  { args: ['-l', '-n', '--thresholds', '--sort'], format: 'thresholds' },
  { args: ['-L', '-n', '--persistent-conn'], format: 'persistent-conn' },
  { args: ['-L', '-n', '--tun-info', '--nosort'], format: 'tun-info' },
];

async function json(args: string[]): Promise<{ doc: { services?: unknown[] } & Record<string, unknown>; text: string }> {
  const r = await tsipvsadm([...args, '--json']);
  expect(r.stderr, `tsipvsadm ${args.join(' ')} --json`).toBe('');
  expect(r.status).toBe(0);
  const doc = JSON.parse(r.stdout);
  expect(schemaErrors(doc), `schema: ${args.join(' ')} --json`).toBe('');
  return { doc, text: r.stdout };
}

function text(args: string[]): string {
  const r = ipvsadm(args);
  expect(r.stderr, `ipvsadm ${args.join(' ')}`).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

function build(lines: string[]): void {
  const r = ipvsadm(['-R'], ['-C', '--set 100 20 30', ...lines].join('\n') + '\n');
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
}

beforeAll(() => resetKernel());
afterAll(() => {
  resetKernel();
  closeClient();
});

describe.each(Object.entries(STATES))('state %s', (name, lines) => {
  beforeAll(() => build(lines));
  const numericOnly = !name.startsWith('names');

  it('every -L --json listing says what ipvsadm prints', async () => {
    for (const { args, format } of LISTINGS) {
      const { doc } = await json(args);
      const theirs = textTokens(text(args));
      const ours = (doc.services as ServiceJson[]).flatMap((s) => listingTokens(s, format, true));
      expect(ours, args.join(' ')).toEqual(theirs);
    }
    const { doc } = await json(['-L', '-n']);
    expect(doc.ipvs).toEqual({ version: '1.2.1', connTableSize: Number(/size=(\d+)/.exec(text(['-L', '-n']))![1]) });
  });

  it('a single service, -L --json', async () => {
    const { doc } = await json(['-L', '-n']);
    const first = (doc.services as ServiceJson[])[0];
    const sel = first.fwmark !== undefined ? ['-f', String(first.fwmark), ...(first.family === 'inet6' ? ['-6'] : [])] : [{ tcp: '-t', udp: '-u', sctp: '--sctp-service' }[first.protocol!]!, first.key.slice(first.key.indexOf(':') + 1)];
    const one = await json(['-L', '-n', ...sel]);
    expect(one.doc.services).toEqual([first]);
    expect(textTokens(text(['-L', '-n', ...sel]))).toEqual(listingTokens(first, 'default', true));
  });

  it('-S --json and export: the configuration ipvsadm -S prints; rules are -S -n', async () => {
    const saved = (await json(['-S', '-n'])).doc.services as ServiceConfigJson[];
    expect(saved.flatMap((s) => ruleLines(s, true)).map((l) => l + '\n').join('')).toBe(text(['-S', '-n']));
    const rules = await tsipvsadm(['export', '--format', 'rules']);
    expect(rules).toEqual({ stdout: text(['-S', '-n']), stderr: '', status: 0 });
    const exported = await tsipvsadm(['export']);
    const doc = JSON.parse(exported.stdout);
    expect(schemaErrors(doc)).toBe('');
    expect(doc.services).toEqual(saved);
    expect(doc.timeouts).toEqual({ tcp: 100, tcpFin: 20, udp: 30 });
    expect(parseYaml((await tsipvsadm(['export', '--format', 'yaml'])).stdout)).toEqual(doc);
  });

  it.runIf(!numericOnly)('without -n: names beside the addresses, as ipvsadm names them', async () => {
    for (const { args, format } of [LISTINGS[0], LISTINGS[5]]) {
      const named = args.filter((a) => a !== '-n');
      const { doc } = await json(named);
      expect((doc.services as ServiceJson[]).flatMap((s) => listingTokens(s, format, false))).toEqual(textTokens(text(named)));
      const numeric = (await json(args)).doc.services as ServiceJson[];
      const strip = (s: ServiceJson) => JSON.parse(JSON.stringify(s, (k, v) => (k === 'host' || k === 'portName' ? undefined : v)));
      expect((doc.services as ServiceJson[]).map(strip), 'the same records apart from the names').toEqual(numeric.map(strip));
      expect(JSON.stringify(doc)).toContain('"host":"localhost"');
    }
    const saved = (await json(['-S'])).doc.services as ServiceConfigJson[];
    expect(saved.flatMap((s) => ruleLines(s, false)).map((l) => l + '\n').join('')).toBe(text(['-S']));
  });

  it('metrics: parsed by a Prometheus text-format parser, values those of --stats --exact', async () => {
    const r = await tsipvsadm(['metrics']);
    expect(r.status).toBe(0);
    const families = parsePrometheus(r.stdout);
    const services = (await json(['-L', '-n'])).doc.services as ServiceJson[];
    const stats = textTokens(text(['-L', '-n', '--stats', '--exact']));
    const svcConns = families.get('ipvs_service_connections_total')!.metrics;
    expect(svcConns).toHaveLength(services.length);
    expect(families.get('ipvs_services')!.metrics[0].value).toBe(String(services.length));
    let line = 0;
    for (const s of services) {
      const row = stats[line++];
      const m = (family: string) => families.get(family)!.metrics.filter((x) => x.labels!.service === s.key);
      expect(m('ipvs_service_connections_total').map((x) => x.value)).toEqual([row[row.length - 5]]);
      expect(m('ipvs_service_incoming_bytes_total').map((x) => x.value)).toEqual([row[row.length - 2]]);
      expect(m('ipvs_backend_weight').map((x) => [x.labels!.server, x.value])).toEqual(
        s.destinations.map((d) => [d.family === 'inet6' ? `[${d.address}]:${d.port}` : `${d.address}:${d.port}`, String(d.weight)]),
      );
      for (const d of s.destinations) {
        const drow = stats[line++];
        const b = families.get('ipvs_backend_outgoing_bytes_total')!.metrics.find((x) => x.labels!.service === s.key && x.labels!.remote_address === d.address && x.labels!.remote_port === String(d.port))!;
        expect(b.value).toBe(drow[drow.length - 1]);
      }
    }
    expect(line).toBe(stats.length);
  });
});

describe('metrics --listen, the installed command on loopback', () => {
  it('serves GET /metrics from the kernel, refuses the rest, stops on SIGTERM with status 0', async () => {
    build(FEATURES);
    const child = spawn(process.execPath, [BIN, 'metrics', '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const port = await new Promise<number>((resolve, reject) => {
      let err = '';
      child.stderr.on('data', (c) => {
        err += c;
        const m = /serving http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(err);
        if (m) resolve(Number(m[1]));
      });
      void exited.then(() => reject(new Error(`exited: ${err}`)));
    });
    const get = async (method: string, path: string) => {
      const r = await fetch(`http://127.0.0.1:${port}${path}`, { method });
      return { status: r.status, type: r.headers.get('content-type'), body: await r.text() };
    };
    const ok = await get('GET', '/metrics');
    expect(ok.status).toBe(200);
    expect(ok.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    const families = parsePrometheus(ok.body);
    const services = FEATURES.filter((l) => l.startsWith('-A')).length;
    expect(families.get('ipvs_services')!.metrics[0].value).toBe(String(services));
    expect(families.get('ipvs_backend_weight')!.metrics).toHaveLength(FEATURES.length - services);
    expect((await get('POST', '/metrics')).status).toBe(405);
    expect((await get('DELETE', '/metrics')).status).toBe(405);
    expect((await get('GET', '/')).status).toBe(404);
    expect(text(['-S', '-n']).split('\n').filter(Boolean)).toHaveLength(FEATURES.length);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});

describe('timeouts and daemons', () => {
  afterAll(() => {
    for (const state of ['master', 'backup']) ipvsadm(['--stop-daemon', state]);
  });

  it('-L --timeout --json', async () => {
    build([]);
    const { doc } = await json(['-L', '--timeout']);
    expect(timeoutText(doc.timeouts as never)).toBe(text(['-L', '--timeout']));
  });

  it('-L --daemon --json, none and two', async () => {
    expect((await json(['-L', '--daemon'])).doc).toEqual({ schemaVersion: 1, daemons: [] });
    expect(ipvsadm(['--start-daemon', 'master', '--mcast-interface', 'ipvs0', '--syncid', '7', '--sync-maxlen', '1400', '--mcast-group', '239.1.2.3', '--mcast-port', '8849', '--mcast-ttl', '3']).status).toBe(0);
    expect(ipvsadm(['--start-daemon', 'backup', '--mcast-interface', 'ipvs0', '--syncid', '9']).status).toBe(0);
    const { doc } = await json(['-L', '--daemon']);
    expect((doc.daemons as never[]).map(daemonText).join('')).toBe(text(['-L', '--daemon']));
    expect(doc.daemons).toContainEqual({ state: 'master', mcastInterface: 'ipvs0', syncId: 7, syncMaxlen: 1400, mcastGroup: '239.1.2.3', mcastPort: 8849, mcastTtl: 3 });
  });
});
