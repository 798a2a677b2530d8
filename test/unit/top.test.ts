// `top` on the host: rates from counter deltas, sorting, the cli-table3 frame, and the live loop
// against a scripted terminal (keys, the alternate screen and cursor put back on q, Ctrl-C and
// signals, one frame when stdout is not a terminal). The guest test runs it under tmux.

import { describe, expect, it } from 'vitest';
import { dest, stats, svc } from './format-fixture';
import type { ServiceState } from '../../src/model';
import type { ServiceKey } from '../../src/ipvs/types';
import { rateText, SORT_KEYS } from '../../src/cli/top/columns';
import { ratesBetween } from '../../src/cli/top/rates';
import { readServices, renderFrame, rowsOf, samplesOf, sortRows } from '../../src/cli/top/frame';
import { ENTER_SCREEN, LEAVE_SCREEN, runTop, type TopTerminal } from '../../src/cli/top/top';
import { topMain } from '../../src/cli/top/index';
import { VerbUsageError } from '../../src/verbs/registry';

const web = (conns: bigint, inbytes: bigint, rs: [bigint, bigint]): ServiceState => ({
  ...svc({ address: '10.1.0.100', port: 80, scheduler: 'rr', stats: stats({ conns, inbytes, cps: 7n, inbps: 700n }) }),
  destinations: [
    dest({ address: '10.2.0.11', port: 8080, fwdMethod: 0, weight: 3, activeConns: 4, inactConns: 1, stats: stats({ conns: rs[0] }) }),
    dest({ address: '10.2.0.12', port: 8080, fwdMethod: 0, weight: 1, activeConns: 1, inactConns: 9, stats: stats({ conns: rs[1] }) }),
  ],
});
const dns: ServiceState = {
  ...svc({ protocol: 17, address: '10.1.0.100', port: 53, scheduler: 'wlc', stats: stats({ conns: 5n }) }),
  destinations: [dest({ address: '10.2.0.11', port: 53, weight: 1, stats: stats() })],
};

describe('rates', () => {
  it('counter deltas over the time between readings; the kernel estimate without an earlier reading', () => {
    const a = { at: 1000, stats: stats({ conns: 100n, inbytes: 1000n, cps: 9n }) };
    const b = { at: 3000, stats: stats({ conns: 110n, inbytes: 5000n, cps: 9n }) };
    expect(ratesBetween(a, b)).toMatchObject({ cps: 5, inbps: 2000, inpps: 0 });
    expect(ratesBetween(undefined, b).cps).toBe(9);
    // zeroed counters (-Z): the estimate, never a negative rate
    expect(ratesBetween(b, { at: 4000, stats: stats({ conns: 1n, cps: 3n }) }).cps).toBe(3);
  });

  it('rate texts fit a column', () => {
    expect([0, 0.25, 5, 12.4, 4312, 98_100, 123_456, 12_000_000, 3.2e9, 4e11].map(rateText)).toEqual([
      '0',
      '0.3',
      '5',
      '12',
      '4312',
      '98100',
      '123.5K',
      '12.0M',
      '3.2G',
      '400.0G',
    ]);
  });
});

describe('frame', () => {
  it('rows per service and real server, rates against the previous reading, sorted, as a table', async () => {
    const first = { at: 0, services: [web(100n, 0n, [60n, 40n]), dns] };
    const second = { at: 2000, services: [web(140n, 4000n, [90n, 50n]), dns] };
    const groups = await rowsOf(second, samplesOf(first), true);
    expect(groups[0].service).toMatchObject({ name: 'TCP  10.1.0.100:80', active: 5, inactive: 10 });
    expect(groups[0].service.rates).toMatchObject({ cps: 20, inbps: 2000 });
    expect(groups[0].servers.map((r) => [r.name, r.rates.cps])).toEqual([
      ['10.2.0.11:8080', 15],
      ['10.2.0.12:8080', 5],
    ]);
    const byInactive = sortRows(groups, { key: 'inactive', reverse: false });
    expect(byInactive[0].servers.map((r) => r.name)).toEqual(['10.2.0.12:8080', '10.2.0.11:8080']);
    const byName = sortRows(groups, { key: 'name', reverse: true });
    expect(byName.map((g) => g.service.name)).toEqual(['UDP  10.1.0.100:53', 'TCP  10.1.0.100:80']);

    const text = renderFrame(sortRows(groups, { key: 'cps', reverse: false }), { order: { key: 'cps', reverse: false }, title: 'T' });
    const lines = text.split('\n');
    expect(lines[0]).toBe('T');
    expect(lines[2]).toMatch(/│ Service \/ Real server +│ Sched\/Fwd +│ Weight │ ActConn │ InActConn │ Conn\/s↓ │ InPkt\/s │ OutPkt\/s │ InByte\/s │ OutByte\/s │/);
    expect(text).toMatch(/│ TCP  10\.1\.0\.100:80 +│ rr +│ +│ +5 │ +10 │ +20 │ +0 │ +0 │ +2000 │ +0 │/);
    expect(text).toMatch(/│ +-> 10\.2\.0\.11:8080 +│ Masq +│ +3 │ +4 │ +1 │ +15 │/);
    // the first frame has the kernel's estimates
    const once = await rowsOf(first, new Map(), true);
    expect(once[0].service.rates).toMatchObject({ cps: 7, inbps: 700 });
  });

  it('a short terminal cuts rows with a note; no services says so', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ ...dns, port: 1000 + i }));
    return rowsOf({ at: 0, services: many }, new Map(), true).then((groups) => {
      const text = renderFrame(groups, { order: { key: 'name', reverse: false }, title: 'T', height: 20 });
      // at most 19 lines, each ending in a newline: the 20th line stays empty, so nothing scrolls
      expect(text.split('\n').length).toBeLessThanOrEqual(20);
      expect(text).toMatch(/\(47 more rows: a taller terminal shows them\)/);
      expect(renderFrame([], { order: { key: 'name', reverse: false }, title: 'T' })).toMatch(/\(no virtual services\)/);
    });
  });
});

