// The apply and diff verbs end to end against a fake kernel (the simulator): exit statuses,
// messages, --dry-run, --json, refusals.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyVerb, diffVerb } from '../../src/apply/verb';
import type { IpvsChange, BatchOutcome } from '../../src/apply/execute';
import { simulate, SimulatedRefusal } from '../../src/apply/simulate';
import { serviceId } from '../../src/apply/identity';
import type { IpvsState, RequestOperation } from '../../src/apply/plan';
import { IpvsError } from '../../src/ipvs/client';
import { server, service } from '../apply/states';
import { FwdMethod } from '../../src/ipvs/constants';

const KIND: Record<IpvsChange['op'], RequestOperation['kind']> = {
  add_service: 'add-service', update_service: 'edit-service', del_service: 'delete-service',
  add_dest: 'add-server', update_dest: 'edit-server', del_dest: 'delete-server',
};

function fake(initial: IpvsState, refuse?: (c: IpvsChange) => boolean) {
  const k = { state: initial, requests: 0 };
  const client = {
    async services() {
      return k.state.map((e) => ({ ...e.service }));
    },
    async destinations(key: never) {
      return k.state.find((e) => serviceId(e.service) === serviceId(key))?.dests ?? [];
    },
    async batch(changes: Iterable<IpvsChange>, options: { stopOnError?: boolean } = {}) {
      const outcomes: BatchOutcome[] = [];
      let firstFailure: { index: number; error: Error } | undefined;
      for (const c of changes) {
        k.requests++;
        try {
          if (refuse?.(c)) throw new IpvsError(c.op, 22, 'EINVAL');
          k.state = simulate(k.state, { ...c, kind: KIND[c.op] } as unknown as RequestOperation);
          outcomes.push({ status: 'applied' });
        } catch (err) {
          const error = err instanceof SimulatedRefusal ? new IpvsError(c.op, err.errno, 'E') : (err as Error);
          outcomes.push({ status: 'failed', error });
          firstFailure ??= { index: outcomes.length - 1, error };
          if (options.stopOnError) break;
        }
      }
      return { outcomes, sent: outcomes.length, applied: outcomes.filter((o) => o.status === 'applied').length, firstFailure };
    },
  };
  return { k, client };
}

