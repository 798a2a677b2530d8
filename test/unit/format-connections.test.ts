import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const hosts = vi.hoisted(() => ({ map: new Map<string, string>(), calls: [] as string[] }));
vi.mock('../../src/net/hosts', () => ({
  reverseLookup: async (address: string) => {
    hosts.calls.push(address);
    return hosts.map.get(address) ?? null;
  },
  resolveHostV4: async () => null,
}));

import { connHeader, connLine, connLineNumeric } from '../../src/format/connections/rows';
import { readConnections } from '../../src/format/connections/proc-file';
import { clearNameCaches } from '../../src/format/names';
import { installServicesFixture } from './format-fixture';

installServicesFixture();

beforeEach(() => {
  hosts.map.clear();
  hosts.calls.length = 0;
  clearNameCaches();
});

const KERNEL_HEADER = 'Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n';

/** The kernel's 6.1 row formats (ip_vs_conn_seq_show). */
const v4row = (p: string, c: string, cp: number, v: string, vp: number, d: string, dp: number, st: string, exp: number, pe = '') =>
  `${p.padEnd(3)} ${c} ${hex4(cp)} ${v} ${hex4(vp)} ${d} ${hex4(dp)} ${st.padEnd(11)} ${String(exp).padStart(7)}${pe}\n`;
const hex4 = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');

// The rows behind the spec's observed -Lnc output (§2.9).
const SAMPLE_PROC = [
  v4row('TCP', 'C0A80005', 51234, 'C0A8010A', 80, '0A000002', 80, 'ESTABLISHED', 899),
  v4row('UDP', 'C0A80006', 5353, 'C0A8010A', 53, '0A000005', 53, 'UDP', 299),
  v4row('TCP', 'C0A80000', 0, 'C0A8010A', 443, '0A000002', 443, 'NONE', 6005),
  // IPv6 rows: one in full %pI6 form, one compressed.
  v4row(
    'TCP',
    '2001:0db8:0000:0000:0000:0000:0000:0099',
    40000,
    '2001:0db8:0000:0000:0000:0000:0000:0001',
    8080,
    '2001:0db8:0000:0000:0000:0000:0000:0010',
    8080,
    'SYN_RECV',
    58,
  ),
  v4row('TCP', '2001:db8::99', 40001, '2001:db8::1', 8080, '0A000007', 8080, 'FIN_WAIT', 100),
  v4row('SCTP', 'C0A80008', 3868, 'C0A80114', 3868, '0A000009', 3868, 'ESTABLISHED', 3),
  v4row('IP', 'C0A80008', 0, '00000064', 0, '0A000009', 0, 'NONE', 360000),
];

const SAMPLE_OUT = [
  'TCP 14:59  ESTABLISHED 192.168.0.5:51234  192.168.1.10:80    10.0.0.2:80',
  'UDP 04:59  UDP         192.168.0.6:5353   192.168.1.10:53    10.0.0.5:53',
  'TCP 100:05 NONE        192.168.0.0:0      192.168.1.10:443   10.0.0.2:443',
  'TCP 00:58  SYN_RECV    [2001:db8::99]:40000 [2001:db8::1]:8080 [2001:db8::10]:8080',
  'TCP 01:40  FIN_WAIT    [2001:db8::99]:40001 [2001:db8::1]:8080 10.0.0.7:8080',
  'SCTP 00:03  ESTABLISHED 192.168.0.8:3868   192.168.1.20:3868  10.0.0.9:3868',
  'IP  6000:00 NONE        192.168.0.8:0      0.0.0.100:0        10.0.0.9:0',
];

describe('connection table header', () => {
  it('prints both header forms', () => {
    expect(connHeader(false)).toBe(
      'IPVS connection entries\npro expire state       source             virtual            destination\n',
    );
    expect(connHeader(true)).toBe(
      'IPVS connection entries\n' +
        'pro expire state       source             virtual            destination        pe name          pe_data\n',
    );
  });
});

