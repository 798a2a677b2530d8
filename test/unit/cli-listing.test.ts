// -L and -S through the snapshot reader, against a stand-in client: output in ipvsadm's order
// whatever order the destination replies come in, and on a refusal part way what ipvsadm prints
// before it fails (it prints as it fetches), then its message and status 1.

import { describe, expect, it } from 'vitest';
import { constants as osConstants } from 'node:os';
import { runCli } from '../../src/cli/run';
import { IpvsError, type IpvsClient } from '../../src/ipvs/client';
import type { Destination, Service, ServiceKey } from '../../src/ipvs/types';
import { serviceKey } from '../../src/model';
import { dest, svc } from './format-fixture';

const ESRCH = osConstants.errno.ESRCH;

function fakeClient(table: { svc: Service; dests: Destination[] }[], refuse: { services?: boolean; destsOf?: string; info?: boolean } = {}) {
  const find = (k: ServiceKey) => table.find((e) => serviceKey(e.svc) === serviceKey(k));
  return {
    info: async () => {
      if (refuse.info) throw new IpvsError('get_info', osConstants.errno.EPERM, 'EPERM');
      return { version: 0x010201, connTabSize: 4096 };
    },
    services: async () => {
      if (refuse.services) throw new IpvsError('get_services', osConstants.errno.ENOMEM, 'ENOMEM');
      return table.map((e) => e.svc);
    },
    service: async (k: ServiceKey) => {
      const e = find(k);
      if (!e) throw new IpvsError('get_service', ESRCH, 'ESRCH');
      return e.svc;
    },
    destinations: async (k: ServiceKey) => {
      // Replies out of order: the first services answer last.
      await new Promise((r) => setTimeout(r, 10 - Math.min(9, table.findIndex((e) => serviceKey(e.svc) === serviceKey(k)))));
      if (refuse.destsOf === serviceKey(k)) throw new IpvsError('get_dests', ESRCH, 'ESRCH');
      return find(k)!.dests;
    },
    timeouts: async () => ({ tcp: 900, tcpFin: 120, udp: 300 }),
    daemons: async () => [],
  } as unknown as IpvsClient;
}

async function run(args: string[], client: IpvsClient) {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), readStdin: async () => '', argv0: 'ipvsadm' }, client);
  return { stdout, stderr, status };
}

const table = [3, 1, 2].map((i) => ({
  svc: svc({ address: `10.0.0.${i}`, port: 80 }),
  dests: [dest({ address: `10.1.0.${i}`, port: 80, fwdMethod: 0 }), dest({ address: `10.0.9.${i}`, port: 80 })],
}));

const HEADER = 'IP Virtual Server version 1.2.1 (size=4096)\n';
const TITLE = 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';
const block = (i: number) =>
  `TCP  10.0.0.${i}:80 wlc\n` +
  `  -> ${`10.0.9.${i}:80`.padEnd(28)} Route   1      0          0         \n` +
  `  -> ${`10.1.0.${i}:80`.padEnd(28)} Masq    1      0          0         \n`;
const rules = (i: number) => `-A -t 10.0.0.${i}:80 -s wlc\n-a -t 10.0.0.${i}:80 -r 10.0.9.${i}:80 -g -w 1\n-a -t 10.0.0.${i}:80 -r 10.1.0.${i}:80 -m -w 1\n`;

describe('-L and -S over the snapshot reader', () => {
  it('lists every service in ipvsadm order', async () => {
    expect(await run(['-L', '-n'], fakeClient(table))).toEqual({ stdout: HEADER + TITLE + block(1) + block(2) + block(3), stderr: '', status: 0 });
    expect(await run(['-S', '-n'], fakeClient(table))).toEqual({ stdout: rules(1) + rules(2) + rules(3), stderr: '', status: 0 });
  });

  it('keeps kernel order under --nosort', async () => {
    const r = await run(['-L', '-n', '--nosort'], fakeClient(table));
    expect(r.stdout).toBe(
      HEADER + TITLE + [3, 1, 2].map((i) => block(i).split('\n').slice(0, 1).concat(block(i).split('\n').slice(1, 3).reverse()).join('\n') + '\n').join(''),
    );
  });

  it('on a destination refusal part way prints the blocks before it, then the message, status 1', async () => {
    const client = fakeClient(table, { destsOf: 'tcp:10.0.0.2:80' });
    expect(await run(['-L', '-n'], client)).toEqual({ stdout: HEADER + TITLE + block(1), stderr: 'No such service\n', status: 1 });
    expect(await run(['-S', '-n'], client)).toEqual({ stdout: rules(1), stderr: 'No such service\n', status: 1 });
  });

  it('on a service dump refusal prints the header only (-L) or nothing (-S)', async () => {
    const client = fakeClient(table, { services: true });
    const l = await run(['-L', '-n'], client);
    expect([l.stdout, l.status]).toEqual([HEADER, 1]);
    expect(l.stderr).not.toBe('');
    const s = await run(['-S', '-n'], client);
    expect([s.stdout, s.status, s.stderr]).toEqual(['', 1, l.stderr]);
  });

  it('lists one service; a missing one is an error before the title', async () => {
    expect(await run(['-L', '-n', '-t', '10.0.0.2:80'], fakeClient(table))).toEqual({ stdout: TITLE + block(2), stderr: '', status: 0 });
    const missing = await run(['-L', '-n', '-t', '10.0.0.9:80'], fakeClient(table));
    expect([missing.stdout, missing.status]).toEqual(['', 1]);
    const refused = await run(['-L', '-n', '-t', '10.0.0.2:80'], fakeClient(table, { destsOf: 'tcp:10.0.0.2:80' }));
    expect(refused).toEqual({ stdout: TITLE, stderr: 'No such service\n', status: 1 });
  });
});
