// Installing and running tsipvsadm as a user would (issue 10), against the kernel and Debian's
// ipvsadm: the packed tarball installed globally (command, manual page, rules helper, unit file,
// import/require and the README example from that install), the boot-time unit's Exec lines,
// how the command ends where ipvsadm ends badly (non-root, a full device, a closed pipe), input
// bytes echoed unchanged, and a fixed-seed slice of the fuzz campaign.
//
// Starting a process is what costs in the emulated guest (bin/tsipvsadm ~2-3 s, npm far more),
// so each check runs as few as it can, the tarball is packed on the host before the guest boots
// (test/run.mjs, into .cache/pack), and one install serves every check. The consumer's strict
// TypeScript build of the README example needs no kernel: test/unit/package.test.ts does it.
// Processes are awaited, never run with spawnSync: the in-process client and vitest's worker
// must keep running meanwhile.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFuzz } from '../fuzz/fuzz';
import { IPVSADM, bashBytes, closeClient, ipvsadm, resetKernel, runDiff } from './diff';

const root = resolve(__dirname, '../..');
const BIN = join(root, 'bin/tsipvsadm');
const work = mkdtempSync(join(tmpdir(), 'tsipvsadm-tooling-'));

interface Run {
  stdout: string;
  stderr: string;
  status: number | null;
}

