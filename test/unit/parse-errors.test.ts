// Every way the parser can refuse a command line: the exact stderr text, the exit status, and
// which fault wins when there are several (ipvsadm's order, not the order on the line).

import { describe, expect, it } from 'vitest';
import { deps, failure, failureWith, TRY } from './parse-helpers';

const fail2 = (message: string) => ({ code: 2, stderr: `${message}\n`, kind: 'CliExit' });
const popt = (message: string) => ({ code: 255, stderr: `${message}\n`, kind: 'PoptError' });
const tryHelp = { code: 255, stderr: TRY, kind: 'CliExit' };

describe('the first option must be a command', () => {
  it.each([
    [['-n', '-L']],
    [['foo']],
    [['--', '-L']],
    [['-']],
    [['--add-serv']],
    [['--foo']],
    [['-Q']],
    [['-t', '1.2.3.4:80']],
    [['--start-daemon']],
    [['--help=1']],
    [['-A=x']],
    [['--add-service=x']],
    [['-6']],
    [['--sort', '-L']],
  ])('%j prints the Try line and exits 255', async (args) => {
    expect(await failure(...args)).toEqual(tryHelp);
  });

  it('uses argv[0] verbatim', async () => {
    expect(TRY).toBe("Try `/usr/sbin/ipvsadm -h' or '/usr/sbin/ipvsadm --help' for more information.\n");
  });
});

describe('a second command', () => {
  it.each([
    [['-L', '-L'], '-L'],
    [['-LA'], '-LA'],
    [['-L', '-h'], '-h'],
    [['-L', '-v'], '-v'],
    [['-L', '--list'], '--list'],
    [['-L', '-l'], '-l'],
    [['-L', '--set'], '--set'],
    [['-L', '-nLc'], '-nLc'],
    [['-A', '-t', '1.2.3.4:80', '-E'], '-E'],
    [['-L', '--start-daemon', 'master'], 'master'],
    [['-L', '--start-daemon=master'], '--start-daemon=master'],
    [['--stop-daemon', 'master', '--start-daemon', 'backup'], 'backup'],
  ])('%j: invalid option `%s\'', async (args, shown) => {
    expect(await failure(...args)).toEqual(fail2(`invalid option \`${shown}'`));
  });
});

describe('popt errors after the first option', () => {
  it.each([
    [['-A', '--foo'], '--foo: unknown option'],
    [['-L', '-Q'], '-Q: unknown option'],
    [['-L', '-nQ'], '-nQ: unknown option'],
    [['-A', '-t'], '-t: missing argument'],
    [['-At'], '-At: missing argument'],
    [['-L', '--start-daemon'], '--start-daemon: missing argument'],
    [['-L', '--numeric=5'], '--numeric=5: option does not take an argument'],
    [['-L', '-n=5'], '-n=5: option does not take an argument'],
    [['-L', '---n'], '---n: unknown option'],
    [['-L', '--=x'], '--=x: unknown option'],
    [['-L', '-I'], '-I: unknown option'],
    [['--set', '-1', '2', '3'], '-1: unknown option'],
    [['--set', '+1', ' 2', '-0'], '-0: unknown option'],
    [['-L', '--numer'], '--numer: unknown option'],
    [['-A', '-t', '1.2.3.4:80', '-p', '-5'], '-5: unknown option'],
  ])('%j → "%s", exit 255', async (args, message) => {
    expect(await failure(...args)).toEqual(popt(message));
  });
});

