// Multi-director sites for the companion tests (keepalived, ldirectord, active-active): network
// namespaces, bridges and veth pairs in the test guest, described as data, plus the processes run
// in them (peer.mjs servers and clients, keepalived, ldirectord), each ended at destroy().
// Builds on the traffic suite's helpers (topology.ts, peer.mjs). Runs only inside the test guest.

import { join, resolve } from 'node:path';
import {
  agree,
  agreeConns,
  destroyNamespaces,
  expiryBetween,
  ipvsadm,
  IPVSADM_BIN,
  LineProc,
  maskExpire,
  nsRun,
  nsSpawn,
  type Outcome,
  PEER,
  sh,
  tsipvsadm,
  type Job,
  type JobResult,
} from '../traffic/topology';

export const REPO = resolve(__dirname, '../../..');
export const EXAMPLES = join(REPO, 'examples');

export interface NsSpec {
  /** sysctls under /proc/sys/net/, written before the namespace's interfaces exist. */
  sysctl?: Record<string, string | number>;
  /** `ip -batch` lines run in the namespace after the links exist (lo is brought up first). */
  ip: string[];
}

/** A veth pair: [namespace, interface] at each end (short namespace names). */
export type Veth = [string, string, string, string];

const T0 = Date.now();
/** A progress line with the seconds since the file started (the guest is slow and shared). */
export function step(message: string): void {
  console.log(`[${((Date.now() - T0) / 1000).toFixed(1)} s] ${message}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Poll `probe` until it returns a value that is not false/undefined; throws after `ms`, with
 * `seen()` (what was there instead) in the message. Deadlines are generous (the guest is slow
 * and shared); a fast machine leaves at the first poll that succeeds.
 */
export async function until<T>(
  what: string,
  probe: () => T | false | undefined | Promise<T | false | undefined>,
  ms = 30_000,
  every = 200,
  seen?: () => string,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== false && v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${seen ? `; instead:\n${seen()}` : ''}`);
    await sleep(every);
  }
}

export class Site {
  private procs: LineProc[] = [];

  constructor(readonly prefix: string) {}

  /** The full namespace name of a short one. */
  ns(short: string): string {
    return `${this.prefix}-${short}`;
  }

  /** Create namespaces, veth pairs and addresses in a few processes (process starts are slow). */
  build(spec: Record<string, NsSpec>, veths: Veth[]): this {
    destroyNamespaces(this.prefix);
    const script: string[] = [];
    const batch = (lines: string[], ns?: string) =>
      script.push(`ip ${ns ? `-n ${ns} ` : ''}-batch - <<'EOF'\n${lines.join('\n')}\nEOF`);
    batch(Object.keys(spec).map((s) => `netns add ${this.ns(s)}`));
    for (const [s, n] of Object.entries(spec)) {
      const kv = { 'ipv6/conf/all/accept_dad': 0, 'ipv6/conf/default/accept_dad': 0, ...n.sysctl };
      script.push(`ip netns exec ${this.ns(s)} sh -ec '${Object.entries(kv).map(([k, v]) => `echo ${v} > /proc/sys/net/${k}`).join('; ')}'`);
    }
    batch(veths.map(([a, ia, b, ib]) => `link add ${ia} netns ${this.ns(a)} type veth peer name ${ib} netns ${this.ns(b)}`));
    for (const [s, n] of Object.entries(spec)) batch(['link set lo up', ...n.ip], this.ns(s));
    sh(script.join('\n'));
    return this;
  }

  /** A process of ours in a namespace (stdout+stderr read as lines), ended at destroy(). */
  spawn(short: string, argv: string[]): LineProc {
    const p = nsSpawn(this.ns(short), ['sh', '-c', 'exec "$@" 2>&1', 'sh', ...argv]);
    this.procs.push(p);
    return p;
  }

  /** A peer.mjs server (see peer.mjs `serve`); resolves once it listens. Stop it with kill(). */
  async serve(short: string, name: string, ports: { tcp?: number[]; udp?: number[]; http?: number[] }): Promise<LineProc> {
    const list = Object.entries(ports)
      .filter(([, v]) => v?.length)
      .map(([k, v]) => `${k}=${v!.join(',')}`);
    const p = this.spawn(short, ['node', PEER, 'serve', name, ...list]);
    await p.next(/^READY$/, 60_000);
    return p;
  }