/** `bash -c script`, awaited; output as byte strings (latin1). */
function bash(script: string, opts: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn('bash', ['-c', script], { cwd: opts.cwd ?? work, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', fail);
    child.on('close', (status) => done({ stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1'), status }));
    child.stdin.on('error', () => undefined); // a command that never reads its input
    child.stdin.end(Buffer.from(opts.input ?? '', 'latin1'));
  });
}

const state = () => ipvsadm(['-S', '-n']).stdout;

// ---------------------------------------------------------------------------------------------
// The packed tarball, installed globally

const prefix = join(work, 'prefix');
const installed = { ...process.env, PATH: `${prefix}/bin:${process.env.PATH}`, MANPAGER: 'cat', MANWIDTH: '100', npm_config_update_notifier: 'false' };

/** The tarball test/run.mjs packed on the host for this build, or one packed here. */
async function tarball(): Promise<string> {
  const dir = join(root, '.cache/pack');
  const found = existsSync(dir) ? readdirSync(dir).find((f) => /^tsipvsadm-.*\.tgz$/.test(f)) : undefined;
  if (found && statSync(join(dir, found)).mtimeMs >= statSync(join(root, 'dist/tsipvsadm.js')).mtimeMs) return join(dir, found);
  // Run without test/run.mjs: pack here (slow in the guest; dist/ is built, so no prepack).
  const r = await bash(`npm pack --ignore-scripts --pack-destination '${work}' 2>&1`, { cwd: root });
  if (r.status !== 0) throw new Error(`npm pack failed:\n${r.stdout}`);
  return join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
}

// ---------------------------------------------------------------------------------------------
// How the command ends where ipvsadm ends badly: each script runs with $P = each tool. One case
// per kind (a process start is the cost); test/unit/main.test.ts and runner.test.ts cover more.

/** `script` with $P set to each tool, from the same state; output, status and the state after. */
async function both(script: string, input = '') {
  const out: Record<string, Run & { state: string }> = {};
  for (const [name, path] of [['ipvsadm', IPVSADM], ['tsipvsadm', BIN]]) {
    resetKernel();
    ipvsadm(['-A', '-t', '10.9.0.1:80']);
    const r = await bash(script, { input, env: { ...process.env, P: path } });
    out[name] = { stdout: r.stdout.replaceAll(path, 'PROG'), stderr: r.stderr.replaceAll(path, 'PROG'), status: r.status, state: state() };
  }
  return out;
}

const NOBODY = 'setpriv --reuid=65534 --regid=65534 --clear-groups';

/**
 * The kinds of ending, run one after another in one script per tool (a process start and a
 * kernel reset are the cost): each part's stdout and stderr follow a marker line of its own.
 */
const ENDINGS: [name: string, script: string][] = [
  ['a non-root user listing', `${NOBODY} "$P" -L -n </dev/null; echo "status $?"`],
  ['a listing to a full device', '"$P" -L -n >/dev/full </dev/null; echo "status $?"'],
  // The reader is gone before the first write ("true" exits at once; the command starts later).
  // ipvsadm's stdout is a 4 KiB buffer: the lines after the listing still run, then SIGPIPE.
  // Last: it reads the script's input, and changes the state.
  ['-R into a closed pipe, changes after the listing still made', 'exec 3>&1; { sleep 0.5; "$P" -R; echo "status $?" >&3; } | true'],
];

describe('errors end as ipvsadm ends', () => {
  const part = (text: string, i: number) => text.split(/^=== part \d+\n/m)[i + 1];
  let r: Awaited<ReturnType<typeof both>>;
  beforeAll(async () => {
    r = await both(ENDINGS.map(([, script], i) => `echo "=== part ${i}"; echo "=== part ${i}" >&2; ${script}`).join('\n'), '-L -n\n-A -t 10.9.0.4:80\n');
  }, 300_000);

  it.each(ENDINGS.map(([name], i) => [name, i] as const))('%s', (_name, i) => {
    const pick = (o: Run) => ({ stdout: part(o.stdout, i), stderr: part(o.stderr, i) });
    expect(pick(r.tsipvsadm)).toEqual(pick(r.ipvsadm));
    expect(part(r.tsipvsadm.stdout, i)).toMatch(/status \d+\n/);
    expect(part(r.tsipvsadm.stdout, i) + part(r.tsipvsadm.stderr, i)).not.toMatch(/terminate called|Napi::|\n\s+at /);
    if (i === 0) expect(part(r.tsipvsadm.stderr, i)).toContain('Permission denied (you must be root)');
  });

  it('the whole script: the same output, status and state after it', () => {
    expect(r.tsipvsadm).toEqual(r.ipvsadm);
    expect(r.tsipvsadm.state).toContain('-A -t 10.9.0.4:80');
  });
});

// ---------------------------------------------------------------------------------------------
// Messages carry the input's bytes unchanged: an argument that is not UTF-8 (Node decodes argv
// lossily; tsipvsadm reads /proc/self/cmdline) and -R lines holding UTF-8 text or other bytes.

describe('input bytes, echoed unchanged', () => {
  const run = (path: string, args: string[], input = '') => bash(`exec -a ipvsadm ${path} ${args.map(bashBytes).join(' ')}`, { input });

  it.each([
    ['an unexpected argument of bytes that are not UTF-8', ['-A', '-t', '10.9.1.1:80', '\xff\xfe'], ''],
  ])('%s, as processes', async (_name, args, input) => {
    resetKernel();
    const theirs = { ...(await run(IPVSADM, args, input)), state: state() };
    resetKernel();
    const ours = { ...(await run(BIN, args, input)), state: state() };
    expect(ours).toEqual(theirs);
    expect(theirs.stderr).toMatch(/[\x80-\xff]/); // the case does echo the bytes
  }, 300_000);

  it.each([
    ['a fwmark in full-width digits', '-A -f 7\xef\xbc\x91\xef\xbc\x90\n'],
    ['a UTF-8 word', '-A -t 10.9.1.1:80 caf\xc3\xa9\n'],
    ['an unexpected argument of bytes that are not UTF-8', '-A -t 10.9.1.1:80 -s rr \xff\xfe\n'],
  ])('-R: %s, in-process', async (_name, stdin) => {
    const { ipvsadm: theirs, tsipvsadm: ours } = await runDiff({ args: ['-R'], stdin });
    expect(ours).toEqual(theirs);
    expect(theirs.stderr).toMatch(/[\x80-\xff]/);
  }, 300_000);
});

// ---------------------------------------------------------------------------------------------
// A fixed-seed slice of the fuzz campaign (test/fuzz/; `npm run fuzz` runs big ones).

describe('fuzz', () => {
  it('a fixed-seed slice: no uncaught error, stack trace or hang; a sample equals ipvsadm', async () => {
    const report = await runFuzz({ seed: 20261130, argv: 400, restore: 60, compareArgv: 16, compareRestore: 6, states: 2 });
    closeClient();
    for (const f of report.findings) console.log(`FUZZ-FINDING ${JSON.stringify(f)}`);
    expect(report.ran).toMatchObject({ argv: 400, compared: 22 });
    expect(report.findings.map((f) => `${f.kind}: ${JSON.stringify(f.args)} ${f.detail.slice(0, 300)}`)).toEqual([]);
  }, 300_000);
});

// ---------------------------------------------------------------------------------------------
// The packed tarball, installed globally (last: see `installing`)

/**
 * The global install (about three minutes in the emulated guest) starts when
 * this file loads and runs while the checks that need no install run; those that do come last
 * and wait for it.
 */
const installing = (async () => {
  const started = Date.now();
  const tgz = await tarball();
  const r = await bash(`npm install -g --offline --no-audit --no-fund --prefix '${prefix}' '${tgz}' 2>&1`, { env: installed });
  if (r.status !== 0) throw new Error(`npm install -g failed:\n${r.stdout}`);
  console.log(`tooling: ${tgz} installed with npm install -g in ${((Date.now() - started) / 1000).toFixed(1)} s`);
})();
installing.catch(() => undefined); // reported by the tests that wait for it

describe('the packed tarball, installed globally', () => {
  beforeAll(() => installing, 600_000);

  it('puts tsipvsadm, tsipvsadm-rules and the manual page where the shell and man find them', async () => {
    resetKernel();
    const r = await bash(
      `command -v tsipvsadm tsipvsadm-rules; printf -- '-A -t 10.8.0.1:80 -s rr\\n-a -t 10.8.0.1:80 -r 10.8.0.2 -m\\n-L -n\\n' | tsipvsadm -R; echo "status $?"; man tsipvsadm | head -40`,
      { env: installed },
    );
    const [where, rest] = [r.stdout.split('\n').slice(0, 2), r.stdout.split('\n').slice(2).join('\n')];
    expect(where).toEqual([`${prefix}/bin/tsipvsadm`, `${prefix}/bin/tsipvsadm-rules`]);
    expect(rest.startsWith(`${ipvsadm(['-L', '-n']).stdout}status 0\n`)).toBe(true);
    expect(rest).toMatch(/TSIPVSADM\(8\)/);
    expect(r.stderr).toBe('');
    const pkgDir = join(prefix, 'lib/node_modules/tsipvsadm');
    expect(readdirSync(pkgDir).sort()).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'bin', 'dist', 'man', 'node_modules', 'package.json', 'systemd']);
    // netlink's @types/node@12 stays inside the package, out of a consumer's type roots
    expect(readdirSync(join(prefix, 'lib/node_modules')).filter((f) => !f.startsWith('.'))).toEqual(['tsipvsadm']);
  }, 300_000);

  it('is a library for require and import; the README example runs from the install', async () => {
    const app = join(work, 'app');
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    symlinkSync(join(prefix, 'lib/node_modules/tsipvsadm'), join(app, 'node_modules/tsipvsadm'));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }));
    // The first ```ts block of the README's "As a library" section (as library.test.ts reads it).
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    writeFileSync(join(app, 'example.mjs'), /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('### As a library')))![1]);
    writeFileSync(
      join(app, 'check.mjs'),
      `import { createRequire } from 'node:module';
const cjs = createRequire(import.meta.url)('tsipvsadm');
const esm = await import('tsipvsadm');
console.log(typeof cjs.IpvsClient, typeof esm.IpvsClient, esm.IpvsError === cjs.IpvsError);
await import('./example.mjs');
`,
    );
    resetKernel();
    const r = await bash('node check.mjs', { cwd: app, env: installed });
    expect({ status: r.status, stderr: r.stderr, first: r.stdout.split('\n')[0] }).toEqual({ status: 0, stderr: '', first: 'function function true' });
    expect(state()).toContain('-A -t 10.0.0.1:80 -s rr\n');
  }, 300_000);

  // ExecStart/ExecStop of systemd/tsipvsadm.service as systemd runs them (the guest has no
  // systemd): words of the Exec line, PATH holding the installed commands, a defaults file of the
  // test's own. AUTO=false, bad rules files, reload and DAEMON=both: test/unit/rules-helper.test.ts.
  it("the unit's ExecStart restores the rules and starts the sync daemon; ExecStop stops it, saves and flushes", async () => {
    const unit = readFileSync(join(prefix, 'lib/node_modules/tsipvsadm/systemd/tsipvsadm.service'), 'utf8');
    expect(unit).toMatch(/^Type=oneshot$/m);
    expect(unit).toMatch(/^RemainAfterExit=yes$/m);
    expect(unit).toMatch(/^Before=network-pre\.target/m);
    const exec = (key: string) => new RegExp(`^${key}=(.+)$`, 'm').exec(unit)![1]; // plain words: no quoting, no $
    const rules = join(work, 'ipvsadm.rules');
    const defaults = join(work, 'tsipvsadm.default');
    writeFileSync(defaults, `${readFileSync(join(root, 'systemd/tsipvsadm.default'), 'utf8')}\nRULES="${rules}"\nSAVE_ON_STOP="true"\nDAEMON="backup"\nIFACE="lo"\nSYNCID="9"\n`);
    const env = { ...installed, TSIPVSADM_DEFAULTS: defaults };
    resetKernel();
    ipvsadm(['-R'], '-A -t 10.9.2.1:80 -s wrr -p 120\n-a -t 10.9.2.1:80 -r 10.9.2.11:80 -m -w 3\n-A -f 7 -s rr\n-a -f 7 -r 10.9.2.12:0 -g -w 1\n');
    const saved = state();
    resetKernel();
    ipvsadm(['-A', '-t', '10.9.2.99:80']); // there before boot: flushed
    writeFileSync(rules, `# ipvsadm.rules\n${saved}# the end\n`);

    const start = await bash(exec('ExecStart'), { env });
    expect({ status: start.status, stderr: start.stderr }).toEqual({ status: 0, stderr: '' });
    expect(state()).toBe(saved);
    expect(ipvsadm(['-L', '--daemon']).stdout).toMatch(/^backup sync daemon \(mcast=lo, syncid=9/);

    const stop = await bash(exec('ExecStop'), { env });
    expect({ status: stop.status, stderr: stop.stderr }).toEqual({ status: 0, stderr: '' });
    expect(ipvsadm(['-L', '--daemon']).stdout).toBe('');
    expect(state()).toBe('');
    const file = readFileSync(rules, 'latin1');
    expect(file.slice(file.indexOf('\n') + 1)).toBe(saved);
    expect(file).toMatch(/^# saved by tsipvsadm-rules on \S+\n/);
  }, 300_000);
});
