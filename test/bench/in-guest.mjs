// `npm run bench`, inside the test guest: runs every row of benchmarks.mjs (or those whose name
// contains one of the arguments), prints progress on stderr and the result table on stdout.
//
//   node test/bench/in-guest.mjs [name-filter...]

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchmarks } from './benchmarks.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const IPVSADM = process.env.IPVSADM ?? '/usr/sbin/ipvsadm';
const TSIPVSADM = join(ROOT, 'bin/tsipvsadm');
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const log = (text) => process.stderr.write(`bench: ${text}\n`);

function run(argv, stdin = '') {
  const r = spawnSync(argv[0], argv.slice(1), { input: stdin, encoding: 'latin1', maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? 128 };
}

function ipvsadm(args, stdin = '') {
  const r = run([IPVSADM, ...args], stdin);
  if (r.status !== 0 || r.stderr) throw new Error(`ipvsadm ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

// Connection flood: one UDP datagram per flow, sources 10.150.0.H:P, from a raw socket (IPVS
// schedules locally sent packets at LOCAL_OUT, so no namespace is needed). The C flooder
// (flood.c, built on the host by run.mjs when a compiler is there) sends 1024 per system call;
// this python fallback sends one at a time, far slower under emulation.
const FLOOD_BIN = join(ROOT, '.cache/bench/flood');
const FLOOD = `
import socket, struct, sys
dst, dport, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
for k in range(count):
    src = socket.inet_aton('10.150.0.%d' % (1 + k // 60000))
    head = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 28, 0, 0, 64, socket.IPPROTO_UDP, 0, src, socket.inet_aton(dst))
    s.sendto(head + struct.pack('!HHHH', 1024 + k % 60000, dport, 8, 0), (dst, 0))
print('SENT', count, flush=True)
`;

// The kernel's floor for a row (floor.c, built on the host by run.mjs): a write floor sends a
// restore row's requests from one socket, 64 in flight; a read floor makes a listing's dumps one
// after another on one socket; both with next to no user-space work.
const FLOOR_BIN = join(ROOT, '.cache/bench/floor');
// The Node floor of a row (node-floor.js): the same kernel work from the least JavaScript over
// node-netlink, run as a command like tsipvsadm (through its `#!/usr/bin/env node` line), Node's
// start included: what no command written for Node with this socket can go under.
const NODE_FLOOR = join(ROOT, 'test/bench/node-floor.js');

const EXPIRE = /^(\S+ )(\d+):(\d\d)( +)(.*)$/;

/** Helpers the rows use to prepare the kernel. */
const h = {
  /** No services, default timeouts. */
  clear() {
    ipvsadm(['-C']);
    ipvsadm(['--set', '900', '120', '300']);
  },
  /** A table built by ipvsadm -R from `text`. */
  build(text) {
    h.clear();
    ipvsadm(['-R'], text);
  },
  /** Everything a change could touch: -S -n, timeouts, daemons. */
  state() {
    return ipvsadm(['-S', '-n']) + ipvsadm(['-L', '--timeout']) + ipvsadm(['-L', '--daemon']);
  },
  /** `count` UDP connections through one NAT service (timeout raised so they outlive the row). */
  connections(count) {
    h.clear();
    ipvsadm(['--set', '0', '0', '3600']);
    ipvsadm(['-A', '-u', '10.100.0.1:53', '-s', 'rr']);
    ipvsadm(['-a', '-u', '10.100.0.1:53', '-r', '10.200.0.1:53', '-m']);
    const t0 = Date.now();
    const flood = existsSync(FLOOD_BIN) ? [FLOOD_BIN] : ['python3', '-c', FLOOD];
    const r = run([...flood, '10.100.0.1', '53', String(count)]);
    if (r.status !== 0) throw new Error(`flood failed: ${r.stderr}`);
    const rows = readFileSync('/proc/net/ip_vs_conn', 'latin1').split('\n').length - 2;
    log(`${rows} connections made in ${((Date.now() - t0) / 1000).toFixed(1)} s (${flood[0]})`);
    if (rows < count) throw new Error(`only ${rows} of ${count} connections exist`);
  },
  /** The expire countdown of -c rows as #, its width kept. */
  maskExpire(text) {
    return text
      .split('\n')
      .map((l) => {
        const m = EXPIRE.exec(l);
        return m ? `${m[1]}${'#'.repeat(m[2].length + 3 + m[4].length)}${m[5]}` : l;
      })
      .join('\n');
  },
};

function timed(argv, stdin) {
  const t0 = process.hrtime.bigint();
  const r = run(argv, stdin);
  return { ...r, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

/** Peak RSS in MiB of one run, by GNU time. */
function peakRss(argv, stdin) {
  if (!GNU_TIME) return undefined;
  const r = run([GNU_TIME, '-f', 'PEAK %M', ...argv], stdin);
  const m = /PEAK (\d+)\s*$/.exec(r.stderr);
  return m ? Number(m[1]) / 1024 : undefined;
}

function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `at byte ${i}: ${JSON.stringify(a.slice(i, i + 60))} vs ${JSON.stringify(b.slice(i, i + 60))}`;
}

function runRow(row) {
  row.setup?.(h);
  const stdin = row.stdin ? row.stdin() : '';
  // A baseline argv may name tsipvsadm itself (e.g. apply against tsipvsadm's own -S -n).
  const baselineArgv = row.baseline?.argv.map((a) => (a === 'TSIPVSADM' ? TSIPVSADM : a));
  const baselineStdin = row.baseline ? (typeof row.baseline.stdin === 'function' ? row.baseline.stdin() : row.baseline.stdin ?? '') : stdin;
  const tools = [
    { key: 'baseline', argv: baselineArgv ?? [IPVSADM, ...row.args], stdin: baselineStdin },
    // `ours.viaNode`: run as `node bin/tsipvsadm`, without the `#!/usr/bin/env node` hop.
    { key: 'tsipvsadm', argv: [...(row.ours?.viaNode ? ['node'] : []), TSIPVSADM, ...(row.ours?.args ?? row.args)], stdin },
  ];
  const best = { baseline: Infinity, tsipvsadm: Infinity };
  const last = {};
  for (let i = 0; i < row.runs; i++) {
    for (const tool of tools) {
      row.before?.(h);
      const r = timed(tool.argv, tool.stdin);
      best[tool.key] = Math.min(best[tool.key], r.seconds);
      if (i === row.runs - 1) {
        last[tool.key] = r;
        if (row.compare.includes('state')) r.state = h.state();
      }
    }
  }
  const problems = [];
  for (const what of row.compare) {
    let a = last.baseline[what];
    let b = last.tsipvsadm[what];
    if (what === 'stdout' && row.mask) [a, b] = [row.mask(h, a), row.mask(h, b)];
    if (a !== b) problems.push(`${what} differs ${typeof a === 'string' ? firstDifference(a, b) : `${a} vs ${b}`}`);
  }
  if (row.compare.includes('status') && last.tsipvsadm.status !== 0) problems.push(`exit status ${last.tsipvsadm.status}`);
  let floor;
  let nodeFloor;
  // Each floor best of the row's runs, each from the state the row's runs start from; it must
  // leave the baseline's state.
  const timeFloor = (label, argv) => {
    let best;
    for (let i = 0; i < row.runs; i++) {
      row.before?.(h);
      const r = timed(argv);
      log(`  ${label}: ${r.stdout.trim() || r.stderr.trim()} (wall ${r.seconds.toFixed(3)} s)`);
      if (r.status !== 0) {
        problems.push(`${label} failed: ${r.stderr}`);
        return r;
      }
      if (last.baseline.state !== undefined && h.state() !== last.baseline.state) problems.push(`${label} left another state`);
      if (!best || r.seconds < best.seconds) best = r;
    }
    return best;
  };
  if (row.floor && row.floor.kernel !== false && existsSync(FLOOR_BIN)) {
    const r = timeFloor(`${row.floor.kind} floor`, [FLOOR_BIN, ...row.floor.args.map(String)]);
    // FLOOR <requests or dumps> <seconds> [<real servers> <edits>]
    const [, count, , dests, edits] = r.stdout.trim().split(' ').map(Number);
    floor = { kind: row.floor.kind, seconds: r.seconds, count, dests, edits };
  }
  if (row.floor) nodeFloor = { seconds: timeFloor('Node floor', [...(row.ours?.viaNode ? ['node'] : []), NODE_FLOOR, ...row.floor.args.map(String)]).seconds };
  let memory;
  if (row.memory) {
    memory = { baseline: peakRss(tools[0].argv, tools[0].stdin), tsipvsadm: peakRss(tools[1].argv, tools[1].stdin) };
  }
  return { name: row.name, baselineLabel: row.baseline?.label, runs: row.runs, compared: row.compare.length > 0, best, problems, memory, floor, nodeFloor, target: row.target };
}

const filters = process.argv.slice(2);
const rows = benchmarks.filter((b) => filters.length === 0 || filters.some((f) => b.name.includes(f)));
const results = [];
const started = Date.now();
for (const row of rows) {
  log(`${row.name} (best of ${row.runs}) ...`);
  const r = runRow(row);
  log(`  ipvsadm ${r.best.baseline.toFixed(3)} s, tsipvsadm ${r.best.tsipvsadm.toFixed(3)} s${r.problems.length ? ' MISMATCH: ' + r.problems.join('; ') : ''}`);
  results.push(r);
}

const s = (x) => `${x.toFixed(2)} s`;
const mib = (x) => (x === undefined ? '?' : `${x.toFixed(0)} MiB`);
const lines = [
  '| benchmark | ipvsadm | tsipvsadm | ratio (ipvsadm / tsipvsadm) | same output and state |',
  '|---|---|---|---|---|',
];
for (const r of results) {
  const base = r.baselineLabel ? `${s(r.best.baseline)} (\`${r.baselineLabel}\`)` : s(r.best.baseline);
  const ratio = r.best.baseline / r.best.tsipvsadm;
  const ratioText = r.baselineLabel ? `${ratio.toFixed(2)} (tsipvsadm takes ${(1 / ratio).toFixed(2)}× \`${r.baselineLabel}\`)` : ratio.toFixed(2);
  const check = r.problems.length ? `**no**: ${r.problems.join('; ')}` : r.compared ? 'yes' : 'n/a';
  const mem = r.memory ? ` (peak RSS: ipvsadm ${mib(r.memory.baseline)}, tsipvsadm ${mib(r.memory.tsipvsadm)})` : '';
  lines.push(`| ${r.name}${mem} | ${base} | ${s(r.best.tsipvsadm)} | ${ratioText} | ${check} |`);
}
const loadavg = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`\nBest of N wall-clock times, one guest run (kernel ${process.env.TSIPVSADM_VM_KERNEL ?? 'unknown'}, node ${process.version}, guest load ${loadavg}, ${((Date.now() - started) / 60000).toFixed(1)} min):\n`);
console.log(lines.join('\n'));
// Best possible ratio: the baseline's time over the floor's, i.e. the ratio of a client that took
// no time of its own. Below a row's target, no single-threaded client can meet it.
const floorLine = (r, what) =>
  `- ${r.name}: ${what} ${s(r.floor.seconds)}; ipvsadm ${(r.best.baseline / r.floor.seconds).toFixed(2)}× the floor, tsipvsadm ${(r.best.tsipvsadm / r.floor.seconds).toFixed(2)}×; best possible ratio ${(r.best.baseline / r.floor.seconds).toFixed(2)}`;
const writeFloors = results.filter((r) => r.floor?.kind === 'write');
if (writeFloors.length) {
  console.log(`\nWRITE floors, the kernel's time to take the row's changes (test/bench/floor.c SERVICES DESTS: the same requests from one socket, 64 in flight, next to no user-space work; best of the row's runs):\n`);
  for (const r of writeFloors) console.log(floorLine(r, `write floor (${r.floor.count} requests)`));
}
const readFloors = results.filter((r) => r.floor?.kind === 'read');
if (readFloors.length) {
  console.log(`\nREAD floors, the kernel's time to dump the table (test/bench/floor.c --read: one service dump, then one destination dump per service, one after another on one socket, every reply read to NLMSG_DONE and not decoded; an apply's floor adds its edits, 64 in flight; best of the row's runs):\n`);
  for (const r of readFloors) {
    const edits = r.floor.edits ? ` + ${r.floor.edits} edits` : '';
    console.log(floorLine(r, `read floor (${r.floor.count} dumps, ${r.floor.dests} real servers${edits})`));
  }
}
// Each target against the best ratio a Node command over node-netlink could reach (the baseline's
// time over the Node floor's) and, where there is one, any client (over the kernel floor's).
const targeted = results.filter((r) => r.target !== undefined);
if (targeted.length) {
  console.log(`\nTARGETS, and what bounds them (Node floor: test/bench/node-floor.js, the same kernel work from the least JavaScript over node-netlink, run as a command, Node's start included; best of the row's runs):\n`);
  for (const r of targeted) {
    const ratio = r.best.baseline / r.best.tsipvsadm;
    const parts = [`target ≥ ${r.target}, measured ${ratio.toFixed(2)}: ${ratio >= r.target ? 'met' : 'not met'}`];
    if (r.nodeFloor) {
      const best = r.best.baseline / r.nodeFloor.seconds;
      parts.push(`Node floor ${s(r.nodeFloor.seconds)}, tsipvsadm ${(r.best.tsipvsadm / r.nodeFloor.seconds).toFixed(2)}× it, best possible for a Node command ${best.toFixed(2)}${best < r.target ? ' (out of its reach)' : ''}`);
    }
    if (r.floor) {
      const best = r.best.baseline / r.floor.seconds;
      // A read floor binds every client; floor.c's write floor sends a request per system call,
      // and a client that batches can go a little under it.
      if (r.floor.kind === 'read') parts.push(`best possible for any client ${best.toFixed(2)}${best < r.target ? ' (out of reach)' : ''}`);
      else parts.push(`over floor.c's write floor (unbatched) ${best.toFixed(2)}`);
    }
    console.log(`- ${r.name}: ${parts.join('; ')}`);
  }
}
process.exitCode = results.some((r) => r.problems.length) ? 1 : 0;
