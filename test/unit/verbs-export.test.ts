// export on the host against a fake client: the three formats, the schema, and usage errors.

import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { IpvsClient } from '../../src/ipvs/client';
import { runVerbLine } from '../../src/verbs/dispatch';
import { readSnapshot, type ReadOptions } from '../../src/model/snapshot';
import { sampleState } from './format-fixture';
import { schemaErrors } from './json-schema';

const state = sampleState();
const fake: IpvsClient = {
  info: async () => ({ version: 0x010201, connTabSize: 4096 }),
  services: async () => state.map((e) => e.svc),
  destinations: async (key: { address: string; port: number; fwmark: number; af: number }) =>
    state.find((e) => e.svc.address === key.address && e.svc.port === key.port && e.svc.fwmark === key.fwmark && e.svc.af === key.af)!.dests,
  timeouts: async () => ({ tcp: 900, tcpFin: 120, udp: 300 }),
  daemons: async () => [],
  close: () => undefined,
  snapshot: (opts?: ReadOptions) => readSnapshot(fake, opts),
} as unknown as IpvsClient;

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), readStdin: async () => '', argv0: 'tsipvsadm' };
  const status = await runVerbLine(args, io, fake);
  return { stdout, stderr, status };
}

describe('export', () => {
  it('json (the default): configuration only, valid against the schema', async () => {
    const r = await run(['export']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(schemaErrors(doc)).toBe('');
    expect(doc.timeouts).toEqual({ tcp: 900, tcpFin: 120, udp: 300 });
    expect(doc.daemons).toEqual([]);
    expect(doc.services).toHaveLength(state.length);
    expect(JSON.stringify(doc)).not.toMatch(/"stats"|"activeConns"|"host"/);
    expect(await run(['export', '--format', 'json'])).toEqual(r);
    expect(await run(['export', '--format=json'])).toEqual(r);
  });

  it('yaml: the same document', async () => {
    const y = await run(['export', '--format', 'yaml']);
    expect(y.status).toBe(0);
    expect(parseYaml(y.stdout)).toEqual(JSON.parse((await run(['export'])).stdout));
  });

  it('rules: -S -n lines', async () => {
    const r = await run(['export', '--format', 'rules']);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).every((l) => /^-[Aa] /.test(l))).toBe(true);
    expect(r.stdout).toContain('-A -t 192.168.1.10:80 -s wlc\n');
  });

  it('refuses other formats and arguments with status 2', async () => {
    const bad = await run(['export', '--format', 'xml']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe("tsipvsadm export: option '--format <format>' argument 'xml' is invalid. Allowed choices are json, yaml, rules.\nTry 'tsipvsadm help export' for more information.\n");
    expect((await run(['export', 'extra'])).status).toBe(2);
    expect((await run(['export', '--format'])).stderr).toMatch(/^tsipvsadm export: option '--format <format>' argument missing/);
  });
});
