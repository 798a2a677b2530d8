// metrics on the host: the exposition (parsed by a Prometheus text-format parser library) and the
// /metrics HTTP server on loopback: what it answers, what it refuses, the bounds that keep slow
// or malformed clients from holding it, shared scrapes, and a clean stop on SIGTERM.

import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AF_INET6, IPPROTO_UDP, SvcFlag } from '../../src/ipvs/constants';
import { renderMetrics } from '../../src/format/metrics';
import { DEFAULT_LIMITS, startMetricsServer, type MetricsServer } from '../../src/verbs/metrics-server';
import { parseListenAddress } from '../../src/verbs/metrics';
import { dest, sampleState, stats, svc } from './format-fixture';
import { parsePrometheus } from './prometheus-parse';

const info = { version: 0x010201, connTabSize: 4096 };

describe('the exposition', () => {
  const state = {
    info,
    services: [
      ...sampleState().map((e) => ({ ...e.svc, destinations: e.dests })),
      { ...svc({ fwmark: 100, protocol: 0, af: AF_INET6, scheduler: 'rr' }), destinations: [dest({ af: AF_INET6, address: '2001:db8::2', port: 0 })] },
      { ...svc({ af: AF_INET6, protocol: IPPROTO_UDP, address: '2001:db8::1', port: 53, stats: stats({ conns: 2n ** 64n - 1n, outbytes: 2n ** 53n + 1n }) }), destinations: [] },
    ],
  };
  const text = renderMetrics(state);
  const families = parsePrometheus(text);

  it('parses, with HELP and TYPE for every family', () => {
    expect(families.size).toBeGreaterThan(20);
    for (const f of families.values()) {
      expect(f.help).not.toBe('');
      expect(['COUNTER', 'GAUGE']).toContain(f.type);
      expect(f.name.endsWith('_total')).toBe(f.type === 'COUNTER');
    }
    expect(families.get('ipvs_info')!.metrics).toEqual([{ value: '1', labels: { version: '1.2.1' } }]);
    expect(families.get('ipvs_services')!.metrics[0].value).toBe(String(state.services.length));
  });

  it('tells every service apart, fwmark and IPv6 ones included', () => {
    const conns = families.get('ipvs_service_connections_total')!.metrics;
    expect(conns).toHaveLength(state.services.length);
    const keys = conns.map((m) => m.labels!.service);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toContain('fwmark:100');
    expect(keys).toContain('fwmark6:100');
    const fw6 = conns.find((m) => m.labels!.service === 'fwmark6:100')!;
    expect(fw6.labels).toEqual({ service: 'fwmark6:100', family: 'inet6', proto: '', local_address: '', local_port: '', local_mark: '100' });
    const v6 = conns.find((m) => m.labels!.service === 'udp:[2001:db8::1]:53')!;
    expect(v6.labels).toMatchObject({ family: 'inet6', proto: 'udp', local_address: '2001:db8::1', local_port: '53', local_mark: '' });
    // 64-bit counters exactly as the kernel gave them.
    expect(v6.value).toBe('18446744073709551615');
    expect(families.get('ipvs_service_outgoing_bytes_total')!.metrics.find((m) => m.labels!.service === 'udp:[2001:db8::1]:53')!.value).toBe('9007199254740993');
  });

  it('has one series per real server, with weight and connection gauges', () => {
    const dests = state.services.flatMap((s) => s.destinations.map((d) => ({ s, d })));
    const weight = families.get('ipvs_backend_weight')!.metrics;
    expect(weight).toHaveLength(dests.length);
    const ids = weight.map((m) => `${m.labels!.service} ${m.labels!.server}`);
    expect(new Set(ids).size).toBe(ids.length);
    const first = state.services[0];
    const m = families.get('ipvs_backend_active_connections')!.metrics.find((x) => x.labels!.server === `${first.destinations[0].address}:${first.destinations[0].port}` && x.labels!.service === `tcp:${first.address}:${first.port}`)!;
    expect(m.value).toBe(String(first.destinations[0].activeConns));
    expect(families.get('ipvs_backend_weight')!.metrics.find((x) => x.labels!.server === '[2001:db8::2]:0')!.labels).toMatchObject({ remote_address: '2001:db8::2', remote_port: '0', service: 'fwmark6:100' });
  });

  it('is valid with no services at all', () => {
    const empty = parsePrometheus(renderMetrics({ info, services: [] }));
    expect(empty.get('ipvs_services')!.metrics[0].value).toBe('0');
  });

  it('escapes label values', () => {
    const odd = renderMetrics({ info, services: [{ ...svc({ address: '10.0.0.1', port: 80, scheduler: 'rr', flags: SvcFlag.ONEPACKET }), destinations: [] }] }, 'x');
    expect(parsePrometheus(odd).get('x_service_connections_total')!.metrics[0].labels!.service).toBe('tcp:10.0.0.1:80');
  });
});

// ---- the HTTP server --------------------------------------------------------------------

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function http(port: number, method: string, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Raw bytes to the server; resolves with everything it sent back once it closes the connection. */
function raw(port: number, data: string, opts: { keepOpenMs?: number } = {}): Promise<{ text: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const s = connect(port, '127.0.0.1');
    let text = '';
    s.setEncoding('latin1');
    s.on('data', (c) => (text += c));
    s.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e)));
    s.on('close', () => resolve({ text, ms: Date.now() - t0 }));
    s.write(data);
    if (opts.keepOpenMs === undefined) return;
    setTimeout(() => s.destroy(), opts.keepOpenMs);
  });
}

