// `tsipvsadm metrics [--listen ADDR:PORT]`: the Prometheus text exposition of the IPVS state,
// printed once (for node_exporter's textfile collector), or served on HTTP GET /metrics until
// SIGTERM or SIGINT.

import { renderMetrics } from '../format/metrics';
import { LISTING_READ } from '../cli/list-json';
import { startMetricsServer, METRICS_PATH } from './metrics-server';
import { VerbUsageError, type VerbContext, type VerbHandler } from './registry';
import { inetPton4, inetPton6 } from '../net/inet';

/** `127.0.0.1:9100`, `[::1]:9100`: an explicit address (no default to every interface). */
export function parseListenAddress(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):([0-9]{1,5})$/.exec(text);
  const host = m ? (m[1] ?? m[2]) : undefined;
  const port = m ? Number(m[3]) : NaN;
  if (!m || host === undefined || port > 65535) throw new VerbUsageError(`--listen wants ADDRESS:PORT (IPv6 in brackets), not '${text}'`);
  if (m[1] !== undefined ? !inetPton6(host) : !inetPton4(host)) throw new VerbUsageError(`--listen: not an IP address: '${host}'`);
  return { host, port };
}

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Serve until SIGTERM/SIGINT, then close every connection and resolve with status 0. */
export async function serveUntilSignal(ctx: Pick<VerbContext, 'io' | 'argv0'>, listen: string, render: () => Promise<string>): Promise<number> {
  const { host, port } = parseListenAddress(listen);
  let srv;
  try {
    srv = await startMetricsServer(host, port, render);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new VerbUsageError(`cannot listen on ${listen}: ${e.code ?? e.message}`);
  }
  const shown = srv.address.family === 'IPv6' ? `[${srv.address.address}]` : srv.address.address;
  ctx.io.stderr(`${ctx.argv0} metrics: serving http://${shown}:${srv.address.port}${METRICS_PATH}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      for (const s of STOP_SIGNALS) process.off(s, stop);
      resolve();
    };
    for (const s of STOP_SIGNALS) process.on(s, stop);
  });
  await srv.stop();
  return 0;
}

export const metricsVerb: VerbHandler = async (ctx, options) => {
  const client = await ctx.client();
  const render = async () => renderMetrics(await client.snapshot(LISTING_READ));
  if (typeof options.listen === 'string') return serveUntilSignal(ctx, options.listen, render);
  ctx.io.stdout(await render());
  return 0;
};
