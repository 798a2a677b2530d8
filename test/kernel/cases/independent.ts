// Independent differential cases: chosen from the behavioural spec by someone other than the author
// of the other case files. Every case runs the real ipvsadm and tsipvsadm from the same kernel
// state (see ../diff.ts). Setup lines go through one `ipvsadm -R`, so each must be valid.
//
// Avoid reverse-DNS look-ups in listings without -n: the guest's resolver points at an address
// that swallows packets, so each look-up of an address missing from /etc/hosts takes ~10 s.
// Listings without -n therefore use 127.0.0.1 (localhost in /etc/hosts) and fwmark services,
// except the few cases under "slow-dns/".

import type { DiffCase } from '../diff';
import { caseBuilders } from '../case-helpers';

// ---------------------------------------------------------------- helpers

const { w, r, restore } = caseBuilders();

// ---------------------------------------------------------------- fixed-seed generator

/** Tiny LCG (Numerical Recipes constants); returns an integer in [0, n). */
export function lcg(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    // use the high bits, they are the better ones
    return Math.floor(((s >>> 8) / 0x1000000) * n);
  };
}

const SCHEDS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh'];

function pick<T>(rnd: (n: number) => number, xs: readonly T[]): T {
  return xs[rnd(xs.length)];
}

const hex = (rnd: (n: number) => number) => rnd(0x10000).toString(16);

/** Service and dest addresses; service v4 includes odd ones around the 2^31 boundary. */
function svcV4(rnd: (n: number) => number): string {
  switch (rnd(8)) {
    case 0:
    case 1:
      return `10.${rnd(256)}.${rnd(256)}.${1 + rnd(254)}`;
    case 2:
    case 3:
      return `192.168.${rnd(256)}.${1 + rnd(254)}`;
    case 4:
    case 5:
      return `172.${16 + rnd(16)}.${rnd(256)}.${1 + rnd(254)}`;
    case 6:
      return pick(rnd, ['127.255.255.254', '128.0.0.1', '128.0.0.0', '127.0.0.1', '0.0.0.1', '255.255.255.254', '126.1.2.3', '129.1.2.3']);
    default:
      return pick(rnd, ['10.0.0.1', '192.168.0.1', '172.16.0.1', '10.255.0.1', '192.168.255.1']);
  }
}

function destV4(rnd: (n: number) => number): string {
  switch (rnd(3)) {
    case 0:
      return `10.${rnd(255)}.${rnd(256)}.${1 + rnd(254)}`;
    case 1:
      return `192.168.${rnd(255)}.${1 + rnd(254)}`;
    default:
      return `172.${16 + rnd(15)}.${rnd(256)}.${1 + rnd(254)}`;
  }
}

function svcV6(rnd: (n: number) => number): string {
  switch (rnd(7)) {
    case 0:
      return `2001:db8:${hex(rnd)}::${hex(rnd)}`;
    case 1:
      return `fd00::${hex(rnd)}:${hex(rnd)}`;
    case 2:
      return pick(rnd, [
        '2001:db8:1234:5678:9abc:def0:1234:5678',
        '2001:db8:0:0:1:0:0:1',
        '2001:db8:0:1:1:1:1:1',
        'fd12:3456:789a:1::1',
        '2001:db8::ffff:0:1',
      ]);
    case 3:
      return pick(rnd, ['::ffff:10.1.2.3', '::ffff:192.168.1.1', '::ffff:172.16.0.9', '::10.1.2.3', '::1:2', '::ffff:0:1', '::2']);
    case 4:
      return `2001:db8:${hex(rnd)}:${hex(rnd)}:${hex(rnd)}:${hex(rnd)}:${hex(rnd)}:${hex(rnd)}`;
    default:
      return `fd${rnd(256).toString(16).padStart(2, '0')}:${hex(rnd)}::${hex(rnd)}`;
  }
}

function destV6(rnd: (n: number) => number): string {
  switch (rnd(4)) {
    case 0:
      return `2001:db8:${hex(rnd)}::${1 + rnd(0xfffe)}`.replace(/::(\d+)$/, (_m, d: string) => `::${Number(d).toString(16)}`);
    case 1:
      return `fd00::${hex(rnd)}:${(1 + rnd(0xfffe)).toString(16)}`;
    case 2:
      return pick(rnd, ['2001:db8:1234:5678:9abc:def0:1234:5678', '2001:db8:0:0:1:0:0:1', 'fd00:0:0:1::5', '2001:db8::10']);
    default:
      return `2001:db8:${hex(rnd)}:${hex(rnd)}:${hex(rnd)}:${hex(rnd)}:${hex(rnd)}:${(1 + rnd(0xfffe)).toString(16)}`;
  }
}

const FWMARKS = [1, 2, 3, 7, 100, 65535, 65536, 2147483647, 2147483648, 2147483649, 4294967294, 4294967295];

interface GenOpts {
  /** Only 127.0.0.1 addresses (and fwmarks), so listings without -n resolve from /etc/hosts. */
  local?: boolean;
  maxDests?: number;
}

/** setup lines for `n` services with dests, deterministic for a seed. */
export function genServices(seed: number, n: number, opts: GenOpts = {}): string[] {
  const rnd = lcg(seed);
  const out: string[] = [];
  const seen = new Set<string>();
  const maxDests = opts.maxDests ?? 4;
  const localPorts = [21, 22, 25, 53, 80, 123, 161, 443, 853, 5060, 5353, 5672, 6000, 8080, 1234, 65535, 9];
  let guard = 0;
  while (seen.size < n && guard++ < n * 20) {
    const kind = opts.local ? pick(rnd, ['t', 't', 'u', 'sctp', 'f', 'f6']) : pick(rnd, ['t4', 't4', 'u4', 'sctp4', 't6', 'u6', 'f', 'f6']);
    let svc: string;
    let af: 4 | 6;
    let proto: 't' | 'u' | 's' | 'f';
    let port = 0;
    if (kind === 'f' || kind === 'f6') {
      const mark = rnd(3) === 0 ? 1 + rnd(4294967295) : pick(rnd, FWMARKS);
      af = kind === 'f6' ? 6 : 4;
      svc = `-f ${mark}${af === 6 ? ' -6' : ''}`;
      proto = 'f';
    } else {
      proto = kind.startsWith('t') ? 't' : kind.startsWith('u') ? 'u' : 's';
      af = kind.endsWith('6') ? 6 : 4;
      port = opts.local ? pick(rnd, localPorts) : rnd(4) === 0 ? 1 + rnd(65535) : pick(rnd, [80, 443, 53, 8080, 22, 3868, 1, 65535]);
      const addr = opts.local ? '127.0.0.1' : af === 4 ? svcV4(rnd) : `[${svcV6(rnd)}]`;
      svc = `${proto === 's' ? '--sctp-service' : '-' + proto} ${addr}:${port}`;
    }
    if (seen.has(svc)) continue;
    seen.add(svc);
    const sched = pick(rnd, SCHEDS);
    let line = `-A ${svc} -s ${sched}`;
    if (rnd(3) === 0) {
      line += ` -p ${pick(rnd, ['', '1', '60', '300', '2678400', String(1 + rnd(100000))])}`;
      line = line.replace(/ -p $/, ' -p');
      if (rnd(2) === 0) line += af === 4 ? ` -M ${pick(rnd, ['255.255.255.0', '255.255.0.0', '0.0.0.0', '255.255.255.255', '255.0.255.0'])}` : ` -M ${pick(rnd, ['64', '48', '127', '128', '1'])}`;
      if (rnd(4) === 0) line += ' --pe sip';
    }
    if ((proto === 'u' || proto === 'f') && rnd(3) === 0) line += ' -o';
    if (rnd(4) === 0) {
      const flags = sched === 'sh' ? ['sh-fallback', 'sh-port', 'flag-3'] : sched === 'mh' ? ['mh-fallback', 'mh-port', 'flag-3'] : ['flag-1', 'flag-2', 'flag-3'];
      const chosen = flags.filter(() => rnd(2) === 0);
      if (chosen.length) line += ` -b ${chosen.join(',')}`;
    }
    out.push(line);
    const nd = rnd(maxDests + 1);
    const used = new Set<string>();
    for (let i = 0; i < nd; i++) {
      const method = pick(rnd, ['-m', '-m', '-g', '-i']);
      let daf: 4 | 6 = af;
      if (method === '-i' && rnd(3) === 0) daf = af === 4 ? 6 : 4;
      if (opts.local) daf = 4; // only 127.0.0.1 dests (tunnel dests for IPv6 fwmark services)
      if (opts.local && af === 6 && method !== '-i') continue;
      const daddr = opts.local ? '127.0.0.1' : daf === 4 ? destV4(rnd) : destV6(rnd);
      let dport = opts.local ? pick(rnd, localPorts) : pick(rnd, [80, 443, 8080, 0, 1 + rnd(65535)]);
      if (proto !== 'f' && method !== '-m') dport = port;
      const key = `${daddr}|${dport}`;
      if (used.has(key)) continue;
      used.add(key);
      const addr = daf === 4 ? `${daddr}:${dport}` : `[${daddr}]:${dport}`;
      let d = `-a ${svc} -r ${addr} ${method} -w ${pick(rnd, [0, 1, 1, 2, 5, 100, 65535, 65536, 2147483647, rnd(1000)])}`;
      if (rnd(4) === 0) {
        const u = rnd(100000);
        d += ` -x ${u} -y ${rnd(u + 1)}`;
      }
      if (method === '-i') {
        switch (rnd(4)) {
          case 0:
            break;
          case 1:
            d += ' --tun-type ipip';
            break;
          case 2:
            d += ` --tun-type gue --tun-port ${1 + rnd(65535)}${pick(rnd, ['', ' --tun-nocsum', ' --tun-csum', ' --tun-remcsum'])}`;
            break;
          default:
            d += ` --tun-type gre${pick(rnd, ['', ' --tun-nocsum', ' --tun-csum'])}`;
        }
      }
      out.push(d);
    }
  }
  return out;
}

/** One service with many dests: v4 dests across the 2^31 boundary (and IPv6 tunnel dests). */
function genDests(seed: number, svc: string, svcPort: number | null, n: number, v6: boolean): string[] {
  const rnd = lcg(seed);
  const out = [`-A ${svc} -s wrr`];
  const used = new Set<string>();
  let guard = 0;
  while (out.length <= n && guard++ < n * 20) {
    const mixed = rnd(4) === 0;
    const isV6 = mixed ? !v6 : v6;
    const addr = isV6 ? destV6(rnd) : destV4(rnd);
    const port = pick(rnd, [80, 81, 443, 8080, 0, 1 + rnd(65535)]);
    const method = mixed ? '-i' : pick(rnd, ['-m', '-m', '-m', '-i', '-g']);
    // -g/-i force the port to the service port (not for fwmark services)
    const eff = method !== '-m' && svcPort !== null ? svcPort : port;
    const key = `${addr}|${eff}`;
    if (used.has(key)) continue;
    used.add(key);
    out.push(`-a ${svc} -r ${isV6 ? `[${addr}]` : addr}:${port} ${method} -w ${rnd(10)}`);
  }
  return out;
}