describe('connLine', () => {
  it('reproduces the observed -Lnc rows', async () => {
    for (let i = 0; i < SAMPLE_PROC.length; i++) {
      expect(await connLine(SAMPLE_PROC[i], true, false)).toBe(SAMPLE_OUT[i] + '\n');
      expect(connLineNumeric(SAMPLE_PROC[i], false)).toBe(SAMPLE_OUT[i] + '\n');
    }
    expect(hosts.calls).toEqual([]);
  });

  it('matches rows observed from the real ipvsadm on a 6.1 guest', async () => {
    const proc = [
      'TCP 0A090909 0000 0A090909 0050 7F000001 0050 NONE             29\n',
      'TCP 0A090909 B0C2 0A090909 0050 7F000001 0050 CLOSE             9\n',
    ];
    expect(connLineNumeric(proc[0], false)).toBe('TCP 00:29  NONE        10.9.9.9:0         10.9.9.9:80        127.0.0.1:80\n');
    expect(connLineNumeric(proc[1], true)).toBe('TCP 00:09  CLOSE       10.9.9.9:45250     10.9.9.9:80        127.0.0.1:80\n');
    hosts.map.set('127.0.0.1', 'localhost');
    expect(await connLine(proc[0], false, false)).toBe(
      'TCP 00:29  NONE        10.9.9.9:0         10.9.9.9:http      localhost:http\n',
    );
  });

  it('adds pe columns with --persistent-conn only when all 11 fields are present', async () => {
    const sip = v4row('UDP', 'C0A80007', 5060, 'C0A8010A', 5060, '0A000008', 5060, 'UDP', 59, ' sip 1234567@example.com');
    expect(await connLine(sip, true, true)).toBe(
      'UDP 00:59  UDP         192.168.0.7:5060   192.168.1.10:5060  10.0.0.8:5060    sip                1234567@example.com\n',
    );
    expect(await connLine(sip, true, false)).toBe(
      'UDP 00:59  UDP         192.168.0.7:5060   192.168.1.10:5060  10.0.0.8:5060\n',
    );
    // 10 fields: the normal row.
    expect(await connLine(SAMPLE_PROC[0].replace('\n', ' sip\n'), true, true)).toBe(SAMPLE_OUT[0] + '\n');
  });

  it('returns null where sscanf returns EOF (blank or white-space-only pieces)', async () => {
    expect(await connLine('\n', true, false)).toBeNull();
    expect(await connLine('   \t \r\n', false, false)).toBeNull();
    expect(connLineNumeric('', false)).toBeNull();
  });

  it('resolves names without -n: ports for TCP/UDP/SCTP only', async () => {
    hosts.map.set('10.0.0.2', 'real1');
    hosts.map.set('2001:db8::99', 'client6');
    expect(await connLine(SAMPLE_PROC[0], false, false)).toBe(
      'TCP 14:59  ESTABLISHED 192.168.0.5:51234  192.168.1.10:http  real1:http\n',
    );
    expect(await connLine(SAMPLE_PROC[1], false, false)).toBe(
      'UDP 04:59  UDP         192.168.0.6:mdns   192.168.1.10:domain 10.0.0.5:domain\n',
    );
    expect(await connLine(SAMPLE_PROC[4], false, false)).toBe(
      'TCP 01:40  FIN_WAIT    [client6]:40001    [2001:db8::1]:http-alt 10.0.0.7:http-alt\n',
    );
    expect(await connLine(SAMPLE_PROC[5], false, false)).toBe(
      'SCTP 00:03  ESTABLISHED 192.168.0.8:diameter 192.168.1.20:diameter 10.0.0.9:diameter\n',
    );
    const icmp = v4row('ICMP', 'C0A80008', 80, 'C0A8010A', 80, '0A000002', 80, 'ERR!', 1);
    expect(await connLine(icmp, false, false)).toBe(
      'ICMP 00:01  ERR!        192.168.0.8:80     192.168.1.10:80    real1:80\n',
    );
  });

  it('follows sscanf on odd input: dotted IPv4, short pieces, hex and expiry edge cases', () => {
    // Dotted IPv4 text is taken as is.
    expect(connLineNumeric('TCP 1.2.3.4 0050 5.6.7.8 0051 9.9.9.9 0052 NONE 61\n', false)).toBe(
      'TCP 01:01  NONE        1.2.3.4:80         5.6.7.8:81         9.9.9.9:82\n',
    );
    // A piece that is only the tail of a split line: one field, the rest defaults.
    expect(connLineNumeric('tail-of-pe-data\n', false)).toBe(
      'tail-of-pe-data 00:00              0.0.0.0:0          0.0.0.0:0          0.0.0.0:0\n',
    );
    // %hX keeps the low 16 bits; strtoul then the cast keep 32 bits; expires is unsigned.
    expect(connLineNumeric('TCP 1FFFFFFFFF 12345 0x0A000001 0x50 ZZ 0 NONE -1\n', false)).toBe(
      'TCP 71582788:15 NONE        255.255.255.255:9029 10.0.0.1:80        0.0.0.0:0\n',
    );
    // A failing %hX stops the scan there.
    expect(connLineNumeric('TCP 0A000001 XYZ 0A000002 0050 0A000003 0050 NONE 5\n', false)).toBe(
      'TCP 00:00              10.0.0.1:0         0.0.0.0:0          0.0.0.0:0\n',
    );
  });
});

describe('readConnections', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsipvsadm-conn-'));

  async function pieces(content: string | Buffer): Promise<string[]> {
    const file = join(dir, `f${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, content);
    const out: string[] = [];
    for await (const p of readConnections(file)) out.push(p);
    return out;
  }

  it('yields the header line then each row', async () => {
    const content = KERNEL_HEADER + SAMPLE_PROC.join('');
    expect(await pieces(content)).toEqual([KERNEL_HEADER, ...SAMPLE_PROC]);
  });

  it('splits lines longer than 255 bytes like fgets(buf, 256)', async () => {
    const long = 'x'.repeat(600) + '\n';
    expect(await pieces(long)).toEqual(['x'.repeat(255), 'x'.repeat(255), 'x'.repeat(90) + '\n']);
    // A 255-byte line plus its newline leaves a bare "\n" piece (sscanf EOF: ipvsadm exits 1).
    const exact = 'y'.repeat(255) + '\n';
    expect(await pieces(exact)).toEqual(['y'.repeat(255), '\n']);
    expect(await pieces('a\nb')).toEqual(['a\n', 'b']);
    expect(await pieces('')).toEqual([]);
  });

  it('handles lines across read-buffer boundaries and keeps bytes as latin1', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => SAMPLE_PROC[i % SAMPLE_PROC.length]);
    const got = await pieces(KERNEL_HEADER + rows.join(''));
    expect(got.length).toBe(5001);
    expect(got.slice(1)).toEqual(rows);
    expect(await pieces(Buffer.from([0x61, 0xe9, 0xff, 0x0a]))).toEqual(['a\u00e9\u00ff\n']);
  });

  it('throws from the first next() when the file cannot be opened', async () => {
    await expect(readConnections(join(dir, 'missing')).next()).rejects.toThrow();
  });
});
