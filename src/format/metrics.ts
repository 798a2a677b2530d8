// The metrics renderer: the IPVS state in the Prometheus text exposition format (version 0.0.4,
// which node_exporter's textfile collector and every Prometheus server read), per service and per
// real server. The series are labelled by identity only, so a weight or scheduler change does
// not start a new series; the label names follow node_exporter's IPVS collector
// (local_address, local_port, local_mark, proto, remote_address, remote_port) where it has one,
// and `service`/`server` carry the notation (`tcp:10.0.0.1:80`, `fwmark6:5`, `[2001:db8::2]:80`)
// that tells firewall-mark and IPv6 services apart, which that collector's labels do not.

import { AF_INET6 } from '../ipvs/constants';
import type { Destination, Service, Stats } from '../ipvs/types';
import type { ServiceState } from '../model/snapshot';
import { canonicalV6 } from './names';
import { familyName, hostPort, protocolName, serviceKeyText } from './json';

/** The Content-Type of this exposition over HTTP. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** What the exposition needs of a snapshot. */
export interface MetricsState {
  info: { version: number; connTabSize: number };
  services: readonly ServiceState[];
}

type Labels = Readonly<Record<string, string>>;

interface Family {
  name: string;
  type: 'counter' | 'gauge';
  help: string;
  samples: { labels: Labels; value: string }[];
}

/** One per-object metric: its name after the prefix, type, help, and how to read it. */
interface Column<T> {
  suffix: string;
  type: 'counter' | 'gauge';
  help: string;
  value(o: T): bigint | number;
}

const st = (s: Stats | undefined) => s ?? ({} as Partial<Stats>);
const z = (v: bigint | undefined) => v ?? 0n;

// One table for the counters and rates both levels share (name, meaning, field).
const TRAFFIC: readonly Column<Stats | undefined>[] = [
  { suffix: 'connections_total', type: 'counter', help: 'Connections scheduled', value: (s) => z(st(s).conns) },
  { suffix: 'incoming_packets_total', type: 'counter', help: 'Packets received from clients', value: (s) => z(st(s).inpkts) },
  { suffix: 'outgoing_packets_total', type: 'counter', help: 'Packets sent back to clients', value: (s) => z(st(s).outpkts) },
  { suffix: 'incoming_bytes_total', type: 'counter', help: 'Bytes received from clients', value: (s) => z(st(s).inbytes) },
  { suffix: 'outgoing_bytes_total', type: 'counter', help: 'Bytes sent back to clients', value: (s) => z(st(s).outbytes) },
  { suffix: 'connections_per_second', type: 'gauge', help: "Connection rate (the kernel's estimate)", value: (s) => z(st(s).cps) },
  { suffix: 'incoming_packets_per_second', type: 'gauge', help: "Incoming packet rate (the kernel's estimate)", value: (s) => z(st(s).inpps) },
  { suffix: 'outgoing_packets_per_second', type: 'gauge', help: "Outgoing packet rate (the kernel's estimate)", value: (s) => z(st(s).outpps) },
  { suffix: 'incoming_bytes_per_second', type: 'gauge', help: "Incoming byte rate (the kernel's estimate)", value: (s) => z(st(s).inbps) },
  { suffix: 'outgoing_bytes_per_second', type: 'gauge', help: "Outgoing byte rate (the kernel's estimate)", value: (s) => z(st(s).outbps) },
];

const SERVICE_GAUGES: readonly Column<ServiceState>[] = [
  { suffix: 'real_servers', type: 'gauge', help: 'Real servers of the service', value: (s) => s.destinations.length },
  { suffix: 'active_connections', type: 'gauge', help: 'Active connections, summed over its real servers', value: (s) => s.destinations.reduce((n, d) => n + d.activeConns, 0) },
  { suffix: 'inactive_connections', type: 'gauge', help: 'Inactive connections, summed over its real servers', value: (s) => s.destinations.reduce((n, d) => n + d.inactConns, 0) },
];

