// The command-line parser: commands, every option's parsing, popt's scanning (bundles, long
// options, optional and required arguments, leftovers) and the defaults ipvsadm applies.

import { describe, expect, it } from 'vitest';
import { parseCommandLine, PoptContext } from '../../src/cli/parse';
import { OPTION_TABLE } from '../../src/cli/options/table';
import { cAtoi, cStrtol, stringToNumber, truncateBytes } from '../../src/cli/options/c-numbers';
import { AF_INET, AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, SvcFlag } from '../../src/ipvs/constants';
import { ARGV0, parse } from './parse-helpers';

const opts = async (...args: string[]) => [...(await parse(...args)).options].sort();

describe('commands', () => {
  it.each([
    [['-A', '-t', '1.2.3.4:80'], 'add-service'],
    [['--add-service', '-t', '1.2.3.4:80'], 'add-service'],
    [['-E', '-t', '1.2.3.4:80'], 'edit-service'],
    [['--edit-service', '-t', '1.2.3.4:80'], 'edit-service'],
    [['-D', '-t', '1.2.3.4:80'], 'delete-service'],
    [['--delete-service', '-t', '1.2.3.4:80'], 'delete-service'],
    [['-C'], 'flush'],
    [['--clear'], 'flush'],
    [['-L'], 'list'],
    [['-l'], 'list'],
    [['--list'], 'list'],
    [['-Z'], 'zero'],
    [['--zero'], 'zero'],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1'], 'add-server'],
    [['--add-server', '-t', '1.2.3.4:80', '-r', '10.0.0.1'], 'add-server'],
    [['-e', '-t', '1.2.3.4:80', '-r', '10.0.0.1'], 'edit-server'],
    [['--edit-server', '-t', '1.2.3.4:80', '-r', '10.0.0.1'], 'edit-server'],
    [['-d', '-t', '1.2.3.4:80', '-r', '10.0.0.1'], 'delete-server'],
    [['--delete-server', '-t', '1.2.3.4:80', '-r', '10.0.0.1'], 'delete-server'],
    [['--set', '1', '2', '3'], 'set'],
    [['-R'], 'restore'],
    [['--restore'], 'restore'],
    [['-S'], 'save'],
    [['--save'], 'save'],
    [['--start-daemon', 'master'], 'start-daemon'],
    [['--stop-daemon', 'backup'], 'stop-daemon'],
    [['-h'], 'help'],
    [['--help'], 'help'],
    [['-v'], 'version'],
    [['--version'], 'version'],
  ])('%j is %s', async (args, command) => {
    expect((await parse(...args)).command).toBe(command);
  });

  it('no arguments at all lists everything', async () => {
    const p = await parseCommandLine([], ARGV0);
    expect(p.command).toBe('list');
    expect(p.options.size).toBe(0);
  });

  it('-h and -v win over whatever follows them', async () => {
    expect((await parse('-h', '--foo', '-Q')).command).toBe('help');
    expect((await parse('-vh')).command).toBe('version');
    expect((await parse('-hv')).command).toBe('help');
    expect((await parse('foo', '-h')).command).toBe('help');
  });
});