// ---------------------------------------------------------------- fixed setups

const SVC = ['-A -t 10.0.0.1:80 -s rr'];
const SVC6 = ['-A -t [2001:db8::1]:80 -s rr'];
const SVCU = ['-A -u 10.0.0.1:53 -s rr'];
const SVCF = ['-A -f 5 -s rr'];
const SVCF6 = ['-A -f 6 -6 -s rr'];
const SVCS = ['-A --sctp-service 10.0.0.1:3868 -s rr'];
const DESTS = [...SVC, '-a -t 10.0.0.1:80 -r 10.0.0.2:8080 -m -w 3', '-a -t 10.0.0.1:80 -r 10.0.0.3:80 -g -w 2'];
const DAEMON_M = ['--start-daemon master --mcast-interface ipvs0'];
const DAEMON_B = ['--start-daemon backup --mcast-interface ipvs0 --syncid 7'];

/** The spec's sample state (§2.13) plus some extras. */
const RICH = [
  '-A -t 192.168.1.10:80 -s wlc',
  '-a -t 192.168.1.10:80 -r 10.0.0.3:80 -g -w 1',
  '-a -t 192.168.1.10:80 -r 10.0.0.2:80 -m -w 3',
  '-A -t 192.168.1.10:443 -s sh -p 300 -M 255.255.255.0 -b sh-fallback',
  '-a -t 192.168.1.10:443 -r 10.0.0.2:443 -i -w 2 -x 100 -y 50',
  '-A -t 10.1.1.1:0 -s lc -p 1800 --pe sip',
  '-A -u 192.168.1.10:53 -s rr -o',
  '-a -u 192.168.1.10:53 -r 10.0.0.5:53 -m',
  '-A --sctp-service 192.168.1.20:3868',
  '-a --sctp-service 192.168.1.20:3868 -r 172.16.5.5:3868 -m -w 7',
  '-A -f 7 -6 -s mh -M 64 -b mh-fallback,mh-port',
  '-a -f 7 -6 -r [fd00::7]:0 -g -w 4',
  '-A -f 100 -s wrr -p',
  '-a -f 100 -r 10.0.0.9:0 -g -w 0',
  '-a -f 100 -r 127.0.0.1:80 -m -w 1',
  '-A -t [2001:db8::1]:8080 -s wlc',
  '-a -t [2001:db8::1]:8080 -r [2001:db8::10]:8080 -m',
  '-a -t [2001:db8::1]:8080 -r 10.0.0.7:8080 -i --tun-type gue --tun-port 6080 --tun-csum',
  '-a -t [2001:db8::1]:8080 -r [2001:db8:1234:5678:9abc:def0:1234:5678]:8080 -i --tun-type gre --tun-nocsum -x 10 -y 10',
  '-A -t [2001:db8::2]:443 -s sh -p 60 -M 64 --pe sip -b sh-port,flag-3',
  '-a -t [2001:db8::2]:443 -r [fd00::1:2]:443 -i --tun-type gue --tun-port 443 --tun-remcsum -w 2147483647',
  '-a -t [2001:db8::2]:443 -r [fd00::1:3]:443 -i --tun-type gue --tun-port 1 --tun-nocsum',
  '-a -t [2001:db8::2]:443 -r [fd00::1:4]:443 -i --tun-type gre --tun-csum',
  '-A -f 2147483649 -s sh -b flag-3',
  '-A -f 4294967295 -6 -s fo -o',
  '-A -u [::ffff:10.0.0.1]:5353 -s nq -o',
  '-a -u [::ffff:10.0.0.1]:5353 -r [2001:db8::53]:5353 -m -w 2',
  '-A -t 172.16.0.1:22 -s ovf -p 100 -M 0.0.0.0',
];

/** Like RICH but with addresses that resolve from /etc/hosts, for listings without -n. */
const LOCAL = [
  '-A -t 127.0.0.1:80 -s wlc',
  '-a -t 127.0.0.1:80 -r 127.0.0.1:8080 -m -w 3',
  '-a -t 127.0.0.1:80 -r 127.0.0.1:443 -m -w 1 -x 10 -y 5',
  '-a -t 127.0.0.1:80 -r 127.0.0.1:80 -i --tun-type gue --tun-port 6080 --tun-remcsum',
  '-A -t 127.0.0.1:443 -s sh -p 300 -M 255.255.255.0 -b sh-fallback',
  '-A -u 127.0.0.1:53 -s rr -o',
  '-a -u 127.0.0.1:53 -r 127.0.0.1:5353 -m',
  '-a -u 127.0.0.1:53 -r 127.0.0.1:123 -m -w 0',
  '-A -u 127.0.0.1:5060 -s rr -p 30 --pe sip',
  '-A --sctp-service 127.0.0.1:5672 -s wlc',
  '-a --sctp-service 127.0.0.1:5672 -r 127.0.0.1:80 -m',
  '-A --sctp-service 127.0.0.1:3868 -s lc',
  '-A -t 127.0.0.1:8080 -s lblc',
  '-A -t 127.0.0.1:12345 -s lblcr',
  '-A -t 127.0.0.1:6000 -s dh',
  '-A -f 100 -s wrr -p',
  '-a -f 100 -r 127.0.0.1:80 -m -w 1',
  '-a -f 100 -r 127.0.0.1:0 -g -w 4',
  '-A -f 4294967295 -6 -s mh -b mh-port',
  '-a -f 4294967295 -6 -r 127.0.0.1:443 -i --tun-type gre --tun-csum',
];

const MANY1 = genServices(20240601, 44);
const MANY2 = genServices(7, 48);
const MANY3 = genServices(123456789, 42, { maxDests: 6 });
const MANY_LOCAL = genServices(31337, 42, { local: true });
const DESTS_V4 = genDests(99, '-t 10.0.0.1:80', 80, 40, false);
const DESTS_V6 = genDests(4242, '-t [2001:db8::1]:80', 80, 32, true);
const DESTS_FWM = genDests(555, '-f 77', null, 30, false);

// ---------------------------------------------------------------- cases

const cases: [string, DiffCase][] = [];
function add(name: string, c: DiffCase): void {
  if (cases.some(([n]) => n === name)) throw new Error(`duplicate case name ${name}`);
  cases.push([name, c]);
}

// ---- help / version / no arguments
add('help/-h', w('-h'));
add('help/--help', w('--help'));
add('help/-v', w('-v'));
add('help/--version', w('--version'));
add('help/-h then junk', w('-h -n foo'));
add('help/-hv bundle', w('-hv'));
add('help/-vh bundle', w('-vh'));
add('help/-v then option', w('-v -L'));
add('help/--help=x', w('--help=x'));
add('help/no args empty', r([]));
add('help/no args lists', r([], LOCAL));

// ---- popt-level and first-option errors
add('popt/non-command first', w('-n -L'));
add('popt/leftover only', w('foo'));
add('popt/double dash first', w('-- -L'));
add('popt/dash dash then leftover', w('-L -- -n'));
add('popt/lone dash', w('-L -'));
add('popt/-L -L', w('-L -L'));
add('popt/-LA bundle', w('-LA'));
add('popt/-L -h', w('-L -h'));
add('popt/-L --list', w('-L --list'));
add('popt/-list bundle', w('-list'));
add('popt/---n', w('-L ---n'));
add('popt/unknown long after command', w('-A --foo'));
add('popt/unknown short after command', w('-L -Q'));
add('popt/unknown first short', w('-Q'));
add('popt/unknown first long', w('--foo'));
add('popt/abbreviation', w('--add-serv -t 10.0.0.1:80'));
add('popt/missing arg -t', w('-A -t'));
add('popt/missing arg --tcp-service', w('-A --tcp-service'));
add('popt/missing arg -r', w('-a -t 10.0.0.1:80 -r'));
add('popt/missing arg -s', w('-A -t 10.0.0.1:80 -s'));
add('popt/--numeric=5', w('-L --numeric=5'));
add('popt/-n=5', w('-L -n=5'));
add('popt/--set=10', w('--set=10 20 30'));
add('popt/--set -1', w('--set -1 2 3'));
add('popt/--start-daemon no arg', w('--start-daemon'));
add('popt/--stop-daemon no arg', w('--stop-daemon'));
add('popt/-p -5', w('-A -t 10.0.0.1:80 -p -5'));
add('popt/-C -C', w('-C -C'));
add('popt/--clear --zero', w('--clear --zero'));
add('popt/-E -A', w('-E -A -t 10.0.0.1:80'));
add('popt/-Lx missing', w('-Lx'));
add('popt/-L --sort twice', r('-L -n --sort --sort', SVC));
add('popt/-L extra leftover', w('-L -n foo bar'));
add('popt/-R then -R bundle', w('-RR'));
add('popt/empty argument first', w(['']));
add('popt/--add-service=x', w('--add-service=x'));

