// A generic-netlink request/response layer over a raw netlink socket (node-netlink's binding by
// default, see native-socket.ts, or any NetlinkTransport: tests inject a fake kernel).
//
// node-netlink's own NetlinkSocket keeps one multipart slot per socket and turns kernel errors
// into message strings; IPVS needs the errno, dump-interrupted detection and several requests in
// flight at once (pipelined bulk changes), so replies are matched to requests by sequence number
// here. The nlmsghdr/genlmsghdr codec is done by hand (two fixed little structs): node-netlink's
// generic struct codec costs start-up time and per-message allocations for nothing we need.

import { constants as osConstants } from 'node:os';
import { openNetlinkSocket } from './native-socket';
import { DumpInterruptedError, type NetlinkTransport } from './transport';

export const NETLINK_GENERIC = 16;
export const GENL_ID_CTRL = 0x10;
export const CTRL_CMD_GETFAMILY = 3;
export const CTRL_ATTR_FAMILY_ID = 1;
export const CTRL_ATTR_FAMILY_NAME = 2;

export const NLM_F_REQUEST = 0x1;
export const NLM_F_MULTI = 0x2;
export const NLM_F_ACK = 0x4;
export const NLM_F_DUMP_INTR = 0x10;
export const NLM_F_DUMP = 0x300;

export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;

/** struct nlmsghdr: len u32, type u16, flags u16, seq u32, pid u32. */
export const NLMSG_HEADER_LENGTH = 16;
/** struct genlmsghdr: cmd u8, version u8, reserved u16. */
export const GENL_HEADER_LENGTH = 4;

/** How long a request may go without any answer from the kernel, unless the client says otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export { DumpInterruptedError, type NetlinkTransport } from './transport';

export interface GenlSocketOptions {
  /** The socket to speak over; a new NETLINK_GENERIC socket over node-netlink's binding when absent. */
  transport?: NetlinkTransport;
  /**
   * Fail a request after this many milliseconds without an answer (for a dump: without a new
   * part of it). Default DEFAULT_REQUEST_TIMEOUT_MS; 0 or Infinity waits forever.
   */
  timeoutMs?: number;
}

const errnoNames: Record<number, string> = Object.fromEntries(
  Object.entries(osConstants.errno).map(([name, no]) => [no, name]),
);

/** A request the kernel refused: `errno` is the positive error number it answered with. */
export class NetlinkError extends Error {
  override readonly name = 'NetlinkError';
  readonly code: string;
  constructor(readonly errno: number) {
    const code = errnoNames[errno] ?? `E${errno}`;
    super(`netlink request failed: ${code}`);
    this.code = code;
  }
}

/** The kernel did not answer a request in time. */
export class NetlinkTimeoutError extends Error {
  override readonly name = 'NetlinkTimeoutError';
  constructor(
    /** What was asked (the caller's label, or the generic-netlink command number). */
    readonly request: string,
    readonly timeoutMs: number,
  ) {
    super(`no answer from the kernel to ${request} within ${timeoutMs} ms`);
  }
}

export interface GenlMessage {
  cmd: number;
  version: number;
  flags: number;
  /** The attribute stream after the genetlink header. */
  payload: Buffer;
}

/** A request answered by nothing but an acknowledgement (a change to the kernel's tables). */
export interface ChangeRequest {
  cmd: number;
  attrs: Uint8Array[];
  /** Names the request in a timeout error. */
  label: string;
}

export interface RequestOptions {
  dump?: boolean;
  /** Names the request in a timeout error ("add_service", ...). */
  label?: string;
}

interface Pending {
  seq: number;
  label: string;
  dump: boolean;
  replies: GenlMessage[];
  interrupted: boolean;
  /** When the request fails for want of an answer (pushed back by every part of a dump). */
  deadline: number;
  /**
   * Earlier requests of the same datagram sent without NLM_F_ACK: this request's answer settles
   * those the kernel did not refuse (see sendChanges).
   */
  unacked?: Pending[];
  resolve(replies: GenlMessage[]): void;
  reject(err: Error): void;
}

/** Build one generic-netlink request message: nlmsghdr, genlmsghdr, then the attributes. */
export function formatGenlRequest(family: number, flags: number, seq: number, port: number, cmd: number, version: number, attrs: Uint8Array[]): Uint8Array[] {
  let len = NLMSG_HEADER_LENGTH + GENL_HEADER_LENGTH;
  for (const a of attrs) len += a.length;
  const header = Buffer.allocUnsafe(NLMSG_HEADER_LENGTH + GENL_HEADER_LENGTH); // pooled; every byte written
  header.writeUInt32LE(len, 0);
  header.writeUInt16LE(family, 4);
  header.writeUInt16LE(flags, 6);
  header.writeUInt32LE(seq, 8);
  header.writeUInt32LE(port, 12);
  header[16] = cmd;
  header[17] = version;
  header.writeUInt16LE(0, 18);
  // Attributes are 4-byte padded by encodeAttr, so the message needs no tail padding.
  return [header, ...attrs];
}

