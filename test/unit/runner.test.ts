// The command runner end to end on the host: argv → parser → runner → IpvsClient → codec →
// netlink, against a fake IPVS kernel behind an injected socket (fake-ipvs.ts). Exit statuses and
// stderr for kernel refusals per operation, listing failures, -R's status. The kernel suite proves
// the same behaviour against Debian's ipvsadm on a real kernel; these pin it without one.

import { constants as osConstants } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run';
import { IpvsClient, IpvsUnavailableError } from '../../src/ipvs/client';
import type { InitDeps } from '../../src/cli/commands/init';
import { IpvsCommand } from '../../src/ipvs/constants';
import { FakeIpvs } from './fake-ipvs';

const E = osConstants.errno;

interface Outcome {
  stdout: string;
  stderr: string;
  status: number;
}

const clients: IpvsClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

/** Run one command line (space-separated) with tsipvsadm against `kernel`. */
async function run(kernel: FakeIpvs, line: string, stdin = ''): Promise<Outcome> {
  const client = await IpvsClient.open({ socket: kernel.socket });
  clients.push(client);
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), readStdin: async () => stdin, argv0: 'ipvsadm' };
  const status = await runCli(line.split(' ').filter(Boolean), io, client);
  return { stdout, stderr, status };
}

/** A kernel holding one TCP service with one real server, one UDP service, and a master daemon. */
async function populated(): Promise<FakeIpvs> {
  const k = new FakeIpvs();
  for (const line of ['-A -t 10.0.0.1:80 -s rr', '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m', '-A -u 10.0.0.1:53', '--start-daemon master --mcast-interface lo']) {
    expect(await run(k, line)).toEqual({ stdout: '', stderr: '', status: 0 });
  }
  return k;
}

const ok = { stdout: '', stderr: '', status: 0 };
const refused = (message: string) => ({ stdout: '', stderr: message + '\n', status: 255 });
const listingFailed = (stdout: string, message: string) => ({ stdout, stderr: message === '' ? '' : message + '\n', status: 1 });

const HEADER = 'IP Virtual Server version 1.2.1 (size=4096)\n';
const TITLE = 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';

describe('changes: success sends the one request and prints nothing', () => {
  it.each([
    ['-A -t 10.9.0.1:80', IpvsCommand.NEW_SERVICE],
    ['-E -t 10.0.0.1:80 -s wrr', IpvsCommand.SET_SERVICE],
    ['-D -u 10.0.0.1:53', IpvsCommand.DEL_SERVICE],
    ['-a -t 10.0.0.1:80 -r 10.0.0.3', IpvsCommand.NEW_DEST],
    ['-e -t 10.0.0.1:80 -r 10.0.0.2 -m -w 5', IpvsCommand.SET_DEST],
    ['-d -t 10.0.0.1:80 -r 10.0.0.2', IpvsCommand.DEL_DEST],
    ['-Z', IpvsCommand.ZERO],
    ['-Z -t 10.0.0.1:80', IpvsCommand.ZERO],
    ['-C', IpvsCommand.FLUSH],
    ['--set 10 20 30', IpvsCommand.SET_CONFIG],
    ['--start-daemon backup --mcast-interface lo', IpvsCommand.NEW_DAEMON],
    ['--stop-daemon master', IpvsCommand.DEL_DAEMON],
  ])('%s', async (line, cmd) => {
    const k = await populated();
    const before = k.commands.length;
    expect(await run(k, line)).toEqual(ok);
    expect(k.commands.slice(before)).toEqual([cmd]);
  });
});

