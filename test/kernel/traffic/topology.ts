// Live-traffic topology for the kernel suite: network namespaces and veth pairs in the test guest,
// small TCP/UDP peers (peer.mjs) in them, and the tools run inside a namespace: tsipvsadm (the
// program under test, `ip netns exec NS node bin/tsipvsadm ...`) and Debian's ipvsadm (the
// reference). Runs only inside the test guest (as root).
//
//   client (PREFIX-cl)                 director (PREFIX-dir)                   real servers
//   eth0 10.1.0.2-.9/24  ── veth ──  cl0 10.1.0.1/24                          (PREFIX-rsN)
//        fd00:1::2/64                    fd00:1::1/64                          eth0 10.2.0.1N/24
//                                        VIPs 10.1.0.100, fd00:1::100               fd00:2::1N/64
//                                    br0 10.2.0.1/24, fd00:2::1/64 ── veth ──  lo: the VIPs (-g, -i)
//                                    dum0 10.8.0.1/24 (a black hole)           tunl0/ip6tnl0 up
//                                    sync0 10.3.0.1/24 ── veth ──  (backup director PREFIX-bk)
//                                                                    sync0 10.3.0.2/24
//
// The real servers route everything through the director (NAT needs that), and their VIPs sit on
// lo with arp_ignore=1 / arp_announce=2 (for -g and -i). Replies under -g/-i therefore come back
// through the director as plain forwarded packets whose source is the director's own VIP, which
// the director accepts with accept_local=1. The client is on another subnet than the real
// servers, so NAT replies cannot bypass the director.

import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../../..');
export const TSIPVSADM_BIN = join(ROOT, 'bin/tsipvsadm');
export const PEER = join(__dirname, 'peer.mjs');
export const IPVSADM_BIN = process.env.IPVSADM ?? '/usr/sbin/ipvsadm';
// Debian's interpreter by path: a python3 found on PATH may be a version manager's shim (pyenv's
// takes ~20 s to start in the emulated guest, past the servers' READY deadline).
const PYTHON = '/usr/bin/python3';
export const HAVE_PYTHON = existsSync(PYTHON);

export interface Outcome {
  stdout: string;
  stderr: string;
  status: number;
}

function run(cmd: string, args: string[], input = ''): Outcome {
  const r = spawnSync(cmd, args, { input, encoding: 'latin1', maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? 128 };
}

/** `run` without blocking the event loop (vitest's worker must keep answering its RPC). */
function runAsync(cmd: string, args: string[], input = ''): Promise<Outcome> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.on('error', () => {});
    child.stdin.end(input, 'latin1');
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', rej);
    child.on('close', (code) =>
      res({ stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1'), status: code ?? 128 }),
    );
  });
}

/** A program inside a namespace, without blocking the event loop. */
export function nsRunAsync(ns: string, argv: string[], input = ''): Promise<Outcome> {
  return runAsync('ip', ['netns', 'exec', ns, ...argv], input);
}

/** A shell script (sh -e); throws with its stderr when it fails. */
export function sh(script: string): string {
  const r = run('/bin/sh', ['-ec', script]);
  if (r.status !== 0) throw new Error(`shell script failed (${r.status}): ${r.stderr}\n--- script:\n${script}`);
  return r.stdout;
}

/** Any program inside a namespace. */
export function nsRun(ns: string, argv: string[], input = ''): Outcome {
  return run('ip', ['netns', 'exec', ns, ...argv], input);
}

// Both tools print their argv[0] in usage errors; compare them under one name.
const argv0 = (o: Outcome): Outcome => ({
  ...o,
  stderr: o.stderr.split(TSIPVSADM_BIN).join('ipvsadm').split(IPVSADM_BIN).join('ipvsadm'),
});

/** tsipvsadm, the program under test, as a child process inside the namespace. */
export async function tsipvsadm(ns: string, args: string[], input = ''): Promise<Outcome> {
  return argv0(await nsRunAsync(ns, ['node', TSIPVSADM_BIN, ...args], input));
}

/** Debian's ipvsadm inside the namespace (the reference). */
export function ipvsadm(ns: string, args: string[], input = ''): Outcome {
  return argv0(nsRun(ns, [IPVSADM_BIN, ...args], input));
}

