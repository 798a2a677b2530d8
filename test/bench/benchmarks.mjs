// The benchmark table of `npm run bench`: each row times a baseline (Debian's ipvsadm unless a
// row says otherwise) against tsipvsadm, best of `runs`, and checks that both produced the same
// output and kernel state. Add a row by appending an object; the fields are documented on the
// first one. Everything here runs inside the test guest (see in-guest.mjs for the helpers).

import { fileURLToPath } from 'node:url';

/**
 * -R input of `services` TCP services with `dests` NAT real servers each, as -S -n writes it. With
 * `changedEvery` N, every Nth service gets another scheduler and its servers another weight (the
 * same table with some services changed, for apply).
 */
export function rules(services, dests, changedEvery = 0) {
  const lines = [];
  for (let s = 0; s < services; s++) {
    const vip = `10.${1 + (s >> 16)}.${(s >> 8) & 255}.${s & 255}:80`;
    const changed = changedEvery > 0 && s % changedEvery === 0;
    lines.push(`-A -t ${vip} -s ${changed ? 'wrr' : 'wlc'}`);
    for (let d = 0; d < dests; d++) lines.push(`-a -t ${vip} -r 10.200.${d >> 8}.${(d & 255) + 1}:80 -m -w ${changed ? 2 : 1}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * A kernel floor (test/bench/floor.c), timed beside a row (best of the row's runs), each time from
 * the state the row's runs start from: the kernel's own time for the row's work. A `write` floor
 * sends the row's own requests (those of a bulk restore of rules()) from one socket, 64 in flight,
 * one to a system call: a client that batches them, as tsipvsadm does, can go a little under it.
 * A `read` floor makes the dumps any listing needs (one of the services, then one of the real
 * servers per service, one after another), which no client can go under; with `changeEvery` it
 * then sends the edits of rules(.., changeEvery), 64 in flight.
 */
const writeFloor = (services, dests) => ({ kind: 'write', args: [services, dests] });
const readFloor = (changeEvery = 0) => ({ kind: 'read', args: changeEvery ? ['--read', changeEvery] : ['--read'] });

/** The apply row that changes 1 % of the services: every 100th gets another scheduler and weight. */
const CHANGE_EVERY = 100;

const restoreRow = (services, dests, runs) => ({
  name: `restore (\`-R\`) ${services} services × ${dests} real servers`,
  runs,
  /** Before every timed run of either tool: here, an empty table. */
  before: (h) => h.clear(),
  /** The command line both tools run; `stdin` is a function so the text is built once, lazily. */
  args: ['-R'],
  stdin: () => rules(services, dests),
  /** What must be equal between the baseline and tsipvsadm after their last runs. */
  compare: ['stdout', 'stderr', 'status', 'state'],
  /** Also time the kernel's floor for this row: writeFloor() or readFloor(), above. The Node
   * floor (node-floor.js) is timed with the same arguments. */
  floor: writeFloor(services, dests),
  /** Issue 7's target for the ratio (ipvsadm / tsipvsadm), when it sets one. */
  target: 5,
});

const listRow = (args, services, dests, runs) => ({
  name: `\`${args.join(' ')}\` ${services} × ${dests}`,
  runs,
  /** Once, before the row's runs. */
  setup: (h) => h.build(rules(services, dests)),
  args,
  compare: ['stdout', 'stderr', 'status'],
  floor: readFloor(),
  target: services >= 16000 ? 3 : 1.5,
});

/** Issue 9's targets for `apply`, each against the baseline its target names. */
const applyRows = (services) => [
  {
    name: `apply ${services} × 1 onto an empty table, against \`ipvsadm -R\` of the same file (target ≥ 5)`,
    runs: 2,
    before: (h) => h.clear(),
    args: ['-R'],
    stdin: () => rules(services, 1),
    /** tsipvsadm's command line when it is not the baseline's (here the file comes on stdin). */
    ours: { args: ['apply', '-'] },
    compare: ['state'],
    floor: writeFloor(services, 1),
    target: 5,
  },
  {
    name: `apply changing 1 % of ${services} × 1, against a full restore (\`ipvsadm -C\` then \`ipvsadm -R\` of the new file; target ≥ 10)`,
    runs: 2,
    before: (h) => h.build(rules(services, 1)),
    baseline: { label: 'ipvsadm -C; ipvsadm -R', argv: ['sh', '-c', '"$0" -C && exec "$0" -R', '/usr/sbin/ipvsadm'], stdin: () => rules(services, 1, CHANGE_EVERY) },
    stdin: () => rules(services, 1, CHANGE_EVERY),
    ours: { args: ['apply', '-'] },
    compare: ['state'],
    /** A change must read the whole table first: the read, then the 1 % of edits. */
    floor: readFloor(CHANGE_EVERY),
    target: 10,
  },
  {
    name: `no-op apply of ${services} × 1, against tsipvsadm's own \`-S -n\` (target ≥ 0.67, i.e. within 1.5×)`,
    runs: 2,
    setup: (h) => h.build(rules(services, 1)),
    baseline: { label: 'tsipvsadm -S -n', argv: ['TSIPVSADM', '-S', '-n'] },
    stdin: () => rules(services, 1),
    ours: { args: ['apply', '-'] },
    compare: ['state'],
    target: 0.67,
  },
];

/** Connections for the -c row: UDP flows from distinct source addresses and ports. */
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100_000);

export const benchmarks = [
  restoreRow(1000, 4, 3),
  listRow(['-S', '-n'], 1000, 4, 3),
  listRow(['-L', '-n'], 1000, 4, 3),
  restoreRow(16000, 1, 2),
  listRow(['-S', '-n'], 16000, 1, 2),
  listRow(['-L', '-n'], 16000, 1, 2),
  ...applyRows(16000),
  {
    name: `\`-L -n -c\`, ${CONNECTIONS.toLocaleString('en')} connections`,
    runs: 2,
    setup: (h) => h.connections(CONNECTIONS),
    args: ['-L', '-n', '-c'],
    compare: ['stdout', 'stderr', 'status'],
    /** Applied to stdout before comparing: the expire countdown moves between the runs. */
    mask: (h, text) => h.maskExpire(text),
    /** Also report each tool's peak RSS (one extra run each). */
    memory: true,
    target: 1,
  },
  {
    name: 'one `-L -n`, empty table',
    runs: 6,
    setup: (h) => h.clear(),
    args: ['-L', '-n'],
    compare: ['stdout', 'stderr', 'status'],
  },
  {
    name: 'start: bare `node -e 0` against one tsipvsadm `-L -n` (empty table)',
    runs: 6,
    setup: (h) => h.clear(),
    /** A baseline other than ipvsadm: label, and its argv. */
    baseline: { label: 'node -e 0', argv: ['node', '-e', '0'] },
    args: ['-L', '-n'],
    compare: [],
    // Within 1.3× of `node -e 0`. The Node floor's read of an empty table (the family look-up and
    // one service dump) is the least a command over node-netlink does for it; the kernel's own
    // floor is a millisecond and says nothing here.
    target: 0.77,
    floor: { ...readFloor(), kernel: false },
  },
  {
    name: 'start: bare `node -e 0` against one `node bin/tsipvsadm -L -n` (empty table; no `env` hop)',
    runs: 6,
    setup: (h) => h.clear(),
    baseline: { label: 'node -e 0', argv: ['node', '-e', '0'] },
    args: ['-L', '-n'],
    // The same command started by node itself, as a shell alias or a wrapper would: what the
    // `#!/usr/bin/env node` line costs is the difference from the row above.
    ours: { viaNode: true },
    compare: [],
    target: 0.77,
    floor: { ...readFloor(), kernel: false },
  },
  {
    name: 'start: node running an empty script file against one tsipvsadm `-L -n` (empty table)',
    runs: 6,
    setup: (h) => h.clear(),
    // Unlike `-e 0`, a script file is looked up (realpath), its package.json read and the file
    // compiled, as for any command written in JavaScript: the floor for one.
    baseline: { label: 'node test/bench/empty.js', argv: ['node', fileURLToPath(new URL('./empty.js', import.meta.url))] },
    args: ['-L', '-n'],
    compare: [],
  },
];