describe('per-option value errors (exit 2)', () => {
  it.each([
    [['-A', '-t', ''], 'illegal virtual server address[:port] specified'],
    [['-A', '-t', '999'], 'illegal virtual server address[:port] specified'],
    [['-A', '-t', 'nosuchhost:80'], 'illegal virtual server address[:port] specified'],
    [['-A', '-t', ':80'], 'illegal virtual server address[:port] specified'],
    [['-A', '-t', '1.2.3.4:'], 'illegal virtual server address[:port] specified'],
    [['-A', '-t', '1.2.3.4:65536'], 'illegal virtual server address[:port] specified'],
    [['-A', '-t', '1.2.3.4:0x50'], 'illegal virtual server address[:port] specified'],
    [['-A', '-t', '1.2.3.4:nosuchport'], 'illegal virtual server address[:port] specified'],
    [['-A', '-t', '1.2.3.256:80'], 'illegal virtual server address[:port] specified'],
    [['-A', '-t', '[2001:db8::5]'], 'illegal virtual server address[:port] specified'],
    [['-A', '-t', '[::1]x80'], 'illegal virtual server address[:port] specified'],
    [['-A', '-t', '[::1:80'], 'illegal virtual server address[:port] specified'],
    [['-A', '-t', '[::1]:'], 'illegal virtual server address[:port] specified'],
    [['-A', '-u', '[::1]:http'], 'illegal virtual server address[:port] specified'],
    [['-A', '--sctp-service', '1.2.3.4:http'], 'illegal virtual server address[:port] specified'],
    [['-A', '--tcp-service='], 'illegal virtual server address[:port] specified'],
    [['-A', '-f', '0'], "invalid fwmark value `0' specified"],
    [['-A', '-f', '-1'], "invalid fwmark value `-1' specified"],
    [['-A', '-f', '4294967296'], "invalid fwmark value `4294967296' specified"],
    [['-A', '-f', '12 '], "invalid fwmark value `12 ' specified"],
    [['-A', '-f', 'x'], "invalid fwmark value `x' specified"],
    [['-A', '-t', '1.2.3.4:80', '-p', '0'], "invalid timeout value `0' specified"],
    [['-A', '-t', '1.2.3.4:80', '-p', '2678401'], "invalid timeout value `2678401' specified"],
    [['-A', '-t', '1.2.3.4:80', '-p', ''], "invalid timeout value `' specified"],
    [['-A', '-t', '1.2.3.4:80', '-p='], "invalid timeout value `' specified"],
    [['-A', '-t', '1.2.3.4:80', '-pn'], "invalid timeout value `n' specified"],
    [['-A', '-t', '1.2.3.4:80', '--persistent', 'x'], "invalid timeout value `x' specified"],
    [['-A', '-t', '1.2.3.4:80', '-M', 'nosuchmask'], 'illegal virtual server persistent mask specified'],
    [['-A', '-t', '[::1]:80', '-M', '0'], 'illegal ipv6 netmask specified'],
    [['-A', '-t', '[::1]:80', '-M', '129'], 'illegal ipv6 netmask specified'],
    [['-A', '-t', '[::1]:80', '-M', '-5'], 'illegal ipv6 netmask specified'],
    [['-A', '-t', '[::1]:80', '-M', 'x'], 'illegal ipv6 netmask specified'],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1:x'], 'illegal real server address[:port] specified'],
    [['-a', '-r', '10.0.0.1:http', '-t', '1.2.3.4:80'], 'illegal real server address[:port] specified'],
    [['-a', '-t', '1.2.3.4:80', '-r', '123'], 'illegal real server address[:port] specified'],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-w', '-1'], 'illegal weight specified'],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-w', '2147483648'], 'illegal weight specified'],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-w', '0x50'], 'illegal weight specified'],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-w', ''], 'illegal weight specified'],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-x', '-1'], 'illegal u_threshold specified'],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-x', '2147483648'], 'illegal u_threshold specified'],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-y', 'a'], 'illegal l_threshold specified'],
    [['--start-daemon', 'master', '--syncid', '256'], 'illegal syncid specified'],
    [['--start-daemon', 'master', '--sync-maxlen', '0'], 'illegal sync-maxlen specified'],
    [['--start-daemon', 'master', '--sync-maxlen', '65508'], 'illegal sync-maxlen specified'],
    [['--start-daemon', 'master', '--mcast-port', '0'], 'illegal mcast-port specified'],
    [['--start-daemon', 'master', '--mcast-port', '65536'], 'illegal mcast-port specified'],
    [['--start-daemon', 'master', '--mcast-ttl', '0'], 'illegal mcast-ttl specified'],
    [['--start-daemon', 'master', '--mcast-ttl', '256'], 'illegal mcast-ttl specified'],
    [['--start-daemon', 'master', '--mcast-group', '10.0.0.1'], "invalid IPv4 mcast-group `10.0.0.1'"],
    [['--start-daemon', 'master', '--mcast-group', '240.0.0.1'], "invalid IPv4 mcast-group `240.0.0.1'"],
    [['--start-daemon', 'master', '--mcast-group', '224.0.0.01'], "invalid IPv4 mcast-group `224.0.0.01'"],
    [['--start-daemon', 'master', '--mcast-group', '::1'], "invalid IPv6 mcast-group `::1'"],
    [['--start-daemon', 'master', '--mcast-group', 'fe80::1'], "invalid IPv6 mcast-group `fe80::1'"],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-i', '--tun-type', 'GUE'], 'illegal tunnel type specified'],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-i', '--tun-port', '0'], 'illegal tunnel port specified'],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-i', '--tun-port', '65536'], 'illegal tunnel port specified'],
    [['--start-daemon', 'foo'], 'illegal start-daemon parameter specified'],
    [['--start-daemon', 'Master'], 'illegal start-daemon parameter specified'],
    [['--stop-daemon', 'foo'], 'illegal start_daemon specified'],
    [['--stop-daemon', ''], 'illegal start_daemon specified'],
    [['-A', '-t', '1.2.3.4:80', '-b', 'bogus'], "invalid scheduler flag `bogus'"],
    [['-A', '-t', '1.2.3.4:80', '-b', 'flag-1,,bogus,flag-2'], "invalid scheduler flag `bogus'"],
    [['-A', '-t', '1.2.3.4:80', '-b', 'sh-port'], "incompatible scheduler flag `sh-port'"],
    [['-A', '-t', '1.2.3.4:80', '-s', 'mh', '-b', 'flag-1,sh-fallback'], "incompatible scheduler flag `sh-fallback'"],
    [['-A', '-t', '1.2.3.4:80', '-s', 'sh', '-b', 'mh-port'], "incompatible scheduler flag `mh-port'"],
    [['-A', '-t', '1.2.3.4:80', '-s', 'shabcdefghijklmnop', '-b', 'sh-port'], "incompatible scheduler flag `sh-port'"],
  ])('%j: %s', async (args, message) => {
    expect(await failure(...args)).toEqual(fail2(message));
  });

  it('-6 without an earlier -f: the message has an extra newline', async () => {
    const expected = fail2('-6 used before -f\n');
    expect(expected.stderr).toBe('-6 used before -f\n\n');
    expect(await failure('-A', '-6', '-f', '1')).toEqual(expected);
    expect(await failure('-A', '-t', '1.2.3.4:80', '-6')).toEqual(expected);
    expect(await failure('-L', '--ipv6')).toEqual(expected);
  });

  it('-b made of commas only crashes (SIGSEGV: 139, no output)', async () => {
    expect(await failure('-A', '-t', '1.2.3.4:80', '-b', ',')).toEqual({ code: 139, stderr: '', kind: 'CliExit' });
    expect(await failure('-A', '-t', '1.2.3.4:80', '-b', ',,,')).toEqual({ code: 139, stderr: '', kind: 'CliExit' });
    expect(await failure('-C', '-b', ',')).toEqual({ code: 139, stderr: '', kind: 'CliExit' });
  });
});