describe('changes: a kernel refusal prints ipvsadm\'s message for that operation, status 255', () => {
  // What the fake kernel answers from its state, as ip_vs_ctl.c does.
  it.each([
    ['-A -t 10.0.0.1:80', 'Service already exists'],
    ['-E -t 10.9.9.9:80', 'No such service'],
    ['-D -t 10.9.9.9:80', 'No such service'],
    ['-Z -t 10.9.9.9:80', 'No such service'],
    ['-a -t 10.9.9.9:80 -r 10.0.0.2', 'Service not defined'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.2', 'Destination already exists'],
    ['-e -t 10.9.9.9:80 -r 10.0.0.2', 'Service not defined'],
    ['-e -t 10.0.0.1:80 -r 10.0.0.9', 'No such destination'],
    ['-d -t 10.9.9.9:80 -r 10.0.0.2', 'Service not defined'],
    ['-d -t 10.0.0.1:80 -r 10.0.0.9', 'No such destination'],
    ['--start-daemon master --mcast-interface lo', 'Daemon has already run'],
    ['--stop-daemon backup', 'No daemon is running'],
  ])('%s: %s', async (line, message) => {
    expect(await run(await populated(), line)).toEqual(refused(message));
  });

  // Refusals forced per command: the same errno reads differently per operation.
  it.each([
    ['-A -t 10.9.0.1:80 -s nope', IpvsCommand.NEW_SERVICE, E.ENOENT, 'Scheduler or persistence engine not found'],
    ['-E -t 10.0.0.1:80 -s nope', IpvsCommand.SET_SERVICE, E.ENOENT, 'Scheduler or persistence engine not found'],
    ['-A -t 10.9.0.1:80', IpvsCommand.NEW_SERVICE, E.ESRCH, 'No such process'],
    ['-C', IpvsCommand.FLUSH, E.ESRCH, 'No such process'],
    ['-C', IpvsCommand.FLUSH, E.ENOENT, 'No such file or directory'],
    ['-Z', IpvsCommand.ZERO, E.ESRCH, 'No such service'],
    ['-Z', IpvsCommand.ZERO, E.EEXIST, 'File exists'],
    ['--set 1 2 3', IpvsCommand.SET_CONFIG, E.ESRCH, 'No such process'],
    ['--set 1 2 3', IpvsCommand.SET_CONFIG, E.EINVAL, 'Invalid operation.  Possibly wrong module version, address not unicast, ...'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.3', IpvsCommand.NEW_DEST, E.EAFNOSUPPORT, 'Operation not supported with specified address family'],
    ['-A -t 10.9.0.1:80', IpvsCommand.NEW_SERVICE, E.EPERM, 'Permission denied (you must be root)'],
    ['-A -t 10.9.0.1:80', IpvsCommand.NEW_SERVICE, E.ENOMEM, 'Memory allocation problem'],
    ['--start-daemon backup --mcast-interface lo', IpvsCommand.NEW_DAEMON, E.ENODEV, 'No such device'],
    ['--stop-daemon master', IpvsCommand.DEL_DAEMON, E.EEXIST, 'File exists'],
  ])('%s with errno %i: %s', async (line, cmd, errno, message) => {
    const k = await populated();
    k.refuse.set(cmd, errno);
    expect(await run(k, line)).toEqual(refused(message));
  });
});

describe('listings', () => {
  it('-L -n lists the table', async () => {
    expect(await run(await populated(), '-L -n')).toEqual({
      stdout:
        HEADER +
        TITLE +
        'TCP  10.0.0.1:80 rr\n' +
        '  -> 10.0.0.2:80                  Masq    1      0          0         \n' +
        'UDP  10.0.0.1:53 wlc\n',
      stderr: '',
      status: 0,
    });
  });

  it('a refused service dump: the header, then the message (ipvs_func unset: strerror), status 1', async () => {
    const k = await populated();
    k.refuse.set(IpvsCommand.GET_SERVICE, E.ESRCH);
    expect(await run(k, '-L -n')).toEqual(listingFailed(HEADER, 'No such process'));
    k.refuse.set(IpvsCommand.GET_SERVICE, E.ENOMEM);
    expect(await run(k, '-L -n')).toEqual(listingFailed(HEADER, 'Memory allocation problem'));
  });

  it('a refused destination dump ends the listing with "No such service", status 1', async () => {
    const k = await populated();
    k.refuse.set(IpvsCommand.GET_DEST, E.ESRCH);
    const r = await run(k, '-L -n');
    expect(r.stderr).toBe('No such service\n');
    expect(r.status).toBe(1);
    expect(r.stdout.startsWith(HEADER)).toBe(true);
    expect(r.stdout).not.toContain('TCP  10.0.0.1:80');
  });

  it('-L -t of a missing service: the message and status 1, nothing on stdout', async () => {
    expect(await run(await populated(), '-L -n -t 10.9.9.9:80')).toEqual(listingFailed('', 'No such service'));
  });

  it('-L --timeout and -L --daemon fail silently with status 1', async () => {
    const k = await populated();
    expect(await run(k, '-L --timeout')).toEqual({ stdout: 'Timeout (tcp tcpfin udp): 900 120 300\n', stderr: '', status: 0 });
    k.refuse.set(IpvsCommand.GET_CONFIG, E.EPERM);
    expect(await run(k, '-L --timeout')).toEqual(listingFailed('', ''));
    k.refuse.set(IpvsCommand.GET_DAEMON, E.EPERM);
    expect(await run(k, '-L --daemon')).toEqual(listingFailed('', ''));
  });

  it('-S: the rules; a refused dump prints the message, status 1', async () => {
    const k = await populated();
    expect(await run(k, '-S -n')).toEqual({
      stdout: '-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1\n-A -u 10.0.0.1:53 -s wlc\n',
      stderr: '',
      status: 0,
    });
    k.refuse.set(IpvsCommand.GET_SERVICE, E.EPERM);
    expect(await run(k, '-S -n')).toEqual(listingFailed('', 'Permission denied (you must be root)'));
  });
});

describe('-R', () => {
  it('applies every line; the status is the last line\'s', async () => {
    const k = new FakeIpvs();
    expect(await run(k, '-R', '-A -t 10.0.0.1:80\n-A -t 10.0.0.1:80\n-A -t 10.0.0.2:80\n')).toEqual({
      stdout: '',
      stderr: 'Service already exists\n',
      status: 0,
    });
    expect(k.services.size).toBe(2);
    expect(await run(k, '-R', '-A -t 10.0.0.3:80\n-A -t 10.0.0.1:80\n')).toEqual(refused('Service already exists'));
    expect(k.services.size).toBe(3);
  });

  it('a refusal per line, each worded for its own operation, in input order', async () => {
    const k = await populated();
    const input = '-a -t 10.9.9.9:80 -r 10.0.0.2\n-D -t 10.9.9.9:80\n-d -t 10.0.0.1:80 -r 10.0.0.9\n-C\n';
    expect(await run(k, '-R', input)).toEqual({ stdout: '', stderr: 'Service not defined\nNo such service\nNo such destination\n', status: 0 });
    expect(k.services.size).toBe(0);
  });

  it('a listing inside -R sees the changes before it', async () => {
    const k = new FakeIpvs();
    const r = await run(k, '-R', '-A -t 10.0.0.1:80\n-S -n\n-A -u 10.0.0.1:53\n');
    expect(r).toEqual({ stdout: '-A -t 10.0.0.1:80 -s wlc\n', stderr: '', status: 0 });
  });
});

describe('start-up (ipvs_init, then modprobe ip_vs once, as ipvsadm)', () => {
  const NOT_LOADED = 'modprobe: FATAL: Module ip_vs not found in directory /lib/modules/6.1.0-test\n';
  const cannotInit = (message: string) =>
    `Can't initialize ipvs: ${message}\nAre you sure that IP Virtual Server is built in the kernel or as module?\n`;

  /** Start-up whose client opens fail with `failures` in turn, then open on `kernel`. */
  function init(kernel: FakeIpvs, failures: Error[], modprobe: { status: number; stderr: string }) {
    const calls = { opens: 0, modprobes: 0 };
    const sockets: ReturnType<FakeIpvs['connect']>[] = [];
    const deps: InitDeps = {
      openClient: async () => {
        const failure = failures[calls.opens++];
        if (failure) throw failure;
        sockets.push(kernel.connect());
        return IpvsClient.open({ socket: sockets[sockets.length - 1] });
      },
      modprobe: () => {
        calls.modprobes++;
        return modprobe;
      },
    };
    /** Every socket start-up opened has been closed again (by a failed attempt, or by the runner). */
    const allClosed = () => sockets.every((sock) => sock.closed);
    return { deps, calls, allClosed };
  }

  async function start(line: string, deps: InitDeps): Promise<Outcome> {
    let stdout = '';
    let stderr = '';
    const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), readStdin: async () => '', argv0: 'ipvsadm' };
    const status = await runCli(line.split(' ').filter(Boolean), io, undefined, deps);
    return { stdout, stderr, status };
  }

  it('no IPVS and no module: modprobe\'s stderr, then "Protocol not available", status 2 (even for -h)', async () => {
    for (const line of ['-L -n', '-h', '-A -t 10.0.0.1:80']) {
      const { deps, calls } = init(new FakeIpvs(), [new IpvsUnavailableError(), new IpvsUnavailableError()], { status: 1, stderr: NOT_LOADED });
      expect(await start(line, deps)).toEqual({ stdout: '', stderr: NOT_LOADED + cannotInit('Protocol not available'), status: 2 });
      expect(calls).toEqual({ opens: 1, modprobes: 1 });
    }
  });

  it('GET_INFO refused (not root): modprobe runs, the retry fails the same, "Permission denied", status 2', async () => {
    const k = new FakeIpvs();
    k.refuse.set(IpvsCommand.GET_INFO, E.EPERM);
    const { deps, calls, allClosed } = init(k, [], { status: 0, stderr: '' });
    expect(await start('-L -n', deps)).toEqual({ stdout: '', stderr: cannotInit('Permission denied (you must be root)'), status: 2 });
    expect(calls).toEqual({ opens: 2, modprobes: 1 });
    expect(allClosed()).toBe(true);
    expect(k.commands).toEqual([IpvsCommand.GET_INFO, IpvsCommand.GET_INFO]);
  });

  it('modprobe loads the module: the retry opens and the command runs', async () => {
    const k = new FakeIpvs();
    const { deps, calls, allClosed } = init(k, [new IpvsUnavailableError()], { status: 0, stderr: '' });
    expect(await start('-A -t 10.0.0.1:80', deps)).toEqual(ok);
    expect(calls).toEqual({ opens: 2, modprobes: 1 });
    expect(allClosed()).toBe(true);
    expect(k.commands).toEqual([IpvsCommand.GET_INFO, IpvsCommand.NEW_SERVICE]);
  });

  it('IPVS present: no modprobe; the client is closed at the end', async () => {
    const k = new FakeIpvs();
    const { deps, calls, allClosed } = init(k, [], { status: 1, stderr: 'unexpected' });
    expect(await start('-v', deps)).toEqual({ stdout: 'ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n', stderr: '', status: 0 });
    expect(calls).toEqual({ opens: 1, modprobes: 0 });
    expect(allClosed()).toBe(true);
  });
});