  /** Client jobs (peer.mjs `batch`) in one node process. */
  async clients(short: string, jobs: Job[]): Promise<JobResult[]> {
    const p = this.spawn(short, ['node', PEER, 'batch', JSON.stringify(jobs)]);
    const code = await p.exited;
    const results = p.output.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as JobResult);
    if (code !== 0 || results.length !== jobs.length) throw new Error(`client failed (${code}):\n${p.output.join('\n')}`);
    return results;
  }

  /** A TCP connection held open (peer.mjs `hold`). */
  async hold(short: string, host: string, port: number, from?: string): Promise<HeldConn> {
    const p = this.spawn(short, ['node', PEER, 'hold', host, String(port), ...(from ? [from] : [])]);
    const local = await p.next(/^LOCAL (\S+) (\d+)$|^ERROR (.*)$/, 30_000);
    if (!local[1]) throw new Error(`hold ${host}:${port}: ${local[0]}`);
    const answer = await p.next(/^ANSWER (.*)$|^ERROR (.*)$/, 30_000);
    if (!answer[1]) throw new Error(`hold ${host}:${port}: ${answer[0]}`);
    return new HeldConn(p, local[1], Number(local[2]), answer[1]);
  }

  /** TCP connections held open from one process (peer.mjs `holds`), one per `from` address. */
  async holds(short: string, host: string, port: number, from: string[]): Promise<HeldSet> {
    const p = this.spawn(short, ['node', PEER, 'holds', host, String(port), from.join(',')]);
    const set = new HeldSet(p, from.length);
    await set.opened();
    return set;
  }

  /** Run a command in a namespace; throws when it fails. */
  exec(short: string, argv: string[], input = ''): string {
    const r = nsRun(this.ns(short), argv, input);
    if (r.status !== 0) throw new Error(`${argv.join(' ')} in ${this.ns(short)} failed (${r.status}): ${r.stderr}`);
    return r.stdout;
  }

  destroy(): void {
    for (const p of this.procs) p.kill();
    this.procs = [];
    destroyNamespaces(this.prefix);
  }
}

/** A held TCP connection; `ping` exchanges one more line over it. */
export class HeldConn {
  constructor(
    readonly proc: LineProc,
    readonly localAddress: string,
    readonly localPort: number,
    readonly answer: string,
  ) {}

  get server(): string {
    return this.answer.split(' ')[0];
  }

  /** One more exchange: the answer ("NAME ADDR"), or "ERROR code" / "ERROR TIMEOUT". */
  async ping(timeoutMs = 10_000): Promise<string> {
    this.proc.write('ping\n');
    try {
      const m = await this.proc.next(/^ANSWER (.*)$|^ERROR (.*)$/, timeoutMs);
      return m[1] ?? `ERROR ${m[2]}`;
    } catch (e) {
      if (/^process ended/.test(String((e as Error).message))) return 'ERROR ENDED';
      return 'ERROR TIMEOUT';
    }
  }
}

/** Held TCP connections in one peer.mjs `holds` process. */
export class HeldSet {
  readonly local: { address: string; port: number }[] = [];
  /** Each connection's first answer ("NAME ADDR"). */
  readonly first: string[] = [];

  constructor(
    readonly proc: LineProc,
    readonly count: number,
  ) {}

  /** Resolves once every connection is open and answered once; throws if one failed. */
  async opened(timeoutMs = 30_000): Promise<void> {
    const answers = await this.collect(timeoutMs, (i, addr, port) => (this.local[i] = { address: addr, port: Number(port) }));
    const failed = answers.filter((a) => a.startsWith('ERROR'));
    if (failed.length) throw new Error(`held connections failed: ${failed.join(', ')}\n${this.proc.output.join('\n')}`);
    this.first.push(...answers);
  }

  /** The server name of connection i's first answer. */
  server(i: number): string {
    return this.first[i].split(' ')[0];
  }

  /** One more exchange on every connection still open: "NAME ADDR", "ERROR code" or "ERROR TIMEOUT". */
  async ping(timeoutMs = 10_000): Promise<string[]> {
    this.proc.write('ping\n');
    return this.collect(timeoutMs);
  }

  private dead = new Set<number>();