/** One parsed netlink message of a datagram. */
export interface NetlinkMessage {
  type: number;
  flags: number;
  seq: number;
  port: number;
  data: Buffer;
}

/** Split a received datagram into its netlink messages. */
export function parseNetlinkMessages(buf: Buffer): NetlinkMessage[] {
  const out: NetlinkMessage[] = [];
  let off = 0;
  while (off + NLMSG_HEADER_LENGTH <= buf.length) {
    const len = buf.readUInt32LE(off);
    if (len < NLMSG_HEADER_LENGTH || off + len > buf.length) throw new Error(`malformed netlink message at offset ${off}`);
    out.push({
      type: buf.readUInt16LE(off + 4),
      flags: buf.readUInt16LE(off + 6),
      seq: buf.readUInt32LE(off + 8),
      port: buf.readUInt32LE(off + 12),
      data: buf.subarray(off + NLMSG_HEADER_LENGTH, off + len),
    });
    off += (len + 3) & ~3;
  }
  return out;
}

/** A NETLINK_GENERIC socket over node-netlink's native binding. */
function openRawSocket(): NetlinkTransport {
  return openNetlinkSocket(NETLINK_GENERIC, { recvBufferSize: 4 << 20, sendBufferSize: 1 << 20 });
}

export class GenlSocket {
  private readonly raw: NetlinkTransport;
  private readonly timeoutMs: number;
  /** Requests awaiting their answer, in the order they were sent (the kernel answers in order). */
  private readonly pending = new Map<number, Pending>();
  private seq = (Date.now() / 1000) >>> 0;
  private closed = false;
  private referenced = false;
  private unrefScheduled = false;
  private timer: NodeJS.Timeout | undefined;
  /** Set by every datagram received; lets the timeout check tell a stalled kernel from a busy loop. */
  private heardSinceCheck = false;
  private port: number | undefined;
  /** A dump is in flight on this socket; those asked for meanwhile wait here, in order. */
  private dumping = false;
  private readonly waitingDumps: (() => void)[] = [];

