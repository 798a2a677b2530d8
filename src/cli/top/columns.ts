// The columns of `top`, as one table: header, how a row's value is read (for sorting) and shown.
// The --sort choices, the sort keys while running and the documentation all come from here.

import type { Rates } from './rates';

/** One line of the view: a service, or one of its real servers. */
export interface TopRow {
  kind: 'service' | 'server';
  /** `TCP  10.1.0.100:80` for a service, the address for a real server. */
  name: string;
  /** Scheduler (service) or forwarding method (real server). */
  mode: string;
  /** Real servers only. */
  weight?: number;
  active: number;
  inactive: number;
  rates: Rates;
}

export interface TopColumn {
  readonly key: string;
  readonly header: string;
  readonly description: string;
  /** What sorting compares. */
  value(row: TopRow): number | string;
  text(row: TopRow): string;
  /** Numbers sort largest first, names smallest first (before `r` reverses it). */
  readonly numeric: boolean;
}

/** A rate as it fits a narrow column: 0.5, 12, 98100, 123.5K, 12.0M, 3.2G. */
export function rateText(v: number): string {
  if (v < 10) return (Math.round(v * 10) / 10).toFixed(1).replace(/\.0$/, '');
  if (v < 1e5) return String(Math.round(v));
  if (v < 1e6) return `${(v / 1e3).toFixed(1)}K`;
  if (v < 1e9) return `${(v / 1e6).toFixed(1)}M`;
  return `${(v / 1e9).toFixed(1)}G`;
}

const rate = (key: keyof Rates, header: string, description: string): TopColumn => ({
  key,
  header,
  description,
  value: (r) => r.rates[key],
  text: (r) => rateText(r.rates[key]),
  numeric: true,
});

export const TOP_COLUMNS: readonly TopColumn[] = [
  {
    key: 'name',
    header: 'Service / Real server',
    description: 'address',
    value: (r) => r.name,
    text: (r) => (r.kind === 'server' ? `  -> ${r.name}` : r.name),
    numeric: false,
  },
  { key: 'mode', header: 'Sched/Fwd', description: 'scheduler or forwarding method', value: (r) => r.mode, text: (r) => r.mode, numeric: false },
  {
    key: 'weight',
    header: 'Weight',
    description: 'real server weight',
    value: (r) => r.weight ?? -1,
    text: (r) => (r.weight === undefined ? '' : String(r.weight)),
    numeric: true,
  },
  { key: 'active', header: 'ActConn', description: 'active connections', value: (r) => r.active, text: (r) => String(r.active), numeric: true },
  { key: 'inactive', header: 'InActConn', description: 'inactive connections', value: (r) => r.inactive, text: (r) => String(r.inactive), numeric: true },
  rate('cps', 'Conn/s', 'connections per second'),
  rate('inpps', 'InPkt/s', 'packets per second in'),
  rate('outpps', 'OutPkt/s', 'packets per second out'),
  rate('inbps', 'InByte/s', 'bytes per second in'),
  rate('outbps', 'OutByte/s', 'bytes per second out'),
];

export const SORT_KEYS: readonly string[] = TOP_COLUMNS.map((c) => c.key);

export function columnOf(key: string): TopColumn {
  const col = TOP_COLUMNS.find((c) => c.key === key);
  if (!col) throw new Error(`unknown column ${key}`);
  return col;
}
