// The fast path for the kernel's IPv4 -c rows must print exactly what the sscanf emulation
// prints, and leave every other piece to it.

import { describe, expect, it } from 'vitest';
import { connLineNumeric, connLineNumericScanned } from '../../src/format/connections/rows';

const hex = (v: number, w: number) => v.toString(16).toUpperCase().padStart(w, '0');

function kernelRow(seed: number): string {
  const r = (n: number) => Math.floor(Math.abs(Math.sin(seed++) * 1e9)) % n;
  const proto = ['TCP', 'UDP', 'SCTP', 'AH', 'ESP', 'IP'][r(6)];
  const state = ['ESTABLISHED', 'SYN_RECV', 'FIN_WAIT', 'TIME_WAIT', 'CLOSE_WAIT', 'NONE', 'UDP', 'ERR!', 'COOKIE_ECHOED'][r(9)];
  const addr = () => hex((r(0x10000) << 16) | r(0x10000), 8);
  const expires = [0, 59, 60, 3599, 86399, 999999999][r(6)];
  return `${proto.padEnd(3)} ${addr()} ${hex(r(0x10000), 4)} ${addr()} ${hex(r(0x10000), 4)} ${addr()} ${hex(r(0x10000), 4)} ${state.padEnd(11)} ${String(expires).padStart(7)}\n`;
}

describe('-c rows: the kernel IPv4 fast path', () => {
  it('prints what the sscanf emulation prints, row for row', () => {
    for (let i = 0; i < 3000; i++) {
      const line = kernelRow(i * 13 + 1);
      for (const persistent of [false, true]) expect(connLineNumeric(line, persistent)).toBe(connLineNumericScanned(line, persistent));
    }
  });

  it('leaves other pieces to the emulation, with the same result', () => {
    const others = [
      'TCP 0A000001 1F90 0A000002 0050 0A000003 0050 ESTABLISHED     900 sip 0123abcd\n', // persistence engine
      'TCP 0a000001 1f90 0A000002 0050 0A000003 0050 ESTABLISHED     900\n', // lower-case hex
      'TCP 2001:0db8:0000:0000:0000:0000:0000:0001 1F90 2001:0db8:0000:0000:0000:0000:0000:0002 0050 2001:0db8:0000:0000:0000:0000:0000:0003 0050 ESTABLISHED      12\n',
      'TCP 0A000001 1F90 0A000002 0050 0A000003 0050 ESTABLISHED 1234567890\n', // long expiry
      'TCP 0A000001 1F90 0A000002 0050 0A000003 0050 ESTABLISHED     900', // no newline (a cut piece)
      'UDP 0A000001 1F90 0A000002 0050 0A000003\n',
      '   \n',
    ];
    for (const line of others) expect(connLineNumeric(line, false)).toBe(connLineNumericScanned(line, false));
  });
});
