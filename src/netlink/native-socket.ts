// node-netlink's native socket without its JavaScript wrapper. Its RawNetlinkSocket finds the
// compiled binding through node-gyp-build (a package.json read, directory listings, a libc probe)
// and hands every datagram through an EventEmitter; in the emulated test guest the look-up alone
// cost 50 to 300 ms of a command's start. Here the binding node-netlink ships for this platform
// is loaded by its path, and datagrams go straight to the one listener. Anything unexpected
// (no prebuilt binding for this platform, a binding built from source) falls back to
// RawNetlinkSocket, which finds it as before.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NetlinkTransport } from './transport';

/** The part of node-netlink's compiled NativeNetlink class that is used here. */
interface NativeNetlink {
  bind(port: number, groups: number): void;
  send(port: number, groups: number, data: Uint8Array | Uint8Array[], callback: (err?: Error) => void): void;
  address(): { port: number };
  ref(): void;
  unref(): void;
  close(): void;
  setRecvBufferSize(size: number): void;
  setSendBufferSize(size: number): void;
}
interface Binding {
  NativeNetlink: new (protocol: number, msgBuffer: number, onMessage: (data: Buffer, rinfo: { truncated?: number }) => void, onError: (err: Error) => void) => NativeNetlink;
}

export interface SocketOptions {
  recvBufferSize: number;
  sendBufferSize: number;
}

/** Looked up once per process: a listing opens up to eight sockets. */
let prebuilt: Binding | null | undefined;

/** The binding node-netlink ships prebuilt for this platform, or null when there is none. */
function prebuiltBinding(): Binding | null {
  if (prebuilt === undefined) prebuilt = findPrebuiltBinding();
  return prebuilt;
}

function findPrebuiltBinding(): Binding | null {
  try {
    // netlink's package.json has no "exports" map, so its files resolve by path.
    const dir = dirname(require.resolve('netlink/package.json'));
    // A binding compiled on this machine is what node-gyp-build prefers: leave that case to it.
    if (existsSync(join(dir, 'build', 'Release'))) return null;
    return require(join(dir, 'prebuilds', `${process.platform}-${process.arch}`, 'node.napi.node')) as Binding;
  } catch {
    return null;
  }
}

class NativeTransport implements NetlinkTransport {
  private messageListener: (data: Uint8Array) => void = () => {};
  private errorListener: (err: Error) => void = () => {};
  private readonly native: NativeNetlink;

  constructor(binding: Binding, protocol: number, options: SocketOptions) {
    // msgBuffer 0: peek at each datagram's size first, so none is ever truncated.
    this.native = new binding.NativeNetlink(
      protocol,
      0,
      (data, rinfo) => {
        if (rinfo.truncated !== undefined) this.errorListener(new Error(`netlink datagram truncated (${rinfo.truncated} bytes)`));
        else this.messageListener(data);
      },
      (err) => this.errorListener(err),
    );
    try {
      this.native.setRecvBufferSize(options.recvBufferSize);
      this.native.setSendBufferSize(options.sendBufferSize);
      // Port 0: the kernel assigns a free port id (no guessing and retrying, as node-netlink does).
      this.native.bind(0, 0);
    } catch (err) {
      this.native.close();
      throw err;
    }
  }

  send(data: Uint8Array[], _options: undefined, callback: (err?: Error) => void): void {
    this.native.send(0, 0, data, callback);
  }

  on(event: 'message' | 'error', listener: ((data: Uint8Array) => void) | ((err: Error) => void)): this {
    if (event === 'message') this.messageListener = listener as (data: Uint8Array) => void;
    else this.errorListener = listener as (err: Error) => void;
    return this;
  }

  address(): { port: number } {
    return this.native.address();
  }

  ref(): void {
    this.native.ref();
  }

  unref(): void {
    this.native.unref();
  }

  close(): void {
    this.native.close();
  }
}

/**
 * A new netlink socket of `protocol`, over node-netlink's native binding. `binding` is the
 * prebuilt one found by path unless given (null: node-netlink's RawNetlinkSocket).
 */
export function openNetlinkSocket(protocol: number, options: SocketOptions, binding: Binding | null = prebuiltBinding()): NetlinkTransport {
  if (binding) return new NativeTransport(binding, protocol, options);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { RawNetlinkSocket } = require('netlink/dist/raw') as typeof import('netlink/dist/raw');
  return new RawNetlinkSocket(protocol, options);
}
