// Issue 2's first commands: -A -E -D -a -e -d -C, -L -n and -S -n over TCP, UDP, SCTP and fwmark
// services, IPv4 and IPv6, every forwarding method, several schedulers, and the kernel's refusals.

import type { DiffCase } from '../diff';
import { caseBuilders, words } from '../case-helpers';

/** A varied starting state (the reference listing's, on addresses the guest can route). */
export const BASE: string[][] = [
  '-A -t 192.168.1.10:80 -s wlc',
  '-a -t 192.168.1.10:80 -r 10.0.0.3:80 -g -w 1',
  '-a -t 192.168.1.10:80 -r 10.0.0.2:80 -m -w 3',
  '-A -t 192.168.1.10:443 -s sh -p 300 -M 255.255.255.0 -b sh-fallback',
  '-a -t 192.168.1.10:443 -r 10.0.0.2:443 -i -w 2 -x 100 -y 50',
  '-A -t 10.1.1.1:0 -s lc -p 1800 --pe sip',
  '-A -u 192.168.1.10:53 -s rr -o',
  '-a -u 192.168.1.10:53 -r 10.0.0.5:53 -m',
  '-A --sctp-service 192.168.1.20:3868',
  '-A -t [2001:db8::1]:8080',
  '-a -t [2001:db8::1]:8080 -r [2001:db8::10]:8080 -m',
  '-a -t [2001:db8::1]:8080 -r 10.0.0.7:8080 -i --tun-type gue --tun-port 6080 --tun-csum',
  '-A -f 7 -6 -s mh -b mh-fallback,mh-port',
  '-A -f 100 -s wrr -p',
  '-a -f 100 -r 10.0.0.9:0 -g -w 0',
].map(words);

const { w, r } = caseBuilders(BASE);

const cases: Record<string, DiffCase> = {};

// ---- listing and saving the base state ----
for (const a of ['-L -n', '-Ln', '-l -n', '-L --numeric', '--list -n', '-Sn', '-S -n', '--save --numeric', '-L -n --sort']) {
  cases[`list: ${a}`] = r(a);
}
cases['list: empty table -Ln'] = r('-L -n', []);
cases['list: empty table -Sn'] = r('-S -n', []);
cases['list: one service -t'] = r('-L -n -t 192.168.1.10:80');
cases['list: one service -u'] = r('-L -n -u 192.168.1.10:53');
cases['list: one service ipv6'] = r('-L -n -t [2001:db8::1]:8080');
cases['list: one service fwmark'] = r('-L -n -f 100');
cases['list: one service fwmark ipv6'] = r('-L -n -f 7 -6');
cases['list: one service sctp'] = r('-L -n --sctp-service 192.168.1.20:3868');
cases['list: missing service'] = r('-L -n -t 1.2.3.4:80');
cases['list: missing fwmark'] = r('-L -n -f 55');

// ---- add service ----
const addService: Record<string, string> = {
  'tcp default scheduler': '-A -t 10.2.0.1:80',
  'udp rr': '-A -u 10.2.0.1:53 -s rr',
  'sctp wrr': '-A --sctp-service 10.2.0.1:3868 -s wrr',
  'long options': '--add-service --tcp-service 10.2.0.1:8080 --scheduler lc',
  'bundled': '-At10.2.0.1:81 -srr',
  'persistent default timeout': '-A -t 10.2.0.1:80 -p',
  'persistent 60': '-A -t 10.2.0.1:80 -p 60',
  'persistent bundled': '-A -t 10.2.0.1:80 -p30',
  'persistent netmask': '-A -t 10.2.0.1:80 -p 60 -M 255.255.0.0',
  'persistent zero port': '-A -t 10.2.0.1:0 -p',
  'zero port non-persistent': '-A -t 10.2.0.1:0',
  'no port': '-A -t 10.2.0.1',
  'ops udp': '-A -u 10.2.0.1:53 -o',
  'ops tcp refused': '-A -t 10.2.0.1:80 -o',
  'ops fwmark': '-A -f 5 -o',
  'pe sip': '-A -u 10.2.0.1:5060 -p 60 --pe sip',
  'pe unknown': '-A -u 10.2.0.1:5060 -p 60 --pe nope',
  'scheduler unknown': '-A -t 10.2.0.1:80 -s nope',
  'scheduler twos (not in Debian)': '-A -t 10.2.0.1:80 -s twos',
  'scheduler none': '-A -t 10.2.0.1:80 -s none',
  'sh flags': '-A -t 10.2.0.1:80 -s sh -b sh-fallback,sh-port',
  'mh flags': '-A -t 10.2.0.1:80 -s mh -b mh-port',
  'flag-1..3 on wrr': '-A -t 10.2.0.1:80 -s wrr -b flag-1,flag-2,flag-3',
  'sh flag with wlc': '-A -t 10.2.0.1:80 -b sh-port',
  'bad sched flag': '-A -t 10.2.0.1:80 -s sh -b bogus',
  'ipv6 tcp': '-A -t [2001:db8::2]:80 -s rr',
  'ipv6 udp': '-A -u [2001:db8::2]:53',
  'ipv6 persistent prefix': '-A -t [2001:db8::2]:80 -p 100 -M 64',
  'ipv6 netmask before address ignored': '-A -M 64 -t [2001:db8::2]:80 -p',
  'ipv6 no brackets': '-A -t 2001:db8::2 -p',
  'ipv6 bracket no port': '-A -t [2001:db8::2]',
  'fwmark': '-A -f 1 -s rr',
  'fwmark ipv6': '-A -f 2 -6',
  'fwmark large': '-A -f 4294967294',
  'fwmark zero': '-A -f 0',
  'fwmark negative': '-A -f -1',
  'duplicate service': '-A -t 192.168.1.10:80',
  'duplicate fwmark': '-A -f 100',
  'duplicate ipv6': '-A -t [2001:db8::1]:8080',
  'bad address': '-A -t 300.1.1.1:80',
  'bad port': '-A -t 10.2.0.1:99999',
  'port name': '-A -t 10.2.0.1:http',
  'udp port name': '-A -u 10.2.0.1:domain',
  'host name': '-A -t localhost:https',
  'inet_aton short form': '-A -t 10.1:80',
  'inet_aton octal': '-A -t 010.0.0.1:80',
  'missing service': '-A',
  'missing argument': '-A -t',
  'bad timeout': '-A -t 10.2.0.1:80 -p 0',
  'timeout too large': '-A -t 10.2.0.1:80 -p 2678401',
  'bad netmask': '-A -t 10.2.0.1:80 -p -M 1.2.3.4.5',
  'multiple services': '-A -t 10.2.0.1:80 -u 10.2.0.1:80',
  'real server with -A': '-A -t 10.2.0.1:80 -r 10.0.0.1',
  'weight with -A': '-A -t 10.2.0.1:80 -w 3',
};
for (const [name, args] of Object.entries(addService)) cases[`add-service: ${name}`] = w(args);

