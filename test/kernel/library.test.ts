// The README's "As a library" example, run as written: the first ```ts block of that section is
// cut out of README.md and run by node as an ES module that imports the package by its name
// (resolved through package.json, as an installed copy would be), so the documentation and this
// test cannot drift apart. Needs `npm run build` first.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipvsadm, resetKernel } from './diff';

const ROOT = resolve(__dirname, '../..');

/** The first ```ts block after the "### As a library" heading. */
export function readmeLibraryExample(readme: string): string {
  const section = readme.slice(readme.indexOf('### As a library'));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('README.md: no ```ts block in "### As a library"');
  return m[1];
}

describe("README's library example", () => {
  let dir: string;
  beforeAll(() => {
    resetKernel();
    dir = mkdtempSync(join(tmpdir(), 'tsipvsadm-lib-'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules', 'tsipvsadm'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    resetKernel();
  });

  it('is under ten lines and does what it says against the kernel', () => {
    const code = readmeLibraryExample(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(code.split('\n').filter((l) => l.trim()).length).toBeLessThan(10);
    writeFileSync(join(dir, 'example.mjs'), code);
    const r = spawnSync(process.execPath, ['example.mjs'], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('tcp:10.0.0.1:80 rr 10.0.0.11:80 weight 1, 10.0.0.12:80 weight 2\n');
    expect(ipvsadm(['-S', '-n']).stdout).toBe(
      '-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.11:80 -m -w 1\n-a -t 10.0.0.1:80 -r 10.0.0.12:80 -m -w 2\n',
    );
  });
});