async function run(verb: typeof applyVerb, state: ReturnType<typeof fake>, options: Record<string, unknown>, args: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const ctx = {
    io: { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), readStdin: async () => stdin, argv0: 'tsipvsadm' },
    argv0: 'tsipvsadm',
    client: async () => state.client as never,
  };
  const status = await verb(ctx, options, args);
  return { status, stdout, stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'apply-verb-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const vip = service({ address: '10.0.0.1', port: 80, scheduler: 'rr' });
const current = (): IpvsState => [
  { service: vip, dests: [server({ address: '10.1.0.1', port: 80, fwdMethod: FwdMethod.MASQ }), server({ address: '10.1.0.2', port: 80, fwdMethod: FwdMethod.MASQ })] },
  { service: service({ address: '10.0.0.2', port: 443 }), dests: [] },
];
const RULES = '-A -t 10.0.0.1:80 -s wrr\n-a -t 10.0.0.1:80 -r 10.1.0.1:80 -m -w 5\n-a -t 10.0.0.1:80 -r 10.1.0.3:80 -m\n';

describe('diff and apply --dry-run', { timeout: 60_000 }, () => {
  it('print the plan as ipvsadm lines and exit 1 when there are changes, 0 when none', async () => {
    const f = fake(current());
    const d = await run(diffVerb, f, { prune: true }, [write('a.rules', RULES)]);
    expect(d).toEqual({
      status: 1,
      stderr: '',
      stdout: '-E -t 10.0.0.1:80 -s wrr\n-e -t 10.0.0.1:80 -r 10.1.0.1:80 -m -w 5\n-a -t 10.0.0.1:80 -r 10.1.0.3:80 -m -w 1\n-d -t 10.0.0.1:80 -r 10.1.0.2:80\n-D -t 10.0.0.2:443\n',
    });
    expect(f.k.requests).toBe(0);
    const dry = await run(applyVerb, f, { dryRun: true }, [write('a.rules', RULES)]);
    expect(dry.status).toBe(1);
    expect(dry.stdout).not.toContain('-D ');
    const same = fake([{ service: { ...vip, scheduler: 'wrr' }, dests: [server({ address: '10.1.0.1', port: 80, fwdMethod: FwdMethod.MASQ, weight: 5 }), server({ address: '10.1.0.3', port: 80, fwdMethod: FwdMethod.MASQ })] }]);
    expect(await run(diffVerb, same, {}, [write('a.rules', RULES)])).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('--json names each change, what it changes and its ipvsadm line', async () => {
    const d = await run(diffVerb, fake(current()), { json: true, drain: '5' }, [write('a.rules', RULES)]);
    const doc = JSON.parse(d.stdout);
    expect(doc.changes).toBe(5);
    expect(doc.operations[0]).toEqual({ op: 'edit-service', service: 'tcp:10.0.0.1:80', changes: { scheduler: { from: 'rr', to: 'wrr' } }, command: '-E -t 10.0.0.1:80 -s wrr' });
    expect(doc.operations.map((o: { op: string }) => o.op)).toEqual(['edit-service', 'edit-server', 'add-server', 'edit-server', 'drain', 'delete-server']);
    expect(doc.operations[4]).toEqual({ op: 'drain', seconds: 5, servers: [{ service: 'tcp:10.0.0.1:80', server: '10.1.0.2:80' }] });
  });
});

describe('apply', { timeout: 60_000 }, () => {
  it('applies and says how many changes; a second run has none', async () => {
    const f = fake(current());
    expect(await run(applyVerb, f, { prune: true }, [write('a.rules', RULES)])).toEqual({ status: 0, stdout: '5 changes applied\n', stderr: '' });
    expect(f.k.requests).toBe(5);
    expect(await run(applyVerb, f, { prune: true }, [write('a.rules', RULES)])).toEqual({ status: 0, stdout: 'no changes\n', stderr: '' });
    expect(f.k.requests).toBe(5);
  });

  it('reads standard input', async () => {
    const f = fake([]);
    expect((await run(applyVerb, f, {}, ['-'], RULES)).status).toBe(0);
    expect(f.k.state.map((e) => e.dests.length)).toEqual([2]);
  });

  it('refuses a bad file, bad options and a missing file with status 2, sending nothing', async () => {
    const f = fake(current());
    const bad = await run(applyVerb, f, {}, [write('b.rules', RULES + '-a -t 10.0.0.1:80 -r 10.1.0.9 -y 5 -x 1\n-a -t 10.0.0.9:80 -r 10.1.0.9\n')]);
    expect(bad).toEqual({
      status: 2,
      stdout: '',
      stderr: `tsipvsadm apply: ${dir}/b.rules:5: no -A line before this one defines its service\ntsipvsadm apply: nothing was changed\n`,
    });
    const low = await run(applyVerb, f, {}, [write('c.rules', RULES + '-a -t 10.0.0.1:80 -r 10.1.0.9 -y 5 -x 1\n')]);
    expect(low.stderr).toBe(`tsipvsadm apply: ${dir}/c.rules:4: the lower threshold (5) is above the upper threshold (1)\ntsipvsadm apply: nothing was changed\n`);
    expect(await run(applyVerb, f, {}, [join(dir, 'missing')])).toEqual({ status: 2, stdout: '', stderr: `tsipvsadm apply: cannot read ${dir}/missing: no such file\n` });
    expect((await run(applyVerb, f, { scope: ['10.0.0.0/33'] }, [write('a.rules', RULES)])).stderr).toMatch(/^tsipvsadm apply: invalid --scope `10.0.0.0\/33'/);
    expect((await run(applyVerb, f, { drain: 'soon' }, [write('a.rules', RULES)])).stderr).toBe("tsipvsadm apply: invalid --drain `soon': a number of seconds from 0 to 86400\n");
    expect((await run(applyVerb, f, { scope: ['192.168.0.0/16'] }, [write('a.rules', RULES)])).stderr).toContain('a.rules:1: this service is outside --scope 192.168.0.0/16');
    expect(f.k.requests).toBe(0);
  });

  it('stops at a refusal: the failed change in ipvsadm\'s words, what was applied, status 3', async () => {
    const f = fake(current(), (c) => c.op === 'add_dest');
    const r = await run(applyVerb, f, { prune: true }, [write('a.rules', RULES)]);
    expect(r).toEqual({
      status: 3,
      stdout: '',
      stderr:
        'tsipvsadm apply: refused: -a -t 10.0.0.1:80 -r 10.1.0.3:80 -m -w 1: Invalid operation.  Possibly wrong module version, address not unicast, ...\n' +
        'tsipvsadm apply: applied 2 of 5 changes (the ones before it, in plan order); nothing after it was kept\n',
    });
    expect(f.k.state[0].service.scheduler).toBe('wrr');
    expect(f.k.state).toHaveLength(2);
  });
});