  constructor(options: GenlSocketOptions = {}) {
    const timeout = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    if (!(timeout >= 0)) throw new RangeError(`request timeout must be a non-negative number of milliseconds, not ${timeout}`);
    this.timeoutMs = timeout === 0 ? Infinity : timeout;
    this.raw = options.transport ?? openRawSocket();
    this.raw.on('message', (data: Uint8Array) => this.onDatagram(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength)));
    this.raw.on('error', (err: Error) => this.failAll(err));
    this.raw.unref();
  }

  /** The netlink port id the kernel knows this socket by. */
  get portId(): number {
    return (this.port ??= this.raw.address().port);
  }

  /** How many requests await an answer. */
  get inFlight(): number {
    return this.pending.size;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new Error('netlink socket closed'));
    clearTimeout(this.timer);
    this.raw.close();
  }

  /** Resolve a generic-netlink family name to its (per-boot) id. */
  async resolveFamily(name: string): Promise<number> {
    const attr = encodeAttr(CTRL_ATTR_FAMILY_NAME, Buffer.from(name + '\0'));
    const [reply] = await this.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, attr, { label: `the family look-up of ${name}` });
    for (const [type, value] of iterAttrs(reply?.payload ?? Buffer.alloc(0))) {
      if (type === CTRL_ATTR_FAMILY_ID) return value.readUInt16LE(0);
    }
    throw new NetlinkError(osConstants.errno.ENOENT);
  }

  /**
   * Send one request (NLM_F_REQUEST|NLM_F_ACK, plus NLM_F_DUMP for dumps) and resolve with its
   * replies once the kernel's ACK (or, for dumps, NLMSG_DONE) arrives. Requests may overlap:
   * each is matched to its answer by sequence number. Dumps are sent one at a time: the kernel
   * refuses a second dump on a socket (EBUSY) while one is still being read, so a dump asked for
   * meanwhile waits for the one before it to finish.
   */
  request(family: number, cmd: number, version: number, attrs: Uint8Array[], opts: RequestOptions = {}): Promise<GenlMessage[]> {
    if (this.closed) return Promise.reject(new Error('netlink socket closed'));
    return new Promise<GenlMessage[]>((resolve, reject) => {
      const send = () => this.send(family, cmd, version, attrs, opts, resolve, reject);
      if (!opts.dump) send();
      else if (this.dumping) this.waitingDumps.push(send);
      else {
        this.dumping = true;
        send();
      }
    });
  }

  private send(family: number, cmd: number, version: number, attrs: Uint8Array[], opts: RequestOptions, resolve: (r: GenlMessage[]) => void, reject: (e: Error) => void): void {
    if (this.closed) {
      reject(new Error('netlink socket closed'));
      if (opts.dump) this.nextDump();
      return;
    }
    const seq = this.nextSeq();
    const flags = NLM_F_REQUEST | NLM_F_ACK | (opts.dump ? NLM_F_DUMP : 0);
    const frames = formatGenlRequest(family, flags, seq, this.portId, cmd, version, attrs);
    const dump = !!opts.dump;
    const done = () => {
      if (dump) this.nextDump();
    };
    this.track({
      seq,
      label: opts.label ?? `generic-netlink command ${cmd}`,
      dump,
      replies: [],
      interrupted: false,
      deadline: this.deadline(),
      resolve: (r) => {
        done();
        resolve(r);
      },
      reject: (e) => {
        done();
        reject(e);
      },
    });
    this.raw.send(frames, undefined, (err?: Error) => {
      if (err) this.settle(seq, err);
    });
  }

  /** The dump in flight finished: send the next one waiting, if any. */
  private nextDump(): void {
    const next = this.waitingDumps.shift();
    if (next) next();
    else this.dumping = false;
  }

  /**
   * Send change requests as ONE datagram, with NLM_F_ACK on the last only. The kernel handles a
   * datagram's messages in order, answers a message without NLM_F_ACK only when it refuses it, and
   * queues its answers in order: so the last one's answer means every earlier one was handled,
   * and any refusal among them has already arrived. One ACK per datagram instead of one per
   * request is most of the receive work of a bulk change. `done(i, err)` is called once per
   * request, in order (a refusal is a NetlinkError).
   */
  sendChanges(family: number, version: number, reqs: readonly ChangeRequest[], done: (index: number, err?: Error) => void): void {
    if (reqs.length === 0) return;
    if (this.closed) {
      reqs.forEach((_, i) => done(i, new Error('netlink socket closed')));
      return;
    }
    const frames: Uint8Array[] = [];
    const unacked: Pending[] = [];
    let last: Pending | undefined;
    reqs.forEach((r, i) => {
      const seq = this.nextSeq();
      const isLast = i === reqs.length - 1;
      const flags = NLM_F_REQUEST | (isLast ? NLM_F_ACK : 0);
      frames.push(...formatGenlRequest(family, flags, seq, this.portId, r.cmd, version, r.attrs));
      const p: Pending = {
        seq,
        label: r.label,
        dump: false,
        replies: [],
        interrupted: false,
        // Only the acknowledged request watches the clock; the others share its fate.
        deadline: isLast ? this.deadline() : Infinity,
        resolve: () => done(i),
        reject: (err) => done(i, err),
      };
      if (isLast) {
        p.unacked = unacked;
        last = p;
      } else unacked.push(p);
      this.track(p);
    });
    const lastSeq = last!.seq;
    // One buffer: sendmsg takes at most 1024 iovecs (UIO_MAXIOV), and a datagram of changes has
    // dozens of small parts per message.
    this.raw.send([Buffer.concat(frames)], undefined, (err?: Error) => {
      if (err) this.settle(lastSeq, err);
    });
  }

  private deadline(): number {
    return this.timeoutMs === Infinity ? Infinity : Date.now() + this.timeoutMs;
  }

  private track(p: Pending): void {
    if (!this.referenced) {
      this.raw.ref();
      this.referenced = true;
    }
    this.pending.set(p.seq, p);
    if (this.timer === undefined && p.deadline !== Infinity) this.armTimer(p.deadline);
  }

  private nextSeq(): number {
    do this.seq = (this.seq + 1) >>> 0 || 1;
    while (this.pending.has(this.seq));
    return this.seq;
  }

  private onDatagram(data: Buffer): void {
    this.heardSinceCheck = true;
    let msgs: NetlinkMessage[];
    try {
      msgs = parseNetlinkMessages(data);
    } catch (err) {
      this.failAll(err as Error);
      return;
    }
    for (const msg of msgs) this.onMessage(msg);
  }

  private onMessage(msg: NetlinkMessage): void {
    const p = this.pending.get(msg.seq);
    if (!p) return; // a late ACK after a doit reply, an answer to a timed-out request, or a stranger's message
    if (msg.flags & NLM_F_DUMP_INTR) p.interrupted = true;
    if (msg.type === NLMSG_ERROR) {
      const errno = msg.data.length >= 4 ? -msg.data.readInt32LE(0) : osConstants.errno.EPROTO;
      this.settle(msg.seq, errno === 0 ? undefined : new NetlinkError(errno));
      return;
    }
    if (msg.type === NLMSG_DONE) {
      const errno = msg.data.length >= 4 ? -msg.data.readInt32LE(0) : 0;
      this.settle(msg.seq, errno > 0 ? new NetlinkError(errno) : undefined);
      return;
    }
    if (msg.data.length < GENL_HEADER_LENGTH) {
      this.settle(msg.seq, new NetlinkError(osConstants.errno.EPROTO));
      return;
    }
    p.replies.push({ cmd: msg.data[0], version: msg.data[1], flags: msg.flags, payload: msg.data.subarray(GENL_HEADER_LENGTH) });
    if (p.dump && p.deadline !== Infinity) p.deadline = this.deadline();
  }

  private settle(seq: number, err?: Error): void {
    const p = this.pending.get(seq);
    if (!p) return;
    this.pending.delete(seq);
    // The acknowledged request of a datagram answered: the others the kernel did not refuse were
    // applied, unless no answer came at all (a timeout, a socket error), which they share.
    const heard = !err || err instanceof NetlinkError;
    for (const u of p.unacked ?? []) {
      if (!this.pending.has(u.seq)) continue;
      const shared = err instanceof NetlinkTimeoutError ? new NetlinkTimeoutError(u.label, err.timeoutMs) : err;
      this.settle(u.seq, heard ? undefined : shared);
    }
    if (err) p.reject(err);
    else if (p.interrupted) p.reject(new DumpInterruptedError(p.replies));
    else p.resolve(p.replies);
    if (this.pending.size === 0 && this.referenced && !this.unrefScheduled) {
      // Callers usually send their next request as soon as this answer reaches them (a listing's
      // next dump), a few promise hops from here: judge after those, instead of letting the socket
      // go and taking it back (two native calls) for every request.
      this.unrefScheduled = true;
      setImmediate(() => {
        this.unrefScheduled = false;
        if (this.pending.size === 0 && this.referenced && !this.closed) {
          this.raw.unref();
          this.referenced = false;
        }
      });
    }
  }

  private failAll(err: Error): void {
    for (const seq of [...this.pending.keys()]) this.settle(seq, err);
  }

  // ---- timeouts: one timer per socket, armed for the earliest deadline ----

  private armTimer(deadline: number): void {
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, deadline - Date.now()));
    this.timer.unref(); // the socket's own ref keeps the process alive while answers are due
  }

  private onTimer(): void {
    this.timer = undefined;
    // Timers run before the poll phase: after a long synchronous stretch, answers may be waiting
    // unread. Give the loop one poll phase, and only then judge.
    this.heardSinceCheck = false;
    setImmediate(() => this.expire());
  }

  private expire(): void {
    if (this.closed) return;
    const now = Date.now();
    let next = Infinity;
    for (const p of [...this.pending.values()]) {
      if (p.deadline <= now && !this.heardSinceCheck) this.settle(p.seq, new NetlinkTimeoutError(p.label, this.timeoutMs));
      else next = Math.min(next, p.deadline <= now ? now + 50 : p.deadline);
    }
    if (next !== Infinity && this.timer === undefined) this.armTimer(next);
  }
}