/** tsipvsadm that must succeed silently; returns its stdout. */
export async function tsOk(ns: string, args: string[], input = ''): Promise<string> {
  const r = await tsipvsadm(ns, args, input);
  if (r.status !== 0 || r.stderr) {
    throw new Error(`tsipvsadm ${args.join(' ')} failed (${r.status}): ${r.stderr}${input ? `\n--- stdin:\n${input}` : ''}`);
  }
  return r.stdout;
}

/** Several command lines in one tsipvsadm run (`-R`, one node start instead of one per line). */
export async function tsRestore(ns: string, lines: string[]): Promise<void> {
  await tsOk(ns, ['-R'], lines.join('\n') + '\n');
}

/** The namespaces whose names start with `prefix-`. */
function namespacesOf(prefix: string): string[] {
  const r = run('ip', ['netns', 'list']);
  return r.stdout
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter((n) => n.startsWith(`${prefix}-`));
}

/**
 * Remove every namespace `prefix-*` left behind (e.g. by an aborted run): end the processes in
 * them (by pid: only this suite starts processes there), then delete them and their /etc/netns
 * files.
 */
export function destroyNamespaces(prefix: string): void {
  for (const ns of namespacesOf(prefix)) {
    for (const pid of run('ip', ['netns', 'pids', ns]).stdout.split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        /* gone already */
      }
    }
    run('ip', ['netns', 'del', ns]);
    rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
  }
}

/** A child process read line by line. */
export class LineProc {
  private lines: string[] = [];
  private waiters: (() => void)[] = [];
  private ended = false;
  readonly output: string[] = [];
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString('latin1');
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        this.lines.push(line);
        this.output.push(line);
        this.wake();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d: Buffer) => this.output.push(`stderr: ${d.toString('latin1')}`));
    this.exited = new Promise((res) =>
      child.on('close', (code) => {
        this.ended = true;
        this.wake();
        res(code);
      }),
    );
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** The next line matching `re` (earlier lines are consumed). */
  async next(re: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.lines.length) {
        const line = this.lines.shift()!;
        const m = re.exec(line);
        if (m) return m;
      }
      if (this.ended) throw new Error(`process ended before ${re}; output:\n${this.output.join('\n')}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${re}; output:\n${this.output.join('\n')}`);
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
  }

  write(text: string): void {
    this.child.stdin.write(text);
  }

  kill(): void {
    if (!this.ended) this.child.kill('SIGKILL');
  }
}

export function nsSpawn(ns: string, argv: string[]): LineProc {
  return new LineProc(spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['pipe', 'pipe', 'pipe'] }));
}

/** One peer.mjs client job (see peer.mjs). */
export interface Job {
  proto: 'tcp' | 'udp';
  host: string;
  port: number;
  count: number;
  from?: string[];
  parallel?: number;
  gapMs?: number;
  /** Stop starting connections after this long (count is then a maximum). */
  durationMs?: number;
  payload?: string;
  noReply?: boolean;
  sourcePortBase?: number;
  timeoutMs?: number;
}

export interface JobResult {
  /** Per connection: the server's answer line "NAME ADDR", or "ERR:code". */
  answers: string[];
  from: (string | null)[];
  ms: number;
}

/** The server name in an answer line. */
export const serverOf = (answer: string): string => answer.split(' ')[0];

/** How many answers each server gave. */
export function tally(answers: string[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const a of answers) t[serverOf(a)] = (t[serverOf(a)] ?? 0) + 1;
  return t;
}

/** A TCP connection held open by a peer.mjs `hold` process. */
export class Held {
  constructor(
    private readonly proc: LineProc,
    readonly localAddress: string,
    readonly localPort: number,
    /** The first answer: "NAME ADDR". */
    readonly answer: string,
  ) {}

  get server(): string {
    return serverOf(this.answer);
  }

  /** Exchange one more line over the same connection; resolves with the answer. */
  async ping(): Promise<string> {
    this.proc.write('ping\n');
    return (await this.proc.next(/^ANSWER (.*)$|^ERROR (.*)$/, 10_000))[0].replace(/^ANSWER /, '');
  }