describe('repeated options', () => {
  it.each([
    [['-Ln', '-n'], 'numeric'],
    [['-L', '-c', '--connection'], 'connection'],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-m', '-g'], 'forwarding-method'],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-gm'], 'forwarding-method'],
    [['-A', '-f', '1', '-t', '1.2.3.4:80'], 'service-address'],
    [['-A', '-t', '1.2.3.4:80', '-u', 'x'], 'service-address'],
    [['-A', '-t', '1.2.3.4:80', '-s', 'rr', '-s', 'wlc'], 'scheduler'],
    [['-A', '-t', '1.2.3.4:80', '-p', '-p'], 'persistent'],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-r', '10.0.0.2'], 'real-server'],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-w', '1', '-w', 'x'], 'weight'],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-i', '--tun-type', 'ipip', '--tun-type', 'gue'], 'tun-type'],
    [['-L', '--exact', '-X'], 'exact'],
    [['--start-daemon', 'master', '--syncid', '1', '--syncid', '2'], 'syncid'],
  ])('%j: multiple \'%s\' options specified', async (args, name) => {
    expect(await failure(...args)).toEqual(fail2(`multiple '${name}' options specified`));
  });
});

describe('the command/option matrix', () => {
  it.each([
    [['-C', '-n'], "Illegal 'numeric' option with the 'flush' command"],
    [['-A'], "You need to supply the 'service-address' option for the 'add-service' command"],
    [['-E', '-s', 'rr'], "You need to supply the 'service-address' option for the 'edit-service' command"],
    [['-D', '-s', 'rr'], "You need to supply the 'service-address' option for the 'delete-service' command"],
    [['-a', '-t', '1.2.3.4:80'], "You need to supply the 'real-server' option for the 'add-server' command"],
    [['-d', '-r', '10.0.0.1'], "You need to supply the 'service-address' option for the 'delete-server' command"],
    [['-L', '-c', '-t', '1.2.3.4:80'], "The option 'service-address' conflicts with the 'connection' option in the 'list' command"],
    [['-L', '--timeout', '--daemon'], "The option 'daemon' conflicts with the 'timeout' option in the 'list' command"],
    [['-L', '--daemon', '--timeout', '-c'], "The option 'timeout' conflicts with the 'connection' option in the 'list' command"],
    [['-S', '-t', '1.2.3.4:80'], "Illegal 'service-address' option with the 'save' command"],
    [['-S', '--nosort'], "Illegal 'nosort' option with the 'save' command"],
    [['-S', '-c'], "Illegal 'connection' option with the 'save' command"],
    [['-R', '-n'], "Illegal 'numeric' option with the 'restore' command"],
    [['-list'], "Illegal 'scheduler' option with the 'list' command"],
    [['-L', '-b', 'flag-1'], "Illegal 'sched-flags' option with the 'list' command"],
    [['-C', '--tun-remcsum', '-n'], "Illegal 'numeric' option with the 'flush' command"],
    [['-C', '--tun-remcsum', '--sort'], "Illegal 'tun-remcsum' option with the 'flush' command"],
    [['-A', '-t', '1.2.3.4:80', '-r', '10.0.0.1'], "Illegal 'real-server' option with the 'add-service' command"],
    [['-A', '-t', '1.2.3.4:80', '-w', '3'], "Illegal 'weight' option with the 'add-service' command"],
    [['-D', '-t', '1.2.3.4:80', '-p'], "Illegal 'persistent' option with the 'delete-service' command"],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-s', 'rr'], "Illegal 'scheduler' option with the 'add-server' command"],
    [['-d', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-m'], "Illegal 'forwarding-method' option with the 'delete-server' command"],
    [['-Z', '-n'], "Illegal 'numeric' option with the 'zero' command"],
    [['--set', '1', '2', '3', '--timeout'], "Illegal 'timeout' option with the 'set' command"],
    [['--start-daemon', 'master', '-n'], "Illegal 'numeric' option with the 'start-daemon' command"],
    [['--stop-daemon', 'master', '--mcast-interface', 'eth1'], "Illegal 'mcast-interface' option with the 'stop-daemon' command"],
    [['--stop-daemon', 'master', '--mcast-group', '224.0.0.1'], "Illegal 'mcast-group' option with the 'stop-daemon' command"],
    [['-L', '--tun-type', 'gue'], "Illegal 'tun-type' option with the 'list' command"],
    [['-L', '-o'], "Illegal 'ops' option with the 'list' command"],
  ])('%j: %s', async (args, message) => {
    expect(await failure(...args)).toEqual(fail2(message));
  });
});

describe('checks after the matrix', () => {
  it.each([
    [['-A', '-t', '1.2.3.4:0'], 'Zero port specified for non-persistent service'],
    [['-E', '-t', '1.2.3.4'], 'Zero port specified for non-persistent service'],
    [['-A', '-t', '[10.0.0.1]:80'], 'Zero port specified for non-persistent service'],
    [['-A', '-t', '2001:db8::1:80'], 'Zero port specified for non-persistent service'],
    [['-A', '-t', '1.2.3.4:0', '-o'], 'Zero port specified for non-persistent service'],
    [['-A', '-t', '1.2.3.4:80', '-o'], 'One-Packet Scheduling is only for UDP virtual services'],
    [['-E', '--sctp-service', '1.2.3.4:80', '-o'], 'One-Packet Scheduling is only for UDP virtual services'],
    [['-a', '-t', '[::1]:80', '-r', '10.0.0.1'], 'Different address family is allowed only for tunneling servers'],
    [['-e', '-t', '1.2.3.4:80', '-r', '[::1]:80', '-m'], 'Different address family is allowed only for tunneling servers'],
    [['-a', '-f', '1', '-6', '-r', '10.0.0.1'], 'Different address family is allowed only for tunneling servers'],
    [['-a', '-f', '1', '-r', '[::1]:90', '-m'], 'Different address family is allowed only for tunneling servers'],
    [['-a', '-t', '[::1]:80', '-r', '10.0.0.1', '--tun-type', 'gue'], 'Different address family is allowed only for tunneling servers'],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '--tun-type', 'gre'], 'Tunnel options conflict with forward method'],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-m', '--tun-csum'], 'Tunnel options conflict with forward method'],
    [['-e', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-g', '--tun-port', '5'], 'Tunnel options conflict with forward method'],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-i', '--tun-type', 'gue'], "You need to supply the 'tun-port' option for the 'gue' tunnel type"],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-i', '--tun-port', '5'], "Illegal 'tun-port' option with the 'ipip' tunnel type"],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-i', '--tun-csum'], "Illegal 'tun-csum' option with the 'ipip' tunnel type"],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-i', '--tun-type', 'ipip', '--tun-nocsum'], "Illegal 'tun-nocsum' option with the 'ipip' tunnel type"],
    [
      ['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-i', '--tun-type', 'gue', '--tun-port', '1', '--tun-remcsum', '--tun-csum'],
      "The option 'tun-remcsum' conflicts with the 'tun-csum' option in the 'gue' tunnel type",
    ],
    [
      ['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-i', '--tun-type', 'gue', '--tun-port', '1', '--tun-csum', '--tun-nocsum'],
      "The option 'tun-csum' conflicts with the 'tun-nocsum' option in the 'gue' tunnel type",
    ],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-i', '--tun-type', 'gre', '--tun-port', '1'], "Illegal 'tun-port' option with the 'gre' tunnel type"],
    [['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-i', '--tun-type', 'gre', '--tun-remcsum'], "Illegal 'tun-remcsum' option with the 'gre' tunnel type"],
    [
      ['-e', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-i', '--tun-type', 'gre', '--tun-csum', '--tun-nocsum'],
      "The option 'tun-csum' conflicts with the 'tun-nocsum' option in the 'gre' tunnel type",
    ],
    [['-L', '-c', '--stats'], 'options conflicts in the list command'],
    [['-L', '--timeout', '--rate'], 'options conflicts in the list command'],
    [['-L', '--daemon', '--thresholds'], 'options conflicts in the list command'],
    [['-L', '--timeout', '--persistent-conn'], 'options conflicts in the list command'],
    [['-L', '--daemon', '--persistent-conn'], 'options conflicts in the list command'],
  ])('%j: %s', async (args, message) => {
    expect(await failure(...args)).toEqual(fail2(message));
  });
});

