// The bench table's rows (test/bench/benchmarks.mjs), on the host: which rows carry a kernel floor
// and of which kind, and that floor.c compiles. Nothing here is timed; `npm run bench` times them.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without types
import { benchmarks, rules } from '../bench/benchmarks.mjs';

interface Row {
  name: string;
  runs: number;
  compare: string[];
  stdin?: () => string;
  floor?: { kind: string; args: (string | number)[]; kernel?: boolean };
  target?: number;
}
const rows = benchmarks as Row[];
const row = (name: string) => {
  const found = rows.filter((r) => r.name.includes(name));
  expect(found, name).toHaveLength(1);
  return found[0];
};

describe('bench table', () => {
  it('every row has a name of its own, runs and what it compares', () => {
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
    for (const r of rows) {
      expect(r.runs, r.name).toBeGreaterThan(0);
      expect(Array.isArray(r.compare), r.name).toBe(true);
    }
  });

  it('floors are write floors (services, real servers per service) or read floors (--read [change every])', () => {
    for (const r of rows.filter((r) => r.floor)) {
      const { kind, args } = r.floor!;
      if (kind === 'write') expect(args.every((a) => Number.isInteger(a) && (a as number) > 0), r.name).toBe(true);
      else {
        expect(kind, r.name).toBe('read');
        expect(args[0]).toBe('--read');
        expect(args.length).toBeLessThanOrEqual(2);
      }
    }
  });

  it('the listings at both shapes have a read floor, the bulk writes a write floor of their own size', () => {
    for (const name of ['`-S -n` 1000 × 4', '`-L -n` 1000 × 4', '`-S -n` 16000 × 1', '`-L -n` 16000 × 1']) {
      expect(row(name).floor).toEqual({ kind: 'read', args: ['--read'] });
    }
    expect(row('restore (`-R`) 1000 services').floor).toEqual({ kind: 'write', args: [1000, 4] });
    expect(row('restore (`-R`) 16000 services').floor).toEqual({ kind: 'write', args: [16000, 1] });
    expect(row('onto an empty table').floor).toEqual({ kind: 'write', args: [16000, 1] });
  });

  it("apply changing 1 %: the read floor makes the same edits as the row's file", () => {
    const apply = row('apply changing 1 %');
    expect(apply.floor?.kind).toBe('read');
    const every = apply.floor!.args[1] as number;
    expect(every).toBe(100);
    expect(apply.stdin!()).toBe(rules(16000, 1, every));
  });

  it("issue 7's and 9's targets are on their rows, each row with a target has a floor to bound it", () => {
    const targets: [string, number][] = [
      ['restore (`-R`) 1000 services', 5],
      ['restore (`-R`) 16000 services', 5],
      ['`-S -n` 1000 × 4', 1.5],
      ['`-L -n` 1000 × 4', 1.5],
      ['`-S -n` 16000 × 1', 3],
      ['`-L -n` 16000 × 1', 3],
      ['onto an empty table', 5],
      ['apply changing 1 %', 10],
      ['no-op apply', 0.67],
      ['`-L -n -c`', 1],
      ['start: bare `node -e 0` against one tsipvsadm', 0.77],
      ['start: bare `node -e 0` against one `node bin/tsipvsadm', 0.77],
    ];
    for (const [name, target] of targets) expect(row(name).target, name).toBe(target);
    expect(rows.filter((r) => r.target !== undefined)).toHaveLength(targets.length);
    for (const r of rows.filter((r) => r.target !== undefined && !r.name.includes('no-op') && !r.name.includes('-c`'))) expect(r.floor, r.name).toBeDefined();
    // Start-up: only the Node floor (a family look-up and an empty service dump) means anything.
    for (const name of ['start: bare `node -e 0` against one tsipvsadm', 'start: bare `node -e 0` against one `node bin/tsipvsadm']) {
      expect(row(name).floor).toEqual({ kind: 'read', args: ['--read'], kernel: false });
    }
  });

  it('node-floor.js: usage errors exit 2; without IPVS it says so and exits 1', () => {
    const script = resolve(__dirname, '../bench/node-floor.js');
    for (const args of [[], ['1'], ['--read', '100', 'x']]) {
      const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^usage: /);
    }
    if (!existsSync('/proc/net/ip_vs')) {
      const r = spawnSync(process.execPath, [script, '--read'], { encoding: 'utf8' });
      expect(r.stderr).toBe('node-floor: no IPVS family\n');
      expect(r.status).toBe(1);
    }
  });

  const cc = spawnSync('cc', ['--version']).status === 0;
  it.skipIf(!cc)('floor.c compiles without warnings', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'floor-')), 'floor');
    const r = spawnSync('cc', ['-O2', '-Wall', '-Wextra', '-Werror', '-o', out, resolve(__dirname, '../bench/floor.c')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // Usage errors: wrong argument counts exit 2 before touching any socket.
    expect(spawnSync(out, []).status).toBe(2);
    expect(spawnSync(out, ['--read', '100', 'x']).status).toBe(2);
    expect(spawnSync(out, ['--lookups']).status).toBe(2);
    // --lookups needs no IPVS: the host's own generic-netlink controller answers.
    expect(spawnSync(out, ['--lookups', '20'], { encoding: 'utf8' }).stdout).toMatch(/^LOOKUPS 20 \d+\.\d{6}\n$/);
  });
});