  private async collect(timeoutMs: number, onLocal?: (i: number, addr: string, port: string) => void): Promise<string[]> {
    const out: string[] = Array.from({ length: this.count }, (_, i) => (this.dead.has(i) ? 'ERROR CLOSED' : ''));
    const deadline = Date.now() + timeoutMs;
    while (out.some((a) => !a)) {
      let m: RegExpExecArray;
      try {
        m = await this.proc.next(/^(LOCAL|ANSWER|ERROR) (\d+) (\S+)(?: (.*))?$/, Math.max(1, deadline - Date.now()));
      } catch {
        break;
      }
      const i = Number(m[2]);
      if (m[1] === 'LOCAL') onLocal?.(i, m[3], m[4]);
      else if (m[1] === 'ANSWER') out[i] ||= `${m[3]} ${m[4] ?? ''}`.trim();
      else {
        this.dead.add(i);
        out[i] ||= `ERROR ${m[3]}`;
      }
    }
    return out.map((a) => a || 'ERROR TIMEOUT');
  }
}

/** The rows of /proc/net/ip_vs_conn in a namespace (cheap to poll: no node start). */
export function procConns(ns: string): string {
  return nsRun(ns, ['cat', '/proc/net/ip_vs_conn']).stdout;
}

/**
 * /proc/net/ip_vs_conn_sync in a namespace: the connection table with each entry's origin,
 * LOCAL (scheduled here) or SYNC (learnt from a sync daemon).
 */
export function procConnsOrigin(ns: string): string {
  return nsRun(ns, ['cat', '/proc/net/ip_vs_conn_sync']).stdout;
}

const hex4 = (ip: string) => ip.split('.').map((b) => Number(b).toString(16).padStart(2, '0')).join('').toUpperCase();
const hexPort = (p: number) => p.toString(16).padStart(4, '0').toUpperCase();

/** The start of a connection's /proc/net/ip_vs_conn row (IPv4): protocol, client, VIP. */
export function connKey(proto: 'TCP' | 'UDP', client: string, cport: number, vip: string, vport: number): string {
  return `${proto} ${hex4(client)} ${hexPort(cport)} ${hex4(vip)} ${hexPort(vport)} `;
}

/** Debian's ipvsadm -S -n in a namespace (the reference; cheap to poll). */
export function debianSave(ns: string): string {
  return nsRun(ns, [IPVSADM_BIN, '-S', '-n']).stdout;
}

/**
 * Several tsipvsadm listings at once in one namespace, each byte for byte against Debian's
 * ipvsadm (stdout, stderr, status); returns tsipvsadm's stdout of each. ipvsadm lists before and
 * after tsipvsadm's runs (which go side by side: each is a node start of seconds in the guest).
 * Where ipvsadm printed the same before and after (connection listings: the same but for the
 * expire countdown, and tsipvsadm's countdown between the two), tsipvsadm must have printed
 * exactly that; where the state moved, that listing is compared again on its own with
 * `agree`/`agreeConns` (traffic/topology.ts).
 */
export async function agreeAll(ns: string, listings: string[][]): Promise<string[]> {
  const conns = (args: string[]) => args.includes('-c') || args.includes('--connection');
  const same = (args: string[], a: Outcome, b: Outcome) =>
    a.status === b.status && a.stderr === b.stderr && (conns(args) ? maskExpire(a.stdout) === maskExpire(b.stdout) : a.stdout === b.stdout);
  const before = listings.map((args) => ipvsadm(ns, args));
  const ours = await Promise.all(listings.map((args) => tsipvsadm(ns, args)));
  const after = listings.map((args) => ipvsadm(ns, args));
  return Promise.all(
    listings.map(async (args, i) => {
      const held = same(args, before[i], after[i]) && !(conns(args) && expiryBetween(before[i].stdout, before[i].stdout, after[i].stdout) === 'moved');
      if (!held) return (conns(args) ? await agreeConns(ns, args) : await agree(ns, args)).ours.stdout;
      if (!same(args, ours[i], before[i]) || (conns(args) && expiryBetween(before[i].stdout, ours[i].stdout, after[i].stdout))) {
        throw new Error(
          `tsipvsadm ${args.join(' ')} differs from ipvsadm:\n--- ipvsadm (status ${before[i].status})\n${before[i].stdout}${before[i].stderr}` +
            `--- tsipvsadm (status ${ours[i].status})\n${ours[i].stdout}${ours[i].stderr}`,
        );
      }
      return ours[i].stdout;
    }),
  );
}