describe('service addresses', () => {
  const svc = async (...args: string[]) => (await parse('-A', ...args, '-p')).service;

  it('-t gives a complete TCP service with the defaults -A applies', async () => {
    const p = await parse('-A', '-t', '1.2.3.4:80');
    expect(p.service).toEqual({
      af: AF_INET,
      protocol: IPPROTO_TCP,
      address: '1.2.3.4',
      port: 80,
      fwmark: 0,
      scheduler: 'wlc',
      flags: 0,
      timeout: 0,
      netmask: 0xffffffff,
      peName: '',
    });
    expect([...p.options]).toEqual(['service-address']);
  });

  it.each([
    [['-u', '1.2.3.4:53'], IPPROTO_UDP],
    [['--udp-service', '1.2.3.4:53'], IPPROTO_UDP],
    [['--sctp-service', '1.2.3.4:3868'], IPPROTO_SCTP],
    [['--tcp-service', '1.2.3.4:80'], IPPROTO_TCP],
  ])('%j has protocol %i', async (args, protocol) => {
    expect((await svc(...args)).protocol).toBe(protocol);
  });

  it.each([
    ['10.1:80', '10.0.0.1', 80],
    ['010.0.0.1:80', '8.0.0.1', 80],
    ['167772161:80', '10.0.0.1', 80],
    ['0x7f.1:443', '127.0.0.1', 443],
    ['1.2.3.4 foo:80', '1.2.3.4', 80],
    ['1.2.3.4:080', '1.2.3.4', 80],
    ['1.2.3.4:+80', '1.2.3.4', 80],
    ['1.2.3.4: 80', '1.2.3.4', 80],
    ['1.2.3.4:65535', '1.2.3.4', 65535],
    ['1.2.3.4', '1.2.3.4', 0],
    ['localhost:80', '127.0.0.1', 80],
    ['localhost', '127.0.0.1', 0],
    ['1.2.3.4:http', '1.2.3.4', 80],
    ['1.2.3.4:www', '1.2.3.4', 80],
    ['[10.0.0.1]:80', '10.0.0.1', 0],
    ['[1.2.3.4:80]:90', '1.2.3.4', 80],
  ])('-t %s is %s port %i', async (text, address, port) => {
    const s = await svc('-t', text);
    expect([s.af, s.address, s.port]).toEqual([AF_INET, address, port]);
  });

  it.each([
    ['[::1]:80', '::1', 80],
    ['[2001:DB8::0:1]:8080', '2001:db8::1', 8080],
    ['[2001:db8::1]:http-alt', '2001:db8::1', 8080],
    ['2001:db8::1:80', '2001:db8::1:80', 0],
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4', 0],
    ['[::ffff:1.2.3.4]:5', '::ffff:1.2.3.4', 5],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8', 0],
  ])('-t %s is IPv6 %s port %i with netmask 128', async (text, address, port) => {
    const s = await svc('-t', text);
    expect([s.af, s.address, s.port, s.netmask]).toEqual([AF_INET6, address, port, 128]);
  });

  it('port names are looked up for the protocol parsed so far', async () => {
    expect((await svc('-u', '1.2.3.4:domain')).port).toBe(53);
    expect((await svc('--sctp-service', '1.2.3.4:diameter')).port).toBe(3868);
  });

  it('-f gives a TCP, IPv4 fwmark service with no address', async () => {
    const s = (await parse('-A', '-f', '7')).service;
    expect(s).toMatchObject({ af: AF_INET, protocol: IPPROTO_TCP, fwmark: 7, address: '', port: 0, netmask: 0xffffffff });
    expect((await parse('-D', '--fwmark-service', '4294967295')).service.fwmark).toBe(4294967295);
    expect((await parse('-D', '-f', ' +12')).service.fwmark).toBe(12);
  });

  it('-6 after -f makes the fwmark service IPv6 with netmask 128, and may repeat', async () => {
    const s = (await parse('-A', '-f', '1', '-6', '--ipv6')).service;
    expect([s.af, s.netmask, s.protocol]).toEqual([AF_INET6, 128, IPPROTO_TCP]);
  });
});