// ---- edit service ----
const editService: Record<string, string> = {
  'change scheduler': '-E -t 192.168.1.10:80 -s rr',
  'reset to wlc and clear persistence': '-E -t 192.168.1.10:443',
  'make persistent': '-E -t 192.168.1.10:80 -p 120 -M 255.255.255.0',
  'ops on udp': '-E -u 192.168.1.10:53 -s wrr',
  'fwmark': '-E -f 100 -s sh -b sh-port',
  'ipv6 fwmark': '-E -f 7 -6 -s rr',
  'ipv6': '-E -t [2001:db8::1]:8080 -s lc -p',
  'missing service': '-E -t 10.9.9.9:80 -s rr',
  'unknown scheduler': '-E -t 192.168.1.10:80 -s nope',
  'pe': '-E -t 10.1.1.1:0 -s lc -p 10',
};
for (const [name, args] of Object.entries(editService)) cases[`edit-service: ${name}`] = w(args);

// ---- delete service / flush ----
const deleteService: Record<string, string> = {
  tcp: '-D -t 192.168.1.10:80',
  udp: '-D -u 192.168.1.10:53',
  sctp: '-D --sctp-service 192.168.1.20:3868',
  ipv6: '-D -t [2001:db8::1]:8080',
  fwmark: '-D -f 100',
  'fwmark ipv6': '-D -f 7 -6',
  'fwmark wrong family': '-D -f 7',
  missing: '-D -t 10.9.9.9:80',
  'with scheduler': '-D -t 192.168.1.10:80 -s rr',
  'no service': '-D',
};
for (const [name, args] of Object.entries(deleteService)) cases[`delete-service: ${name}`] = w(args);
cases['flush'] = w('-C');
cases['flush long'] = w('--clear');
cases['flush empty'] = w('-C', []);
cases['flush with option'] = w('-C -n');

