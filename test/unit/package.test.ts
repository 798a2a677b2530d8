// What `npm pack` ships (listed without building: the test run has built dist/ already), and the
// package.json fields a global install and a consumer's TypeScript build depend on.

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

interface PackFile { path: string; mode: number }
const packed = (): { files: PackFile[]; bundled: string[] } =>
  JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))[0];

describe('npm pack', () => {
  const { files, bundled } = packed();
  const own = files.map((f) => f.path).filter((p) => !p.startsWith('node_modules/'));

  it('ships the built code, typings, commands, manual page, unit files and documents, nothing else', () => {
    for (const p of ['dist/tsipvsadm.js', 'dist/schema/tsipvsadm.schema.json', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/main.js', 'bin/tsipvsadm', 'bin/tsipvsadm-rules',
      'man/tsipvsadm.8', 'systemd/tsipvsadm.service', 'systemd/tsipvsadm.default', 'README.md', 'LICENSE', 'CHANGELOG.md', 'package.json']) {
      expect(own).toContain(p);
    }
    const stray = own.filter((p) => !/^(dist\/tsipvsadm\.js|dist\/schema\/[^/]+\.json|dist\/src\/.*\.(js|d\.ts)|bin\/[^/]+|man\/[^/]+\.8|systemd\/[^/]+|README\.md|LICENSE|CHANGELOG\.md|package\.json)$/.test(p));
    expect(stray).toEqual([]);
  });

  it('ships every compiled module that the built entry points need', () => {
    const built = (dir: string): string[] => readdirSync(join(root, dir), { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? built(join(dir, e.name)) : /\.(js|d\.ts)$/.test(e.name) ? [join(dir, e.name)] : []));
    const wanted = built('dist/src').filter((p) => !p.includes('/test/'));
    expect(own.filter((p) => p.startsWith('dist/src/')).sort()).toEqual(wanted.sort());
  });

  it('builds the bundle as ASCII, which bin/tsipvsadm reads as latin1', () => {
    const bundle = readFileSync(join(root, 'dist/tsipvsadm.js'));
    expect(bundle.findIndex((byte) => byte > 0x7f)).toBe(-1);
    expect(readFileSync(join(root, 'bin/tsipvsadm'), 'utf8')).toContain("readFileSync(bundle, 'latin1')");
  });

  it('keeps the commands executable', () => {
    for (const f of files.filter((f) => f.path.startsWith('bin/'))) expect(f.mode & 0o111).toBe(0o111);
  });

  it('bundles the runtime dependencies (installs offline; netlink\'s @types/node@12 stays inside)', () => {
    for (const dep of Object.keys(pkg.dependencies)) expect(bundled).toContain(dep);
    expect(bundled).not.toContain('@types/node');
  });
});

describe('package.json', () => {
  it('lists the manual page as an array, so npm links it on a global install', () => {
    expect(pkg.man).toEqual(['man/tsipvsadm.8']);
  });
  it('builds on prepack from a clean dist', () => {
    expect(pkg.scripts.prepack).toMatch(/clean.*build/);
  });
  it('names the repository, the platform, keywords and the licence (with its file)', () => {
    expect(pkg.repository.url).toMatch(/^git\+https:/);
    expect(pkg.os).toEqual(['linux']);
    expect(pkg.keywords).toEqual(expect.arrayContaining(['ipvs', 'ipvsadm']));
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  });
  it('exports the public entry for import and require, with its typings first', () => {
    expect(Object.keys(pkg.exports['.'])[0]).toBe('types');
    expect(pkg.exports['.'].types).toBe(`./${pkg.types}`);
    expect(pkg.exports['.'].default).toBe(`./${pkg.main}`);
  });
});

describe('public typings', () => {
  // A consumer's tsc reads every .d.ts our entry reaches: one importing 'netlink' would load its
  // @types/node@12 beside the consumer's own and break their build.
  it('never refer to netlink\'s own types', () => {
    const dts = (dir: string): string[] => readdirSync(join(root, dir), { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? dts(join(dir, e.name)) : e.name.endsWith('.d.ts') ? [join(dir, e.name)] : []));
    const offenders = dts('dist/src').filter((f) => /from ['"]netlink['"]|require\(['"]netlink['"]\)|types="node"/.test(readFileSync(join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('compile, with the README\'s library example, for a strict consumer that has no Node types at all', () => {
    // The typings as npm installs them (package.json and every .d.ts), no @types/node anywhere
    // and skipLibCheck off: a Buffer or NodeJS name in a reachable .d.ts fails this build.
    const app = mkdtempSync(join(tmpdir(), 'tsipvsadm-consumer-'));
    try {
      const pkgDir = join(app, 'node_modules/tsipvsadm');
      const dts = (dir: string): string[] => readdirSync(join(root, dir), { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? dts(join(dir, e.name)) : e.name.endsWith('.d.ts') ? [join(dir, e.name)] : []));
      for (const f of ['package.json', ...dts('dist/src')]) {
        mkdirSync(dirname(join(pkgDir, f)), { recursive: true });
        cpSync(join(root, f), join(pkgDir, f));
      }
      const readme = readFileSync(join(root, 'README.md'), 'utf8');
      writeFileSync(join(app, 'example.ts'), /### As a library\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)![1]);
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }));
      writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
        compilerOptions: { strict: true, target: 'esnext', module: 'nodenext', skipLibCheck: false, noEmit: true, types: [] },
        files: ['example.ts'],
      }));
      const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: app, encoding: 'utf8' });
      expect(tsc.stdout + tsc.stderr).toBe('');
      expect(tsc.status).toBe(0);
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  }, 60_000);
});
