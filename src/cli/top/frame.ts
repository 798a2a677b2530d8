// One frame of `top`: read the services and their real servers, turn counters into rates against
// the previous reading, sort, and lay the rows out as a cli-table3 table.

import Table from 'cli-table3';
import type { Destination, Service, ServiceKey } from '../../ipvs/types';
import { fwdName } from '../../format/list';
import { destName, serviceName } from '../../format/names';
import { destinationKey, serviceKey, type ServiceState } from '../../model';
import { columnOf, TOP_COLUMNS, type TopRow } from './columns';
import { ratesBetween, type Sample } from './rates';

/** Reads the services (all, or the one given) with their real servers: the model's snapshot reader. */
export type ServiceSource = (only?: ServiceKey) => Promise<ServiceState[]>;

export interface Reading {
  /** Monotonic milliseconds when the reading was taken. */
  at: number;
  services: ServiceState[];
}

export async function readServices(source: ServiceSource, at: () => number, only?: ServiceKey): Promise<Reading> {
  const services = await source(only);
  return { at: at(), services };
}

const serviceId = (s: ServiceKey) => serviceKey(s);
const destId = (s: ServiceKey, d: Destination) => `${serviceKey(s)}>${destinationKey(d)}`;

/** The counters of every object in a reading, by identity: the next frame's previous samples. */
export function samplesOf(reading: Reading): Map<string, Sample> {
  const map = new Map<string, Sample>();
  for (const service of reading.services) {
    const dests = service.destinations;
    if (service.stats) map.set(serviceId(service), { at: reading.at, stats: service.stats });
    for (const d of dests) if (d.stats) map.set(destId(service, d), { at: reading.at, stats: d.stats });
  }
  return map;
}

export interface RowGroup {
  service: TopRow;
  servers: TopRow[];
}

/** Rows of a reading, with rates against `previous` (empty: the kernel's estimates). */
export async function rowsOf(reading: Reading, previous: Map<string, Sample>, numeric: boolean): Promise<RowGroup[]> {
  const rate = (id: string, stats: Service['stats']) =>
    ratesBetween(previous.get(id), { at: reading.at, stats: stats ?? zeroStats() });
  return Promise.all(
    reading.services.map(async (service) => {
      const servers: TopRow[] = await Promise.all(
        service.destinations.map(async (d) => ({
          kind: 'server' as const,
          name: await destName(d, service.protocol, numeric, false),
          mode: fwdName(d.fwdMethod),
          weight: d.weight,
          active: d.activeConns,
          inactive: d.inactConns,
          rates: rate(destId(service, d), d.stats),
        })),
      );
      return {
        service: {
          kind: 'service' as const,
          name: await serviceName(service, numeric, true),
          mode: service.scheduler,
          active: servers.reduce((n, r) => n + r.active, 0),
          inactive: servers.reduce((n, r) => n + r.inactive, 0),
          rates: rate(serviceId(service), service.stats),
        },
        servers,
      };
    }),
  );
}

function zeroStats(): NonNullable<Service['stats']> {
  return { conns: 0n, inpkts: 0n, outpkts: 0n, inbytes: 0n, outbytes: 0n, cps: 0n, inpps: 0n, outpps: 0n, inbps: 0n, outbps: 0n };
}

export interface SortOrder {
  key: string;
  /** Reversed from the column's natural order (numbers largest first, names A to Z). */
  reverse: boolean;
}

/** Services by the column, and each service's real servers by the same column. */
export function sortRows(groups: RowGroup[], order: SortOrder): RowGroup[] {
  const col = columnOf(order.key);
  const sign = (col.numeric ? -1 : 1) * (order.reverse ? -1 : 1);
  const cmp = (a: TopRow, b: TopRow) => {
    const x = col.value(a);
    const y = col.value(b);
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'en', { numeric: true });
    return sign * c || a.name.localeCompare(b.name, 'en', { numeric: true });
  };
  return [...groups]
    .sort((a, b) => cmp(a.service, b.service))
    .map((g) => ({ service: g.service, servers: [...g.servers].sort(cmp) }));
}

export interface FrameOptions {
  order: SortOrder;
  /** The first line (title, time, keys). */
  title: string;
  /** Terminal lines available; rows beyond are cut with a note (undefined: no limit). */
  height?: number;
}

/** The frame's text: the title, then the table (cli-table3), ending in a newline. */
export function renderFrame(groups: RowGroup[], o: FrameOptions): string {
  const table = new Table({
    head: TOP_COLUMNS.map((c) => (c.key === o.order.key ? `${c.header}${(c.numeric !== o.order.reverse) ? '↓' : '↑'}` : c.header)),
    colAligns: TOP_COLUMNS.map((c) => (c.numeric ? 'right' : 'left')),
    style: { head: [], border: [], compact: true },
  });
  const rows = groups.flatMap((g) => [g.service, ...g.servers]);
  // Title, the table's top border, head, separator and bottom border take 5 lines, a note one
  // more, and the last line stays empty: a newline there would scroll the screen.
  const room = o.height === undefined ? rows.length : Math.max(1, o.height - 7);
  for (const row of rows.slice(0, room)) table.push(TOP_COLUMNS.map((c) => c.text(row)));
  let text = `${o.title}\n${table.toString()}\n`;
  if (rows.length > room) text += `(${rows.length - room} more rows: a taller terminal shows them)\n`;
  if (rows.length === 0) text += '(no virtual services)\n';
  return text;
}