/**
 * Builds an attribute stream in one buffer: bulk requests (thousands of -R lines) would
 * otherwise allocate a buffer per header, value and padding. Values are written in host order
 * unless the method says big-endian; every attribute is zero-padded to 4 bytes.
 */
export class AttrWriter {
  // Every writer takes the offset first and reads this.buf after: attr() may replace the buffer.
  // Bytes are stored one by one: Buffer's write methods check their arguments in JavaScript,
  // which bulk changes pay for tens of thousands of times (a tenth of -R's encoding, jitless).
  private buf = Buffer.allocUnsafe(256);
  private off = 0;

  private reserve(n: number): number {
    const at = this.off;
    if (at + n > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, at + n));
      this.buf.copy(bigger, 0, 0, at);
      this.buf = bigger;
    }
    this.off = at + n;
    return at;
  }

  /** Header and room for `len` payload bytes (padding zeroed); returns the payload offset. */
  private attr(type: number, len: number): number {
    const total = (4 + len + 3) & ~3;
    if (4 + len > 0xffff) throw new RangeError(`netlink attribute too long (${4 + len} bytes)`);
    const at = this.reserve(total);
    const b = this.buf;
    b[at] = (4 + len) & 0xff;
    b[at + 1] = (4 + len) >> 8;
    b[at + 2] = type & 0xff;
    b[at + 3] = type >> 8;
    // At most 3 padding bytes: a loop, as Buffer#fill goes through C++ (about 6 % of a bulk apply's host profile).
    for (let i = at + 4 + len; i < at + total; i++) this.buf[i] = 0;
    return at + 4;
  }

  u8(type: number, v: number): this {
    const at = this.attr(type, 1);
    this.buf[at] = v & 0xff;
    return this;
  }
  u16(type: number, v: number): this {
    const at = this.attr(type, 2);
    this.buf[at] = v & 0xff;
    this.buf[at + 1] = (v >> 8) & 0xff;
    return this;
  }
  be16(type: number, v: number): this {
    const at = this.attr(type, 2);
    this.buf[at] = (v >> 8) & 0xff;
    this.buf[at + 1] = v & 0xff;
    return this;
  }
  u32(type: number, v: number): this {
    const at = this.attr(type, 4);
    const b = this.buf;
    b[at] = v & 0xff;
    b[at + 1] = (v >>> 8) & 0xff;
    b[at + 2] = (v >>> 16) & 0xff;
    b[at + 3] = (v >>> 24) & 0xff;
    return this;
  }
  be32(type: number, v: number): this {
    const at = this.attr(type, 4);
    const b = this.buf;
    b[at] = (v >>> 24) & 0xff;
    b[at + 1] = (v >>> 16) & 0xff;
    b[at + 2] = (v >>> 8) & 0xff;
    b[at + 3] = v & 0xff;
    return this;
  }
  bytes(type: number, v: Uint8Array): this {
    const at = this.attr(type, v.length);
    this.buf.set(v, at);
    return this;
  }
  /** A C string: latin1 bytes and a NUL. */
  string(type: number, v: string): this {
    const at = this.attr(type, v.length + 1);
    this.buf.write(v, at, 'latin1');
    this.buf[at + v.length] = 0;
    return this;
  }
  /** A nested attribute (NLA_F_NESTED) holding what `body` writes. */
  nest(type: number, body: (w: this) => void): this {
    const at = this.reserve(4);
    body(this);
    const len = this.off - at;
    if (len > 0xffff) throw new RangeError(`netlink attribute too long (${len} bytes)`);
    const t = type | 0x8000;
    this.buf[at] = len & 0xff;
    this.buf[at + 1] = len >> 8;
    this.buf[at + 2] = t & 0xff;
    this.buf[at + 3] = t >> 8;
    return this;
  }
  /** What was written, as the one-element list the request functions take. */
  done(): Uint8Array[] {
    return [Buffer.from(this.buf.subarray(0, this.off))];
  }
}

