// Where the tests look for the reference notes: ../shared beside the repository, and for a linked
// worktree also beside its main checkout.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReference, sharedDirCandidates } from './reference';

describe('reference notes', () => {
  it('a plain clone looks only at ../shared', () => {
    const top = mkdtempSync(join(tmpdir(), 'ref-'));
    mkdirSync(join(top, 'clone', '.git'), { recursive: true });
    expect(sharedDirCandidates(join(top, 'clone'))).toEqual([join(top, 'shared')]);
  });

  it('a linked worktree also looks beside its main checkout', () => {
    const top = mkdtempSync(join(tmpdir(), 'ref-'));
    const wtGitDir = join(top, 'main', '.git', 'worktrees', 'feature');
    mkdirSync(wtGitDir, { recursive: true });
    writeFileSync(join(wtGitDir, 'commondir'), '../..\n');
    mkdirSync(join(top, 'wt', 'feature'), { recursive: true });
    writeFileSync(join(top, 'wt', 'feature', '.git'), `gitdir: ${wtGitDir}\n`);
    expect(sharedDirCandidates(join(top, 'wt', 'feature'))).toEqual([join(top, 'wt', 'shared'), join(top, 'shared')]);
  });

  it('the ipvsadm spec is there (a missing note fails, it does not skip)', () => {
    expect(readReference('ipvsadm-1.31.md')).toContain('ipvsadm');
    expect(() => readReference('no-such-note.md')).toThrow(/reference note no-such-note.md not found; looked at: /);
  });
});
