// -h / -v texts (byte for byte) and the matrix data, cross-checked against the reference spec.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { helpText, versionText, VERSION_LINE } from '../../src/cli/help';
import {
  COMMANDS_V_OPTIONS,
  MATRIX_OPTIONS,
  TUNNEL_OPTIONS,
  TUNNEL_TYPES_V_OPTIONS,
  genericOptCheck,
  tunnelOptCheck,
  type MatrixCommand,
} from '../../src/cli/matrix';
import { CliExit, type OptionName } from '../../src/cli/command';
import { readReference } from './reference';

const SPEC = 'ipvsadm-1.31.md';
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('version and help', () => {
  it('the version line is verbatim', () => {
    expect(versionText()).toBe('ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n');
    expect(VERSION_LINE).toBe('ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)');
  });

  it('matches the bytes Debian ipvsadm prints (sha256 of `ipvsadm -h`)', () => {
    expect(sha256(helpText('/usr/sbin/ipvsadm'))).toBe('22f068ca0de0c8ba7ca2b206d8b2351c69a26837b75f796042fbc37417adb6cc');
    expect(sha256(helpText('ipvsadm'))).toBe('71e946df0469d08e0446dee7ed309a8daff89ea6ca53cd143f895e7d74ff93bf');
  });

  it('has 82 lines, blank only after the usage, commands and virtual-service blocks', () => {
    const text = helpText('ipvsadm');
    expect(text.length).toBe(4645);
    expect(text.endsWith('  --mcast-ttl ttl                     Multicast TTL (default=1)\n')).toBe(true);
    const lines = text.split('\n');
    expect(lines.length).toBe(83); // 82 lines, each ending in \n
    expect(lines.map((l, i) => (l === '' ? i + 1 : 0)).filter(Boolean)).toEqual([16, 34, 40, 83]);
    expect(lines[1]).toBe('Usage:');
    expect(lines[16]).toBe('Commands:');
    expect(lines.indexOf('Daemon Options:')).toBe(lines.indexOf('  --sched-flags  -b flags             scheduler flags (comma-separated)') + 1);
  });

  it('puts argv[0] into every usage line as invoked', () => {
    const text = helpText('/opt/x/tsipvsadm');
    const usage = text.split('\n').filter((l) => l.startsWith('  /opt/x/tsipvsadm '));
    expect(usage.length).toBe(13);
    expect(usage[0]).toBe(
      '  /opt/x/tsipvsadm -A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask] [--pe persistence_engine] [-b sched-flags]',
    );
    expect(usage[12]).toBe('  /opt/x/tsipvsadm -h');
  });

  it('matches the spec §2.12 text', () => {
    const spec = readReference(SPEC);
    const section = spec.slice(spec.indexOf('### 2.12'));
    const start = section.indexOf('```\n') + 4;
    const expected = section.slice(start, section.indexOf('```', start)).replaceAll('<argv0>', 'ipvsadm');
    expect(helpText('ipvsadm')).toBe(expected);
  });
});

describe('matrix data', () => {
  it('has 14 commands × 34 options of + x 1 ·', () => {
    expect(MATRIX_OPTIONS.length).toBe(34);
    expect(Object.keys(COMMANDS_V_OPTIONS).length).toBe(14);
    for (const row of Object.values(COMMANDS_V_OPTIONS)) expect(row).toMatch(/^[+x1·]{34}$/);
    expect(TUNNEL_OPTIONS).toEqual(['tun-port', 'tun-nocsum', 'tun-csum', 'tun-remcsum']);
    expect(TUNNEL_TYPES_V_OPTIONS).toEqual(['xxxx', '+111', 'x11x']);
  });

  it('matches the spec §1.5 table cell by cell', () => {
    const spec = readReference(SPEC);
    const header = spec.split('\n').find((l) => l.startsWith('| # | optname'))!;
    const commands = header
      .split('|')
      .slice(4, -1)
      .map((c) => c.split('<br>')[1].trim() as MatrixCommand);
    expect(commands.length).toBe(14);
    for (let j = 0; j < 34; j++) {
      const row = spec.split('\n').find((l) => l.startsWith(`| ${j} | `))!;
      const cells = row.split('|').slice(1, -1).map((c) => c.trim().replaceAll('*', ''));
      expect(cells[1]).toBe(MATRIX_OPTIONS[j]);
      cells.slice(3).forEach((cell, i) => expect(`${commands[i]}:${MATRIX_OPTIONS[j]}:${COMMANDS_V_OPTIONS[commands[i]][j]}`).toBe(`${commands[i]}:${MATRIX_OPTIONS[j]}:${cell}`));
    }
  });

  it('generic_opt_check walks the table in index order', () => {
    const check = (cmd: MatrixCommand, ...opts: OptionName[]) => {
      try {
        genericOptCheck(cmd, new Set(opts));
        return 'ok';
      } catch (e) {
        return (e as CliExit).stderr;
      }
    };
    expect(check('list', 'tun-remcsum', 'numeric', 'weight')).toBe("Illegal 'weight' option with the 'list' command\n");
    expect(check('list', 'daemon', 'timeout', 'connection')).toBe(
      "The option 'timeout' conflicts with the 'connection' option in the 'list' command\n",
    );
    expect(check('zero')).toBe('ok');
    expect(check('zero', 'service-address')).toBe('ok');
    expect(check('edit-server', 'service-address')).toBe("You need to supply the 'real-server' option for the 'edit-server' command\n");
    expect(check('start-daemon', 'mcast-interface', 'syncid', 'mcast-group', 'mcast-port', 'mcast-ttl', 'sync-maxlen')).toBe('ok');
  });

  it('tunnel_opt_check', () => {
    const check = (type: number, ...opts: OptionName[]) => {
      try {
        tunnelOptCheck(type, new Set(opts));
        return 'ok';
      } catch (e) {
        return (e as CliExit).stderr;
      }
    };
    expect(check(0)).toBe('ok');
    expect(check(1, 'tun-port')).toBe('ok');
    expect(check(1, 'tun-port', 'tun-remcsum')).toBe('ok');
    expect(check(2, 'tun-csum')).toBe('ok');
    expect(check(1)).toBe("You need to supply the 'tun-port' option for the 'gue' tunnel type\n");
    expect(check(2, 'tun-nocsum', 'tun-csum')).toBe("The option 'tun-csum' conflicts with the 'tun-nocsum' option in the 'gre' tunnel type\n");
  });
});