const BACKEND_GAUGES: readonly Column<Destination>[] = [
  { suffix: 'active_connections', type: 'gauge', help: 'Active connections (ActiveConn)', value: (d) => d.activeConns },
  { suffix: 'inactive_connections', type: 'gauge', help: 'Inactive connections (InActConn)', value: (d) => d.inactConns },
  { suffix: 'persistent_connections', type: 'gauge', help: 'Persistence templates pointing at it (PersistConn)', value: (d) => d.persistConns },
  { suffix: 'weight', type: 'gauge', help: 'Scheduling weight (0: takes no new connections)', value: (d) => d.weight },
  { suffix: 'upper_threshold', type: 'gauge', help: 'Upper connection threshold (0: none)', value: (d) => d.upperThreshold },
  { suffix: 'lower_threshold', type: 'gauge', help: 'Lower connection threshold (0: none)', value: (d) => d.lowerThreshold },
];

export function serviceLabels(svc: Service): Labels {
  const address = svc.fwmark ? '' : svc.af === AF_INET6 ? canonicalV6(svc.address) : svc.address;
  return {
    service: serviceKeyText(svc),
    family: familyName(svc.af),
    proto: svc.fwmark ? '' : protocolName(svc.protocol),
    local_address: address,
    local_port: svc.fwmark ? '' : String(svc.port),
    local_mark: svc.fwmark ? String(svc.fwmark >>> 0) : '',
  };
}

export function backendLabels(svc: Service, d: Destination): Labels {
  return {
    ...serviceLabels(svc),
    server: hostPort(d.af, d.address, d.port),
    remote_address: d.af === AF_INET6 ? canonicalV6(d.address) : d.address,
    remote_port: String(d.port),
  };
}

/** A label value with `\`, `"` and newlines escaped. */
const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function renderFamily(f: Family): string {
  let out = `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`;
  for (const s of f.samples) {
    const labels = Object.entries(s.labels)
      .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
      .join(',');
    out += `${f.name}${labels ? `{${labels}}` : ''} ${s.value}\n`;
  }
  return out;
}

/** The whole exposition. Values are exact integers (64-bit counters are not rounded here). */
export function renderMetrics(state: MetricsState, prefix = 'ipvs'): string {
  const families: Family[] = [];
  const v = state.info.version;
  families.push({
    name: `${prefix}_info`,
    type: 'gauge',
    help: 'IPVS version of the kernel (always 1)',
    samples: [{ labels: { version: `${(v >> 16) & 0xff}.${(v >> 8) & 0xff}.${v & 0xff}` }, value: '1' }],
  });
  families.push({ name: `${prefix}_connection_table_size`, type: 'gauge', help: 'Size of the connection hash table', samples: [{ labels: {}, value: String(state.info.connTabSize) }] });
  families.push({ name: `${prefix}_services`, type: 'gauge', help: 'Virtual services', samples: [{ labels: {}, value: String(state.services.length) }] });

  const perObject = <T>(level: string, cols: readonly Column<T>[], objs: readonly { labels: Labels; o: T }[]) => {
    for (const c of cols) {
      families.push({
        name: `${prefix}_${level}_${c.suffix}`,
        type: c.type,
        help: c.help,
        samples: objs.map(({ labels, o }) => ({ labels, value: String(c.value(o)) })),
      });
    }
  };
  const services = state.services.map((svc) => ({ labels: serviceLabels(svc), o: svc }));
  perObject('service', TRAFFIC, services.map((s) => ({ labels: s.labels, o: s.o.stats })));
  perObject('service', SERVICE_GAUGES, services);
  const backends = state.services.flatMap((svc) => svc.destinations.map((d) => ({ labels: backendLabels(svc, d), o: d })));
  perObject('backend', TRAFFIC, backends.map((b) => ({ labels: b.labels, o: b.o.stats })));
  perObject('backend', BACKEND_GAUGES, backends);
  return families.map(renderFamily).join('');
}