const fastLimits = { ...DEFAULT_LIMITS, headersTimeoutMs: 400, requestTimeoutMs: 800, idleTimeoutMs: 1500, maxConnections: 8 };
let running: MetricsServer | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function serve(render: () => Promise<string>, limits = fastLimits) {
  running = await startMetricsServer('127.0.0.1', 0, render, limits);
  return running.address.port;
}

describe('the /metrics server', () => {
  it('answers GET /metrics with the exposition', async () => {
    const port = await serve(async () => 'ipvs_services 0\n');
    const r = await http(port, 'GET', '/metrics');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(r.body).toBe('ipvs_services 0\n');
    expect((await http(port, 'GET', '/metrics?x=1')).status).toBe(200);
  });

  it('answers 405 to any other method on /metrics and 404 elsewhere, without rendering', async () => {
    let renders = 0;
    const port = await serve(async () => String(++renders));
    for (const m of ['POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']) {
      const r = await http(port, m, '/metrics');
      expect(r.status, m).toBe(405);
      expect(r.headers.allow).toBe('GET');
    }
    for (const p of ['/', '/metrics/', '/Metrics', '/metrics/../x', '/favicon.ico']) expect((await http(port, 'GET', p)).status, p).toBe(404);
    expect(renders).toBe(0);
  });

  it('refuses an oversized request head with 431 and a malformed request with 400', async () => {
    const port = await serve(async () => 'x 1\n');
    const big = await raw(port, `GET /metrics HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(DEFAULT_LIMITS.maxHeaderSize + 10)}\r\n\r\n`);
    expect(big.text).toMatch(/^HTTP\/1\.1 431 /);
    const bad = await raw(port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(bad.text).toMatch(/^HTTP\/1\.1 400 /);
    expect((await http(port, 'GET', '/metrics')).status).toBe(200);
  });

  it('closes a client that never finishes its headers, and serves others meanwhile', async () => {
    const port = await serve(async () => 'x 1\n');
    const slow = raw(port, 'GET /metrics HTTP/1.1\r\nHost: a\r\n', { keepOpenMs: 20_000 });
    const silent = raw(port, '', { keepOpenMs: 20_000 });
    expect((await http(port, 'GET', '/metrics')).status).toBe(200);
    const [s1, s2] = await Promise.all([slow, silent]);
    // Closed by the server, well before the client would have given up.
    expect(s1.ms).toBeLessThan(10_000);
    expect(s2.ms).toBeLessThan(10_000);
    expect(s1.text === '' || /^HTTP\/1\.1 408 /.test(s1.text)).toBe(true);
  }, 20_000);

  it('holds at most maxConnections connections', async () => {
    const port = await serve(async () => 'x 1\n', { ...fastLimits, maxConnections: 2, headersTimeoutMs: 3000, requestTimeoutMs: 3000 });
    const idle = [raw(port, '', { keepOpenMs: 5000 }), raw(port, '', { keepOpenMs: 5000 })];
    await new Promise((r) => setTimeout(r, 200));
    const third = await raw(port, 'GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n', { keepOpenMs: 5000 });
    expect(third.text, 'refused: closed at once').toBe('');
    expect(third.ms).toBeLessThan(2000);
    await Promise.all(idle);
  }, 20_000);

  it('shares one read among concurrent scrapes, and survives a failed read with 500', async () => {
    let renders = 0;
    let fail = false;
    const port = await serve(async () => {
      renders++;
      await new Promise((r) => setTimeout(r, 200));
      if (fail) throw new Error('kernel said no');
      return 'x 1\n';
    });
    const replies = await Promise.all(Array.from({ length: 5 }, () => http(port, 'GET', '/metrics')));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(renders).toBe(1);
    fail = true;
    const r = await http(port, 'GET', '/metrics');
    expect(r.status).toBe(500);
    expect(r.body).toContain('kernel said no');
    fail = false;
    expect((await http(port, 'GET', '/metrics')).status).toBe(200);
  });

  it('parses --listen addresses and refuses the rest', () => {
    expect(parseListenAddress('127.0.0.1:9476')).toEqual({ host: '127.0.0.1', port: 9476 });
    expect(parseListenAddress('[::1]:0')).toEqual({ host: '::1', port: 0 });
    for (const bad of ['9476', ':9476', 'localhost:9476', '::1:9476', '127.0.0.1:99999', '[127.0.0.1]:80', '127.0.0.1']) {
      expect(() => parseListenAddress(bad), bad).toThrow(/--listen/);
    }
  });

  it('stops cleanly on SIGTERM with a client connected (as a process; needs the build)', async () => {
    const dist = join(__dirname, '../../dist/src/verbs/metrics.js');
    const script = `
      const { serveUntilSignal } = require(${JSON.stringify(dist)});
      const io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };
      serveUntilSignal({ io, argv0: 'tsipvsadm' }, '127.0.0.1:0', async () => 'x 1\\n').then((s) => { process.exitCode = s; });
    `;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const port = await new Promise<number>((resolve, reject) => {
      let err = '';
      child.stderr.on('data', (c) => {
        err += c;
        const m = /serving http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(err);
        if (m) resolve(Number(m[1]));
      });
      child.on('exit', () => reject(new Error(`exited early: ${err}`)));
    });
    expect((await http(port, 'GET', '/metrics')).body).toBe('x 1\n');
    const idle = raw(port, 'GET /metrics HTTP/1.1\r\nHost: a\r\n', { keepOpenMs: 20_000 });
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
    await idle;
  }, 20_000);
});