  /** Have the server half-close its side while ours stays open (IPVS state FIN_WAIT). */
  async serverHalfClose(): Promise<void> {
    this.proc.write('serverclose\n');
    await this.proc.next(/^SERVER-CLOSED$/, 10_000);
  }

  async close(): Promise<void> {
    this.proc.write('close\n');
    await Promise.race([this.proc.exited, new Promise((r) => setTimeout(r, 5000))]);
    this.proc.kill();
  }
}

export interface LanOptions {
  /** Namespace prefix, unique per test file (`PREFIX-cl`, `PREFIX-dir`, `PREFIX-rsN`, `PREFIX-bk`). */
  prefix: string;
  /** Real servers (default 2). */
  servers?: number;
  /** IPv4 client addresses 10.1.0.2 ... (default 1). */
  clientAddrs?: number;
  /** A second director `PREFIX-bk` linked to the first by `sync0` (10.3.0.1 / 10.3.0.2). */
  backup?: boolean;
  /** /etc/hosts lines for the director (`ip netns exec` mounts /etc/netns/NS/hosts on /etc/hosts). */
  directorHosts?: string;
}

export interface ServeOptions {
  tcp?: number[];
  udp?: number[];
  sink?: number[];
}

export class Lan {
  readonly client: string;
  readonly director: string;
  readonly backup: string;
  readonly servers: string[];
  /** Server names, as they answer: rs1, rs2, ... */
  readonly names: string[];
  readonly clientIps: string[];
  readonly clientIp: string;
  readonly clientIp6 = 'fd00:1::2';
  readonly directorIp = '10.1.0.1';
  readonly vip = '10.1.0.100';
  readonly vip6 = 'fd00:1::100';
  readonly rips: string[];
  readonly rips6: string[];
  /** A real-server address behind the director's black hole (no host: packets vanish). */
  readonly blackHole = '10.8.0.2';
  private procs: LineProc[] = [];

  constructor(readonly opts: LanOptions) {
    const p = opts.prefix;
    const n = opts.servers ?? 2;
    this.client = `${p}-cl`;
    this.director = `${p}-dir`;
    this.backup = `${p}-bk`;
    this.servers = Array.from({ length: n }, (_, i) => `${p}-rs${i + 1}`);
    this.names = Array.from({ length: n }, (_, i) => `rs${i + 1}`);
    this.rips = Array.from({ length: n }, (_, i) => `10.2.0.${11 + i}`);
    this.rips6 = Array.from({ length: n }, (_, i) => `fd00:2::${11 + i}`);
    this.clientIps = Array.from({ length: opts.clientAddrs ?? 1 }, (_, i) => `10.1.0.${2 + i}`);
    this.clientIp = this.clientIps[0];
  }

  /** The server name that answers from this real-server address (IPv4 or IPv6). */
  nameOf(rip: string): string {
    const i = this.rips.indexOf(rip);
    return this.names[i >= 0 ? i : this.rips6.indexOf(rip)];
  }

