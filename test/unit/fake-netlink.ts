// A scripted fake kernel behind the NetlinkTransport interface, for host tests of the netlink
// layer, the client and the runner. It answers as the kernel's netlink_rcv_skb does: every message
// of a datagram in order, an NLMSG_ERROR for a refusal (always) or an ACK (only when NLM_F_ACK is
// set), replies before the ACK, and NLM_F_MULTI parts closed by NLMSG_DONE for dumps.

import { EventEmitter } from 'node:events';
import {
  CTRL_ATTR_FAMILY_ID,
  CTRL_CMD_GETFAMILY,
  GENL_ID_CTRL,
  NLM_F_ACK,
  NLM_F_DUMP,
  NLM_F_DUMP_INTR,
  NLM_F_MULTI,
  NLMSG_DONE,
  NLMSG_ERROR,
  encodeAttr,
  parseNetlinkMessages,
  type NetlinkTransport,
} from '../../src/netlink/genl';

/** The family id the fake hands out for any name. */
export const FAKE_FAMILY = 0x24;

export interface FakeRequest {
  family: number;
  flags: number;
  seq: number;
  cmd: number;
  version: number;
  /** The attribute stream after the genetlink header. */
  attrs: Buffer;
}

/**
 * How the fake kernel answers one request: a refusal (positive errno), replies (genetlink
 * payloads after the genl header), an interrupted dump, or nothing at all (a lost answer).
 */
export type FakeAnswer = { errno?: number; replies?: Buffer[]; interrupted?: boolean } | 'silent';

export class FakeNetlink extends EventEmitter implements NetlinkTransport {
  /** Every request received, in order (family look-ups included). */
  readonly requests: FakeRequest[] = [];
  /** How many datagrams were sent to the kernel. */
  datagrams = 0;
  /** Like a new RawNetlinkSocket, the fake starts referenced. */
  refs = 1;
  closed = false;
  /** Fail the next send with this error (as sendmsg would). */
  sendError: Error | undefined;

  constructor(
    /** Answers IPVS requests; family look-ups are answered by the fake itself. */
    private readonly answer: (req: FakeRequest) => FakeAnswer = () => ({}),
    readonly port = 4242,
  ) {
    super();
  }

  address() {
    return { port: this.port };
  }
  ref() {
    this.refs++;
  }
  unref() {
    this.refs--;
  }
  close() {
    this.closed = true;
  }

  send(data: Uint8Array[], _options: undefined, callback: (err?: Error) => void): void {
    if (this.sendError) {
      const err = this.sendError;
      this.sendError = undefined;
      setImmediate(() => callback(err));
      return;
    }
    this.datagrams++;
    const msgs = parseNetlinkMessages(Buffer.concat(data));
    const out: Buffer[] = [];
    for (const m of msgs) {
      const req: FakeRequest = { family: m.type, flags: m.flags, seq: m.seq, cmd: m.data[0], version: m.data[1], attrs: m.data.subarray(4) };
      this.requests.push(req);
      out.push(...this.respond(req));
    }
    setImmediate(() => {
      callback();
      for (const d of out) if (!this.closed) this.emit('message', d);
    });
  }

  private respond(req: FakeRequest): Buffer[] {
    if (req.family === GENL_ID_CTRL && req.cmd === CTRL_CMD_GETFAMILY) {
      const id = Buffer.alloc(2);
      id.writeUInt16LE(FAKE_FAMILY);
      return [message(GENL_ID_CTRL, 0, req.seq, genl(1, Buffer.concat(encodeAttr(CTRL_ATTR_FAMILY_ID, id)))), ack(req.seq, 0)];
    }
    const a = this.answer(req);
    if (a === 'silent') return [];
    if (a.errno) return [ack(req.seq, a.errno)];
    const dump = (req.flags & NLM_F_DUMP) === NLM_F_DUMP;
    if (dump) {
      const flags = NLM_F_MULTI | (a.interrupted ? NLM_F_DUMP_INTR : 0);
      const parts = (a.replies ?? []).map((p) => message(req.family, flags, req.seq, genl(req.cmd, p)));
      const done = Buffer.alloc(4);
      return [...parts, message(NLMSG_DONE, flags, req.seq, done)];
    }
    const replies = (a.replies ?? []).map((p) => message(req.family, 0, req.seq, genl(req.cmd, p)));
    return req.flags & NLM_F_ACK ? [...replies, ack(req.seq, 0)] : replies;
  }
}

function genl(cmd: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([cmd, 1, 0, 0]), payload]);
}

function message(type: number, flags: number, seq: number, data: Buffer): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(16 + data.length, 0);
  h.writeUInt16LE(type, 4);
  h.writeUInt16LE(flags, 6);
  h.writeUInt32LE(seq, 8);
  return Buffer.concat([h, data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
}

/** NLMSG_ERROR: errno 0 is an ACK; the kernel echoes the request's header after it. */
function ack(seq: number, errno: number): Buffer {
  const body = Buffer.alloc(4 + 16);
  body.writeInt32LE(-errno, 0);
  body.writeUInt32LE(seq, 4 + 8);
  return message(NLMSG_ERROR, 0, seq, body);
}