describe('service options', () => {
  it('-s is copied and truncated to 15 bytes; empty means wlc', async () => {
    expect((await parse('-A', '-t', '1.2.3.4:80', '-s', 'rr')).service.scheduler).toBe('rr');
    expect((await parse('-A', '-t', '1.2.3.4:80', '-s', 'abcdefghijklmnopqrstuvwxyz')).service.scheduler).toBe('abcdefghijklmno');
    expect((await parse('-A', '-t', '1.2.3.4:80', '-s', '')).service.scheduler).toBe('wlc');
    expect((await parse('-A', '-t', '1.2.3.4:80', '-srr')).service.scheduler).toBe('rr');
  });

  it('-E applies wlc and a complete service too', async () => {
    const s = (await parse('-E', '-t', '1.2.3.4:80')).service;
    expect([s.scheduler, s.flags, s.timeout, s.peName]).toEqual(['wlc', 0, 0, '']);
  });

  it('-D and -Z send no scheduler', async () => {
    expect((await parse('-D', '-t', '1.2.3.4:80')).service.scheduler).toBe('');
    expect((await parse('-Z', '-t', '1.2.3.4:80')).service.scheduler).toBe('');
  });

  it.each([
    [['-p'], 360],
    [['-p', '30'], 30],
    [['-p30'], 30],
    [['-p=45'], 45],
    [['--persistent'], 360],
    [['--persistent=77'], 77],
    [['--persistent', '2678400'], 2678400],
    [['-p', '-s', 'rr'], 360],
    [['-p', '--', '-x'], 360],
  ])('%j sets persistence with timeout %i', async (p, timeout) => {
    const s = (await parse('-A', '-t', '1.2.3.4:80', ...p.filter((a) => a !== '-x'))).service;
    expect([s.flags & SvcFlag.PERSISTENT, s.timeout]).toEqual([SvcFlag.PERSISTENT, timeout]);
  });

  it('-p before the service address still counts for the zero-port check', async () => {
    const s = (await parse('-A', '-p', '-t', '1.2.3.4')).service;
    expect([s.port, s.timeout]).toEqual([0, 360]);
  });

  it.each([
    ['255.255.255.0', 0xffffff00],
    ['255.255.0.0', 0xffff0000],
    ['300', 0x0000012c],
    ['0.0.0.0', 0],
    ['localhost', 0x7f000001],
  ])('-M %s on an IPv4 service is 0x%s', async (mask, value) => {
    expect((await parse('-A', '-t', '1.2.3.4:80', '-p', '-M', mask)).service.netmask).toBe(value);
  });

  it('-M on an IPv6 service is a prefix length (atoi)', async () => {
    expect((await parse('-A', '-t', '[::1]:80', '-M', '64')).service.netmask).toBe(64);
    expect((await parse('-A', '-f', '1', '-6', '-M', '64abc')).service.netmask).toBe(64);
    expect((await parse('-A', '-f', '1', '-6', '-M', ' +8')).service.netmask).toBe(8);
    expect((await parse('-A', '-f', '1', '-6', '-M', '4294967297')).service.netmask).toBe(1);
  });

  it('-M before an IPv6 -t is parsed as IPv4 and then replaced by 128', async () => {
    expect((await parse('-A', '-M', '64', '-t', '[::1]:80')).service.netmask).toBe(128);
    expect((await parse('-A', '-f', '1', '-M', '255.255.255.0', '-6')).service.netmask).toBe(128);
  });

  it('-o sets ONEPACKET, allowed on UDP and on fwmark services', async () => {
    expect((await parse('-A', '-u', '1.2.3.4:53', '-o')).service.flags).toBe(SvcFlag.ONEPACKET);
    expect((await parse('-A', '-f', '5', '--ops')).service.flags).toBe(SvcFlag.ONEPACKET);
  });

  it('--pe is copied, at most 16 bytes', async () => {
    expect((await parse('-A', '-t', '1.2.3.4:80', '--pe', 'sip')).service.peName).toBe('sip');
    expect((await parse('-A', '-t', '1.2.3.4:80', '--pe', 'abcdefghijklmnopqrs')).service.peName).toBe('abcdefghijklmnop');
  });

  it.each([
    [['-b', 'flag-1'], 'wlc', 0x08],
    [['-b', 'flag-1,,flag-2'], 'wlc', 0x18],
    [['-b', ',flag-3,'], 'wlc', 0x20],
    [['-b', 'sh-fallback,sh-port', '-s', 'sh'], 'sh', 0x18],
    [['-s', 'sh', '-b', 'sh-port'], 'sh', 0x10],
    [['-s', 'mh', '--sched-flags', 'mh-fallback'], 'mh', 0x08],
    [['-s', 'mh', '-b', 'mh-port,flag-3'], 'mh', 0x30],
    [['-b', ''], 'wlc', 0],
  ])('%j gives scheduler %s flags 0x%s', async (args, scheduler, flags) => {
    const s = (await parse('-A', '-t', '1.2.3.4:80', ...args)).service;
    expect([s.scheduler, s.flags]).toEqual([scheduler, flags]);
  });

  it('-b bits combine with persistence and ops', async () => {
    const s = (await parse('-A', '-u', '1.2.3.4:53', '-p', '-o', '-b', 'flag-2')).service;
    expect(s.flags).toBe(SvcFlag.PERSISTENT | SvcFlag.ONEPACKET | SvcFlag.SCHED2);
  });
});