  /**
   * Create the namespaces, links, addresses, routes and sysctls. Every process start costs a few
   * hundred milliseconds in the emulated guest, so this batches: one `ip -batch` for the
   * namespaces, one shell per namespace for its sysctls, one `ip -batch` for the veth pairs, one
   * `ip -n NS -batch` per namespace for the rest (~2 processes per namespace in all).
   */
  build(): this {
    destroyNamespaces(this.opts.prefix);
    const D = this.director;
    const C = this.client;
    const B = this.backup;
    const all = [C, D, ...this.servers, ...(this.opts.backup ? [B] : [])];
    const script: string[] = [];
    const batch = (lines: string[], ns?: string) =>
      script.push(`ip ${ns ? `-n ${ns} ` : ''}-batch - <<'EOF'\n${lines.join('\n')}\nEOF`);
    // sysctls, written in the namespace before its interfaces exist, so that new interfaces take
    // the defaults (no duplicate address detection: addresses are usable at once).
    const sysctl = (ns: string, kv: Record<string, string | number>) =>
      script.push(
        `ip netns exec ${ns} sh -ec '` +
          Object.entries({ 'ipv6/conf/all/accept_dad': 0, 'ipv6/conf/default/accept_dad': 0, ...kv })
            .map(([k, v]) => `echo ${v} > /proc/sys/net/${k}`)
            .join('; ') +
          `'`,
      );
    batch(all.map((ns) => `netns add ${ns}`));
    sysctl(C, {});
    sysctl(D, {
      'ipv4/ip_forward': 1,
      'ipv6/conf/all/forwarding': 1,
      'ipv4/conf/all/rp_filter': 0,
      'ipv4/conf/default/rp_filter': 0,
      // -g / -i replies come back through the director with its own VIP as source
      'ipv4/conf/all/accept_local': 1,
    });
    for (const R of this.servers) {
      sysctl(R, {
        'ipv4/conf/all/arp_ignore': 1,
        'ipv4/conf/all/arp_announce': 2,
        'ipv4/conf/all/rp_filter': 0,
        'ipv4/conf/default/rp_filter': 0,
        // tunl0 exists from the start (the ipip module makes it in every namespace)
        'ipv4/conf/tunl0/rp_filter': 0,
      });
    }
    if (this.opts.backup) sysctl(B, {});
    batch([
      `link add eth0 netns ${C} type veth peer name cl0 netns ${D}`,
      ...this.servers.map((R, i) => `link add eth0 netns ${R} type veth peer name rs${i + 1} netns ${D}`),
      ...(this.opts.backup ? [`link add sync0 netns ${D} type veth peer name sync0 netns ${B}`] : []),
    ]);
    batch(
      [
        'link set lo up',
        ...this.clientIps.map((a) => `addr add ${a}/24 dev eth0`),
        `addr add ${this.clientIp6}/64 dev eth0 nodad`,
        'link set eth0 up',
        `route add default via ${this.directorIp}`,
        'route add default via fd00:1::1',
      ],
      C,
    );
    batch(
      [
        'link set lo up',
        `addr add ${this.directorIp}/24 dev cl0`,
        'addr add fd00:1::1/64 dev cl0 nodad',
        `addr add ${this.vip}/32 dev cl0`,
        `addr add ${this.vip6}/128 dev cl0 nodad`,
        'link set cl0 up',
        // the server LAN: a bridge with one veth per real server
        'link add br0 type bridge',
        'addr add 10.2.0.1/24 dev br0',
        'addr add fd00:2::1/64 dev br0 nodad',
        'link set br0 up',
        ...this.servers.map((_, i) => `link set rs${i + 1} master br0 up`),
        // a black hole for real servers that need not answer
        'link add dum0 type dummy',
        'addr add 10.8.0.1/24 dev dum0',
        'link set dum0 up',
        ...(this.opts.backup ? ['addr add 10.3.0.1/24 dev sync0', 'link set sync0 up'] : []),
      ],
      D,
    );
    this.servers.forEach((R, i) =>
      batch(
        [
          'link set lo up',
          `addr add ${this.rips[i]}/24 dev eth0`,
          `addr add ${this.rips6[i]}/64 dev eth0 nodad`,
          'link set eth0 up',
          'route add default via 10.2.0.1',
          'route add default via fd00:2::1',
          // the VIPs, for -g and -i
          `addr add ${this.vip}/32 dev lo`,
          `addr add ${this.vip6}/128 dev lo nodad`,
          'link set tunl0 up',
        ],
        R,
      ),
    );
    // ip6ip6 decapsulation (-i over IPv6), where the ip6_tunnel module made ip6tnl0
    for (const R of this.servers) script.push(`ip -n ${R} link set ip6tnl0 up 2>/dev/null || true`);
    if (this.opts.backup) batch(['link set lo up', 'addr add 10.3.0.2/24 dev sync0', 'link set sync0 up'], B);
    if (this.opts.directorHosts !== undefined) {
      mkdirSync(`/etc/netns/${D}`, { recursive: true });
      writeFileSync(`/etc/netns/${D}/hosts`, this.opts.directorHosts);
      // No name server: look-ups that miss the hosts file fail at once (nothing listens on lo).
      writeFileSync(`/etc/netns/${D}/resolv.conf`, 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
    }
    sh(script.join('\n'));
    return this;
  }

  /** Start peer.mjs servers in every real server namespace; resolves when all listen. */
  async serve(o: ServeOptions): Promise<void> {
    const list = (k: string, v?: number[]) => (v?.length ? [`${k}=${v.join(',')}`] : []);
    const procs = this.servers.map((ns, i) =>
      this.spawnIn(ns, ['node', PEER, 'serve', this.names[i], ...list('tcp', o.tcp), ...list('udp', o.udp), ...list('sink', o.sink)]),
    );
    await Promise.all(procs.map((p) => p.next(/^READY$/, 30_000)));
  }

  /** Run client jobs in the client namespace, in one node process. */
  async clients(jobs: Job[]): Promise<JobResult[]> {
    const p = this.spawnIn(this.client, ['node', PEER, 'batch', JSON.stringify(jobs)]);
    const code = await p.exited;
    const results = p.output.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as JobResult);
    if (code !== 0 || results.length !== jobs.length) throw new Error(`client failed (${code}):\n${p.output.join('\n')}`);
    return results;
  }

