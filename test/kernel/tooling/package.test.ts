// The packed tarball, installed as a user would: `npm install -g` (offline: the runtime
// dependencies are bundled), then the command, the rules helper and `man tsipvsadm` from that
// install; and a consumer project using that package, which imports, requires and type-checks
// the README's library example, then runs it against the kernel. Needs `npm run build` first (as the suite does).

import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { IPVSADM, ipvsadm, resetKernel } from '../diff';

const root = resolve(__dirname, '../../..');
const work = mkdtempSync(join(tmpdir(), 'tsipvsadm-pack-'));
const prefix = join(work, 'prefix');
const env = { ...process.env, PATH: `${prefix}/bin:${process.env.PATH}`, MANPAGER: 'cat', MANWIDTH: '100', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
const sh = (cmd: string, cwd = work) => spawnSync('sh', ['-c', cmd], { cwd, env, encoding: 'latin1' });
let tarball = '';

/** sh -c without blocking the worker (tsc and npm take minutes in a loaded guest). */
function shOut(cmd: string, cwd = work): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('sh', ['-c', cmd], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

function shAsync(cmd: string, cwd = work): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn('sh', ['-c', cmd], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`${cmd} failed (${code}):\n${out}`))));
  });
}

describe('the packed tarball', () => {
  beforeAll(async () => {
    // dist/ is what the suite just built; prepack would build it again (slow in the guest).
    // npm is slow in the emulated guest: run it without blocking the test worker's event loop.
    await shAsync(`npm pack --ignore-scripts --pack-destination '${work}'`, root);
    tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
    await shAsync(`npm install -g --offline --prefix '${prefix}' '${tarball}'`);
    resetKernel();
  }, 900_000);

  it('installs a tsipvsadm that works like ipvsadm from PATH', () => {
    expect(sh('command -v tsipvsadm').stdout.trim()).toBe(`${prefix}/bin/tsipvsadm`);
    expect(sh('tsipvsadm -A -t 10.8.0.1:80 -s rr && tsipvsadm -a -t 10.8.0.1:80 -r 10.8.0.2 -m').status).toBe(0);
    const ours = sh('tsipvsadm -L -n');
    expect({ stdout: ours.stdout, stderr: ours.stderr, status: ours.status }).toEqual({ ...ipvsadm(['-L', '-n']) });
    expect(sh('tsipvsadm -h').stdout).toContain('  tsipvsadm -A|E virtual-service');
  });

  it('installs the manual page where man finds it', async () => {
    const r = await shOut('man tsipvsadm');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/TSIPVSADM\(8\)/);
    expect(r.stdout).toContain('tsipvsadm-rules');
  });

  it('installs the rules helper and the unit files', () => {
    expect(sh('tsipvsadm-rules status').stdout).toBe(ipvsadm(['-L', '-n']).stdout);
    const pkgDir = join(prefix, 'lib/node_modules/tsipvsadm');
    expect(readFileSync(join(pkgDir, 'systemd/tsipvsadm.service'), 'utf8')).toContain('ExecStart=tsipvsadm-rules start');
    expect(readdirSync(pkgDir).sort()).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'bin', 'dist', 'man', 'node_modules', 'package.json', 'systemd']);
  });

  it('is a library for require, import and a strict TypeScript build of the README example', async () => {
    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }));
    // The global install's tree is what `npm install` puts in a project (one npm install in the
    // emulated guest is slow enough): netlink's @types/node@12 must not be beside tsipvsadm,
    // where a consumer's compiler looks for types.
    expect(readdirSync(join(prefix, 'lib/node_modules')).filter((f) => !f.startsWith('.'))).toEqual(['tsipvsadm']);
    mkdirSync(join(app, 'node_modules'));
    symlinkSync(join(prefix, 'lib/node_modules/tsipvsadm'), join(app, 'node_modules/tsipvsadm'));
    expect(sh(`node -e "console.log(typeof require('tsipvsadm').IpvsClient)"`, app).stdout).toBe('function\n');
    expect(sh(`node --input-type=module -e "import { IpvsClient, IpvsError } from 'tsipvsadm'; console.log(typeof IpvsClient, typeof IpvsError)"`, app).stdout).toBe('function function\n');

    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const example = /### As a library\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)![1];
    writeFileSync(join(app, 'example.ts'), example);
    // The consumer's own Node types (as any TypeScript project on Node has), none from us.
    cpSync(join(root, 'node_modules/@types/node'), join(app, 'node_modules/@types/node'), { recursive: true });
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, target: 'esnext', module: 'nodenext', skipLibCheck: false, outDir: 'out' },
      files: ['example.ts'],
    }));
    const tsc = await shOut(`node '${join(root, 'node_modules/typescript/bin/tsc')}' -p .`, app);
    expect(tsc.stdout + tsc.stderr).toBe('');
    resetKernel();
    const run = await shOut('node out/example.js', app);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(spawnSync(IPVSADM, ['-S', '-n'], { encoding: 'latin1' }).stdout).toContain('-A -t 10.0.0.1:80 -s wrr\n');
  }, 600_000);
});