describe('leftovers', () => {
  it.each([
    [['--set', '1', '2'], '--set option requires 3 timeout values'],
    [['--set'], '--set option requires 3 timeout values'],
    [['--set', '1', '2', '3', '4'], 'unexpected argument 4'],
    [['--set', '1', '2', 'x', 'extra'], "invalid timeout value `x' specified"],
    [['--set', '2678401', '0', '0'], "invalid timeout value `2678401' specified"],
    [['--set', '1', '--', '-2', '3'], "invalid timeout value `-2' specified"],
    [['-L', '--', '-n'], 'unexpected argument -n'],
    [['-L', '-'], 'unexpected argument -'],
    [['-L', '', 'x'], 'unexpected argument '],
    [['-C', 'foo', 'bar'], 'unexpected argument foo'],
    [['foo', '-C'], 'unexpected argument foo'],
    [['-R', 'foo'], 'unexpected argument foo'],
    [['-A', '-t', '1.2.3.4:80', '-p', '--', 'x'], 'unexpected argument x'],
    [['-A', '-t', '1.2.3.4:80', '-p', '-'], 'unexpected argument -'],
    [['-A', '-t', '1.2.3.4:80', '#', 'comment'], 'unexpected argument #'],
  ])('%j: %s', async (args, message) => {
    expect(await failure(...args)).toEqual(fail2(message));
  });
});

