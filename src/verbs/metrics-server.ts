// The `/metrics` HTTP endpoint of `tsipvsadm metrics --listen`. It is a door into a tool that
// runs as root, so it does as little as it can: it answers GET /metrics and nothing else (405
// for other methods there, 404 elsewhere), never changes IPVS state (it only reads a snapshot),
// reads no request body, and bounds what a client can hold: header size, time to send the
// headers and the request, idle time, the number of open connections. Scrapes that arrive
// while one is being read share that read, so many clients cost one snapshot.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { METRICS_CONTENT_TYPE } from '../format/metrics';

export interface MetricsServerLimits {
  /** Largest request head accepted (bytes); larger gets 431. */
  maxHeaderSize: number;
  /** Time a client has to send the request headers (ms); then the connection is closed. */
  headersTimeoutMs: number;
  /** Time a client has to send the whole request (ms). */
  requestTimeoutMs: number;
  /** A connection with no traffic for this long is closed (ms). */
  idleTimeoutMs: number;
  /** Connections open at once; more are refused (closed at once). */
  maxConnections: number;
}

export const DEFAULT_LIMITS: MetricsServerLimits = {
  maxHeaderSize: 8192,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  idleTimeoutMs: 15_000,
  maxConnections: 64,
};

export const METRICS_PATH = '/metrics';

export interface MetricsServer {
  server: Server;
  /** The address and port bound (the port is the real one when 0 was asked for). */
  address: AddressInfo;
  /** Stop accepting, close every connection, wait until the server has closed. */
  stop(): Promise<void>;
}

/**
 * Listen on `host`:`port` and serve `render()`'s text on GET /metrics. A render failure answers
 * 500 with its message (the scrape then counts as failed) and the server goes on.
 */
export async function startMetricsServer(
  host: string,
  port: number,
  render: () => Promise<string>,
  limits: MetricsServerLimits = DEFAULT_LIMITS,
): Promise<MetricsServer> {
  let inFlight: Promise<string> | undefined;
  const scrape = () => {
    inFlight ??= render().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  const server = createServer(
    {
      maxHeaderSize: limits.maxHeaderSize,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // How often node checks the two timeouts above (its default, 30 s, would let them slip).
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
      keepAliveTimeout: Math.min(5000, limits.idleTimeoutMs),
    },
    (req, res) => void handle(req, res, scrape),
  );
  server.maxConnections = limits.maxConnections;
  // No 'timeout' listener: node destroys a socket idle this long.
  server.setTimeout(limits.idleTimeoutMs);
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // A malformed request: answer 400 (or 431 for an oversized head) where the socket still can.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (socket.writable && !socket.destroyed) {
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    server,
    address: server.address() as AddressInfo,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, scrape: () => Promise<string>): Promise<void> {
  const path = (req.url ?? '').split('?')[0];
  const plain = (status: number, text: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };
  if (path !== METRICS_PATH) {
    plain(404, 'Not Found: only /metrics is served\n', { Connection: 'close' });
    return;
  }
  if (req.method !== 'GET') {
    // Don't read what the client may still send: answer and close.
    plain(405, 'Method Not Allowed: only GET\n', { Allow: 'GET', Connection: 'close' });
    return;
  }
  let body: string;
  try {
    body = await scrape();
  } catch (err) {
    plain(500, `reading IPVS state failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return;
  }
  res.writeHead(200, { 'Content-Type': METRICS_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(body);
}
