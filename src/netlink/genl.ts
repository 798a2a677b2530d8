// A generic-netlink request/response layer over node-netlink's raw socket.
//
// node-netlink's own NetlinkSocket keeps one multipart slot per socket and turns kernel errors
// into message strings; IPVS needs the errno, dump-interrupted detection and several requests in
// flight at once (pipelined bulk changes), so replies are matched to requests by sequence number here.

import {
  RawNetlinkSocket,
  formatGenlHeader,
  formatMessage,
  parseGenlHeader,
  parseMessages,
  GENL_HEADER_LENGTH,
  type NetlinkMessage,
} from 'netlink';
import { constants as osConstants } from 'node:os';

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

const errnoNames: Record<number, string> = Object.fromEntries(
  Object.entries(osConstants.errno).map(([name, no]) => [no, name]),
);

/** A request the kernel refused: `errno` is the positive error number it answered with. */
export class NetlinkError extends Error {
  readonly code: string;
  constructor(readonly errno: number) {
    const code = errnoNames[errno] ?? `E${errno}`;
    super(`netlink request failed: ${code}`);
    this.code = code;
  }
}

/** A dump the kernel marked NLM_F_DUMP_INTR: the table changed while it was read. */
export class DumpInterruptedError extends Error {
  constructor(readonly partial: GenlMessage[]) {
    super('netlink dump was interrupted by a concurrent change; retry');
  }
}

export interface GenlMessage {
  cmd: number;
  version: number;
  flags: number;
  /** The attribute stream after the genetlink header. */
  payload: Buffer;
}

interface Pending {
  dump: boolean;
  replies: GenlMessage[];
  interrupted: boolean;
  resolve(replies: GenlMessage[]): void;
  reject(err: Error): void;
}

export class GenlSocket {
  private readonly raw: RawNetlinkSocket;
  private readonly pending = new Map<number, Pending>();
  private seq = (Date.now() / 1000) >>> 0;
  private closed = false;

  constructor() {
    this.raw = new RawNetlinkSocket(NETLINK_GENERIC, { recvBufferSize: 4 << 20, sendBufferSize: 1 << 20 });
    this.raw.on('message', (data: Buffer) => this.onDatagram(data));
    this.raw.on('error', (err: Error) => this.failAll(err));
    this.raw.unref();
  }

  /** The netlink port id the kernel knows this socket by. */
  get portId(): number {
    return this.raw.address().port;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new Error('netlink socket closed'));
    this.raw.close();
  }

  /** Resolve a generic-netlink family name to its (per-boot) id. */
  async resolveFamily(name: string): Promise<number> {
    const attr = encodeAttr(CTRL_ATTR_FAMILY_NAME, Buffer.from(name + '\0'));
    const [reply] = await this.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, attr);
    for (const [type, value] of iterAttrs(reply?.payload ?? Buffer.alloc(0))) {
      if (type === CTRL_ATTR_FAMILY_ID) return value.readUInt16LE(0);
    }
    throw new NetlinkError(osConstants.errno.ENOENT);
  }

  /**
   * Send one request (NLM_F_REQUEST|NLM_F_ACK, plus NLM_F_DUMP for dumps) and resolve with its
   * replies once the kernel's ACK (or, for dumps, NLMSG_DONE) arrives.
   */
  request(family: number, cmd: number, version: number, attrs: Uint8Array[], opts: { dump?: boolean } = {}): Promise<GenlMessage[]> {
    if (this.closed) return Promise.reject(new Error('netlink socket closed'));
    const seq = this.nextSeq();
    const flags = NLM_F_REQUEST | NLM_F_ACK | (opts.dump ? NLM_F_DUMP : 0);
    const data = [formatGenlHeader({ cmd, version }), ...attrs];
    const frames = formatMessage({ type: family, flags, seq, port: this.portId, data });
    return new Promise<GenlMessage[]>((resolve, reject) => {
      if (this.pending.size === 0) this.raw.ref();
      this.pending.set(seq, { dump: !!opts.dump, replies: [], interrupted: false, resolve, reject });
      this.raw.send(frames, {}, (err?: Error) => {
        if (err) this.settle(seq, err);
      });
    });
  }

  private nextSeq(): number {
    do this.seq = (this.seq + 1) >>> 0 || 1;
    while (this.pending.has(this.seq));
    return this.seq;
  }

  private onDatagram(data: Buffer): void {
    let msgs: NetlinkMessage[];
    try {
      msgs = parseMessages(data);
    } catch (err) {
      this.failAll(err as Error);
      return;
    }
    for (const msg of msgs) this.onMessage(msg);
  }

  private onMessage(msg: NetlinkMessage): void {
    const p = this.pending.get(msg.seq);
    if (!p) return; // a late ACK after a doit reply, or a stranger's message
    if (msg.flags & NLM_F_DUMP_INTR) p.interrupted = true;
    if (msg.type === NLMSG_ERROR) {
      const errno = -msg.data.readInt32LE(0);
      this.settle(msg.seq, errno === 0 ? undefined : new NetlinkError(errno));
      return;
    }
    if (msg.type === NLMSG_DONE) {
      const errno = msg.data.length >= 4 ? -msg.data.readInt32LE(0) : 0;
      this.settle(msg.seq, errno > 0 ? new NetlinkError(errno) : undefined);
      return;
    }
    const { x: genl } = parseGenlHeader(msg.data);
    p.replies.push({ cmd: genl.cmd, version: genl.version, flags: msg.flags, payload: msg.data.subarray(GENL_HEADER_LENGTH) });
  }

  private settle(seq: number, err?: Error): void {
    const p = this.pending.get(seq);
    if (!p) return;
    this.pending.delete(seq);
    if (this.pending.size === 0 && !this.closed) this.raw.unref();
    if (err) p.reject(err);
    else if (p.interrupted) p.reject(new DumpInterruptedError(p.replies));
    else p.resolve(p.replies);
  }

  private failAll(err: Error): void {
    for (const seq of [...this.pending.keys()]) this.settle(seq, err);
  }
}

/** One netlink attribute (header, payload, zero padding to 4 bytes). */
export function encodeAttr(type: number, payload: Uint8Array | Uint8Array[], nested = false): Uint8Array[] {
  const parts = payload instanceof Uint8Array ? [payload] : payload;
  const len = 4 + parts.reduce((n, p) => n + p.length, 0);
  if (len > 0xffff) throw new RangeError(`netlink attribute too long (${len} bytes)`);
  const header = Buffer.alloc(4);
  header.writeUInt16LE(len, 0);
  header.writeUInt16LE(type | (nested ? 0x8000 : 0), 2);
  const pad = (4 - (len % 4)) % 4;
  return pad ? [header, ...parts, Buffer.alloc(pad)] : [header, ...parts];
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
