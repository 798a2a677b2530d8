// getservbyname / getservbyport over /etc/services, as glibc's "files" source answers them:
// the first matching line wins, and a port maps back to the line's official name.

import { readFileSync } from 'node:fs';
import { protocolByNumber } from '../model/tables';

interface ServiceEntry {
  name: string;
  aliases: string[];
  port: number;
  proto: string;
}

let table: ServiceEntry[] | undefined;

function load(): ServiceEntry[] {
  if (table) return table;
  table = [];
  let text = '';
  try {
    text = readFileSync(process.env.TSIPVSADM_SERVICES_FILE ?? '/etc/services', 'latin1');
  } catch {
    return table;
  }
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [name, portProto, ...aliases] = line.split(/\s+/);
    const m = /^(\d+)\/(\S+)$/.exec(portProto ?? '');
    if (!m) continue;
    table.push({ name, aliases, port: Number(m[1]), proto: m[2] });
  }
  return table;
}

/** The protocol name getservby* takes for an IPPROTO number, or undefined for other protocols. */
export function protoName(protocol: number): string | undefined {
  return protocolByNumber(protocol)?.name;
}

export function getServByName(name: string, proto: string | undefined): number | undefined {
  if (proto === undefined) return undefined;
  const hit = load().find((e) => e.proto === proto && (e.name === name || e.aliases.includes(name)));
  return hit?.port;
}

export function getServByPort(port: number, proto: string | undefined): string | undefined {
  if (proto === undefined) return undefined;
  return load().find((e) => e.proto === proto && e.port === port)?.name;
}
