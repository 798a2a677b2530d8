// The verb front end on the host: which lines are verb lines (the rest stay ipvsadm's), the
// help verb, and how errors are worded (exit 2 for usage, never a stack trace). The kernel suite
// checks the same line split against Debian's ipvsadm (test/kernel/verbs.test.ts).

import { describe, expect, it } from 'vitest';
import { isVerbLine, runVerbLine } from '../../src/verbs/dispatch';
import { VERBS } from '../../src/verbs/registry';
import type { IpvsClient } from '../../src/ipvs/client';

async function run(args: string[], client?: IpvsClient) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), readStdin: async () => '', argv0: 'tsipvsadm' };
  const status = await runVerbLine(args, io, client ?? (async () => { throw new Error('no kernel in unit tests'); }));
  return { stdout, stderr, status };
}

describe('isVerbLine', () => {
  it('takes a known verb as first argument', () => {
    for (const v of VERBS) {
      expect(isVerbLine([v.name], {})).toBe(true);
      expect(isVerbLine([v.name, '--format', 'json', 'x'], {})).toBe(true);
      expect(isVerbLine([v.name, '-L'], {}), 'ipvsadm: unexpected argument').toBe(true);
      expect(isVerbLine([v.name, '-n'], {}), 'ipvsadm: Try ... --help').toBe(true);
    }
  });

  it('leaves ipvsadm every line it accepts: a first option -h, --help, -v or --version', () => {
    for (const v of VERBS) {
      for (const first of ['-h', '--help', '-v', '--version', '-hL', '-vn']) {
        expect(isVerbLine([v.name, first], {}), `${v.name} ${first}`).toBe(false);
        expect(isVerbLine([v.name, 'x', first, '--format'], {}), `${v.name} x ${first}`).toBe(false);
      }
      // popt rejects these before ipvsadm prints anything.
      expect(isVerbLine([v.name, '--help=x'], {})).toBe(true);
      expect(isVerbLine([v.name, '--', '-h'], {})).toBe(true);
      // POSIXLY_CORRECT: the first word ends the options, so ipvsadm sees no command at all.
      expect(isVerbLine([v.name, '-h'], { POSIXLY_CORRECT: '1' })).toBe(true);
    }
  });

  it('is false for anything else', () => {
    expect(isVerbLine([], {})).toBe(false);
    expect(isVerbLine(['-L', 'help'], {})).toBe(false);
    expect(isVerbLine(['nosuchverb'], {})).toBe(false);
    expect(isVerbLine(['HELP'], {})).toBe(false);
  });
});

describe('help verb', () => {
  it('lists every verb with its summary', async () => {
    const r = await run(['help']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Usage: tsipvsadm VERB/);
    for (const v of VERBS.filter((x) => !x.hidden)) expect(r.stdout).toContain(`  ${v.name}`);
    for (const v of VERBS.filter((x) => !x.hidden)) expect(r.stdout).toContain(v.summary);
    expect(r.stdout).not.toContain('__complete');
  });

  it("shows one verb's usage and options", async () => {
    for (const v of VERBS) {
      const r = await run(['help', v.name]);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`Usage: tsipvsadm ${v.name}`);
      for (const o of v.options) expect(r.stdout).toContain(o.flags);
      expect(r.stdout, 'no -h: `VERB -h` is ipvsadm\'s help').not.toContain('--help');
    }
  });

  it('refuses an unknown verb, extra arguments and unknown options with status 2', async () => {
    expect(await run(['help', 'nope'])).toEqual({
      stdout: '',
      stderr: "tsipvsadm help: unknown verb 'nope'\nTry 'tsipvsadm help' for more information.\n",
      status: 2,
    });
    const extra = await run(['help', 'a', 'b']);
    expect(extra.status).toBe(2);
    expect(extra.stderr).toMatch(/^tsipvsadm help: too many arguments/);
    const opt = await run(['help', '--bogus']);
    expect(opt).toEqual({ stdout: '', stderr: "tsipvsadm help: unknown option '--bogus'\nTry 'tsipvsadm help' for more information.\n", status: 2 });
  });
});
