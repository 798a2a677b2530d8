// --json on the compatible command line, on the host against a fake client: where the option is
// taken (only where ipvsadm rejects the line), how it is refused with other commands, and the
// documents of each listing.

import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run';
import { takeExtensionOptions } from '../../src/cli/extensions';
import type { IpvsClient } from '../../src/ipvs/client';
import { IpvsError } from '../../src/ipvs/client';
import { sampleState } from './format-fixture';
import { schemaErrors } from './json-schema';

const state = sampleState();

function fakeClient(over: Partial<Record<keyof IpvsClient, unknown>> = {}): IpvsClient {
  const fake = {
    info: async () => ({ version: 0x010201, connTabSize: 4096 }),
    services: async () => state.map((e) => e.svc),
    service: async (key: { port: number; address: string }) => {
      const hit = state.find((e) => e.svc.address === key.address && e.svc.port === key.port);
      if (!hit) throw new IpvsError('get_service', 3, 'ESRCH');
      return hit.svc;
    },
    destinations: async (key: { address: string; port: number; fwmark: number; af: number }) =>
      state.find((e) => e.svc.address === key.address && e.svc.port === key.port && e.svc.fwmark === key.fwmark && e.svc.af === key.af)!.dests,
    timeouts: async () => ({ tcp: 900, tcpFin: 120, udp: 300 }),
    daemons: async () => [{ state: 1, mcastIfn: 'eth0', syncId: 3 }],
    addService: async () => {
      throw new Error('must not be called');
    },
    close: () => undefined,
    ...over,
  };
  return fake as unknown as IpvsClient;
}

async function run(args: string[], client = fakeClient(), stdin = '') {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), readStdin: async () => stdin, argv0: 'ipvsadm' };
  const status = await runCli(args, io, client);
  return { stdout, stderr, status };
}

describe('where --json is taken', () => {
  it('only where popt meets it as an option', () => {
    expect(takeExtensionOptions(['-L', '--json'], {}).args).toEqual(['-L']);
    expect(takeExtensionOptions(['--json', '-L', '-n'], {}).args).toEqual(['-L', '-n']);
    expect(takeExtensionOptions(['-Ln', '--json', '-c'], {}).args).toEqual(['-Ln', '-c']);
    expect(takeExtensionOptions(['-L', '--json', '--json'], {}).given).toEqual({ json: 2 });
    // Not an option there: ipvsadm's own handling stays.
    for (const line of [['-L', '--json=1'], ['-L', '--', '--json'], ['--start-daemon', 'master', '--mcast-interface', '--json'], ['-L', '--bogus', '--json']]) {
      expect(takeExtensionOptions(line, {}), line.join(' ')).toEqual({ args: line, given: {} });
    }
    // Under POSIXLY_CORRECT the first word ends the options.
    expect(takeExtensionOptions(['-L', 'x', '--json'], { POSIXLY_CORRECT: '' }).given).toEqual({});
  });

  it('is refused with a non-listing command in ipvsadm words, status 2, before anything runs', async () => {
    expect(await run(['-A', '-t', '10.0.0.1:80', '--json'])).toEqual({ stdout: '', stderr: "Illegal 'json' option with the 'add-service' command\n", status: 2 });
    expect((await run(['--json', '-Z'])).stderr).toBe("Illegal 'json' option with the 'zero' command\n");
    expect((await run(['-R', '--json'])).stderr).toBe("Illegal 'json' option with the 'restore' command\n");
    expect(await run(['-L', '--json', '--json'])).toEqual({ stdout: '', stderr: "multiple 'json' options specified\n", status: 2 });
  });

  it('leaves -h and -v as ipvsadm prints them', async () => {
    expect((await run(['-h', '--json'])).stdout).toBe((await run(['-h'])).stdout);
    expect(await run(['-v', '--json'])).toEqual(await run(['-v']));
  });

  it('is an unknown option inside -R input, as in ipvsadm', async () => {
    expect(await run(['-R'], fakeClient(), '-L --json\n')).toEqual({ stdout: '', stderr: '--json: unknown option\n', status: 255 });
  });

  it("keeps ipvsadm's errors for the rest of the line", async () => {
    expect(await run(['-L', '--json', '--bogus'])).toEqual({ stdout: '', stderr: '--bogus: unknown option\n', status: 255 });
    expect((await run(['-L', '--json', '-c', '--stats'])).stderr).toBe('options conflicts in the list command\n');
  });
});

describe('listing documents', () => {
  it('-L -n --json: header and every service, valid against the schema', async () => {
    for (const args of [['-L', '-n', '--json'], ['--json', '-Ln', '--stats', '--exact'], ['-l', '--json', '-n', '--thresholds', '--nosort']]) {
      const r = await run(args);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(schemaErrors(doc)).toBe('');
      expect(doc.schemaVersion).toBe(1);
      expect(doc.ipvs).toEqual({ version: '1.2.1', connTableSize: 4096 });
      expect(doc.services).toHaveLength(state.length);
    }
  });

  it('sorts as the text listing does, unless --nosort', async () => {
    const sorted = JSON.parse((await run(['-Ln', '--json'])).stdout).services.map((s: { key: string }) => s.key);
    const kernel = JSON.parse((await run(['-Ln', '--json', '--nosort'])).stdout).services.map((s: { key: string }) => s.key);
    expect([...sorted].sort()).toEqual([...kernel].sort());
    expect(sorted).not.toEqual(kernel);
  });

  it('a single service, timeouts, daemons and -S', async () => {
    const one = JSON.parse((await run(['-L', '-n', '-t', '192.168.1.10:80', '--json'])).stdout);
    expect(one.services.map((s: { key: string }) => s.key)).toEqual(['tcp:192.168.1.10:80']);
    expect(one).not.toHaveProperty('ipvs');
    expect(JSON.parse((await run(['-L', '--timeout', '--json'])).stdout)).toEqual({ schemaVersion: 1, timeouts: { tcp: 900, tcpFin: 120, udp: 300 } });
    expect(JSON.parse((await run(['-L', '--daemon', '--json'])).stdout)).toEqual({ schemaVersion: 1, daemons: [{ state: 'master', mcastInterface: 'eth0', syncId: 3 }] });
    const saved = JSON.parse((await run(['-S', '-n', '--json'])).stdout);
    expect(schemaErrors(saved)).toBe('');
    expect(saved.services[0]).not.toHaveProperty('stats');
  });

  it('a failed fetch: the text listing\'s message and status, no partial document', async () => {
    expect(await run(['-L', '-n', '-t', '10.9.9.9:80', '--json'])).toEqual({ stdout: '', stderr: 'No such service\n', status: 1 });
    const broken = fakeClient({ destinations: async () => { throw new IpvsError('get_dests', 1, 'EPERM'); } });
    const r = await run(['-L', '-n', '--json'], broken);
    expect(r.stdout).toBe('');
    expect(r.status).toBe(1);
  });
});
