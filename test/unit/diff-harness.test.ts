// The differential harness's own shortcuts (test/kernel/diff.ts), on the host: the rebuild it
// skips only when nothing a command could see has changed, and bash started so that no startup
// file runs between it and ipvsadm.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { unchangedSince } from '../kernel/diff';

const built = 'service {"a":1} 1:1=0a\n  dest {"d":2} 1:2=0b\n  dest {"d":3} 1:2=0c\ntimeouts 00\n';

describe('the parity harness rebuilds a starting state unless it is still there', () => {
  it('skips when the state read equals the verified build, kernel order included', () => {
    expect(unchangedSince(built, built, false)).toBe(true);
  });
  it('rebuilds when only the order differs (--nosort would show it)', () => {
    const swapped = 'service {"a":1} 1:1=0a\n  dest {"d":3} 1:2=0c\n  dest {"d":2} 1:2=0b\ntimeouts 00\n';
    expect(unchangedSince(built, swapped, false)).toBe(false);
  });
  it('rebuilds when anything else differs, when the setup was never verified, or where sync daemons are involved', () => {
    expect(unchangedSince(built, built.replace('timeouts 00', 'timeouts 01'), false)).toBe(false);
    expect(unchangedSince(undefined, built, false)).toBe(false);
    expect(unchangedSince(built, built, true)).toBe(false);
    const withDaemon = built + 'daemon 0102\n';
    expect(unchangedSince(withDaemon, withDaemon, false)).toBe(false);
  });
});

describe('ipvsadm with bytes that are not UTF-8 goes through bash', () => {
  const dir = mkdtempSync(join(tmpdir(), 'diff-harness-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('reads no ~/.bashrc (stdin is a socket, which makes bash -c act as if started by rshd)', async () => {
    const fake = join(dir, 'ipvsadm');
    writeFileSync(fake, '#!/bin/sh\nprintf "%s|" "$0" "$@" | od -An -c | tr -d " \\n"\n');
    chmodSync(fake, 0o755);
    writeFileSync(join(dir, '.bashrc'), 'echo bashrc-ran >&2\n');
    vi.stubEnv('IPVSADM', fake);
    vi.stubEnv('HOME', dir);
    vi.stubEnv('SHLVL', '0');
    vi.stubEnv('SSH_CLIENT', '10.0.0.1 22 22');
    vi.resetModules();
    try {
      const { ipvsadm } = await import('../kernel/diff');
      const r = ipvsadm(['\xff\xfe', 'x'], '');
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('377376|x|');
      expect(r.status).toBe(0);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
