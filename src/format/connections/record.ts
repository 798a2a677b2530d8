// One /proc/net/ip_vs_conn piece decoded as print_conn decodes it, as a record for renderers
// other than the text row (JSON).

import { protocolByLabel } from '../../model/tables';
import { decodeAddrs } from './addresses';
import { scanConn } from './scan';

export interface ConnEndpoint {
  af: number;
  address: string;
  port: number;
}

export interface ConnRecord {
  /** The file's Pro column as written (TCP, UDP, SCTP, ...). */
  protocol: string;
  /** IPPROTO number for TCP/UDP/SCTP rows, else 0 (port names are looked up only for those). */
  protocolNumber: number;
  /** Seconds. */
  expires: number;
  state: string;
  client: ConnEndpoint;
  virtual: ConnEndpoint;
  destination: ConnEndpoint;
  /** Present when the piece has all eleven fields. */
  pe?: { name: string; data: string };
}

/** The record of one piece, or null where sscanf returns EOF (ipvsadm stops there, status 1). */
export function connRecord(procLine: string): ConnRecord | null {
  const f = scanConn(procLine);
  if (f.n === -1) return null;
  const { c, v, d } = decodeAddrs(f);
  return {
    protocol: f.protocol,
    protocolNumber: protocolByLabel(f.protocol)?.protocol ?? 0,
    expires: f.expires >>> 0,
    state: f.state,
    client: { af: c.af, address: c.text, port: f.cport },
    virtual: { af: v.af, address: v.text, port: f.vport },
    destination: { af: d.af, address: d.text, port: f.dport },
    ...(f.n === 11 ? { pe: { name: f.peName, data: f.peData } } : {}),
  };
}