describe('destinations', () => {
  it('-a gives a complete dest: weight 1, DR, port forced to the service port', async () => {
    const p = await parse('-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1:8080');
    expect(p.dest).toEqual({
      af: AF_INET,
      address: '10.0.0.1',
      port: 80,
      fwdMethod: 3,
      weight: 1,
      upperThreshold: 0,
      lowerThreshold: 0,
      tunType: 0,
      tunPort: 0,
      tunFlags: 0,
      activeConns: 0,
      inactConns: 0,
      persistConns: 0,
    });
    expect([...p.options].sort()).toEqual(['real-server', 'service-address']);
  });

  it.each([
    [['-m'], 0, 8080],
    [['--masquerading'], 0, 8080],
    [['-i'], 2, 80],
    [['--ipip'], 2, 80],
    [['-g'], 3, 80],
    [['--gatewaying'], 3, 80],
  ])('%j: method %i, port %i', async (method, fwd, port) => {
    const d = (await parse('-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1:8080', ...method)).dest;
    expect([d.fwdMethod, d.port]).toEqual([fwd, port]);
  });

  it('the port is not forced for -d, nor for fwmark services', async () => {
    expect((await parse('-d', '-t', '1.2.3.4:80', '-r', '10.0.0.1:99')).dest.port).toBe(99);
    expect((await parse('-a', '-f', '5', '-r', '10.0.0.1:99')).dest.port).toBe(99);
  });

  it('-r without a port copies the service port known at that moment', async () => {
    expect((await parse('-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-m')).dest.port).toBe(80);
    expect((await parse('-a', '-r', '10.0.0.1', '-t', '1.2.3.4:80', '-m')).dest.port).toBe(0);
    expect((await parse('-a', '-t', '[::1]:80', '-r', '::2', '-m')).dest.port).toBe(80);
    expect((await parse('-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1:0', '-m')).dest.port).toBe(0);
  });

  it('-r port names use the service protocol parsed so far', async () => {
    expect((await parse('-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1:http', '-m')).dest.port).toBe(80);
    expect((await parse('-a', '-u', '1.2.3.4:53', '-r', '10.0.0.1:domain', '-m')).dest.port).toBe(53);
  });

  it('-r may be IPv6, and an IPv4 dest may tunnel for an IPv6 service', async () => {
    const d = (await parse('-a', '-t', '[::1]:80', '-r', '[2001:db8::10]:8080', '-m')).dest;
    expect([d.af, d.address, d.port]).toEqual([AF_INET6, '2001:db8::10', 8080]);
    const t = (await parse('-a', '-t', '[::1]:80', '-r', '10.0.0.7', '-i')).dest;
    expect([t.af, t.address, t.port]).toEqual([AF_INET, '10.0.0.7', 80]);
  });

  it('weights and thresholds', async () => {
    const d = (await parse('-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-w', '2147483647', '-x', ' 10', '-y', '+5')).dest;
    expect([d.weight, d.upperThreshold, d.lowerThreshold]).toEqual([2147483647, 10, 5]);
    expect((await parse('-e', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '--weight=0')).dest.weight).toBe(0);
    expect((await parse('-e', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-w', '-0')).dest.weight).toBe(0);
    expect((await parse('-e', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '--u-threshold', '7', '--l-threshold', '3')).dest).toMatchObject({
      upperThreshold: 7,
      lowerThreshold: 3,
    });
  });

  it('-e without -w resets the weight to 1', async () => {
    expect((await parse('-e', '-t', '1.2.3.4:80', '-r', '10.0.0.1:80', '-m')).dest.weight).toBe(1);
  });

  it('tunnel options', async () => {
    const gue = (await parse('-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-i', '--tun-type', 'gue', '--tun-port', '6080', '--tun-csum')).dest;
    expect([gue.tunType, gue.tunPort, gue.tunFlags]).toEqual([1, 6080, 1]);
    const remcsum = (await parse('-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-i', '--tun-type', 'gue', '--tun-port', '1', '--tun-remcsum')).dest;
    expect(remcsum.tunFlags).toBe(2);
    const gre = (await parse('-e', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-i', '--tun-type', 'gre', '--tun-nocsum')).dest;
    expect([gre.tunType, gre.tunPort, gre.tunFlags]).toEqual([2, 0, 0]);
    const ipip = (await parse('-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-i', '--tun-type', 'ipip')).dest;
    expect(ipip.tunType).toBe(0);
  });
});

describe('daemons and timeouts', () => {
  it('--start-daemon: eth0 and syncid 0 by default, optional fields absent', async () => {
    expect((await parse('--start-daemon', 'master')).daemon).toEqual({ state: 1, mcastIfn: 'eth0', syncId: 0 });
    expect((await parse('--start-daemon=backup')).daemon).toEqual({ state: 2, mcastIfn: 'eth0', syncId: 0 });
  });

  it('--start-daemon with every daemon option', async () => {
    const p = await parse(
      '--start-daemon', 'backup', '--mcast-interface', 'eth1', '--syncid', '3', '--sync-maxlen', '1400',
      '--mcast-group', '224.0.0.82', '--mcast-port', '9000', '--mcast-ttl', '2',
    );
    expect(p.daemon).toEqual({
      state: 2,
      mcastIfn: 'eth1',
      syncId: 3,
      syncMaxlen: 1400,
      mcastGroup: '224.0.0.82',
      mcastPort: 9000,
      mcastTtl: 2,
    });
  });

  it('--mcast-group IPv6 is normalised; the interface is cut to 15 bytes', async () => {
    expect((await parse('--start-daemon', 'master', '--mcast-group', 'FF02:0::1:2')).daemon.mcastGroup).toBe('ff02::1:2');
    expect((await parse('--start-daemon', 'master', '--mcast-interface', 'abcdefghijklmnopqrst')).daemon.mcastIfn).toBe('abcdefghijklmno');
  });

  it('--stop-daemon sends an empty interface and the syncid', async () => {
    expect((await parse('--stop-daemon', 'master')).daemon).toEqual({ state: 1, mcastIfn: '', syncId: 0 });
    expect((await parse('--stop-daemon', 'backup', '--syncid', '255')).daemon).toEqual({ state: 2, mcastIfn: '', syncId: 255 });
  });

  it('--set takes the first three leftovers wherever they stand', async () => {
    expect((await parse('--set', '10', '20', '30')).timeouts).toEqual({ tcp: 10, tcpFin: 20, udp: 30 });
    expect((await parse('10', '--set', '20', '30')).timeouts).toEqual({ tcp: 10, tcpFin: 20, udp: 30 });
    expect((await parse('--set', '+1', ' 2', '0')).timeouts).toEqual({ tcp: 1, tcpFin: 2, udp: 0 });
    expect((await parse('--set', '--', '4', '5', '2678400')).timeouts).toEqual({ tcp: 4, tcpFin: 5, udp: 2678400 });
  });
});

describe('list options', () => {
  it('display options are recorded', async () => {
    expect(await opts('-L', '-n', '--stats', '--rate', '--thresholds', '--persistent-conn', '--tun-info', '--exact', '--nosort', '--syncid', '1')).toEqual(
      ['exact', 'nosort', 'numeric', 'persistent-conn', 'rate', 'stats', 'syncid', 'thresholds', 'tun-info'],
    );
    expect(await opts('-L', '-X')).toEqual(['exact']);
    expect(await opts('-L', '--sort', '--sort')).toEqual([]);
    expect(await opts('-Lc')).toEqual(['connection']);
    expect(await opts('-L', '--timeout')).toEqual(['timeout']);
    expect(await opts('-L', '--daemon')).toEqual(['daemon']);
    expect(await opts('-S', '-n')).toEqual(['numeric']);
  });

  it('-L with a service keeps it', async () => {
    const p = await parse('-L', '-t', '1.2.3.4:http', '-n');
    expect(p.service).toMatchObject({ af: AF_INET, protocol: IPPROTO_TCP, address: '1.2.3.4', port: 80, scheduler: '' });
  });

  it('unset service and dest fields stay empty', async () => {
    const p = await parse('-L');
    expect(p.service).toMatchObject({ af: 0, protocol: 0, address: '', port: 0, fwmark: 0, netmask: 0xffffffff });
    expect(p.dest).toMatchObject({ af: 0, address: '', port: 0, weight: 1, fwdMethod: 3 });
  });
});

describe('popt scanning', () => {
  it.each([
    [['-Ln'], ['numeric']],
    [['-Lnc'], ['connection', 'numeric']],
    [['-lnX'], ['exact', 'numeric']],
    [['-L', '-nX'], ['exact', 'numeric']],
  ])('bundle %j', async (args, options) => {
    expect(await opts(...args)).toEqual(options);
  });

  it('a short option with an argument takes the rest of the bundle, or the next element', async () => {
    expect((await parse('-At1.2.3.4:80')).service.port).toBe(80);
    expect((await parse('-At', '1.2.3.4:81')).service.port).toBe(81);
    expect((await parse('-At=1.2.3.4:82')).service.port).toBe(82);
    expect((await parse('-Lt192.168.1.10:80')).service.address).toBe('192.168.1.10');
    expect((await parse('-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-mw5')).dest).toMatchObject({ fwdMethod: 0, weight: 5 });
  });

  it('long options take --opt value and --opt=value', async () => {
    expect((await parse('-A', '--tcp-service=1.2.3.4:90')).service.port).toBe(90);
    expect((await parse('-A', '--tcp-service', '1.2.3.4:91')).service.port).toBe(91);
    expect((await parse('-A', '--sctp-service=1.2.3.4:92')).service.protocol).toBe(IPPROTO_SCTP);
  });

  it('a required argument may start with a dash', async () => {
    expect((await parse('-A', '-t', '1.2.3.4:80', '-s', '-p')).service).toMatchObject({ scheduler: '-p', flags: 0 });
  });

  it('`!#:+` in an option argument takes the next non-option element', async () => {
    expect((await parse('-A', '-t', '1.2.3.4:!#:+', '80')).service.port).toBe(80);
    expect((await parse('-A', '--tcp-service=1.2.3.4:!#:+', '81')).service.port).toBe(81);
    expect((await parse('-At1.2.3.4:!#:+', '82')).service.port).toBe(82);
  });

  it('PoptContext reports leftovers in order and the last element as the bad option', () => {
    const ctx = new PoptContext('x', ['a', '-L', 'b', '--', '-n', '-']);
    const first = ctx.getNextOpt();
    expect(first.kind === 'option' && first.def.short).toBe('L');
    expect(ctx.getNextOpt()).toEqual({ kind: 'end' });
    expect([ctx.getArg(), ctx.getArg(), ctx.getArg(), ctx.getArg(), ctx.getArg()]).toEqual(['a', 'b', '-n', '-', null]);
    const bad = new PoptContext('x', ['-L', '--nope', 'z']);
    bad.getNextOpt();
    expect(bad.getNextOpt()).toEqual({ kind: 'error', code: -11 });
    expect(bad.badOption()).toBe('--nope');
  });
});

describe('option table', () => {
  it('has every option of ipvsadm 1.31 once per name', () => {
    const longs = OPTION_TABLE.map((o) => o.long);
    expect(longs.length).toBe(58);
    expect(new Set(longs).size).toBe(57); // "list" is there twice, for -L and -l
    const shorts = OPTION_TABLE.filter((o) => o.short).map((o) => o.short).join('');
    expect(shorts).toBe('AEDCLlZaedhvRStufspMrmigwxyncX6ob');
    expect(OPTION_TABLE.filter((o) => o.command).map((o) => o.long)).toEqual([
      'add-service', 'edit-service', 'delete-service', 'clear', 'list', 'list', 'zero', 'add-server', 'edit-server',
      'delete-server', 'set', 'help', 'version', 'restore', 'save', 'start-daemon', 'stop-daemon',
    ]);
  });

  it.each([
    ['persistent', 'optional'],
    ['tcp-service', 'required'],
    ['start-daemon', 'required'],
    ['numeric', 'none'],
    ['sort', 'none'],
  ])('--%s takes %s argument', (long, arg) => {
    expect(OPTION_TABLE.find((o) => o.long === long)!.arg).toBe(arg);
  });
});

describe('C number parsing', () => {
  it.each([
    ['80', 0, 65535, 80],
    [' 80', 0, 65535, 80],
    ['+80', 0, 65535, 80],
    ['-0', 0, 65535, 0],
    ['080', 0, 65535, 80],
    ['0x50', 0, 65535, -1],
    ['', 0, 65535, -1],
    [' ', 0, 65535, -1],
    ['80 ', 0, 65535, -1],
    ['65536', 0, 65535, -1],
    ['-1', 0, 65535, -1],
    ['99999999999999999999', 0, 2147483647, -1],
  ])('string_to_number(%j, %i, %i) = %i', (s, min, max, n) => {
    expect(stringToNumber(s, min, max)).toBe(n);
  });

  it('strtol clamps and flags overflow; atoi truncates to int', () => {
    expect(cStrtol('99999999999999999999')).toEqual({ value: 9223372036854775807n, end: 20, erange: true });
    expect(cStrtol('  -12x')).toEqual({ value: -12n, end: 5, erange: false });
    expect(cStrtol('x')).toEqual({ value: 0n, end: 0, erange: false });
    expect(cAtoi('4294967297')).toBe(1);
    expect(cAtoi('99999999999999999999')).toBe(-1);
  });

  it('truncates by UTF-8 bytes', () => {
    expect(truncateBytes('abcdef', 4)).toBe('abcd');
    expect(truncateBytes('ab', 4)).toBe('ab');
  });
});
