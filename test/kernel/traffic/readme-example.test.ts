// The README's worked example of apply and diff, run as printed: every `$ command` in the block
// runs in a director namespace (tsipvsadm on PATH, the rules file in a scratch directory) and
// must print exactly what the README shows. For the `apply --drain` step a client holds a
// connection to the real server the file removes, and closes it a moment after the drain began,
// so the example's drain lines are real; only their seconds may differ.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipvsadm, Lan, nsRunAsync, TSIPVSADM_BIN, type Held } from './topology';

const README = join(__dirname, '../../../README.md');

interface Step {
  command: string;
  output: string;
}

/** The `$ command` / output pairs of the README's worked example of apply. */
export function exampleSteps(readme: string): Step[] {
  const start = readme.indexOf('A worked example (`tsipvsadm help apply`');
  const open = readme.indexOf('```sh\n', start);
  const close = readme.indexOf('\n```', open + 6);
  if (start < 0 || open < 0 || close < 0) throw new Error('README: worked example of apply not found');
  const steps: Step[] = [];
  for (const line of readme.slice(open + 6, close + 1).split('\n').slice(0, -1)) {
    if (line.startsWith('$ ')) steps.push({ command: line.slice(2), output: '' });
    else steps[steps.length - 1].output += `${line}\n`;
  }
  return steps;
}

/** Drain progress names the seconds waited, which depend on the machine. */
const seconds = (text: string) => text.replace(/after \d+ s \(of/g, 'after N s (of');

// The example's addresses are the namespaces' own: VIP 10.1.0.100, real servers 10.2.0.11-13.
const lan = new Lan({ prefix: 'trx', servers: 3 });
const dir = mkdtempSync(join(tmpdir(), 'readme-example-'));
const bin = join(dir, 'bin');
const steps = exampleSteps(readFileSync(README, 'utf8'));

beforeAll(async () => {
  lan.build();
  await lan.serve({ tcp: [80] });
  mkdirSync(bin);
  symlinkSync(TSIPVSADM_BIN, join(bin, 'tsipvsadm'));
}, 120_000);

afterAll(() => {
  lan.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const shell = (command: string) => ['bash', '-c', `cd ${dir} && PATH=${bin}:$PATH && ${command} 2>&1`];

describe('the README worked example of apply and diff', () => {
  it('has the steps the README describes', () => {
    expect(steps.map((s) => s.command)).toEqual([
      'cat web.rules',
      expect.stringMatching(/^tsipvsadm apply web\.rules$/),
      expect.stringMatching(/^sed -i /),
      expect.stringMatching(/^echo /),
      'tsipvsadm diff web.rules; echo "exit $?"',
      'tsipvsadm apply --dry-run --drain 30 web.rules',
      'tsipvsadm apply --drain 30 web.rules',
      'tsipvsadm apply web.rules',
    ]);
  });

  it('prints what the README shows, step by step, with a connection drained for real', async () => {
    writeFileSync(join(dir, 'web.rules'), steps[0].output);
    const removed = /\/(\d+\.\d+\.\d+\.\d+)\/d/.exec(steps[2].command)?.[1];
    expect(removed, 'the sed step deletes one real server').toBeDefined();
    let held: Held | undefined;
    const spare: Held[] = [];
    for (const step of steps) {
      const started = Date.now();
      let output: string;
      if (/apply --drain/.test(step.command)) {
        // A connection in flight to the server the file removes: hold connections until one is
        // scheduled to it (weighted round robin: within a few).
        for (let i = 0; i < 8 && !held; i++) {
          const h = await lan.hold(lan.vip, 80);
          if (h.server === lan.nameOf(removed!)) held = h;
          else spare.push(h);
        }
        expect(held, `no connection reached ${removed}`).toBeDefined();
        await Promise.all(spare.map((h) => h.close()));
        const apply = lan.spawnIn(lan.director, shell(step.command));
        await apply.next(/draining 1 server: 1 with active connections/, 60_000);
        await new Promise((r) => setTimeout(r, 2_000));
        await held!.close();
        expect(await apply.exited).toBe(0);
        output = apply.output.map((l) => `${l}\n`).join('');
        expect(seconds(output)).toBe(seconds(step.output));
      } else {
        output = (await nsRunAsync(lan.director, shell(step.command))).stdout;
        expect(output, `$ ${step.command}`).toBe(step.output);
      }
      console.log(`$ ${step.command}   [${((Date.now() - started) / 1000).toFixed(1)} s]\n${output}`);
    }
    // Where the example ends, Debian's ipvsadm lists what the file says.
    const lines = (text: string) => text.trimEnd().split('\n').sort();
    expect(lines(ipvsadm(lan.director, ['-S', '-n']).stdout)).toEqual(lines(readFileSync(join(dir, 'web.rules'), 'latin1')));
  }, 600_000);
});