describe('which fault wins', () => {
  it.each([
    // Option values fail while scanning, before a later popt error is reached...
    [['-A', '-w', 'abc', '--foo'], fail2('illegal weight specified')],
    // ...and a popt error stops the scan before later option values.
    [['-A', '--foo', '-w', 'abc'], popt('--foo: unknown option')],
    [['-L', '-L', '--foo'], fail2("invalid option `-L'")],
    [['-L', '--foo', '-L'], popt('--foo: unknown option')],
    // popt errors come before leftovers, leftovers before -b, -b before the matrix.
    [['-C', 'x', '--foo'], popt('--foo: unknown option')],
    [['-A', '-t', '1.2.3.4:80', 'extra', '-b', 'bogus'], fail2('unexpected argument extra')],
    [['-A', '-t', '1.2.3.4:80', '-b', ',', 'extra'], fail2('unexpected argument extra')],
    [['-L', '-b', 'bogus'], fail2("invalid scheduler flag `bogus'")],
    [['-C', '-b', 'sh-port', '-n'], fail2("incompatible scheduler flag `sh-port'")],
    // The matrix before the command's own checks.
    [['-A', '-t', '1.2.3.4:0', '-w', '1'], fail2("Illegal 'weight' option with the 'add-service' command")],
    [['-a', '-t', '[::1]:80', '-r', '10.0.0.1', '-n'], fail2("Illegal 'numeric' option with the 'add-server' command")],
    // -b's scheduler check uses -s even when -s comes later.
    [['-A', '-t', '1.2.3.4:80', '-b', 'sh-port', '-s', 'rr'], fail2("incompatible scheduler flag `sh-port'")],
    // A repeat is reported before the value is looked at.
    [['-A', '-t', '1.2.3.4:80', '-t', '!!'], fail2("multiple 'service-address' options specified")],
    // The first option's own argument is checked before anything else.
    [['--start-daemon', 'foo', '--foo'], fail2('illegal start-daemon parameter specified')],
  ])('%j', async (args, expected) => {
    expect(await failure(...args)).toEqual(expected);
  });
});

describe('POSIXLY_CORRECT / POSIX_ME_HARDER (popt ends options at the first non-option)', () => {
  const posix = { ...deps, env: { POSIXLY_CORRECT: '' } };
  const harder = { ...deps, env: { POSIX_ME_HARDER: '1' } };

  it.each([
    [posix, ['-L', 'foo', '--bogus'], fail2('unexpected argument foo')],
    [harder, ['-L', 'foo', '--bogus'], fail2('unexpected argument foo')],
    [deps, ['-L', 'foo', '--bogus'], popt('--bogus: unknown option')],
    [posix, ['10', '--set', '20', '30'], tryHelp],
    [posix, ['--set', '10', '20', '30', '-n'], fail2('unexpected argument -n')],
    [posix, ['-A', '-t', '1.2.3.4:80', 'x', '-w', 'bad'], fail2('unexpected argument x')],
    [deps, ['-A', '-t', '1.2.3.4:80', 'x', '-w', 'bad'], fail2('illegal weight specified')],
  ])('%#: %j', async (d, args, expected) => {
    expect(await failureWith(d as typeof deps, ...(args as string[]))).toEqual(expected);
  });
});
