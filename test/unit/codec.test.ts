// Golden bytes for the IPVS codec, taken from what Debian's ipvsadm (libipvs over libnl 3.7)
// sends, plus round trips through the kernel's reply layout.

import { describe, expect, it } from 'vitest';
import {
  packDaemon,
  packDest,
  packService,
  packServiceKey,
  packTimeouts,
  unpackDaemon,
  unpackDest,
  unpackInfo,
  unpackService,
  unpackTimeouts,
} from '../../src/ipvs/codec';
import { encodeAttr, iterAttrs } from '../../src/netlink/genl';
import type { Destination, Service } from '../../src/ipvs/types';

const hex = (parts: Uint8Array[]) => Buffer.concat(parts).toString('hex');
const bytes = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

const svc = (over: Partial<Service> = {}): Service => ({
  af: 2, protocol: 6, address: '10.0.0.1', port: 80, fwmark: 0,
  scheduler: 'rr', flags: 0, timeout: 0, netmask: 0xffffffff, peName: '', ...over,
});
const dest = (over: Partial<Destination> = {}): Destination => ({
  af: 2, address: '10.0.0.2', port: 80, fwdMethod: 0, weight: 2, upperThreshold: 0, lowerThreshold: 0,
  tunType: 0, tunPort: 0, tunFlags: 0, activeConns: 0, inactConns: 0, persistConns: 0, ...over,
});

describe('packService', () => {
  it('matches ipvsadm -A -t 10.0.0.1:80 -s rr byte for byte', () => {
    expect(hex(packService(svc()))).toBe(
      bytes(`5400 0180
        0600 0100 0200 0000  0600 0200 0600 0000
        1400 0300 0a000001 00000000 00000000 00000000
        0600 0400 0050 0000  0700 0600 72720000
        0c00 0700 00000000 ffffffff  0800 0800 00000000  0800 0900 ffffffff`).toString('hex'),
    );
  });

  it('sends an empty scheduler name as a lone NUL (attribute length 5)', () => {
    const out = Buffer.concat(packService(svc({ scheduler: '' })));
    expect(out.subarray(4 + 8 + 8 + 20 + 8, 4 + 8 + 8 + 20 + 8 + 8).toString('hex')).toBe('0500060000000000');
  });

  it('identifies a fwmark service by FWMARK only, in host order', () => {
    const out = hex(packServiceKey(svc({ fwmark: 0x01020304, protocol: 6, address: '', port: 0 })));
    expect(out).toBe('14000180' + '0600010002000000' + '0800050004030201');
  });

  it('puts the persistence engine before the flags and encodes an IPv4 mask big-endian', () => {
    const out = Buffer.concat(packService(svc({ peName: 'sip', flags: 1, timeout: 360, netmask: 0xffffff00 })));
    const inner = [...iterAttrs(out.subarray(4))].map(([t, v]) => [t, v.toString('hex')]);
    expect(inner.map(([t]) => t)).toEqual([1, 2, 3, 4, 6, 11, 7, 8, 9]);
    expect(inner[5][1]).toBe('73697000');
    expect(inner[6][1]).toBe('01000000ffffffff');
    expect(inner[7][1]).toBe('68010000');
    expect(inner[8][1]).toBe('ffffff00');
  });

  it('encodes an IPv6 prefix as a host-order u32 and the address in 16 bytes', () => {
    const out = Buffer.concat(packService(svc({ af: 10, address: '2001:db8::1', netmask: 64 })));
    const inner = new Map([...iterAttrs(out.subarray(4))]);
    expect(inner.get(3)!.toString('hex')).toBe('20010db8000000000000000000000001');
    expect(inner.get(9)!.toString('hex')).toBe('40000000');
  });
});

describe('packDest', () => {
  it('matches ipvsadm -a ... -r 10.0.0.2:80 -m -w 2 byte for byte', () => {
    expect(hex(packDest(dest()))).toBe(
      bytes(`6000 0280
        0600 0b00 0200 0000  1400 0100 0a000002 00000000 00000000 00000000  0600 0200 0050 0000
        0800 0300 00000000  0800 0400 02000000  0500 0d00 00000000
        0600 0e00 0000 0000  0600 0f00 0000 0000  0800 0500 00000000  0800 0600 00000000`).toString('hex'),
    );
  });

  it('sends the tunnel port big-endian and the tunnel flags host order', () => {
    const out = Buffer.concat(packDest(dest({ fwdMethod: 2, tunType: 1, tunPort: 6080, tunFlags: 1 })));
    const inner = new Map([...iterAttrs(out.subarray(4))]);
    expect(inner.get(13)!.toString('hex')).toBe('01');
    expect(inner.get(14)!.toString('hex')).toBe('17c0');
    expect(inner.get(15)!.toString('hex')).toBe('0100');
  });
});

