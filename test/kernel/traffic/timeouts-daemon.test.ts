// Live kernel, timeouts and sync daemons: tsipvsadm --set (including 0 = keep) then -L --timeout,
// and the expiry of real connections under the new timeouts; --start-daemon master|backup with
// every option ipvsadm accepts, --stop-daemon, -L --daemon. Each state tsipvsadm sets up is listed
// by both tools, and the same command given to ipvsadm must leave the same state.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agree, agreeConns, expiries, ipvsadm, Lan, tsipvsadm, tsOk, tsRestore } from './topology';

const lan = new Lan({ prefix: 'ttd', servers: 1, backup: true });
const { vip, rips } = lan;

beforeAll(async () => {
  lan.build();
  await lan.serve({ tcp: [8080], udp: [53] });
  await tsRestore(lan.director, [
    `-A -t ${vip}:80 -s rr`,
    `-a -t ${vip}:80 -r ${rips[0]}:8080 -m`,
    `-A -u ${vip}:53 -s rr`,
    `-a -u ${vip}:53 -r ${rips[0]}:53 -m`,
  ]);
}, 120_000);

afterAll(() => lan.destroy());

const D = () => lan.director;

async function timeoutLine(): Promise<string> {
  return (await agree(D(), ['-L', '--timeout'])).ours.stdout;
}

describe('--set and -L --timeout', () => {
  it('--set 100 20 30 sets all three; 0 keeps the current value (--set 0 50 0, --set 0 0 0)', async () => {
    expect(ipvsadm(D(), ['-L', '--timeout']).stdout).toBe('Timeout (tcp tcpfin udp): 900 120 300\n');
    await tsOk(D(), ['--set', '100', '20', '30']);
    expect(ipvsadm(D(), ['-L', '--timeout']).stdout).toBe('Timeout (tcp tcpfin udp): 100 20 30\n');
    await tsOk(D(), ['--set', '0', '50', '0']);
    expect(ipvsadm(D(), ['-L', '--timeout']).stdout).toBe('Timeout (tcp tcpfin udp): 100 50 30\n');
    await tsOk(D(), ['--set', '0', '0', '0']);
    expect(await timeoutLine()).toBe('Timeout (tcp tcpfin udp): 100 50 30\n');
  });

  it('real connections expire by the timeouts tsipvsadm set (tcp 100, tcpfin 50, udp 30)', async () => {
    await lan.client1({ proto: 'udp', host: vip, port: 53, count: 1 });
    const established = await lan.hold(vip, 80);
    const finWait = await lan.hold(vip, 80);
    await finWait.serverHalfClose();
    const { ours } = await agreeConns(D(), ['-L', '-n', '-c']);
    console.log(`-Lnc under --set 100 50 30:\n${ours.stdout}`);
    const expiryOf = (re: RegExp) => {
      const row = ours.stdout.split('\n').find((l) => re.test(l));
      expect(row, `${re} in\n${ours.stdout}`).toBeDefined();
      return expiries(`x\nx\n${row}\n`)[0];
    };
    const e = expiryOf(new RegExp(`^TCP .* ESTABLISHED ${lan.clientIp}:${established.localPort} `));
    const f = expiryOf(new RegExp(`^TCP .* FIN_WAIT +${lan.clientIp}:${finWait.localPort} `));
    const u = expiryOf(new RegExp(`^UDP .* UDP +${lan.clientIp}:\\d+ +${vip}:53 `));
    // Each is at most its timeout, and (these ran within seconds) above the next lower one or so.
    expect(e).toBeLessThanOrEqual(100);
    expect(e).toBeGreaterThan(50);
    expect(f).toBeLessThanOrEqual(50);
    expect(f).toBeGreaterThan(20);
    expect(u).toBeLessThanOrEqual(30);
    expect(u).toBeGreaterThan(0);
    await established.close();
    await finWait.close();
  });
});

/** -L --daemon by both tools; returns the listing. */
async function daemons(): Promise<string> {
  return (await agree(D(), ['-L', '--daemon'])).ours.stdout;
}

describe('sync daemons: --start-daemon, --stop-daemon, -L --daemon', () => {
  const master = ['--start-daemon', 'master', '--mcast-interface', 'sync0', '--syncid', '7', '--sync-maxlen', '1200',
    '--mcast-group', '239.1.2.3', '--mcast-port', '9999', '--mcast-ttl', '3'];
  const backup = ['--start-daemon', 'backup', '--mcast-interface', 'sync0', '--syncid', '8', '--sync-maxlen', '1000',
    '--mcast-group', '239.1.2.4', '--mcast-port', '9998', '--mcast-ttl', '2'];
  const listing = () => ipvsadm(D(), ['-L', '--daemon']).stdout;

  it('master and backup with every option: listed as ipvsadm lists them, the same daemons as ipvsadm starts', async () => {
    expect(listing()).toBe('');
    await tsOk(D(), master);
    await tsOk(D(), backup);
    const ours = await daemons();
    console.log(`-L --daemon:\n${ours}`);
    expect(ours).toMatch(
      /^master sync daemon \(mcast=sync0, syncid=7, maxlen=1200, group=239\.1\.2\.3, port=9999, ttl=3\)\n/,
    );
    expect(ours).toMatch(
      /\nbackup sync daemon \(mcast=sync0, syncid=8, maxlen=\d+, group=239\.1\.2\.4, port=9998, ttl=2\)\n$/,
    );
    // --stop-daemon stops each.
    await tsOk(D(), ['--stop-daemon', 'master']);
    expect(listing()).toMatch(/^backup sync daemon .*\n$/);
    await tsOk(D(), ['--stop-daemon', 'backup']);
    expect(listing()).toBe('');
    // ipvsadm given the same command lines starts daemons listed the same.
    for (const args of [master, backup]) expect(ipvsadm(D(), args).status).toBe(0);
    expect(listing()).toBe(ours);
    for (const state of ['master', 'backup']) expect(ipvsadm(D(), ['--stop-daemon', state]).status).toBe(0);
  });

  it('defaults (only --mcast-interface) and an IPv6 group, as with ipvsadm', async () => {
    const cases = [
      ['--start-daemon', 'master', '--mcast-interface', 'sync0'],
      ['--start-daemon', 'backup', '--mcast-interface', 'sync0', '--mcast-group', 'ff02::1:81', '--syncid', '255'],
    ];
    const ourStatus = [];
    for (const args of cases) ourStatus.push(await tsipvsadm(D(), args));
    const ours = await daemons();
    console.log(`-L --daemon (defaults; IPv6 group):\n${ours}${ourStatus.map((o) => o.stderr).join('')}`);
    for (const state of ['master', 'backup']) ipvsadm(D(), ['--stop-daemon', state]);
    const theirStatus = cases.map((args) => ipvsadm(D(), args));
    expect(ourStatus).toEqual(theirStatus);
    expect(listing()).toBe(ours);
    expect(ours).toMatch(/^master sync daemon \(mcast=sync0, syncid=0, maxlen=\d+, group=224\.0\.0\.81, port=8848, ttl=1\)\n/);
    for (const state of ['master', 'backup']) ipvsadm(D(), ['--stop-daemon', state]);
  });

  it('the default multicast interface (eth0, missing here) fails as with ipvsadm', async () => {
    const ours = await tsipvsadm(D(), ['--start-daemon', 'backup']);
    expect(ours).toEqual(ipvsadm(D(), ['--start-daemon', 'backup']));
    expect(ours.status).not.toBe(0);
    expect(listing()).toBe('');
  });
});