// ---- add server ----
const addServer: Record<string, string> = {
  'masq with weight': '-a -t 192.168.1.10:80 -r 10.0.0.4:8080 -m -w 5',
  'route default': '-a -t 192.168.1.10:80 -r 10.0.0.4',
  'route forces port': '-a -t 192.168.1.10:80 -r 10.0.0.4:8080 -g',
  'tunnel': '-a -t 192.168.1.10:80 -r 10.0.0.4 -i',
  'tunnel gre csum': '-a -t 192.168.1.10:80 -r 10.0.0.4 -i --tun-type gre --tun-csum',
  'tunnel gue remcsum': '-a -t 192.168.1.10:80 -r 10.0.0.4 -i --tun-type gue --tun-port 5555 --tun-remcsum',
  'tunnel gue no port': '-a -t 192.168.1.10:80 -r 10.0.0.4 -i --tun-type gue',
  'tunnel ipip with port': '-a -t 192.168.1.10:80 -r 10.0.0.4 -i --tun-port 5',
  'tunnel options with masq': '-a -t 192.168.1.10:80 -r 10.0.0.4 -m --tun-type gre',
  'gre remcsum': '-a -t 192.168.1.10:80 -r 10.0.0.4 -i --tun-type gre --tun-remcsum',
  'bad tun type': '-a -t 192.168.1.10:80 -r 10.0.0.4 -i --tun-type vxlan',
  'thresholds': '-a -t 192.168.1.10:80 -r 10.0.0.4 -m -x 200 -y 100',
  'lower above upper': '-a -t 192.168.1.10:80 -r 10.0.0.4 -m -x 10 -y 100',
  'weight zero': '-a -t 192.168.1.10:80 -r 10.0.0.4 -w 0',
  'weight max': '-a -t 192.168.1.10:80 -r 10.0.0.4 -w 2147483647',
  'weight too big': '-a -t 192.168.1.10:80 -r 10.0.0.4 -w 2147483648',
  'weight negative': '-a -t 192.168.1.10:80 -r 10.0.0.4 -w -1',
  'weight hex': '-a -t 192.168.1.10:80 -r 10.0.0.4 -w 0x10',
  'udp masq': '-a -u 192.168.1.10:53 -r 10.0.0.6:5353 -m',
  'sctp': '-a --sctp-service 192.168.1.20:3868 -r 10.0.0.8 -m',
  'fwmark route keeps port': '-a -f 100 -r 10.0.0.4:8080 -g',
  'fwmark ipv6 dest': '-a -f 7 -6 -r [2001:db8::20]:80 -m',
  'ipv6 masq': '-a -t [2001:db8::1]:8080 -r [2001:db8::11]:80 -m -w 4',
  'ipv4 dest in ipv6 service masq': '-a -t [2001:db8::1]:8080 -r 10.0.0.4 -m',
  'ipv6 dest in ipv4 service tunnel': '-a -t 192.168.1.10:80 -r [2001:db8::30]:80 -i',
  'duplicate dest': '-a -t 192.168.1.10:80 -r 10.0.0.2:80 -m',
  'missing service': '-a -t 10.9.9.9:80 -r 10.0.0.4 -m',
  'unroutable dest': '-a -t 192.168.1.10:80 -r 0.0.0.0 -m',
  'multicast dest': '-a -t 192.168.1.10:80 -r 224.0.0.1 -m',
  'no real server': '-a -t 192.168.1.10:80 -m',
  'two methods': '-a -t 192.168.1.10:80 -r 10.0.0.4 -m -g',
  'real server port name': '-a -t 192.168.1.10:80 -r 10.0.0.4:https -m',
  'real server before service': '-a -r 10.0.0.4 -t 192.168.1.10:80 -m',
  'real server no port copies service port': '-a -t 192.168.1.10:443 -r 10.0.0.4 -m',
  'scheduler with -a': '-a -t 192.168.1.10:80 -r 10.0.0.4 -s rr',
};
for (const [name, args] of Object.entries(addServer)) cases[`add-server: ${name}`] = w(args);

// ---- edit server ----
const editServer: Record<string, string> = {
  'weight': '-e -t 192.168.1.10:80 -r 10.0.0.2:80 -m -w 7',
  'to route': '-e -t 192.168.1.10:80 -r 10.0.0.2:80 -g',
  'default resets weight': '-e -t 192.168.1.10:80 -r 10.0.0.3:80',
  'route port forcing misses masq dest': '-e -t 192.168.1.10:80 -r 10.0.0.2:8080',
  'thresholds': '-e -t 192.168.1.10:443 -r 10.0.0.2:443 -i -x 5 -y 1',
  'tunnel to gre': '-e -t 192.168.1.10:443 -r 10.0.0.2 -i --tun-type gre --tun-nocsum',
  'fwmark': '-e -f 100 -r 10.0.0.9:0 -g -w 9',
  'ipv6': '-e -t [2001:db8::1]:8080 -r [2001:db8::10]:8080 -m -w 2',
  'missing dest': '-e -t 192.168.1.10:80 -r 10.0.0.99:80 -m',
  'missing service': '-e -t 10.9.9.9:80 -r 10.0.0.2:80 -m',
};
for (const [name, args] of Object.entries(editServer)) cases[`edit-server: ${name}`] = w(args);

// ---- delete server ----
const deleteServer: Record<string, string> = {
  'masq': '-d -t 192.168.1.10:80 -r 10.0.0.2:80',
  'route': '-d -t 192.168.1.10:80 -r 10.0.0.3',
  'udp': '-d -u 192.168.1.10:53 -r 10.0.0.5:53',
  'ipv6': '-d -t [2001:db8::1]:8080 -r [2001:db8::10]:8080',
  'mixed family': '-d -t [2001:db8::1]:8080 -r 10.0.0.7:8080',
  'fwmark': '-d -f 100 -r 10.0.0.9',
  'missing dest': '-d -t 192.168.1.10:80 -r 10.0.0.99:80',
  'missing service': '-d -t 10.9.9.9:80 -r 10.0.0.2:80',
  'with weight': '-d -t 192.168.1.10:80 -r 10.0.0.2:80 -w 1',
  'no real server': '-d -t 192.168.1.10:80',
};
for (const [name, args] of Object.entries(deleteServer)) cases[`delete-server: ${name}`] = w(args);

export default cases;