  /** One client job. */
  async client1(job: Job): Promise<JobResult> {
    return (await this.clients([job]))[0];
  }

  /** Open a TCP connection from the client and keep it open. */
  async hold(host: string, port: number, from?: string): Promise<Held> {
    const p = this.spawnIn(this.client, ['node', PEER, 'hold', host, String(port), ...(from ? [from] : [])]);
    const local = await p.next(/^LOCAL (\S+) (\d+)$|^ERROR (.*)$/);
    if (!local[1]) throw new Error(`hold ${host}:${port}: ${local[0]}`);
    const answer = await p.next(/^ANSWER (.*)$|^ERROR (.*)$/);
    if (!answer[1]) throw new Error(`hold ${host}:${port}: ${answer[0]}`);
    return new Held(p, local[1], Number(local[2]), answer[1]);
  }

  /** A process of our own in a namespace, ended at destroy(). */
  spawnIn(ns: string, argv: string[]): LineProc {
    const p = nsSpawn(ns, argv);
    this.procs.push(p);
    return p;
  }

  /** End our processes in the namespaces, then delete the namespaces (one `ip -batch`). */
  destroy(): void {
    for (const p of this.procs) p.kill();
    this.procs = [];
    const all = namespacesOf(this.opts.prefix);
    if (all.length) run('ip', ['-force', '-batch', '-'], all.map((ns) => `netns del ${ns}`).join('\n') + '\n');
    for (const ns of all) rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Many UDP "connections" at once: one datagram from each of `count` consecutive source ports
// (from `portBase`), nothing answered. python3, when the guest has it, sends them from one raw
// socket (~10x faster than one node socket per port under emulation); else peer.mjs does it.

const FLOOD = `
import socket, struct, sys
src, dst, dport, base, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
head = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 0, 0, 0, 64, socket.IPPROTO_UDP, 0, socket.inet_aton(src), socket.inet_aton(dst))
for port in range(base, base + count):
    s.sendto(head + struct.pack('!HHHH', port, dport, 8, 0), (dst, 0))
print('SENT', count, flush=True)
`;

export async function udpFlood(lan: Lan, host: string, port: number, portBase: number, count: number): Promise<void> {
  if (HAVE_PYTHON) {
    const r = await nsRunAsync(lan.client, [PYTHON, '-c', FLOOD, lan.clientIp, host, String(port), String(portBase), String(count)]);
    if (r.status !== 0 || !r.stdout.startsWith(`SENT ${count}`)) throw new Error(`flood failed: ${r.stdout}${r.stderr}`);
    return;
  }
  const [res] = await lan.clients([{ proto: 'udp', host, port, count, noReply: true, sourcePortBase: portBase, parallel: 64 }]);
  const failed = res.answers.filter((a) => a !== 'SENT');
  if (failed.length) throw new Error(`${failed.length} datagrams not sent: ${failed.slice(0, 5)}`);
}

// ---------------------------------------------------------------------------------------------
// SCTP: node has no SCTP sockets; python3 (when the guest has it) does, with the kernel's sctp
// module. Server: answers every message with "NAME ADDR". Client: connects, exchanges one message,
// prints "ANSWER ...", then holds the association until stdin closes.

const SCTP_SERVER = `
import socket, sys, threading
name, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', port)); s.listen(16)
print('READY', flush=True)
def serve(c):
    local = c.getsockname()[0]
    while True:
        d = c.recv(1024)
        if not d: break
        c.send(('%s %s\\n' % (name, local)).encode())
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
`;

const SCTP_CLIENT = `
import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP)
s.settimeout(10)
s.connect((host, port))
print('LOCAL %s %d' % s.getsockname(), flush=True)
s.send(b'hello\\n')
print('ANSWER ' + s.recv(1024).decode().strip(), flush=True)
sys.stdin.read()
s.close()
`;

/** SCTP servers in every real server of the LAN (needs python3 and the sctp module). */
export async function sctpServe(lan: Lan, port: number): Promise<void> {
  spawnSync('modprobe', ['sctp']);
  const procs = lan.servers.map((ns, i) => lan.spawnIn(ns, [PYTHON, '-c', SCTP_SERVER, lan.names[i], String(port)]));
  await Promise.all(procs.map((p) => p.next(/^READY$/, 30_000)));
}

/** An SCTP association from the client, held open until destroy(); resolves with the answer. */
export async function sctpHold(lan: Lan, host: string, port: number): Promise<{ localPort: number; answer: string }> {
  const p = lan.spawnIn(lan.client, [PYTHON, '-c', SCTP_CLIENT, host, String(port)]);
  const local = await p.next(/^LOCAL (\S+) (\d+)$/);
  const answer = await p.next(/^ANSWER (.*)$/);
  return { localPort: Number(local[2]), answer: answer[1] };
}

// ---------------------------------------------------------------------------------------------
// Comparing live listings with ipvsadm's. Counters, rates and expiry times move on their own (the
// kernel folds its counters and rates every 2 s, and tsipvsadm, a node program in an emulated
// guest, takes a second or more to run). So ipvsadm runs just before tsipvsadm, again and again
// while it runs, and just after it: tsipvsadm must print (masked) text that ipvsadm printed within
// that window. When ipvsadm printed one text all along, the state held still and tsipvsadm must
// print exactly that; when the state moved and tsipvsadm's text is none of ipvsadm's (it may have
// read half before a change and half after), try again.

export interface AgreeOptions {
  /** Normalise what may differ legitimately (e.g. the expire countdown). */
  mask?: (text: string) => string;
  /**
   * Extra checks on ipvsadm's first output, ours and ipvsadm's last, once ours matched: throws
   * on a mismatch, returns 'moved' when the state turned out not to have held still after all.
   */
  check?: (before: string, ours: string, after: string) => 'moved' | void;
  tries?: number;
  /** Run tsipvsadm with these arguments instead (only for the comparison's negative control). */
  oursArgs?: string[];
}

export interface Agreement {
  ours: Outcome;
  theirs: Outcome;
  tries: number;
}

function tsipvsadmAsync(ns: string, args: string[]): { done: () => boolean; result: Promise<Outcome> } {
  let finished = false;
  const result = tsipvsadm(ns, args).then((o) => {
    finished = true;
    return o;
  });
  return { done: () => finished, result };
}

const sameOutcome = (a: Outcome, b: Outcome, mask: (t: string) => string) =>
  mask(a.stdout) === mask(b.stdout) && a.status === b.status && a.stderr === b.stderr;

/**
 * tsipvsadm `args` prints what ipvsadm prints at the same moment (same status and stderr too).
 * Throws (failing the test) when they differ while the state held still, or when no try matched.
 */
export async function agree(ns: string, args: string[], o: AgreeOptions = {}): Promise<Agreement> {
  const mask = o.mask ?? ((t: string) => t);
  const tries = o.tries ?? 6;
  let last: { theirs: Outcome[]; ours: Outcome } | undefined;
  for (let i = 1; i <= tries; i++) {
    const theirs = [ipvsadm(ns, args)];
    const ts = tsipvsadmAsync(ns, o.oursArgs ?? args);
    while (!ts.done()) {
      await new Promise((r) => setTimeout(r, 700));
      if (!ts.done()) theirs.push(ipvsadm(ns, args));
    }
    const ours = await ts.result;
    theirs.push(ipvsadm(ns, args));
    const match = theirs.find((t) => sameOutcome(t, ours, mask));
    const first = theirs[0];
    const final = theirs[theirs.length - 1];
    const still = theirs.every((t) => sameOutcome(t, first, mask));
    // The extra check compares with the outputs from just before and just after tsipvsadm ran,
    // so it needs the (masked) state to have held still all along.
    const moved = match && still && o.check?.(first.stdout, ours.stdout, final.stdout) === 'moved';
    if (match && (!o.check || still) && !moved) return { ours, theirs: match, tries: i };
    last = { theirs, ours };
    if (still && !moved) break;
  }
  const t = last!.theirs[0];
  const distinct = new Set(last!.theirs.map((x) => mask(x.stdout))).size;
  throw new Error(
    `tsipvsadm ${args.join(' ')} differs from ipvsadm (${distinct} distinct ipvsadm output(s) while it ran):\n` +
      `--- ipvsadm (status ${t.status})\n${t.stdout}${t.stderr}--- tsipvsadm (status ${last!.ours.status})\n${last!.ours.stdout}${last!.ours.stderr}`,
  );
}

/** A connection-table row split at its expire column (`%-3s %-6s ...`). */
const ROW = /^(\S+ )(\d+):(\d\d)( +)(.*)$/;

/**
 * Mask the expire countdown of `-c` listings (the digits only: the column's width still counts).
 */
export function maskExpire(text: string): string {
  return text
    .split('\n')
    .map((l) => {
      const m = ROW.exec(l);
      return m ? `${m[1]}${'#'.repeat(m[2].length + 3 + m[4].length)}${m[5]}` : l;
    })
    .join('\n');
}

/** The expire column of each `-c` row, in seconds. */
export function expiries(text: string): number[] {
  return text
    .split('\n')
    .map((l) => ROW.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[2]) * 60 + Number(m[3]));
}

/**
 * The check for `-c` listings: row by row, tsipvsadm's expire time lies between ipvsadm's before
 * and after it (the countdown only goes down while no packet arrives). A row whose countdown did
 * not go down from before to after was refreshed by a packet (e.g. an SCTP heartbeat): 'moved'.
 */
export function expiryBetween(before: string, ours: string, after: string): 'moved' | void {
  const b = expiries(before);
  const o = expiries(ours);
  const a = expiries(after);
  if (o.length !== b.length || a.length !== b.length) throw new Error('row counts differ');
  // Untouched, a countdown only goes down (by whole seconds, so not at all when the three
  // listings fit between two ticks: tsipvsadm may take under a second). Up means refreshed.
  if (a.some((t, i) => t > b[i])) return 'moved';
  o.forEach((t, i) => {
    if (!(b[i] >= t && t >= a[i])) {
      throw new Error(`row ${i}: tsipvsadm expire ${t} s not between ipvsadm's ${b[i]} s and ${a[i]} s\n${ours}`);
    }
  });
}

/** `agree` for connection listings: masked expire column, plus the between-check. */
export function agreeConns(ns: string, args: string[], o: AgreeOptions = {}): Promise<Agreement> {
  return agree(ns, args, { mask: maskExpire, check: expiryBetween, ...o });
}

/** The `-c` rows (the lines after the two header lines). */
export function connRows(text: string): string[] {
  return text.split('\n').slice(2).filter(Boolean);
}

/**
 * Peak RSS (KiB, getrusage's ru_maxrss as the process saw it at exit) and wall time of a node
 * program run inside a namespace. The figure comes from a preloaded exit hook, so no extra tool is
 * needed; stdout is returned whole.
 */
export async function measuredNode(
  ns: string,
  argv: string[],
): Promise<{ rssKiB: number; seconds: number; stdout: string; stderr: string; status: number }> {
  const hook = `process.on('exit',()=>process.stderr.write('PEAK-RSS '+process.resourceUsage().maxRSS+'\\n'))`;
  const t0 = process.hrtime.bigint();
  const r = await nsRunAsync(ns, ['node', '--import', `data:text/javascript,${encodeURIComponent(hook)}`, ...argv]);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const m = /PEAK-RSS (\d+)\n?$/.exec(r.stderr);
  if (!m) throw new Error(`no peak RSS figure (status ${r.status}): ${r.stderr}`);
  return { rssKiB: Number(m[1]), seconds, stdout: r.stdout, stderr: r.stderr.slice(0, m.index), status: r.status };
}
