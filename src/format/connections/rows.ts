// `ipvsadm -L -c` rows: the header and one printed row per /proc/net/ip_vs_conn piece, numeric
// or with names, at ipvsadm's column widths. Rows are latin1 byte strings (the printf widths
// count bytes): write them back with Buffer.from(row, 'latin1').

import { protocolByLabel } from '../../model/tables';
import { addrPortToName, numericName } from '../names';
import { padRight } from '../numbers';
import { decodeAddrs } from './addresses';
import { scanConn, type ConnFields } from './scan';

/** The two header lines printed after the file's own first line has been read. */
export function connHeader(persistentConn: boolean): string {
  const head = `pro expire ${padRight('state', 11)} ${padRight('source', 18)} ${padRight('virtual', 18)} `;
  return persistentConn
    ? `IPVS connection entries\n${head}${padRight('destination', 18)} ${padRight('pe name', 16)} pe_data\n`
    : `IPVS connection entries\n${head}destination\n`;
}

/** The file's Pro column to a protocol number (0 for others: port names are then not looked up). */
function connProto(protocol: string): number {
  return protocolByLabel(protocol)?.protocol ?? 0;
}

function row(f: ConnFields, cname: string, vname: string, dname: string, persistentConn: boolean): string {
  const e = f.expires >>> 0;
  const min = Math.floor(e / 60);
  const sec = e % 60;
  const expire = `${min < 10 ? '0' : ''}${min}:${sec < 10 ? '0' : ''}${sec}`;
  const head = `${padRight(f.protocol, 3)} ${padRight(expire, 6)} ${padRight(f.state, 11)} ${padRight(cname, 18)} ${padRight(vname, 18)} `;
  if (persistentConn && f.n === 11) return `${head}${padRight(dname, 16)} ${padRight(f.peName, 18)} ${f.peData}\n`;
  return `${head}${dname}\n`;
}

/**
 * The kernel's own IPv4 row ("%-3s %08X %04X %08X %04X %08X %04X %-11s %7u\n", no persistence
 * engine), which is nearly every row of a large table. Matched whole, its sscanf fields are
 * plain: 8-digit hex addresses (strtoul), 4-digit hex ports, a short decimal expiry; so it is
 * decoded here directly, with the same results as scanConn + decodeAddrs (a host test compares
 * the two) at a fraction of the cost.
 */
const KERNEL_V4_ROW = /^(\S+) +([0-9A-F]{8}) ([0-9A-F]{4}) ([0-9A-F]{8}) ([0-9A-F]{4}) ([0-9A-F]{8}) ([0-9A-F]{4}) (\S+) +(\d{1,9})\n$/;

const hexAddrPort = (addr: string, port: string) => {
  const v = parseInt(addr, 16);
  return `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}:${parseInt(port, 16)}`;
};

// Virtual and real server columns repeat from row to row; client ones mostly do not.
const serverColumns = new Map<string, string>();
function serverColumn(addr: string, port: string): string {
  const key = addr + port;
  let text = serverColumns.get(key);
  if (text === undefined) {
    text = hexAddrPort(addr, port);
    if (serverColumns.size >= 4096) serverColumns.clear();
    serverColumns.set(key, text);
  }
  return text;
}

function kernelV4Row(procLine: string): string | null {
  const m = KERNEL_V4_ROW.exec(procLine);
  if (!m) return null;
  const e = Number(m[9]);
  const min = Math.floor(e / 60);
  const sec = e % 60;
  const expire = `${min < 10 ? '0' : ''}${min}:${sec < 10 ? '0' : ''}${sec}`;
  return `${padRight(m[1], 3)} ${padRight(expire, 6)} ${padRight(m[8], 11)} ${padRight(hexAddrPort(m[2], m[3]), 18)} ${padRight(serverColumn(m[4], m[5]), 18)} ${serverColumn(m[6], m[7])}\n`;
}

/**
 * The `-n` row of one piece of /proc/net/ip_vs_conn, synchronously (no look-ups at all), or null
 * where sscanf returns EOF (an empty or all-white-space piece: ipvsadm exits 1 there).
 */
export function connLineNumeric(procLine: string, persistentConn: boolean): string | null {
  return kernelV4Row(procLine) ?? connLineNumericScanned(procLine, persistentConn);
}

/** connLineNumeric through the full sscanf emulation (any piece). */
export function connLineNumericScanned(procLine: string, persistentConn: boolean): string | null {
  const f = scanConn(procLine);
  if (f.n === -1) return null;
  const { c, v, d } = decodeAddrs(f);
  return row(
    f,
    numericName(c.af, c.text, f.cport),
    numericName(v.af, v.text, f.vport),
    numericName(d.af, d.text, f.dport),
    persistentConn,
  );
}

/**
 * The row ipvsadm prints for one piece of /proc/net/ip_vs_conn, or null where sscanf returns EOF
 * (the runner then exits 1 silently). Names resolve as in the listing unless `numeric`; port
 * names only for TCP, UDP and SCTP rows.
 */
export async function connLine(procLine: string, numeric: boolean, persistentConn: boolean): Promise<string | null> {
  if (numeric) return connLineNumeric(procLine, persistentConn);
  const f = scanConn(procLine);
  if (f.n === -1) return null;
  const { c, v, d } = decodeAddrs(f);
  const proto = connProto(f.protocol);
  const [cname, vname, dname] = await Promise.all([
    addrPortToName(c.af, c.text, f.cport, proto, false),
    addrPortToName(v.af, v.text, f.vport, proto, false),
    addrPortToName(d.af, d.text, f.dport, proto, false),
  ]);
  return row(f, cname, vname, dname, persistentConn);
}
