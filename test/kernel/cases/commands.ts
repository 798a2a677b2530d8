// Issue 3's command surface beyond the first commands: listing variants, -Z, --set, the sync
// daemon, -R, help and version, name resolution, and errors of every kind.

import type { DiffCase } from '../diff';
import { caseBuilders, words } from '../case-helpers';
import { BASE } from './basic';

const { w, r, restore } = caseBuilders(BASE);

const cases: Record<string, DiffCase> = {};

// ---- listing variants over the varied base state ----
const listings = [
  '-L', '-l', '', '-S', '-L -n --stats', '-L -n --rate', '-L -n --stats --exact', '-L -n --rate --exact',
  '-L -n --stats --rate', '-L -n -X --stats', '-L -n --exact', '-L -n --thresholds', '-L -n --persistent-conn',
  '-L -n --tun-info', '-L --tun-info', '-L -n --thresholds --tun-info', '-L -n --nosort', '-L --nosort --stats',
  '-L -n --sort --sort', '-Ln --thresholds --persistent-conn', '-L -n -c', '-L -c', '-Lnc --persistent-conn',
  '-L --timeout', '-L --daemon', '-L -n -t 192.168.1.10:443 --stats', '-L -n -t 192.168.1.10:443 --thresholds',
  '-L -t 192.168.1.10:http', '-L -n -f 100 --persistent-conn', '-L -n -t [2001:db8::1]:8080 --tun-info',
  '-L --stats -u 192.168.1.10:domain', '-Lnt192.168.1.10:80', '--list --numeric --stats', '-L -n --syncid 3',
];
for (const a of listings) cases[`list: ${a || '(no arguments)'}`] = r(a);

// ---- listing conflicts and matrix errors ----
const listErrors = [
  '-L -c --stats', '-L --timeout --rate', '-L --daemon --thresholds', '-L --timeout --persistent-conn',
  '-L --timeout --daemon', '-L -c -t 192.168.1.10:80', '-L -c --timeout', '-L -n -n', '-L -s rr', '-L -r 10.0.0.1',
  '-L -w 1', '-L -p', '-L --mcast-interface lo', '-L -o', '-S -t 192.168.1.10:80', '-S --nosort', '-S -c', '-S --stats',
  '-L -L', '-L --list', '-L -h', '-LA', '-L -Q', '-L --numeric=5', '-L -n=5', '-L ---n', '-L -- -n', '-L extra',
  '-n -L', 'foo', '-- -L', '--add-serv -t 1.2.3.4:80', '-L -6', '-list', '-L -f 100 -6 -n',
];
for (const a of listErrors) cases[`list error: ${a}`] = r(a);

// ---- zero ----
const zero: Record<string, string> = {
  all: '-Z',
  'long form': '--zero',
  'one service': '-Z -t 192.168.1.10:80',
  'fwmark service': '-Z -f 100',
  'ipv6 service': '-Z -t [2001:db8::1]:8080',
  'missing service': '-Z -t 10.9.9.9:80',
  'with numeric': '-Z -n',
  'with real server': '-Z -t 192.168.1.10:80 -r 10.0.0.2',
};
for (const [name, args] of Object.entries(zero)) cases[`zero: ${name}`] = w(args);

// ---- timeouts ----
const timeouts: Record<string, string> = {
  'all three': '--set 10 20 30',
  'zeros keep values': '--set 0 0 0',
  'partial zero': '--set 0 60 0',
  'max': '--set 2678400 2678400 2678400',
  'too large': '--set 2678401 1 1',
  'too few': '--set 1 2',
  'none': '--set',
  'not a number': '--set a b c',
  'negative': '--set -1 2 3',
  'extra value': '--set 1 2 3 4',
  'leading value': '10 --set 20 30',
  'with option': '--set 1 2 3 -n',
  'hex': '--set 0x10 2 3',
};
for (const [name, args] of Object.entries(timeouts)) cases[`set: ${name}`] = w(args);
cases['set: listed after set'] = r('-L --timeout', ['--set 11 22 33']);
cases['set: partial then list'] = r('-L --timeout', ['--set 11 22 33', '--set 0 44 0']);

// ---- sync daemon ----
const daemon: Record<string, string> = {
  'master on ipvs0': '--start-daemon master --mcast-interface ipvs0',
  'backup on ipvs0': '--start-daemon backup --mcast-interface ipvs0 --syncid 7',
  'all options': '--start-daemon master --mcast-interface ipvs0 --syncid 9 --sync-maxlen 1400 --mcast-group 239.1.1.1 --mcast-port 9000 --mcast-ttl 2',
  'ipv6 group': '--start-daemon backup --mcast-interface ipvs0 --mcast-group ff02::42',
  'default interface eth0 missing': '--start-daemon master',
  'unknown interface': '--start-daemon master --mcast-interface nope0',
  'bad state': '--start-daemon primary',
  'bad stop state': '--stop-daemon primary',
  'stop when none': '--stop-daemon master',
  'bad syncid': '--start-daemon master --mcast-interface ipvs0 --syncid 256',
  'bad maxlen': '--start-daemon master --mcast-interface ipvs0 --sync-maxlen 65508',
  'bad group': '--start-daemon master --mcast-interface ipvs0 --mcast-group 10.1.1.1',
  'bad ipv6 group': '--start-daemon master --mcast-interface ipvs0 --mcast-group 2001:db8::1',
  'bad port': '--start-daemon master --mcast-interface ipvs0 --mcast-port 0',
  'bad ttl': '--start-daemon master --mcast-interface ipvs0 --mcast-ttl 256',
  'group with stop': '--stop-daemon master --mcast-group 239.1.1.1',
  'interface too long is truncated': '--start-daemon master --mcast-interface ipvs0ipvs0ipvs0ipvs0',
  'no state': '--start-daemon',
};
for (const [name, args] of Object.entries(daemon)) cases[`daemon: ${name}`] = w(args);
const running = [words('--start-daemon master --mcast-interface ipvs0 --syncid 3'), words('--start-daemon backup --mcast-interface lo --syncid 4 --mcast-port 9999')];
cases['daemon: list both'] = r('-L --daemon', running);
cases['daemon: start twice'] = w('--start-daemon master --mcast-interface ipvs0', running);
cases['daemon: stop master'] = w('--stop-daemon master', running);
cases['daemon: stop backup with syncid'] = w('--stop-daemon backup --syncid 4', running);
cases['daemon: mixed-family dests refused'] = w('--start-daemon master --mcast-interface ipvs0');

