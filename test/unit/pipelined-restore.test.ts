// Pipelined -R against a fake kernel: stderr in input order, the last line's status, nothing sent
// after a line that ends -R, and listings/help waiting for every earlier change.

import { describe, expect, it } from 'vitest';
import { IpvsClient } from '../../src/ipvs/client';
import { InfoAttr, IpvsCommand, SvcAttr } from '../../src/ipvs/constants';
import { encodeAttr, iterAttrs } from '../../src/netlink/genl';
import { runCli } from '../../src/cli/run';
import { FakeNetlink, type FakeRequest } from './fake-netlink';

const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
};

function portOf(req: FakeRequest): number {
  const [[, nest]] = [...iterAttrs(req.attrs)];
  for (const [t, v] of iterAttrs(nest)) if (t === SvcAttr.PORT) return v.readUInt16BE(0);
  return -1;
}

/** Run `-R` over a fake kernel that refuses adds of the ports in `refuse` with EEXIST. */
async function restore(stdin: string, refuse: number[] = []) {
  const fake = new FakeNetlink((req) => {
    if (req.cmd === IpvsCommand.GET_INFO) return { replies: [Buffer.concat([...encodeAttr(InfoAttr.VERSION, u32(0x010201)), ...encodeAttr(InfoAttr.CONN_TAB_SIZE, u32(4096))])] };
    return req.cmd === IpvsCommand.NEW_SERVICE && refuse.includes(portOf(req)) ? { errno: 17 } : {};
  });
  const client = await IpvsClient.open({ socket: fake });
  let stdout = '';
  let stderr = '';
  const status = await runCli(['-R'], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), readStdin: async () => stdin, argv0: 'ipvsadm' }, client);
  client.close();
  const sent = fake.requests.filter((r) => r.family !== 0x10).map((r) => (r.cmd === IpvsCommand.NEW_SERVICE ? `add ${portOf(r)}` : `cmd ${r.cmd}`));
  return { stdout, stderr, status, sent, datagrams: fake.datagrams };
}

const addLines = (ports: number[]) => ports.map((p) => `-A -t 10.0.0.1:${p}\n`).join('');
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('pipelined -R', () => {
  it('sends a long input in order, few datagrams, and exits 0', async () => {
    const r = await restore(addLines(range(1, 600)));
    expect(r).toMatchObject({ stderr: '', status: 0 });
    expect(r.sent).toEqual(range(1, 600).map((p) => `add ${p}`));
    expect(r.datagrams).toBeLessThan(60);
  }, 60_000);

  it('prints refusals and popt errors in input order; the status is the last line\'s', async () => {
    const input = addLines([1, 2]) + '-A -t 10.0.0.1:3 --foo\n' + addLines([4, 5, 6]) + '-A -t 10.0.0.1:7 --bar\n' + addLines([8]);
    const r = await restore(input, [2, 5, 8]);
    expect(r.stderr).toBe(
      'Service already exists\n' +
        '--foo: unknown option\n' +
        'Service already exists\n' +
        '--bar: unknown option\n' +
        'Service already exists\n',
    );
    expect(r.status).toBe(255);
    expect((await restore(input, [2, 5])).status).toBe(0);
  });

  it('ends at a line whose error ends -R, after printing every earlier outcome, sending nothing after it', async () => {
    const r = await restore(addLines([1, 2, 3]) + '-A -t 10.0.0.1:0\n' + addLines([5, 6]), [2]);
    expect(r.sent).toEqual(['add 1', 'add 2', 'add 3']);
    expect(r.stderr.split('\n')[0]).toBe('Service already exists');
    expect(r.stderr.length).toBeGreaterThan('Service already exists\n'.length);
    expect(r.status).toBe(2);
  });

  it('-h in the middle prints help after the earlier outcomes and ends with 0', async () => {
    const r = await restore(addLines([1, 2]) + '-h\n' + addLines([3]), [2]);
    expect(r.sent).toEqual(['add 1', 'add 2']);
    expect(r.stderr).toBe('Service already exists\n');
    expect(r.stdout).toMatch(/^ipvsadm v1\.31/);
    expect(r.status).toBe(0);
  });

  it('a listing line waits for the earlier changes and the later ones wait for it', async () => {
    const r = await restore(addLines([1, 2]) + '-L -n\n' + addLines([3]));
    expect(r.sent).toEqual(['add 1', 'add 2', `cmd ${IpvsCommand.GET_INFO}`, `cmd ${IpvsCommand.GET_SERVICE}`, 'add 3']);
    expect(r.status).toBe(0);
  });

  it('skips blank input and keeps status 0', async () => {
    expect(await restore('')).toMatchObject({ status: 0, sent: [], stderr: '' });
  });
});