describe('daemon and timeouts', () => {
  it('sends only the given optional daemon fields, group last', () => {
    const minimal = hex(packDaemon({ state: 1, mcastIfn: 'eth0', syncId: 0 }));
    expect(minimal).toBe('20000380' + '0800010001000000' + '090002006574683000000000' + '0800030000000000');
    const full = Buffer.concat(packDaemon({ state: 2, mcastIfn: 'eth0', syncId: 5, syncMaxlen: 1400, mcastPort: 9000, mcastTtl: 3, mcastGroup: '239.1.2.3' }));
    const types = [...iterAttrs(full.subarray(4))].map(([t]) => t);
    expect(types).toEqual([1, 2, 3, 4, 7, 8, 5]);
    const m = new Map([...iterAttrs(full.subarray(4))]);
    expect(m.get(7)!.toString('hex')).toBe('2823'); // port 9000 in host order
    expect(m.get(5)!.toString('hex')).toBe('ef010203');
  });

  it('uses MCAST_GROUP6 for an IPv6 group', () => {
    const full = Buffer.concat(packDaemon({ state: 1, mcastIfn: 'eth0', syncId: 0, mcastGroup: 'ff02::1' }));
    const m = new Map([...iterAttrs(full.subarray(4))]);
    expect(m.get(6)!.toString('hex')).toBe('ff020000000000000000000000000001');
  });

  it('matches ipvsadm --set 900 120 300', () => {
    expect(hex(packTimeouts({ tcp: 900, tcpFin: 120, udp: 300 }))).toBe('080004008403000008000500780000000800060' + '02c010000');
  });
});

/** Build a reply the way the kernel lays it out (no NLA_F_NESTED on its nests). */
function reply(top: number, inner: Array<[number, Buffer]>): Buffer {
  return Buffer.concat(encodeAttr(top, inner.flatMap(([t, v]) => encodeAttr(t, v))));
}
const le32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
const le16 = (v: number) => { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; };
const be16 = (v: number) => { const b = Buffer.alloc(2); b.writeUInt16BE(v); return b; };
const le64 = (v: bigint) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(v); return b; };