/** Attribute padding by length, shared (never written to). */
const ZERO_PADS = [Buffer.alloc(0), Buffer.alloc(1), Buffer.alloc(2), Buffer.alloc(3)];

/** One netlink attribute (header, payload, zero padding to 4 bytes). */
export function encodeAttr(type: number, payload: Uint8Array | Uint8Array[], nested = false): Uint8Array[] {
  const parts = payload instanceof Uint8Array ? [payload] : payload;
  const len = 4 + parts.reduce((n, p) => n + p.length, 0);
  if (len > 0xffff) throw new RangeError(`netlink attribute too long (${len} bytes)`);
  const header = Buffer.allocUnsafe(4); // pooled; both fields written
  header.writeUInt16LE(len, 0);
  header.writeUInt16LE(type | (nested ? 0x8000 : 0), 2);
  const pad = (4 - (len % 4)) % 4;
  return pad ? [header, ...parts, ZERO_PADS[pad]] : [header, ...parts];
}

/** Walk an attribute stream: yields [type without flag bits, payload]. */
export function* iterAttrs(buf: Buffer): Generator<[number, Buffer]> {
  let off = 0;
  while (off + 4 <= buf.length) {
    const len = buf.readUInt16LE(off);
    const type = buf.readUInt16LE(off + 2) & 0x3fff;
    if (len < 4 || off + len > buf.length) throw new Error(`malformed netlink attribute at offset ${off}`);
    yield [type, buf.subarray(off + 4, off + len)];
    off += (len + 3) & ~3;
  }
}