/** A terminal that records what is written and lets the test press keys and send signals. */
class FakeTerminal implements TopTerminal {
  out = '';
  keys?: (k: string) => void;
  signal?: () => void;
  raw = false;
  constructor(readonly isTTY: boolean) {}
  size() {
    return { columns: 160, rows: 40 };
  }
  write(text: string) {
    this.out += text;
  }
  onKeys(h: (k: string) => void) {
    this.keys = h;
    this.raw = true;
    return () => {
      this.keys = undefined;
      this.raw = false;
    };
  }
  onResize() {
    return () => undefined;
  }
  onSignal(h: () => void) {
    this.signal = h;
    return () => (this.signal = undefined);
  }
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
};

describe('the live loop', () => {
  const opts = { delaySeconds: 0.05, order: { key: 'name', reverse: false }, numeric: true, program: 'tsipvsadm' };

  it('not a terminal: one frame, no escape sequences', async () => {
    const term = new FakeTerminal(false);
    expect(await runTop(opts, async () => [web(1n, 1n, [1n, 0n])], term)).toBe(0);
    expect(term.out).toMatch(/^tsipvsadm top {2}\d\d:\d\d:\d\d {2}every 0\.05 s {2}sorted by Service \/ Real server\n┌/);
    expect(term.out).not.toContain('\x1b');
    expect(term.keys).toBeUndefined();
  });

  it('refreshes, re-sorts on s/S/r, and q restores the screen', async () => {
    const term = new FakeTerminal(true);
    let reads = 0;
    let conns = 100n;
    const source = async () => {
      reads++;
      conns += 10n;
      return [web(conns, 0n, [conns, 0n]), dns];
    };
    const done = runTop(opts, source, term);
    await until(() => reads >= 3);
    expect(term.out.startsWith(ENTER_SCREEN)).toBe(true);
    expect(term.raw).toBe(true);
    term.keys!('s');
    expect(term.out).toMatch(/sorted by Sched\/Fwd/);
    term.keys!('S');
    term.keys!('S');
    expect(term.out).toMatch(/sorted by OutByte\/s[^\n]*\r\n/);
    term.keys!('r');
    expect(term.out).toMatch(/sorted by OutByte\/s \(reversed\)/);
    term.keys!('q');
    expect(await done).toBe(0);
    expect(term.out.endsWith(LEAVE_SCREEN)).toBe(true);
    expect(term.raw).toBe(false);
    expect(term.signal).toBeUndefined();
  });

  it('Ctrl-C as a key and SIGTERM end it the same way', async () => {
    for (const stop of [(t: FakeTerminal) => t.keys!('\x03'), (t: FakeTerminal) => t.signal!()]) {
      const term = new FakeTerminal(true);
      const done = runTop(opts, async () => [dns], term);
      await until(() => term.out.includes('UDP  10.1.0.100:53'));
      stop(term);
      expect(await done).toBe(0);
      expect(term.out.endsWith(LEAVE_SCREEN)).toBe(true);
    }
  });

  it('a failing read is shown in place of the table and the loop goes on', async () => {
    const term = new FakeTerminal(true);
    let n = 0;
    const done = runTop(
      opts,
      async () => {
        if (++n === 2) throw new Error('No such service');
        return [dns];
      },
      term,
    );
    await until(() => n >= 3);
    term.keys!('q');
    await done;
    expect(term.out).toContain('No such service');
    expect(term.out.endsWith(LEAVE_SCREEN)).toBe(true);
  });
});

describe('options', () => {
  const run = (o: Parameters<typeof topMain>[0], source = async (_?: ServiceKey) => [dns]) =>
    topMain(o, source, 'tsipvsadm', new FakeTerminal(false));
  const status = async (p: Promise<number>) => p.catch((e: unknown) => (e instanceof VerbUsageError ? `2 ${e.message}\n` : String(e)));

  it('bad values are usage errors (status 2)', async () => {
    expect(await status(run({ delay: '0' }))).toBe("2 invalid delay '0': seconds from 0.1 to 86400\n");
    expect(await status(run({ delay: 'x' }))).toMatch(/^2 invalid delay 'x'/);
    expect(await status(run({ sort: 'nope' }))).toBe(`2 invalid sort column 'nope': one of ${SORT_KEYS.join(', ')}\n`);
    expect(await status(run({ tcpService: '10.0.0.1:80', udpService: '10.0.0.1:53' }))).toMatch(/^2 give at most one/);
    expect(await status(run({ ipv6: true }))).toBe('2 -6 needs -f\n');
    expect(await status(run({ tcpService: '10.0.0.1:99999' }))).toBe('2 illegal virtual server address[:port] specified\n');
  });

  it('-t/-u/-f are parsed as ipvsadm parses them and passed to the reader', async () => {
    const asked: (ServiceKey | undefined)[] = [];
    const source = async (only?: ServiceKey) => {
      asked.push(only);
      return [dns];
    };
    expect(await run({ udpService: '10.1.0.100:53', sort: 'cps' }, source)).toBe(0);
    expect(asked[0]).toMatchObject({ protocol: 17, address: '10.1.0.100', port: 53 });
    await run({ fwmarkService: '7', ipv6: true }, source);
    expect(asked[2]).toMatchObject({ fwmark: 7, af: 10 });
  });
});