// ---- restore ----
cases['restore: save output'] = restore(
  ['-A -t 10.3.0.1:80 -s rr', '-a -t 10.3.0.1:80 -r 10.0.0.2:80 -m -w 3', '-A -u 10.3.0.1:53 -s wrr -o', '-A -f 3 -s sh -p 60 -b sh-port', '-a -f 3 -r 10.0.0.4:0 -g -w 1', ''].join('\n'),
  [],
);
cases['restore: into a non-empty table'] = restore('-A -t 10.3.0.1:80\n-a -t 10.3.0.1:80 -r 10.0.0.2\n');
cases['restore: duplicate on first line, last ok'] = restore('-A -t 192.168.1.10:80\n-A -t 10.3.0.1:80\n');
cases['restore: last line fails'] = restore('-A -t 10.3.0.1:80\n-A -t 192.168.1.10:80\n');
cases['restore: comment line aborts'] = restore('-A -t 10.3.0.1:80\n# a comment\n-A -t 10.3.0.2:80\n');
cases['restore: trailing comment'] = restore('-A -t 10.3.0.1:80 # web\n-A -t 10.3.0.2:80\n');
cases['restore: word ipvsadm dropped'] = restore('ipvsadm -A -t 10.3.0.1:80\nipvsadm\n-a ipvsadm -t 10.3.0.1:80 -r 10.0.0.2\n');
cases['restore: blank lines and CRLF'] = restore('\n   \n-A -t 10.3.0.1:80\r\n\r\n-A -t 10.3.0.2:80\r\n');
cases['restore: final line without newline'] = restore('-A -t 10.3.0.1:80\n-A -t 10.3.0.2:80');
cases['restore: final line ending in spaces'] = restore('-A -t 10.3.0.1:80\n-C  ');
cases['restore: bad option aborts'] = restore('-A -t 10.3.0.1:80\n-A -t 10.3.0.2:80 -w 3\n-A -t 10.3.0.3:80\n');
cases['restore: unknown option continues'] = restore('-A -t 10.3.0.1:80 --foo\n-A -t 10.3.0.3:80\n');
cases['restore: nested restore'] = restore('-A -t 10.3.0.1:80\n-R\n-A -t 10.3.0.3:80\n');
cases['restore: listing lines print'] = restore('-A -t 10.3.0.1:80\n-L -n\n-S -n\n');
cases['restore: flush then add'] = restore('-C\n-A -t 10.3.0.1:80 -s rr\n');
cases['restore: with numeric'] = restore('', BASE, '-R -n');
cases['restore: extra argument'] = restore('', BASE, '-R foo');
cases['restore: empty input'] = restore('');

// ---- help, version, usage errors ----
for (const a of ['-h', '--help', '-v', '--version', '-h -n', '-v extra', '-A -h', '--nope', '-Z -Z', '-C -L', '-a -t 192.168.1.10:80 -r']) {
  cases[`usage: ${a}`] = r(a);
}

// ---- names on input and output ----
const named: string[][] = [words('-A -t localhost:http'), words('-a -t localhost:http -r localhost:8080 -m'), words('-A -u 127.0.0.1:domain'), words('-A -t 127.0.0.1:https -p')];
cases['names: list without -n'] = r('-L', named);
cases['names: save without -n'] = r('-S', named);
cases['names: list one service by name'] = r('-L -t localhost:http', named);
cases['names: unknown host'] = w('-A -t no-such-host.invalid:80', []);
cases['names: unknown port name'] = w('-A -t 10.3.0.1:nosuchport', []);
cases['names: udp-only name on tcp'] = w('-A -t 10.3.0.1:domain', []);
cases['names: tcp-only name on udp'] = w('-A -u [2001:db8::3]:http', []);
cases['names: real server before service loses names'] = w('-a -r 10.0.0.2:http -t localhost:http -m', named);


// ---- long reverse names: the guest's /etc/hosts gives 10.9.8.7 a 70-character name, so the
// listing's 33-byte (service) and 28-byte (server) cuts and the 59-character name cap all show.
const longNames: string[][] = [
  words('-A -t 10.9.8.7:https -p'),
  words('-a -t 10.9.8.7:https -r 10.9.8.7 -g'),
  words('-a -t 10.9.8.7:https -r 10.0.0.2:8443 -m'),
  words('-A -u 192.168.1.10:domain'),
  words('-a -u 192.168.1.10:domain -r 10.9.8.7:5353 -m'),
  words('-A -t [2001:db8::10]:http'),
];
for (const a of ['-L', '-S', '-L --stats', '-L --rate', '-L --thresholds', '-L --persistent-conn', '-L --tun-info', '-L -t 10.9.8.7:443']) {
  cases[`names: long host names ${a}`] = r(a, longNames);
}

export default cases;