describe('unpack', () => {
  it('reads a kernel service reply, strips HASHED and prefers STATS64', () => {
    const flags = Buffer.alloc(8);
    flags.writeUInt32LE(0x1 | 0x2 | 0x8, 0);
    flags.writeUInt32LE(0xffffffff, 4);
    const stats64 = Buffer.concat([...encodeAttr(1, le64(5000000000n)), ...encodeAttr(4, le64(7n))]);
    const stats32 = Buffer.concat(encodeAttr(1, le32(1)));
    const payload = reply(1, [
      [1, le16(2)], [2, le16(6)], [3, Buffer.from('c0a8010a000000000000000000000000', 'hex')], [4, be16(443)],
      [6, Buffer.from('sh\0')], [7, flags], [8, le32(300)], [9, Buffer.from('ffffff00', 'hex')],
      [10, stats32], [12, stats64],
    ]);
    const s = unpackService(payload);
    expect(s).toMatchObject({ af: 2, protocol: 6, address: '192.168.1.10', port: 443, fwmark: 0, scheduler: 'sh', flags: 0x9, timeout: 300, netmask: 0xffffff00, peName: '' });
    expect(s.stats!.conns).toBe(5000000000n);
    expect(s.stats!.inbytes).toBe(7n);
  });

  it('reads a fwmark service without protocol or address', () => {
    const flags = Buffer.concat([le32(2), le32(0xffffffff)]);
    const payload = reply(1, [[1, le16(10)], [5, le32(7)], [6, Buffer.from('mh\0')], [7, flags], [8, le32(0)], [9, le32(64)]]);
    expect(unpackService(payload)).toMatchObject({ af: 10, fwmark: 7, protocol: 0, address: '', port: 0, netmask: 64, flags: 0 });
  });

  it('round-trips a destination through the reply layout', () => {
    const payload = reply(2, [
      [1, Buffer.from('20010db8000000000000000000000010', 'hex')], [2, be16(8080)], [3, le32(0)], [4, le32(3)],
      [13, Buffer.from([1])], [14, be16(6080)], [15, le16(2)], [5, le32(100)], [6, le32(50)],
      [7, le32(4)], [8, le32(9)], [9, le32(1)], [11, le16(10)],
    ]);
    expect(unpackDest(payload, 2)).toEqual({
      af: 10, address: '2001:db8::10', port: 8080, fwdMethod: 0, weight: 3, upperThreshold: 100, lowerThreshold: 50,
      activeConns: 4, inactConns: 9, persistConns: 1, tunType: 1, tunPort: 6080, tunFlags: 2, stats: undefined,
    });
  });

  it('falls back to the service family when the dest has none', () => {
    const payload = reply(2, [
      [1, Buffer.from('0a000002000000000000000000000000', 'hex')], [2, be16(80)], [3, le32(3)], [4, le32(1)],
      [5, le32(0)], [6, le32(0)], [7, le32(0)], [8, le32(0)], [9, le32(0)],
    ]);
    expect(unpackDest(payload, 2)).toMatchObject({ af: 2, address: '10.0.0.2', fwdMethod: 3 });
  });

  it('reads 64-bit counters exactly at the 32-bit edges, legacy 32-bit stats alone, and skips unknown attributes', () => {
    const base: [number, Buffer][] = [
      [1, Buffer.from('0a000002000000000000000000000000', 'hex')], [2, be16(80)], [3, le32(3)], [4, le32(1)],
      [5, le32(0)], [6, le32(0)], [7, le32(0)], [8, le32(0)], [9, le32(0)], [40, le32(7)],
    ];
    const stats64 = Buffer.concat([
      ...encodeAttr(1, le64(2n ** 64n - 1n)), ...encodeAttr(2, le64(2n ** 32n)), ...encodeAttr(3, le64(2n ** 32n - 1n)),
      ...encodeAttr(4, le64(0x1234567890abcdefn)), ...encodeAttr(10, le64(5n)),
    ]);
    const s64 = unpackDest(reply(2, [...base, [12, stats64], [10, Buffer.concat(encodeAttr(1, le32(9)))]]), 2).stats!;
    expect([s64.conns, s64.inpkts, s64.outpkts, s64.inbytes, s64.outbytes, s64.outbps]).toEqual([2n ** 64n - 1n, 2n ** 32n, 2n ** 32n - 1n, 0x1234567890abcdefn, 0n, 5n]);
    const s32 = unpackDest(reply(2, [...base, [10, Buffer.concat([...encodeAttr(1, le32(0xffffffff)), ...encodeAttr(6, le32(3))])]]), 2).stats!;
    expect(s32).toEqual({ conns: 0xffffffffn, inpkts: 0n, outpkts: 0n, inbytes: 0n, outbytes: 0n, cps: 3n, inpps: 0n, outpps: 0n, inbps: 0n, outbps: 0n });
  });

  it('rejects a reply that lacks a mandatory attribute', () => {
    const payload = reply(2, [[1, Buffer.alloc(16)], [2, be16(80)]]);
    expect(() => unpackDest(payload, 2)).toThrow(/forwarding method/);
  });

  it('reads daemons, timeouts and info', () => {
    const d = reply(3, [[1, le32(1)], [2, Buffer.from('eth0\0')], [3, le32(9)], [4, le16(1472)], [7, le16(8848)], [8, Buffer.from([1])], [5, Buffer.from([224, 0, 0, 81])]]);
    expect(unpackDaemon(d)).toEqual({ state: 1, mcastIfn: 'eth0', syncId: 9, syncMaxlen: 1472, mcastPort: 8848, mcastTtl: 1, mcastGroup: '224.0.0.81' });
    const t = Buffer.concat([...encodeAttr(4, le32(900)), ...encodeAttr(5, le32(120)), ...encodeAttr(6, le32(300))]);
    expect(unpackTimeouts(t)).toEqual({ tcp: 900, tcpFin: 120, udp: 300 });
    const i = Buffer.concat([...encodeAttr(1, le32(0x010201)), ...encodeAttr(2, le32(4096))]);
    expect(unpackInfo(i)).toEqual({ version: 0x010201, connTabSize: 4096 });
  });
});
