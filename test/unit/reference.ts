// The reference notes (ipvsadm 1.31's spec) live in `shared/` beside the repository, never inside
// it: `../shared` from the repository root, as CI checks it out. A linked git worktree sits apart
// from its main checkout, so there the notes are beside the main checkout instead. A missing note
// is an error, never a reason to skip: tests that compare against it must run everywhere.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '..', '..');

/** The checkout a linked worktree belongs to (from its `.git` file), or null for a plain clone. */
function mainCheckoutOf(root: string): string | null {
  const dotGit = join(root, '.git');
  if (!existsSync(dotGit) || !statSync(dotGit).isFile()) return null;
  const gitdir = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
  if (!gitdir) return null;
  const worktreeGitDir = resolve(root, gitdir);
  const commondirFile = join(worktreeGitDir, 'commondir');
  if (!existsSync(commondirFile)) return null;
  return dirname(resolve(worktreeGitDir, readFileSync(commondirFile, 'utf8').trim()));
}

/** Where `shared/` is looked for, in order. */
export function sharedDirCandidates(root = REPO_ROOT): string[] {
  const candidates = [resolve(root, '..', 'shared')];
  const main = mainCheckoutOf(root);
  if (main !== null) candidates.push(resolve(main, '..', 'shared'));
  return candidates;
}

/** The text of `shared/reference/<name>`; throws (failing the test) when it cannot be found. */
export function readReference(name: string): string {
  const tried = sharedDirCandidates().map((dir) => join(dir, 'reference', name));
  const found = tried.find((p) => existsSync(p));
  if (found === undefined) throw new Error(`reference note ${name} not found; looked at: ${tried.join(', ')}`);
  return readFileSync(found, 'utf8');
}