// ---- command/option matrix
add('matrix/-A no service', w('-A'));
add('matrix/-E no service', w('-E -s rr'));
add('matrix/-D no service', w('-D'));
add('matrix/-a no real-server', w('-a -t 10.0.0.1:80', SVC));
add('matrix/-e no real-server', w('-e -t 10.0.0.1:80 -w 2', SVC));
add('matrix/-d no service', w('-d -r 10.0.0.2:80', SVC));
add('matrix/-C -n', w('-C -n'));
add('matrix/-C -t', w('-C -t 10.0.0.1:80', SVC));
add('matrix/-S -t', w('-S -t 10.0.0.1:80', SVC));
add('matrix/-S --nosort', w('-S --nosort'));
add('matrix/-S -c', w('-S -c'));
add('matrix/-S --stats', w('-S --stats'));
add('matrix/-S -X', w('-S -X'));
add('matrix/-R -n', w('-R -n', [], '-C\n'));
add('matrix/-Z -n', w('-Z -n'));
add('matrix/-Z -s', w('-Z -s rr'));
add('matrix/-D -s', w('-D -t 10.0.0.1:80 -s rr', SVC));
add('matrix/-D -p', w('-D -t 10.0.0.1:80 -p', SVC));
add('matrix/-A -r', w('-A -t 10.0.0.1:80 -r 10.0.0.2'));
add('matrix/-A -w', w('-A -t 10.0.0.1:80 -w 1'));
add('matrix/-A -m', w('-A -t 10.0.0.1:80 -m'));
add('matrix/table order not argv order', w('-A -w 1 -n -t 10.0.0.1:80'));
add('matrix/-a -s', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -s rr', SVC));
add('matrix/-a -p', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -p', SVC));
add('matrix/-a -o', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -o', SVC));
add('matrix/-d -w', w('-d -t 10.0.0.1:80 -r 10.0.0.2 -w 2', SVC));
add('matrix/-d -m', w('-d -t 10.0.0.1:80 -r 10.0.0.2 -m', SVC));
add('matrix/-d --tun-type', w('-d -t 10.0.0.1:80 -r 10.0.0.2 --tun-type gre', SVC));
add('matrix/-L -c -t', w('-L -c -t 10.0.0.1:80', SVC));
add('matrix/-L --timeout --daemon', w('-L --timeout --daemon'));
add('matrix/-L -c --timeout', w('-L -c --timeout'));
add('matrix/-L -c --daemon', w('-L -c --daemon'));
add('matrix/-L -t --timeout', w('-L -t 10.0.0.1:80 --timeout', SVC));
add('matrix/-L --mcast-interface', w('-L --mcast-interface ipvs0'));
add('matrix/-L -s', w('-L -s rr'));
add('matrix/-L -o', w('-L -o'));
add('matrix/-L --pe', w('-L --pe sip'));
add('matrix/-L -b', w('-L -b flag-1'));
add('matrix/-L -x', w('-L -x 5'));
add('matrix/-L -M', w('-L -M 255.255.255.0'));
add('matrix/-L --tun-port', w('-L --tun-port 5'));
add('matrix/-A --thresholds', w('-A -t 10.0.0.1:80 --thresholds'));
add('matrix/-A -c', w('-A -t 10.0.0.1:80 -c'));
add('matrix/-A --syncid', w('-A -t 10.0.0.1:80 --syncid 3'));
add('matrix/-A --tun-type', w('-A -t 10.0.0.1:80 --tun-type gue'));
add('matrix/-e --syncid', w('-e -t 10.0.0.1:80 -r 10.0.0.3 --syncid 3', DESTS));
add('matrix/--start-daemon --tun-info', w('--start-daemon master --tun-info'));
add('matrix/--start-daemon -t', w('--start-daemon master -t 10.0.0.1:80'));
add('matrix/--stop-daemon --mcast-interface', w('--stop-daemon master --mcast-interface ipvs0'));
add('matrix/--stop-daemon --mcast-group', w('--stop-daemon master --mcast-group 239.1.1.1'));
add('matrix/--stop-daemon --sync-maxlen', w('--stop-daemon master --sync-maxlen 1000'));
add('matrix/--set -n', w('--set 1 2 3 -n'));
add('matrix/--set -t', w('--set 1 2 3 -t 10.0.0.1:80'));
add('matrix/list conflicts -c --stats', w('-L -c --stats'));
add('matrix/list conflicts --timeout --rate', w('-L --timeout --rate'));
add('matrix/list conflicts --daemon --thresholds', w('-L --daemon --thresholds'));
add('matrix/list conflicts --timeout --persistent-conn', w('-L --timeout --persistent-conn'));
add('matrix/list conflicts --daemon --persistent-conn', w('-L --daemon --persistent-conn'));
add('matrix/multiple numeric', w('-Ln -n'));
add('matrix/multiple stats', w('-L --stats --stats'));
add('matrix/multiple exact', w('-L -X --exact'));
add('matrix/multiple forwarding', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -m -g', SVC));
add('matrix/multiple service-address', w('-A -t 10.0.0.1:80 -u 10.0.0.1:53'));
add('matrix/multiple service-address fwmark', w('-A -f 1 -t 10.0.0.1:80'));
add('matrix/multiple scheduler', w('-A -t 10.0.0.1:80 -s rr -s wrr'));
add('matrix/multiple persistent', w('-A -t 10.0.0.1:80 -p 10 -p 20'));
add('matrix/multiple weight', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -w 1 -w 2', SVC));
add('matrix/multiple ops', w('-A -u 10.0.0.1:53 -o -o'));
add('matrix/multiple syncid', w('--start-daemon master --syncid 1 --syncid 2'));
add('matrix/multiple tun-type', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gue --tun-type gre', SVC));
add('matrix/multiple real-server', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -r 10.0.0.3', SVC));
add('matrix/repeat -6 ok', w('-A -f 1 -6 -6'));

// ---- add service
add('add-svc/tcp default sched', w('-A -t 10.0.0.1:80'));
add('add-svc/udp', w('-A -u 10.0.0.1:53 -s wrr'));
add('add-svc/sctp', w('-A --sctp-service 10.0.0.1:3868'));
add('add-svc/tcp6', w('-A -t [2001:db8::1]:80 -s rr'));
add('add-svc/udp6', w('-A -u [fd00::1]:53'));
add('add-svc/sctp6', w('-A --sctp-service [2001:db8::5]:9'));
add('add-svc/fwmark 1', w('-A -f 1'));
add('add-svc/fwmark max', w('-A -f 4294967295'));
add('add-svc/fwmark 2^31', w('-A -f 2147483648 -s rr'));
add('add-svc/fwmark -6', w('-A -f 1 -6'));
add('add-svc/fwmark 0', w('-A -f 0'));
add('add-svc/fwmark 2^32', w('-A -f 4294967296'));
add('add-svc/fwmark negative', w('-A -f -1'));
add('add-svc/fwmark hex', w('-A -f 0x10'));
add('add-svc/fwmark leading space', w(['-A', '-f', ' 12']));
add('add-svc/fwmark plus', w('-A -f +12'));
add('add-svc/fwmark trailing junk', w('-A -f 12abc'));
add('add-svc/fwmark empty', w(['-A', '-f', '']));
add('add-svc/-6 before -f', w('-A -6 -f 1'));
add('add-svc/-6 after -t', w('-A -t 10.0.0.1:80 -6'));
for (const s of [...SCHEDS, 'none']) add(`add-svc/scheduler ${s}`, w(`-A -t 10.0.0.1:80 -s ${s}`));
add('add-svc/scheduler twos', w('-A -t 10.0.0.1:80 -s twos'));
add('add-svc/scheduler bogus long', w('-A -t 10.0.0.1:80 -s averyveryverylongschedulername'));
add('add-svc/scheduler empty', w(['-A', '-t', '10.0.0.1:80', '-s', '']));
add('add-svc/persistent default', w('-A -t 10.0.0.1:80 -p'));
add('add-svc/persistent 1', w('-A -t 10.0.0.1:80 -p 1'));
add('add-svc/persistent max', w('-A -t 10.0.0.1:80 -p 2678400'));
add('add-svc/persistent over max', w('-A -t 10.0.0.1:80 -p 2678401'));
add('add-svc/persistent 0', w('-A -t 10.0.0.1:80 -p 0'));
add('add-svc/persistent bundle', w('-A -t 10.0.0.1:80 -p30'));
add('add-svc/persistent long =', w('-A -t 10.0.0.1:80 --persistent=100'));
add('add-svc/persistent long = empty', w('-A -t 10.0.0.1:80 --persistent='));
add('add-svc/persistent junk', w('-A -t 10.0.0.1:80 -p 100x'));
add('add-svc/persistent leading space', w(['-A', '-t', '10.0.0.1:80', '-p', ' 50']));
add('add-svc/persistent then option', w('-A -t 10.0.0.1:80 -p -s rr'));
add('add-svc/persistent then --', w('-A -t 10.0.0.1:80 -p --'));
add('add-svc/persistent then -- leftover', w('-A -t 10.0.0.1:80 -p -- foo'));
add('add-svc/port 0 persistent', w('-A -t 10.0.0.1:0 -p'));
add('add-svc/port 0 not persistent', w('-A -t 10.0.0.1:0'));
add('add-svc/no port', w('-A -t 10.0.0.1'));
add('add-svc/v6 bare persistent', w('-A -t 2001:db8::1 -p 60'));
add('add-svc/v6 bare not persistent', w('-A -t 2001:db8::1'));
add('add-svc/mask /24', w('-A -t 10.0.0.1:80 -p -M 255.255.255.0'));
add('add-svc/mask 300', w('-A -t 10.0.0.1:80 -p -M 300'));
add('add-svc/mask 24 as inet_aton', w('-A -t 10.0.0.1:80 -p -M 24'));
add('add-svc/mask localhost', w('-A -t 10.0.0.1:80 -p -M localhost'));
add('add-svc/mask 0.0.0.0', w('-A -t 10.0.0.1:80 -p 10 -M 0.0.0.0'));
add('add-svc/mask bad', w('-A -t 10.0.0.1:80 -p -M 10.0.0.256'));
add('add-svc/mask not persistent', w('-A -t 10.0.0.1:80 -M 255.255.0.0'));
add('add-svc/mask v6 64', w('-A -t [2001:db8::1]:80 -p -M 64'));
add('add-svc/mask v6 129', w('-A -t [2001:db8::1]:80 -p -M 129'));
add('add-svc/mask v6 0', w('-A -t [2001:db8::1]:80 -p -M 0'));
add('add-svc/mask v6 before -t', w('-A -M 64 -t [2001:db8::1]:80 -p'));
add('add-svc/mask fwmark -6 48', w('-A -f 1 -6 -p -M 48'));
add('add-svc/mask before -6', w('-A -f 1 -M 64 -6 -p'));
add('add-svc/mask v6 dotted', w('-A -f 1 -6 -M 255.255.255.0'));
add('add-svc/pe sip', w('-A -u 10.0.0.1:5060 -p --pe sip'));
add('add-svc/pe sip not persistent', w('-A -u 10.0.0.1:5060 --pe sip'));
add('add-svc/pe bogus', w('-A -u 10.0.0.1:5060 -p --pe bogus'));
add('add-svc/pe long', w('-A -u 10.0.0.1:5060 -p --pe siiiiiiiiiiiiiiiiiiiiiiiiip'));
add('add-svc/ops udp', w('-A -u 10.0.0.1:53 -o'));
add('add-svc/ops tcp', w('-A -t 10.0.0.1:80 -o'));
add('add-svc/ops fwmark', w('-A -f 5 --ops'));
add('add-svc/ops sctp', w('-A --sctp-service 10.0.0.1:9 -o'));
add('add-svc/sh flags', w('-A -t 10.0.0.1:80 -s sh -b sh-fallback'));
add('add-svc/sh flags both', w('-A -t 10.0.0.1:80 -s sh -b sh-port,sh-fallback'));
add('add-svc/mh flags', w('-A -t 10.0.0.1:80 -s mh -b mh-fallback,mh-port'));
add('add-svc/sh flag with wlc', w('-A -t 10.0.0.1:80 -b sh-fallback'));
add('add-svc/mh flag with rr', w('-A -t 10.0.0.1:80 -s rr -b mh-port'));
add('add-svc/generic flags', w('-A -t 10.0.0.1:80 -s wrr -b flag-1,flag-2,flag-3'));
add('add-svc/flag bogus', w('-A -t 10.0.0.1:80 -b bogus'));
add('add-svc/flag empty item', w('-A -t 10.0.0.1:80 -s rr -b flag-1,,flag-2'));
add('add-svc/flag empty', w(['-A', '-t', '10.0.0.1:80', '-b', '']));
add('add-svc/flag comma crash', w('-A -t 10.0.0.1:80 -b ,'));
add('add-svc/flag before -s', w('-A -t 10.0.0.1:80 -b sh-fallback -s sh'));
add('add-svc/flag-3 on sh', w('-A -t 10.0.0.1:80 -s sh -b flag-3'));
add('add-svc/flag long =', w('-A -t 10.0.0.1:80 -s lc --sched-flags=flag-2'));
add('add-svc/flag good then bogus', w('-A -t 10.0.0.1:80 -s sh -b sh-fallback,bogus'));
add('add-svc/addr 10.1', w('-A -t 10.1:80'));
add('add-svc/addr octal', w('-A -t 010.0.0.1:80'));
add('add-svc/addr hex', w('-A -t 0x0a000001:80'));
add('add-svc/addr integer', w('-A -t 167772161:80'));
add('add-svc/addr trailing junk', w(['-A', '-t', '10.0.0.1 junk:80']));
add('add-svc/addr bad octet', w('-A -t 10.0.0.256:80'));
add('add-svc/addr digits only', w('-A -t 80'));
add('add-svc/addr empty', w(['-A', '-t', '']));
add('add-svc/addr v4 brackets', w('-A -t [10.0.0.1]:80'));
add('add-svc/addr v4 brackets persistent', w('-A -t [10.0.0.1]:80 -p'));
add('add-svc/addr v6 brackets no port', w('-A -t [2001:db8::1]'));
add('add-svc/addr v6 brackets no colon', w('-A -t [2001:db8::1]80'));
add('add-svc/port max', w('-A -t 10.0.0.1:65535'));
add('add-svc/port over max', w('-A -t 10.0.0.1:65536'));
add('add-svc/port octal-looking', w('-A -t 10.0.0.1:080'));
add('add-svc/port hex', w('-A -t 10.0.0.1:0x50'));
add('add-svc/port empty', w('-A -t 10.0.0.1:'));
add('add-svc/name localhost:http', w('-A -t localhost:http'));
add('add-svc/name vm:https', w('-A -t vm:https -s rr'));
add('add-svc/name localhost no port', w('-A -t localhost'));
add('add-svc/udp domain', w('-A -u localhost:domain'));
add('add-svc/udp http fails', w('-A -u 10.0.0.1:http'));
add('add-svc/udp6 https', w('-A -u [2001:db8::1]:https'));
add('add-svc/udp6 http fails', w('-A -u [2001:db8::1]:http'));
add('add-svc/sctp amqp', w('-A --sctp-service 10.0.0.1:amqp'));
add('add-svc/sctp http fails', w('-A --sctp-service 10.0.0.1:http'));
add('add-svc/v4-mapped v6', w('-A -t [::ffff:10.0.0.1]:80'));
add('add-svc/long v6', w('-A -t [2001:db8:1234:5678:9abc:def0:1234:5678]:443 -s sh'));
add('add-svc/v6 any', w('-A -t [::]:80'));
add('add-svc/v4 any', w('-A -t 0.0.0.0:80'));
add('add-svc/v4 broadcast', w('-A -u 255.255.255.255:67'));
add('add-svc/v4 multicast', w('-A -u 224.0.0.1:5000'));
add('add-svc/duplicate', w('-A -t 10.0.0.1:80 -s wrr', SVC));
add('add-svc/duplicate v6', w('-A -t [2001:db8::1]:80', SVC6));
add('add-svc/duplicate fwmark', w('-A -f 5', SVCF));
add('add-svc/fwmark v4 and v6 coexist', w('-A -f 6', SVCF6));
add('add-svc/same addr other proto', w('-A -u 10.0.0.1:80', SVC));
add('add-svc/long options =', w('--add-service --tcp-service=10.0.0.1:80 --scheduler=rr --persistent=50 --netmask=255.255.255.128'));
add('add-svc/long fwmark ipv6', w('--add-service --fwmark-service=9 --ipv6 --scheduler lc'));
add('add-svc/long sctp =', w('--add-service --sctp-service=[fd00::9]:9 --ops'));
add('add-svc/bundle -At', w('-At10.0.0.1:80'));
add('add-svc/bundle -srr -p30', w('-At10.0.0.1:80 -srr -p30'));
add('add-svc/everything', w('-A -u 10.0.0.1:5060 -s sh -p 120 -M 255.255.0.0 --pe sip -o -b sh-port'));
add('add-svc/unexpected argument', w('-A -t 10.0.0.1:80 foo bar'));
add('add-svc/leftover permuted', w('-A foo -t 10.0.0.1:80'));

// ---- edit service
const ESVC = [
  '-A -t 10.0.0.1:80 -s rr -p 100 -M 255.255.255.0',
  '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m',
  '-A -u 10.0.0.1:53 -s sh -b sh-port -o',
  '-A -u 10.0.0.1:5060 -s rr -p --pe sip',
  '-A -f 5 -s rr',
  '-A -f 6 -6 -s rr -p 10 -M 64',
  '-A -t [2001:db8::1]:80 -s wrr',
];
add('edit-svc/reset to defaults', w('-E -t 10.0.0.1:80', ESVC));
add('edit-svc/sched and persistence', w('-E -t 10.0.0.1:80 -s lc -p 200', ESVC));
add('edit-svc/keep mask', w('-E -t 10.0.0.1:80 -s rr -p 100 -M 255.255.0.0', ESVC));
add('edit-svc/twos', w('-E -t 10.0.0.1:80 -s twos', ESVC));
add('edit-svc/missing', w('-E -t 10.0.0.9:80', ESVC));
add('edit-svc/sh flags', w('-E -u 10.0.0.1:53 -s sh -b sh-fallback', ESVC));
add('edit-svc/drop flags keep ops', w('-E -u 10.0.0.1:53 -s sh -o', ESVC));
add('edit-svc/drop pe', w('-E -u 10.0.0.1:5060 -s rr -p', ESVC));
add('edit-svc/pe bogus', w('-E -u 10.0.0.1:5060 -p --pe bogus', ESVC));
add('edit-svc/fwmark', w('-E -f 5 -s dh', ESVC));
add('edit-svc/fwmark v6 mask', w('-E -f 6 -6 -p -M 96', ESVC));
add('edit-svc/fwmark v6 as v4', w('-E -f 6 -s rr', ESVC));
add('edit-svc/v6', w('-E -t [2001:db8::1]:80 -s dh -p', ESVC));
add('edit-svc/long', w('--edit-service --tcp-service 10.0.0.1:80 --scheduler wrr', ESVC));
add('edit-svc/zero port', w('-E -t 10.0.0.1:0', ESVC));
add('edit-svc/ops tcp', w('-E -t 10.0.0.1:80 -o', ESVC));

// ---- delete service
add('del-svc/tcp', w('-D -t 10.0.0.1:80', ESVC));
add('del-svc/udp', w('-D -u 10.0.0.1:53', ESVC));
add('del-svc/missing', w('-D -t 10.0.0.9:80', ESVC));
add('del-svc/fwmark', w('-D -f 5', ESVC));
add('del-svc/fwmark v6', w('-D -f 6 -6', ESVC));
add('del-svc/fwmark v6 as v4', w('-D -f 6', ESVC));
add('del-svc/long =', w('--delete-service --tcp-service=10.0.0.1:80', ESVC));
add('del-svc/v6', w('-D -t [2001:db8::1]:80', ESVC));
add('del-svc/sctp missing', w('-D --sctp-service 10.0.0.1:3868', ESVC));
add('del-svc/port 0', w('-D -t 10.0.0.1:0', ESVC));
add('del-svc/leftover', w('-D -t 10.0.0.1:80 foo', ESVC));

// ---- add dest
add('add-dest/masq', w('-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m', SVC));
add('add-dest/default route copies port', w('-a -t 10.0.0.1:80 -r 10.0.0.2', SVC));
add('add-dest/route forces port', w('-a -t 10.0.0.1:80 -r 10.0.0.2:8080 -g', SVC));
add('add-dest/tunnel forces port', w('-a -t 10.0.0.1:80 -r 10.0.0.2:8080 -i', SVC));
add('add-dest/masq other port weight', w('-a -t 10.0.0.1:80 -r 10.0.0.2:8080 -m -w 5', SVC));
add('add-dest/weight 0', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -m -w 0', SVC));
add('add-dest/weight max', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -w 2147483647', SVC));
add('add-dest/weight over max', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -w 2147483648', SVC));
add('add-dest/weight negative', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -w -1', SVC));
add('add-dest/weight leading space', w(['-a', '-t', '10.0.0.1:80', '-r', '10.0.0.2', '-w', ' 7'], SVC));
add('add-dest/weight plus', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -w +7', SVC));
add('add-dest/weight octal-looking', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -w 010', SVC));
add('add-dest/weight hex', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -w 0x10', SVC));
add('add-dest/weight empty', w(['-a', '-t', '10.0.0.1:80', '-r', '10.0.0.2', '-w', ''], SVC));
add('add-dest/thresholds', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -x 100 -y 50', SVC));
add('add-dest/threshold max', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -x 2147483647 -y 0', SVC));
add('add-dest/threshold over max', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -x 2147483648', SVC));
add('add-dest/l over u', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -y 5', SVC));
add('add-dest/threshold negative', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -x -1', SVC));
add('add-dest/port name http', w('-a -t 10.0.0.1:80 -r 10.0.0.2:http -m', SVC));
add('add-dest/port name https', w('-a -t 10.0.0.1:80 -r 10.0.0.2:https -m', SVC));
add('add-dest/udp domain', w('-a -u 10.0.0.1:53 -r 10.0.0.2:domain -m', SVCU));
add('add-dest/udp http fails', w('-a -u 10.0.0.1:53 -r 10.0.0.2:http -m', SVCU));
add('add-dest/localhost', w('-a -t 10.0.0.1:80 -r localhost -m', SVC));
add('add-dest/localhost http-alt', w('-a -t 10.0.0.1:80 -r localhost:http-alt -m', SVC));
add('add-dest/-r before -t', w('-a -r 10.0.0.2 -t 10.0.0.1:80 -m', SVC));
add('add-dest/-r name before -t', w('-a -r 10.0.0.2:http -t 10.0.0.1:80 -m', SVC));
add('add-dest/duplicate', w('-a -t 10.0.0.1:80 -r 10.0.0.2:8080 -m', DESTS));
add('add-dest/duplicate via forced port', w('-a -t 10.0.0.1:80 -r 10.0.0.3:9999 -g', DESTS));
add('add-dest/missing service', w('-a -t 10.0.0.9:80 -r 10.0.0.2 -m', SVC));
add('add-dest/zero address', w('-a -t 10.0.0.1:80 -r 0.0.0.0 -m', SVC));
add('add-dest/multicast', w('-a -t 10.0.0.1:80 -r 224.0.0.1 -m', SVC));
add('add-dest/broadcast', w('-a -t 10.0.0.1:80 -r 10.255.255.255 -m', SVC));
add('add-dest/local address', w('-a -t 10.0.0.1:80 -r 10.255.255.254 -m', SVC));
add('add-dest/loopback route', w('-a -t 10.0.0.1:80 -r 127.0.0.1', SVC));
add('add-dest/v6 masq', w('-a -t [2001:db8::1]:80 -r [2001:db8::2]:8080 -m', SVC6));
add('add-dest/v6 bare copies port', w('-a -t [2001:db8::1]:80 -r 2001:db8::2 -m', SVC6));
add('add-dest/v6 link-local', w('-a -t [2001:db8::1]:80 -r [fe80::1]:80 -m', SVC6));
add('add-dest/v6 multicast', w('-a -t [2001:db8::1]:80 -r [ff02::1]:80 -m', SVC6));
add('add-dest/v6 mapped', w('-a -t [2001:db8::1]:80 -r [::ffff:10.0.0.2]:80 -m', SVC6));
add('add-dest/v6 unspecified', w('-a -t [2001:db8::1]:80 -r [::]:80 -m', SVC6));
add('add-dest/v6 svc v4 dest masq', w('-a -t [2001:db8::1]:80 -r 10.0.0.2 -m', SVC6));
add('add-dest/v6 svc v4 dest tunnel', w('-a -t [2001:db8::1]:80 -r 10.0.0.2:80 -i', SVC6));
add('add-dest/v4 svc v6 dest tunnel', w('-a -t 10.0.0.1:80 -r [2001:db8::2]:80 -i --tun-type gre', SVC));
add('add-dest/v4 svc v6 dest route', w('-a -t 10.0.0.1:80 -r [2001:db8::2]:80', SVC));
add('add-dest/fwmark no port', w('-a -f 5 -r 10.0.0.2 -m', SVCF));
add('add-dest/fwmark route keeps port', w('-a -f 5 -r 10.0.0.2:80 -g', SVCF));
add('add-dest/fwmark v6', w('-a -f 6 -6 -r [2001:db8::2]:80 -m', SVCF6));
add('add-dest/fwmark v6 as v4', w('-a -f 6 -r [2001:db8::2]:80 -m', SVCF6));
add('add-dest/fwmark missing', w('-a -f 6 -r 10.0.0.2:80 -m', SVCF6));
add('add-dest/sctp amqp', w('-a --sctp-service 10.0.0.1:3868 -r 10.0.0.2:amqp -m', SVCS));
add('add-dest/long =', w('--add-server --tcp-service=10.0.0.1:80 --real-server=10.0.0.2:81 --masquerading --weight=3 --u-threshold=10 --l-threshold=5', SVC));
add('add-dest/long gatewaying ipip', w('--add-server --tcp-service 10.0.0.1:80 --real-server 10.0.0.2 --ipip', SVC));
add('add-dest/bundles', w('-at10.0.0.1:80 -r10.0.0.2:81 -mw3', SVC));
add('add-dest/addr junk', w(['-a', '-t', '10.0.0.1:80', '-r', '10.0.0.2 junk:81', '-m'], SVC));
add('add-dest/addr short', w('-a -t 10.0.0.1:80 -r 10.2:81 -m', SVC));
add('add-dest/addr v4 brackets', w('-a -t 10.0.0.1:80 -r [10.0.0.2]:81 -m', SVC));
add('add-dest/port 0', w('-a -t 10.0.0.1:80 -r 10.0.0.2:0 -m', SVC));
add('add-dest/bad address', w('-a -t 10.0.0.1:80 -r 10.0.0.2:99999 -m', SVC));
add('add-dest/digits', w('-a -t 10.0.0.1:80 -r 12345 -m', SVC));
add('add-dest/after trash', w('-a -t 10.0.0.1:80 -r 10.0.0.2:8080 -m -w 9', [...DESTS, '-d -t 10.0.0.1:80 -r 10.0.0.2:8080']));

// ---- edit dest
add('edit-dest/weight', w('-e -t 10.0.0.1:80 -r 10.0.0.2:8080 -m -w 5', DESTS));
add('edit-dest/weight reset', w('-e -t 10.0.0.1:80 -r 10.0.0.2:8080 -m', DESTS));
add('edit-dest/default route forces port', w('-e -t 10.0.0.1:80 -r 10.0.0.2:8080', DESTS));
add('edit-dest/change method', w('-e -t 10.0.0.1:80 -r 10.0.0.3:80 -m -w 4', DESTS));
add('edit-dest/to gre', w('-e -t 10.0.0.1:80 -r 10.0.0.3 -i --tun-type gre --tun-csum', DESTS));
add('edit-dest/to gue', w('-e -t 10.0.0.1:80 -r 10.0.0.3 -i --tun-type gue --tun-port 5555', DESTS));
add('edit-dest/missing dest', w('-e -t 10.0.0.1:80 -r 10.0.0.9:80', DESTS));
add('edit-dest/missing service', w('-e -t 10.0.0.9:80 -r 10.0.0.3:80', DESTS));
add('edit-dest/l over u', w('-e -t 10.0.0.1:80 -r 10.0.0.3:80 -x 10 -y 20', DESTS));
add('edit-dest/thresholds', w('-e -t 10.0.0.1:80 -r 10.0.0.3:80 -x 20 -y 10 -w 0', DESTS));
add('edit-dest/long', w('--edit-server --tcp-service 10.0.0.1:80 --real-server 10.0.0.3 --gatewaying --weight 8', DESTS));
add('edit-dest/fwmark', w('-e -f 5 -r 10.0.0.2:8080 -m -w 6', [...SVCF, '-a -f 5 -r 10.0.0.2:8080 -m']));
add('edit-dest/v6', w('-e -t [2001:db8::1]:80 -r [2001:db8::2]:81 -m -w 9', [...SVC6, '-a -t [2001:db8::1]:80 -r [2001:db8::2]:81 -m']));
add('edit-dest/family mismatch', w('-e -t 10.0.0.1:80 -r [2001:db8::2]:80 -m', DESTS));

// ---- delete dest
add('del-dest/masq', w('-d -t 10.0.0.1:80 -r 10.0.0.2:8080', DESTS));
add('del-dest/copied port missing', w('-d -t 10.0.0.1:80 -r 10.0.0.2', DESTS));
add('del-dest/copied port', w('-d -t 10.0.0.1:80 -r 10.0.0.3', DESTS));
add('del-dest/port not forced', w('-d -t 10.0.0.1:80 -r 10.0.0.3:8080', DESTS));
add('del-dest/missing service', w('-d -t 10.0.0.9:80 -r 10.0.0.3', DESTS));
add('del-dest/long', w('--delete-server --tcp-service=10.0.0.1:80 --real-server=10.0.0.3:80', DESTS));
add('del-dest/fwmark', w('-d -f 5 -r 10.0.0.2:0', [...SVCF, '-a -f 5 -r 10.0.0.2 -m']));
add('del-dest/v6', w('-d -t [2001:db8::1]:80 -r [2001:db8::2]:81', [...SVC6, '-a -t [2001:db8::1]:80 -r [2001:db8::2]:81 -m']));
add('del-dest/v4 from v6 tunnel', w('-d -t [2001:db8::1]:80 -r 10.0.0.2:80', [...SVC6, '-a -t [2001:db8::1]:80 -r 10.0.0.2:80 -i']));

// ---- tunnel options
add('tunnel/ipip explicit', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type ipip', SVC));
add('tunnel/gue', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gue --tun-port 6080', SVC));
add('tunnel/gue csum', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gue --tun-port 6080 --tun-csum', SVC));
add('tunnel/gue remcsum', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gue --tun-port 65535 --tun-remcsum', SVC));
add('tunnel/gue nocsum', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gue --tun-port 1 --tun-nocsum', SVC));
add('tunnel/gue no port', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gue', SVC));
add('tunnel/gue two csum', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gue --tun-port 5 --tun-csum --tun-remcsum', SVC));
add('tunnel/gre', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gre', SVC));
add('tunnel/gre csum', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gre --tun-csum', SVC));
add('tunnel/gre remcsum', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gre --tun-remcsum', SVC));
add('tunnel/gre port', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gre --tun-port 5', SVC));
add('tunnel/ipip port', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type ipip --tun-port 5', SVC));
add('tunnel/default type port', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-port 5', SVC));
add('tunnel/default type csum', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-csum', SVC));
add('tunnel/bad type', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type vxlan', SVC));
add('tunnel/uppercase type', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type GUE --tun-port 5', SVC));
add('tunnel/port 0', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gue --tun-port 0', SVC));
add('tunnel/port too big', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gue --tun-port 65536', SVC));
add('tunnel/options with masq', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -m --tun-type gue --tun-port 6080', SVC));
add('tunnel/options with default method', w('-a -t 10.0.0.1:80 -r 10.0.0.2 --tun-type gre', SVC));
add('tunnel/long =', w('-a -t 10.0.0.1:80 -r 10.0.0.2 --ipip --tun-type=gue --tun-port=4789 --tun-csum', SVC));
add('tunnel/v6 gue', w('-a -t [2001:db8::1]:80 -r [2001:db8::2] -i --tun-type gue --tun-port 6080 --tun-remcsum', SVC6));
add('tunnel/fwmark gre', w('-a -f 5 -r 10.0.0.2:99 -i --tun-type gre --tun-nocsum', SVCF));

// ---- flush and zero
add('flush/-C', w('-C', RICH));
add('flush/--clear', w('--clear', SVC));
add('flush/leftover', w('-C foo', SVC));
add('flush/keeps daemons', w('-C', [...SVC, ...DAEMON_M]));
add('zero/all', w('-Z', DESTS));
add('zero/one', w('-Z -t 10.0.0.1:80', DESTS));
add('zero/missing', w('-Z -t 10.0.0.9:80', DESTS));
add('zero/fwmark v6', w('-Z -f 6 -6', SVCF6));
add('zero/fwmark v6 as v4', w('-Z -f 6', SVCF6));
add('zero/udp long', w('--zero --udp-service=10.0.0.1:53', SVCU));
add('zero/empty kernel', w('-Z'));
add('zero/-r', w('-Z -t 10.0.0.1:80 -r 10.0.0.2', DESTS));

// ---- --set
add('set/values', w('--set 10 20 30'));
add('set/zeros keep', w('--set 0 0 0', ['--set 11 22 33']));
add('set/max', w('--set 2678400 2678400 2678400'));
add('set/over max', w('--set 2678401 1 1'));
add('set/two values', w('--set 10 20'));
add('set/no values', w('--set'));
add('set/four values', w('--set 10 20 30 40'));
add('set/not a number', w('--set a 2 3'));
add('set/hex', w('--set 0x10 1 1'));
add('set/leftover before', w('10 --set 20 30'));
add('set/whitespace plus octal', w(['--set', ' 5', '+6', '010']));
add('set/then list', r('-L --timeout', ['--set 1 2 3']));
add('set/list numeric timeout', r('-Ln --timeout', ['--set 100 0 7']));
add('set/second value bad', w('--set 1 x 3'));
add('set/negative third', w('--set 1 2 -3'));

// ---- listings (numeric, rich state)
add('list/-Ln empty', r('-Ln'));
add('list/-L empty', r('-L'));
add('list/-Ln', r('-Ln', RICH));
add('list/-L -n', r('-L -n', RICH));
add('list/-l -n', r('-l -n', RICH));
add('list/--list --numeric', r('--list --numeric', RICH));
add('list/stats', r('-Ln --stats', RICH));
add('list/rate', r('-Ln --rate', RICH));
add('list/stats exact', r('-Ln --stats --exact', RICH));
add('list/rate -X', r('-LnX --rate', RICH));
add('list/stats rate', r('-Ln --stats --rate', RICH));
add('list/thresholds', r('-Ln --thresholds', RICH));
add('list/persistent-conn', r('-Ln --persistent-conn', RICH));
add('list/tun-info', r('-Ln --tun-info', RICH));
add('list/nosort', r('-Ln --nosort', RICH));
add('list/sort', r('-Ln --sort', RICH));
add('list/exact alone', r('-Ln --exact', RICH));
add('list/thresholds persistent-conn', r('-Ln --thresholds --persistent-conn', RICH));
add('list/tun-info persistent-conn', r('-Ln --tun-info --persistent-conn', RICH));
add('list/stats thresholds', r('-Ln --stats --thresholds', RICH));
add('list/nosort tun-info', r('-Ln --nosort --tun-info', RICH));
add('list/one service', r('-Ln -t 192.168.1.10:80', RICH));
add('list/one service thresholds', r('-Ln -t 192.168.1.10:443 --thresholds', RICH));
add('list/one service stats', r('-Ln -u 192.168.1.10:53 --stats', RICH));
add('list/one service rate exact', r('-Ln -u 192.168.1.10:53 --rate --exact', RICH));
add('list/one fwmark v6', r('-Ln -f 7 -6', RICH));
add('list/one fwmark', r('-Ln -f 100', RICH));
add('list/one fwmark wrong family', r('-Ln -f 7', RICH));
add('list/one fwmark 2^31+1', r('-Ln -f 2147483649', RICH));
add('list/one v6 tun-info', r('-Ln -t [2001:db8::1]:8080 --tun-info', RICH));
add('list/one v6 persistent-conn', r('-Ln -t [2001:db8::2]:443 --persistent-conn', RICH));
add('list/one sctp', r('-Ln --sctp-service 192.168.1.20:3868', RICH));
add('list/one missing', r('-Ln -t 10.9.9.9:80', RICH));
add('list/one bundle', r('-Lnt192.168.1.10:80', RICH));
add('list/one nosort', r('-Ln -t 192.168.1.10:80 --nosort', RICH));
add('list/one mapped v6', r('-Ln -u [::ffff:10.0.0.1]:5353', RICH));
add('list/connections', r('-Lnc', RICH));
add('list/connections names', r('-L -c', RICH));
add('list/connections persistent-conn', r('-Lnc --persistent-conn', RICH));
add('list/connections nosort exact', r('-Lnc --nosort --exact', RICH));
add('list/timeout', r('-L --timeout', RICH));
add('list/daemon none', r('-L --daemon', RICH));
add('list/numeric timeout', r('-L -n --timeout', RICH));

// ---- listings without -n (names from /etc/hosts and /etc/services)
add('names/-L', r('-L', LOCAL));
add('names/-l', r('-l', LOCAL));
add('names/stats', r('-L --stats', LOCAL));
add('names/rate exact', r('-L --rate --exact', LOCAL));
add('names/thresholds', r('-L --thresholds', LOCAL));
add('names/persistent-conn', r('-L --persistent-conn', LOCAL));
add('names/tun-info', r('-L --tun-info', LOCAL));
add('names/nosort', r('-L --nosort', LOCAL));
add('names/-S', r('-S', LOCAL));
add('names/one service', r('-L -t localhost:http', LOCAL));
add('names/one udp service', r('-L -u 127.0.0.1:domain', LOCAL));
add('names/one fwmark v6', r('-L -f 4294967295 -6', LOCAL));
add('names/one sctp by name', r('-L --sctp-service localhost:amqp', LOCAL));
add('names/numeric vs names', r('-Ln', LOCAL));
add('names/save numeric', r('-Sn', LOCAL));

// ---- save
add('save/-Sn', r('-Sn', RICH));
add('save/-S -n', r('-S -n', RICH));
add('save/--save --numeric', r('--save --numeric', RICH));
add('save/empty', r('-S'));
add('save/multiple numeric', w('-S -n -n', RICH));
add('save/leftover', w('-Sn foo', RICH));
add('save/sh flag-3 only', r('-Sn', ['-A -t 10.0.0.1:80 -s sh -b flag-3']));
add('save/mh flag-3 only', r('-Sn', ['-A -t 10.0.0.1:80 -s mh -b flag-3', '-A -t 10.0.0.1:81 -s rr -b flag-3']));
add('save/pe without persistence', r('-Sn', ['-A -u 10.0.0.1:5060 --pe sip', '-A -u 10.0.0.1:5061 -p 5 --pe sip']));
add('save/mask without persistence', r('-Sn', ['-A -t 10.0.0.1:80 -M 255.255.255.0', '-A -t [2001:db8::1]:80 -M 64']));
add('save/fwmarks high', r('-Sn', ['-A -f 2147483647', '-A -f 2147483648', '-A -f 4294967295 -6', '-A -f 1', '-A -f 4294967294 -s rr']));
add('save/listing fwmarks high', r('-Ln', ['-A -f 2147483647', '-A -f 2147483648', '-A -f 4294967295 -6', '-A -f 1', '-A -f 4294967294 -s rr', '-A -t 10.0.0.1:80']));

// ---- restore
add('restore/basic', restore('-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2 -m\n'));
add('restore/long option', restore('-A -t 10.0.0.1:80\n', [], '--restore'));
add('restore/empty input', restore(''));
add('restore/only newlines', restore('\n\n  \n\t\n'));
add('restore/comment first', restore('# saved rules\n-A -t 10.0.0.1:80\n'));
add('restore/comment middle', restore('-A -t 10.0.0.1:80\n# comment\n-A -t 10.0.0.2:80\n'));
add('restore/trailing comment', restore('-A -t 10.0.0.1:80 # web\n-A -t 10.0.0.2:80\n'));
add('restore/no final newline', restore('-A -t 10.0.0.1:80\n-A -t 10.0.0.2:80'));
add('restore/no final newline trailing spaces', restore('-A -t 10.0.0.1:80\n-C   ', SVC));
add('restore/no final newline trailing tab', restore('-A -t 10.0.0.1:80\n-A -t 10.0.0.2:80\t'));
add('restore/crlf', restore('-A -t 10.0.0.1:80 -s rr\r\n-a -t 10.0.0.1:80 -r 10.0.0.2 -m\r\n'));
add('restore/crlf no final newline', restore('-A -t 10.0.0.1:80\r\n-A -t 10.0.0.2:80\r'));
add('restore/cr only', restore('-A -t 10.0.0.1:80\r-A -t 10.0.0.2:80\r'));
add('restore/ipvsadm word first', restore('ipvsadm -A -t 10.0.0.1:80\nipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2\n'));
add('restore/ipvsadm word middle', restore('-A ipvsadm -t 10.0.0.1:80 ipvsadm\n'));
add('restore/ipvsadm alone', restore('ipvsadm\n-A -t 10.0.0.1:80\nipvsadm   \n'));
add('restore/IPVSADM uppercase', restore('IPVSADM -A -t 10.0.0.1:80\n'));
add('restore/ipvsadm path', restore('/usr/sbin/ipvsadm -A -t 10.0.0.1:80\n'));
add('restore/tabs', restore('\t-A\t-t\t10.0.0.1:80\t-s\trr\t\n'));
add('restore/first fails last ok', restore('-A -t 10.0.0.1:80\n-A -t 10.0.0.2:80\n', SVC));
add('restore/last fails', restore('-A -t 10.0.0.2:80\n-A -t 10.0.0.1:80\n', SVC));
add('restore/kernel error then ok', restore('-a -t 10.0.0.9:80 -r 10.0.0.2\n-D -t 10.0.0.1:80\n', SVC));
add('restore/validation error aborts', restore('-A -t 10.0.0.1:80\n-A -t 10.0.0.2:0\n-A -t 10.0.0.3:80\n'));
add('restore/-6 error aborts', restore('-A -t 10.0.0.1:80\n-A -6 -f 1\n-A -t 10.0.0.3:80\n'));
add('restore/popt error mid', restore('-A -t 10.0.0.1:80\n-A --foo\n-A -t 10.0.0.3:80\n'));
add('restore/missing argument mid', restore('-A -t 10.0.0.1:80\n-A -t\n-A -t 10.0.0.3:80\n'));
add('restore/invalid option mid', restore('-A -t 10.0.0.1:80\n-L -L\n-A -t 10.0.0.3:80\n'));
add('restore/nested -R', restore('-A -t 10.0.0.1:80\n-R\n-A -t 10.0.0.3:80\n'));
add('restore/list inside', restore('-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2 -m\n-L -n\n-A -u 10.0.0.1:53\n'));
add('restore/save inside', restore('-A -t 10.0.0.1:80 -s rr\n-S -n\n-C\n'));
add('restore/set and timeout', restore('--set 10 20 30\n-L --timeout\n'));
add('restore/help inside', restore('-A -t 10.0.0.1:80\n-h\n-A -t 10.0.0.3:80\n'));
add('restore/version inside', restore('-A -t 10.0.0.1:80\n-v\n-A -t 10.0.0.3:80\n'));
add('restore/list missing service', restore('-L -n -t 10.0.0.9:80\n'));
add('restore/list missing then add', restore('-L -n -t 10.0.0.9:80\n-A -t 10.0.0.9:80\n'));
add('restore/leftover arg', restore('-A -t 10.0.0.1:80\n', [], '-R foo'));
add('restore/persistent at end of line', restore('-A -t 10.0.0.1:80 -p\n-A -t 10.0.0.2:80 -p\n'));
add('restore/flush then add', restore('-C\n-A -f 1 -6\n', RICH));
add('restore/daemon and list', restore('--start-daemon master --mcast-interface ipvs0 --syncid 3\n-L --daemon\n'));
add('restore/zero and delete', restore('-Z\n-d -t 10.0.0.1:80 -r 10.0.0.3\n-Z -t 10.0.0.1:80\n', DESTS));
add('restore/dash leftover line', restore('-\n-A -t 10.0.0.1:80\n'));
add('restore/many', restore(MANY1.join('\n') + '\n'));
add('restore/many crlf no final newline', restore(MANY2.join('\r\n')));
add('restore/edit lines', restore('-E -t 10.0.0.1:80 -s lc\n-e -t 10.0.0.1:80 -r 10.0.0.2:8080 -m -w 9\n', DESTS));

// ---- sync daemons
add('daemon/start master', w('--start-daemon master --mcast-interface ipvs0'));
add('daemon/start master syncid', w('--start-daemon master --mcast-interface ipvs0 --syncid 5'));
add('daemon/start backup', w('--start-daemon backup --mcast-interface ipvs0'));
add('daemon/start default eth0', w('--start-daemon master'));
add('daemon/start eth0', w('--start-daemon backup --mcast-interface eth0'));
add('daemon/start long ifname', w('--start-daemon master --mcast-interface ipvs0xxxxxxxxxxxxxxxx'));
add('daemon/start lo', w('--start-daemon master --mcast-interface lo'));
add('daemon/start twice', w('--start-daemon master --mcast-interface ipvs0', DAEMON_M));
add('daemon/start backup while master', w('--start-daemon backup --mcast-interface ipvs0 --syncid 9', DAEMON_M));
add('daemon/start bad state', w('--start-daemon slave --mcast-interface ipvs0'));
add('daemon/start long =', w('--start-daemon=backup --mcast-interface=ipvs0 --syncid=9'));
add('daemon/start all options v4', w('--start-daemon master --mcast-interface ipvs0 --syncid 255 --sync-maxlen 1000 --mcast-group 239.1.2.3 --mcast-port 9000 --mcast-ttl 5'));
add('daemon/start backup group', w('--start-daemon backup --mcast-interface ipvs0 --mcast-group 224.0.0.100 --mcast-port 1'));
add('daemon/start v6 group', w('--start-daemon master --mcast-interface ipvs0 --mcast-group ff05::1234 --mcast-ttl 255'));
add('daemon/start backup v6 group', w('--start-daemon backup --mcast-interface ipvs0 --mcast-group ff05::99 --mcast-port 65535'));
add('daemon/bad v4 group', w('--start-daemon master --mcast-interface ipvs0 --mcast-group 10.0.0.1'));
add('daemon/bad v4 group text', w('--start-daemon master --mcast-interface ipvs0 --mcast-group foo'));
add('daemon/bad v6 group', w('--start-daemon master --mcast-interface ipvs0 --mcast-group 2001:db8::1'));
add('daemon/bad v6 group text', w('--start-daemon master --mcast-interface ipvs0 --mcast-group ff05::zz'));
add('daemon/syncid 256', w('--start-daemon master --mcast-interface ipvs0 --syncid 256'));
add('daemon/syncid negative', w('--start-daemon master --mcast-interface ipvs0 --syncid -1'));
add('daemon/syncid 0', w('--start-daemon master --mcast-interface ipvs0 --syncid 0'));
add('daemon/maxlen 0', w('--start-daemon master --mcast-interface ipvs0 --sync-maxlen 0'));
add('daemon/maxlen max', w('--start-daemon master --mcast-interface ipvs0 --sync-maxlen 65507'));
add('daemon/maxlen over', w('--start-daemon master --mcast-interface ipvs0 --sync-maxlen 65508'));
add('daemon/maxlen 1', w('--start-daemon backup --mcast-interface ipvs0 --sync-maxlen 1'));
add('daemon/port 0', w('--start-daemon master --mcast-interface ipvs0 --mcast-port 0'));
add('daemon/port over', w('--start-daemon master --mcast-interface ipvs0 --mcast-port 65536'));
add('daemon/ttl 0', w('--start-daemon master --mcast-interface ipvs0 --mcast-ttl 0'));
add('daemon/ttl 256', w('--start-daemon master --mcast-interface ipvs0 --mcast-ttl 256'));
add('daemon/start leftover', w('--start-daemon master --mcast-interface ipvs0 foo'));
add('daemon/stop master', w('--stop-daemon master', DAEMON_M));
add('daemon/stop backup keeps master', w('--stop-daemon backup', [...DAEMON_M, ...DAEMON_B]));
add('daemon/stop none', w('--stop-daemon master'));
add('daemon/stop backup none', w('--stop-daemon backup', DAEMON_M));
add('daemon/stop bad state', w('--stop-daemon both', DAEMON_M));
add('daemon/stop long =', w('--stop-daemon=backup', DAEMON_B));
add('daemon/stop syncid', w('--stop-daemon master --syncid 3', DAEMON_M));
add('daemon/list both', r('-L --daemon', [...DAEMON_M, ...DAEMON_B]));
add('daemon/list numeric', r('-Ln --daemon', ['--start-daemon master --mcast-interface ipvs0 --mcast-group 239.9.9.9 --mcast-port 4000 --mcast-ttl 3 --sync-maxlen 512 --syncid 200']));
add('daemon/list v6 backup', r('-L --daemon', ['--start-daemon backup --mcast-interface ipvs0 --mcast-group ff05::77 --syncid 1']));
add('daemon/mixed family refused at start', w('--start-daemon master --mcast-interface ipvs0', [...SVC6, '-a -t [2001:db8::1]:80 -r 10.0.0.2:80 -i']));
add('daemon/mixed family refused at add', w('-a -t [2001:db8::1]:80 -r 10.0.0.2:80 -i', [...SVC6, ...DAEMON_M]));
add('daemon/same family ok while running', w('-a -t [2001:db8::1]:80 -r [2001:db8::2]:80 -i', [...SVC6, ...DAEMON_M]));
add('daemon/listing unaffected', r('-Ln', [...RICH.slice(0, 5), ...DAEMON_B]));

// ---- many services from a fixed-seed generator
add('many/-Ln', r('-Ln', MANY1));
add('many/nosort', r('-Ln --nosort', MANY1));
add('many/stats', r('-Ln --stats', MANY1));
add('many/rate', r('-Ln --rate', MANY1));
add('many/exact stats', r('-Ln --exact --stats', MANY1));
add('many/exact', r('-LnX', MANY1));
add('many/thresholds', r('-Ln --thresholds', MANY1));
add('many/persistent-conn', r('-Ln --persistent-conn', MANY1));
add('many/tun-info', r('-Ln --tun-info', MANY1));
add('many/-Sn', r('-Sn', MANY1));
add('many/zero', w('-Z', MANY1));
add('many/flush', w('-C', MANY1));
add('many/seed2 -Ln', r('-Ln', MANY2));
add('many/seed2 -Sn', r('-Sn', MANY2));
add('many/seed2 nosort tun-info', r('-Ln --nosort --tun-info', MANY2));
add('many/seed3 -Ln', r('-Ln', MANY3));
add('many/seed3 -Sn', r('-Sn', MANY3));
add('many/seed3 thresholds', r('-Ln --thresholds', MANY3));
add('many/local -L', r('-L', MANY_LOCAL));
add('many/local -S', r('-S', MANY_LOCAL));
add('many/local nosort', r('-L --nosort', MANY_LOCAL));
add('many/local stats', r('-L --stats', MANY_LOCAL));
add('many/local rate', r('-L --rate', MANY_LOCAL));
add('many/local tun-info', r('-L --tun-info', MANY_LOCAL));
add('many/local persistent-conn', r('-L --persistent-conn', MANY_LOCAL));
add('many/local thresholds', r('-L --thresholds', MANY_LOCAL));
add('many/local -Ln', r('-Ln', MANY_LOCAL));
add('many/dests v4 -Ln', r('-Ln', DESTS_V4));
add('many/dests v4 nosort', r('-Ln --nosort', DESTS_V4));
add('many/dests v4 -Sn', r('-Sn', DESTS_V4));
add('many/dests v6 mixed -Ln', r('-Ln', DESTS_V6));
add('many/dests v6 mixed -Sn', r('-Sn', DESTS_V6));
add('many/dests v6 mixed tun-info', r('-Ln --tun-info', DESTS_V6));
add('many/dests fwmark -Ln', r('-Ln', DESTS_FWM));
add('many/dests fwmark -L names', r('-L -f 77', ['-A -f 77', '-a -f 77 -r 127.0.0.1:80 -m', '-a -f 77 -r 127.0.0.1:443 -m', '-a -f 77 -r 127.0.0.1:22 -m']));
add('many/one service of many', r('-Ln -t 10.0.0.1:80 --stats', DESTS_V4));

// ---- second pass: spots where a reimplementation is likely to slip
add('extra/persistent long separate', w('-A -t 10.0.0.1:80 --persistent 30'));
add('extra/persistent then two values', w('-A -t 10.0.0.1:80 -p 30 40'));
add('extra/-p=5', w('-A -t 10.0.0.1:80 -p=5'));
add('extra/-t=addr', w('-A -t=10.0.0.1:80'));
add('extra/-w=5', w('-a -t 10.0.0.1:80 -r 10.0.0.2 -w=5', SVC));
add('extra/-t takes --', w('-A -t --'));
add('extra/-s takes -t', w('-A -s -t 10.0.0.1:80'));
add('extra/set with --', w('--set 1 -- 2 3'));
add('extra/list -- -t', w('-L -n -- -t'));
add('extra/weight trailing space', w(['-a', '-t', '10.0.0.1:80', '-r', '10.0.0.2', '-w', '5 '], SVC));
add('extra/fwmark trailing space', w(['-A', '-f', '12 ']));
add('extra/port trailing space', w(['-A', '-t', '10.0.0.1:80 ']));
add('extra/host five parts', w('-A -t 1.2.3.4.5:80'));
add('extra/hostname case', w('-A -t LocalHost:http'));
add('extra/port name case', w('-A -t 10.0.0.1:HTTP'));
add('extra/port alias www', w('-A -t 10.0.0.1:www'));
add('extra/port alias webcache', w('-A -t 10.0.0.1:webcache -p'));
add('extra/udp port alias snmptrap', w('-A -u 10.0.0.1:snmptrap'));
add('extra/port name sctp only on tcp', w('-A -t 10.0.0.1:amqp'));
add('extra/dest port alias', w('-a -t 10.0.0.1:80 -r 10.0.0.2:www -m', SVC));
add('extra/dest localhost on v6 service', w('-a -t [2001:db8::1]:80 -r localhost -m', SVC6));
add('extra/fwmark dest port name', w('-a -f 5 -r 10.0.0.2:http -m', SVCF));
add('extra/fwmark6 dest port name', w('-a -f 6 -6 -r [2001:db8::2]:https -m', SVCF6));
add('extra/fwmark6 bare dest', w('-a -f 6 -6 -r 2001:db8::2 -m', SVCF6));
add('extra/port 0 service dest copy', w('-a -t 10.0.0.1:0 -r 10.0.0.2 -g', ['-A -t 10.0.0.1:0 -p']));
add('extra/duplicate by other spelling', w('-A -t 10.1:80', SVC));
add('extra/duplicate v6 other spelling', w('-A -t [2001:0db8:0:0::1]:80', SVC6));
add('extra/-L -6 without -f', w('-L -6'));
add('extra/-L fwmark v6 missing', r('-Ln -f 5 -6', SVCF));
add('extra/-L by name numeric', r('-L -n -t localhost:www', ['-A -t 127.0.0.1:80']));
add('extra/-Z sctp', w('-Z --sctp-service 10.0.0.1:3868', SVCS));
add('extra/-A --sort', w('-A -t 10.0.0.1:80 --sort'));
add('extra/-C --sort', w('-C --sort', SVC));
add('extra/-h --sort', w('-h --sort'));
add('extra/ipv6 long before fwmark', w('--add-service --ipv6 --fwmark-service 3'));
add('extra/ops and persistence', r('-Ln', ['-A -u 10.0.0.1:53 -o -p', '-A -f 9 -o -p 5 --pe sip', '-A -f 10 -6 -o -s sh -b sh-port,sh-fallback']));
add('extra/edit v6 mask bad', w('-E -t [2001:db8::1]:80 -p -M 200', SVC6));
add('extra/edit tunnel resets to ipip', w('-e -t 10.0.0.1:80 -r 10.0.0.2 -i', [...SVC, '-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gue --tun-port 9 --tun-csum']));
add('extra/edit weight keeps tunnel?', w('-e -t 10.0.0.1:80 -r 10.0.0.2 -i -w 4 --tun-type gue --tun-port 10', [...SVC, '-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gue --tun-port 9 --tun-csum']));
add('extra/long port names listing', r('-L', ['-A -t 127.0.0.1:8990 -s rr', '-a -t 127.0.0.1:8990 -r 127.0.0.1:8990 -m', '-a -t 127.0.0.1:8990 -r 127.0.0.1:10051 -m', '-A -u 127.0.0.1:751 -p', '-a -u 127.0.0.1:751 -r 127.0.0.1:7000 -m']));
add('extra/long port names stats', r('-L --stats --exact', ['-A -t 127.0.0.1:8990 -s rr', '-a -t 127.0.0.1:8990 -r 127.0.0.1:10051 -m']));
add('extra/long port names save', r('-S', ['-A -t 127.0.0.1:8990 -s rr', '-a -t 127.0.0.1:8990 -r 127.0.0.1:10051 -m']));
add('extra/restore one trailing space', restore('-A -t 10.0.0.1:80\n-A -t 10.0.0.2:80 '));
add('extra/restore one trailing tab', restore('-A -t 10.0.0.1:80\n-A -t 10.0.0.2:80\t'));
add('extra/restore two trailing spaces', restore('-A -t 10.0.0.1:80\n-A -t 10.0.0.2:80  '));
add('extra/restore trailing cr then space', restore('-A -t 10.0.0.1:80\n-A -t 10.0.0.2:80\r '));
add('extra/restore leading spaces no newline', restore('-A -t 10.0.0.1:80\n   -A -t 10.0.0.2:80'));
add('extra/restore blank last line spaces', restore('-A -t 10.0.0.1:80\n   '));
add('extra/restore only ipvsadm no newline', restore('-A -t 10.0.0.1:80\nipvsadm'));
add('extra/restore NUL in token', restore('-A -t 10.0.0.1:80\0xyz -s rr\n'));
add('extra/restore form feed', restore('-A\f-t 10.0.0.1:80\n-A -t 10.0.0.2:80\n'));
add('extra/restore vertical tab', restore('-A -t 10.0.0.1:80\v\n-A -t 10.0.0.2:80\n'));
add('extra/restore nbsp', restore('-A\xa0-t 10.0.0.1:80\n-A -t 10.0.0.2:80\n'));
add('extra/restore latin1 byte', restore('-A -f \xe9\n'));
add('extra/restore latin1 scheduler', restore('-A -t 10.0.0.1:80 -s r\xe9\n'));
add('extra/restore long token', restore(`-A -t 10.0.0.1:80 -s ${'x'.repeat(5000)}\n`));
add('extra/restore many tokens', restore(`-L -n${' --sort'.repeat(1500)}\n`, SVC));
add('extra/restore ipvsadm with NUL', restore('ipvsadm\0x -A -t 10.0.0.1:80\n'));
add('extra/restore hash glued', restore('-A -t 10.0.0.1:80#x\n'));
add('extra/restore empty line then EOF token', restore('\n\n-A -t 10.0.0.1:80'));
add('extra/restore two -R args', restore('-C\n', [], '-R -R'));
add('extra/restore --restore=x', restore('-C\n', [], '--restore=x'));
for (const seed of [1, 2, 3, 4, 5, 6]) {
  const setup = genServices(1000 + seed * 7919, 40 + seed, { maxDests: 3 });
  add(`many/seed ${1000 + seed * 7919} -Ln`, r('-Ln', setup));
  add(`many/seed ${1000 + seed * 7919} -Sn`, r('-Sn', setup));
}
for (const seed of [11, 12, 13, 14]) {
  add(`many/dests seed ${seed} v4`, r('-Ln', genDests(seed, '-u 192.168.0.1:53', 53, 36, false)));
  add(`many/dests seed ${seed} v6`, r('-Ln', genDests(seed, '-f 9 -6', null, 36, true)));
}

// ---- IPv6 text forms (glibc inet_ntop) and sort-order corners
const V6FORMS = [
  '::1:2', '::10.1.2.3', '::ffff:0:1', '::2', '2001:db8:0:0:1:0:0:1', '2001:db8:0:1:1:1:1:1', '1:0:0:2:0:0:0:3',
  '::', '1::', '::ffff:1.2.3.4', '::ffff:0.0.0.0', '::0.0.1.0', '64:ff9b::1.2.3.4', 'fe80::1', 'ff02::1:ff00:1',
  '2001:DB8::ABCD', '0:0:0:0:0:ffff:ffff:ffff', '0:0:1::', '2001:db8::1:0:0:0', '::ffff:ffff:0:1',
];
const V6SETUP = V6FORMS.map((a, i) => `-A -t [${a}]:${8000 + i} -s rr`);
add('v6text/-Ln', r('-Ln', V6SETUP));
add('v6text/-Sn', r('-Sn', V6SETUP));
add('v6text/nosort', r('-Ln --nosort', V6SETUP));
add('v6text/dests', r('-Ln', ['-A -t [2001:db8::1]:80 -s rr', ...['2001:db8::10.1.2.3', '2001:db8:0:0:1::1', 'fd00::ffff:0:1', '2001:db8:ffff::', 'fd00:0:0:0:0:0:0:1', '2001:db8:1:2:3:4:5:6'].map((a) => `-a -t [2001:db8::1]:80 -r [${a}]:80 -m`)]));
add('v6text/one service by long form', r('-Ln -t [0:0:0:0:0:ffff:102:304]:8009', V6SETUP));
add('sort/protocols and ports', r('-Ln', [
  '-A --sctp-service 10.0.0.1:80', '-A -u 10.0.0.1:80', '-A -t 10.0.0.1:80', '-A -t 10.0.0.1:1', '-A -t 10.0.0.1:65535',
  '-A -u 10.0.0.1:0 -p', '-A -f 5', '-A -f 5 -6', '-A -f 4', '-A -f 2147483648', '-A -f 2147483647', '-A -t [::1]:80',
  '-A -u [::1]:80', '-A -t 0.0.0.0:80', '-A -t 255.255.255.255:80', '-A -t 127.255.255.255:80', '-A -t 128.0.0.0:80',
]));
add('sort/dests same address', r('-Ln', [
  '-A -f 1 -s rr', '-a -f 1 -r 10.0.0.2:80 -m', '-a -f 1 -r 10.0.0.2:8080 -m', '-a -f 1 -r 10.0.0.2:0 -m',
  '-a -f 1 -r 192.168.0.2:80 -m', '-a -f 1 -r [2001:db8::2]:80 -i', '-a -f 1 -r [fd00::2]:80 -i', '-a -f 1 -r 172.16.0.2:1 -g',
  '-a -f 1 -r 10.0.0.1:65535 -m', '-a -f 1 -r [2001:db8::2]:81 -i',
]));
add('sort/dests across 2^31 save', r('-Sn', [
  '-A -t 10.0.0.1:80', '-a -t 10.0.0.1:80 -r 10.0.0.2 -m', '-a -t 10.0.0.1:80 -r 192.168.0.2 -m', '-a -t 10.0.0.1:80 -r 172.16.0.2 -m',
  '-a -t 10.0.0.1:80 -r 10.200.0.2 -m', '-a -t 10.0.0.1:80 -r 192.168.200.2 -m', '-a -t 10.0.0.1:80 -r 172.20.0.2 -m',
]));
add('daemon/link-local v6 group', w('--start-daemon master --mcast-interface ipvs0 --mcast-group ff02::1'));
add('daemon/explicit default group', w('--start-daemon backup --mcast-interface ipvs0 --mcast-group 224.0.0.81 --mcast-port 8848 --mcast-ttl 1'));
add('daemon/small maxlen master', w('--start-daemon master --mcast-interface ipvs0 --sync-maxlen 100'));
add('daemon/v6 group on lo', w('--start-daemon master --mcast-interface lo --mcast-group ff05::5'));
add('daemon/zero while running', w('-Z', [...DESTS, ...DAEMON_M]));
add('daemon/restore clear keeps daemon', restore('-C\n-L --daemon\n', [...SVC, ...DAEMON_B]));

// ---- restore: how the last line decides the exit status, and early exits
add('restore/popt error last', restore('-A -t 10.0.0.1:80\n-A --foo\n'));
add('restore/listing failure last', restore('-A -t 10.0.0.1:80\n-L -n -t 10.0.0.9:80\n'));
add('restore/--help mid', restore('-A -t 10.0.0.1:80\n--help\n-A -t 10.0.0.3:80\n'));
add('restore/--version last', restore('-A -t 10.0.0.1:80\n--version\n'));
add('restore/list conflict mid', restore('-A -t 10.0.0.1:80\n-L -c --stats\n-A -t 10.0.0.3:80\n'));
add('restore/stop daemon inside', restore('--stop-daemon master\n--stop-daemon master\n', DAEMON_M));
add('restore/-R not first', restore('-A -t 10.0.0.1:80\n-L -R\n-A -t 10.0.0.3:80\n'));

// ---- reverse/forward look-ups that go to DNS (about 10 s per tool in the guest)
add('slow-dns/-S v4', r('-S', ['-A -t 10.0.0.1:80 -s rr']));
add('slow-dns/-L one v6', r('-L -t [2001:db8::1]:443', ['-A -t [2001:db8::1]:443 -s rr']));

export default Object.fromEntries(cases) as Record<string, DiffCase>;
