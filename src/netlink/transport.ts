// The netlink types the public API shows (index.ts): the socket a client may be given and the
// dump-interrupted error. Kept apart from genl.ts, and free of Node's types (Buffer, timers):
// the published typings must compile in a consumer that has no @types/node of its own.

/**
 * What GenlSocket needs from a netlink socket. node-netlink's RawNetlinkSocket satisfies it; host
 * tests implement it with a scripted fake kernel. `send` transmits the buffers as ONE datagram
 * (which may hold several netlink messages) and calls back once it has been handed to the kernel.
 * A received datagram may be any Uint8Array (node-netlink gives a Buffer).
 */
export interface NetlinkTransport {
  send(data: Uint8Array[], options: undefined, callback: (err?: Error) => void): void;
  on(event: 'message', listener: (data: Uint8Array) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  /** The netlink port id the kernel knows this socket by. */
  address(): { port: number };
  /** Keep the process alive while answers are awaited (and let it end when none are). */
  ref(): void;
  unref(): void;
  close(): void;
}

/** One generic-netlink reply as the public API sees it. */
export interface GenlReply {
  cmd: number;
  version: number;
  flags: number;
  /** The attribute stream after the genetlink header. */
  payload: Uint8Array;
}

/** A dump the kernel marked NLM_F_DUMP_INTR: the table changed while it was read. */
export class DumpInterruptedError<Reply extends GenlReply = GenlReply> extends Error {
  override readonly name = 'DumpInterruptedError';
  constructor(readonly partial: Reply[]) {
    super('netlink dump was interrupted by a concurrent change; retry');
  }
}
