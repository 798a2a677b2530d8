// `tsipvsadm top` in the guest, under a pseudo-terminal (tmux), while TCP traffic flows through a
// NAT service in namespaces: the rows of the service and its real servers, rates that are 0
// before the traffic, move while it flows and fall back to 0 after it stops (counter deltas, not
// the kernel's slow estimator), sort keys, and q / Ctrl-C leaving the alternate screen with the
// cursor shown and the terminal modes as they were. Off a terminal it prints one frame.

import { spawnSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Lan, PEER, ROOT, TSIPVSADM_BIN, tsipvsadm, tsRestore, type LineProc } from './topology';

const lan = new Lan({ prefix: 'ttop', servers: 2 });
const { vip, rips } = lan;
const SOCKET = 'tsipvsadm-top-test';

function tmux(...args: string[]): string {
  // UTF-8 whatever the guest's locale: the table is drawn with box-drawing characters.
  const r = spawnSync('tmux', ['-u', '-L', SOCKET, ...args], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, LC_ALL: 'C.UTF-8' } });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const screen = () => tmux('capture-pane', '-p', '-t', 'top');
/** Alternate screen on, cursor visible: tmux's own view of the pane's terminal state. */
const modes = () => tmux('display-message', '-p', '-t', 'top', '#{alternate_on} #{cursor_flag}').trim();

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${last}`);
    last = screen();
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** The table row whose first cell matches, as its cells. */
function row(text: string, first: RegExp): string[] | undefined {
  for (const line of text.split('\n')) {
    const cells = line
      .split('│')
      .slice(1, -1)
      .map((c) => c.trim().replace(/[↑↓]$/, ''));
    if (cells.length > 5 && first.test(cells[0])) return cells;
  }
  return undefined;
}
const HEAD = ['Service / Real server', 'Sched/Fwd', 'Weight', 'ActConn', 'InActConn', 'Conn/s', 'InPkt/s', 'OutPkt/s', 'InByte/s', 'OutByte/s'];
const col = (name: string) => HEAD.indexOf(name);
const num = (cell: string) => Number(cell.replace(/K$/, 'e3').replace(/M$/, 'e6').replace(/G$/, 'e9'));

/** Start top in a fresh tmux session; the shell reports its exit status and terminal modes after. */
function startTop(args: string[]): void {
  const cmd = `ip netns exec ${lan.director} node ${TSIPVSADM_BIN} top ${args.join(' ')}; echo "TOP-EXIT=$?"; stty -a | tr ' ;' '\\n\\n' | grep -Ex -- '-?(icanon|echo)' | tr '\\n' ' '; echo; sleep 600`;
  tmux('new-session', '-d', '-s', 'top', '-x', '180', '-y', '40', `stty sane; ${cmd}`);
}

let traffic: LineProc | undefined;

beforeAll(async () => {
  lan.build();
  await lan.serve({ tcp: [8080] });
  await tsRestore(lan.director, [`-A -t ${vip}:80 -s wrr`, `-a -t ${vip}:80 -r ${rips[0]}:8080 -m -w 3`, `-a -t ${vip}:80 -r ${rips[1]}:8080 -m -w 1`]);
}, 300_000);

afterEach(() => {
  spawnSync('tmux', ['-L', SOCKET, 'kill-session', '-t', 'top']);
});

afterAll(() => {
  traffic?.kill();
  spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  lan.destroy();
});

describe('top under a pseudo-terminal', () => {
  it('shows the service and its real servers; rates are 0, move with traffic, and fall back', async () => {
    startTop(['-d', '1', '-n']);
    const idle = await waitFor('the first frames', () => {
      const s = screen();
      return row(s, /^TCP {2}10\.1\.0\.100:80$/) && row(s, new RegExp(`-> ${rips[1]}:8080$`)) ? s : undefined;
    });
    expect(modes()).toBe('1 0'); // alternate screen, cursor hidden
    expect(idle).toMatch(/^\S*tsipvsadm top {2}\d\d:\d\d:\d\d {2}every 1 s {2}sorted by Service \/ Real server {3}keys: q quit/);
    expect(row(idle, /^Service/)).toEqual(HEAD);
    const svcRow = row(idle, /^TCP/)!;
    expect(svcRow.slice(1, 3)).toEqual(['wrr', '']);
    expect(row(idle, new RegExp(`-> ${rips[0]}:8080$`))!.slice(1, 3)).toEqual(['Masq', '3']);
    expect(row(idle, new RegExp(`-> ${rips[1]}:8080$`))!.slice(1, 3)).toEqual(['Masq', '1']);
    expect(svcRow[col('Conn/s')]).toBe('0');

    // Traffic: TCP connections one after the other from the client, until killed.
    traffic = lan.spawnIn(lan.client, [
      'node',
      PEER,
      'batch',
      JSON.stringify([{ proto: 'tcp', host: vip, port: 80, count: 1_000_000, gapMs: 100, durationMs: 300_000 }]),
    ]);
    const busy = await waitFor('rates above 0', () => {
      const s = screen();
      const r = row(s, /^TCP/);
      const rs1 = row(s, new RegExp(`-> ${rips[0]}:8080$`));
      const ok = r && rs1 && [col('Conn/s'), col('InPkt/s'), col('OutPkt/s'), col('InByte/s'), col('OutByte/s')].every((c) => num(r[c]) > 0) && num(rs1[col('Conn/s')]) > 0;
      return ok ? s : undefined;
    });
    console.log(`top while traffic flows:\n${busy}`);
    // wrr 3:1: the first real server gets more connections per second than the second
    await waitFor('wrr 3:1 in the rates', () => {
      const s = screen();
      const a = row(s, new RegExp(`-> ${rips[0]}:8080$`));
      const b = row(s, new RegExp(`-> ${rips[1]}:8080$`));
      return a && b && num(a[col('Conn/s')]) > num(b[col('Conn/s')]) ? true : undefined;
    });

    traffic.kill();
    traffic = undefined;
    await waitFor('rates back at 0', () => {
      const r = row(screen(), /^TCP/);
      return r && num(r[col('Conn/s')]) === 0 && num(r[col('InPkt/s')]) === 0 ? true : undefined;
    });

    // sort keys: s moves to the next column, r reverses
    tmux('send-keys', '-t', 'top', 's');
    await waitFor('sorted by Sched/Fwd', () => (/sorted by Sched\/Fwd\s/.test(screen()) ? true : undefined));
    tmux('send-keys', '-t', 'top', 'r');
    await waitFor('reversed', () => (/sorted by Sched\/Fwd \(reversed\)/.test(screen()) ? true : undefined));

    tmux('send-keys', '-t', 'top', 'q');
    const after = await waitFor('top to end', () => {
      const s = screen();
      return /TOP-EXIT=\d+/.test(s) && /icanon/.test(s) ? s : undefined;
    });
    expect(after).toMatch(/TOP-EXIT=0/);
    expect(after).toMatch(/(^|\s)icanon echo(\s|$)/m); // line mode and echo back on
    expect(after).not.toMatch(/Conn\/s/); // the table was on the alternate screen, now gone
    expect(modes()).toBe('0 1');
  }, 300_000);

  it('one service (-t), sorted by a column, ended by Ctrl-C', async () => {
    startTop(['-d', '1', '-n', '-t', `${vip}:80`, '--sort', 'weight']);
    const s = await waitFor('the frame', () => {
      const t = screen();
      return row(t, new RegExp(`-> ${rips[1]}:8080$`)) ? t : undefined;
    });
    expect(s).toMatch(/sorted by Weight/);
    // largest weight first
    const lines = s.split('\n');
    expect(lines.findIndex((l) => l.includes(`${rips[0]}:8080`))).toBeLessThan(lines.findIndex((l) => l.includes(`${rips[1]}:8080`)));
    tmux('send-keys', '-t', 'top', 'C-c');
    const after = await waitFor('top to end', () => {
      const t = screen();
      return /TOP-EXIT=\d+/.test(t) && /icanon/.test(t) ? t : undefined;
    });
    expect(after).toMatch(/TOP-EXIT=0/);
    expect(after).toMatch(/(^|\s)icanon echo(\s|$)/m);
    expect(modes()).toBe('0 1');
  }, 180_000);
});

describe('top off a terminal', () => {
  it('prints one frame and exits', async () => {
    const r = await tsipvsadm(lan.director, ['top', '-n']);
    r.stdout = Buffer.from(r.stdout, 'latin1').toString('utf8'); // the helper reads bytes as latin1
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('\x1b');
    expect(row(r.stdout, /^TCP {2}10\.1\.0\.100:80$/)).toBeDefined();
    expect(row(r.stdout, new RegExp(`-> ${rips[0]}:8080$`))).toBeDefined();
    const missing = await tsipvsadm(lan.director, ['top', '-t', `${vip}:81`]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('ipvsadm top: No such service\n'); // (the helper names the program ipvsadm)
  }, 120_000);
});
