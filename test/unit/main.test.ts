// The process entry's byte handling and stream endings, without a kernel: argv bytes from
// /proc/self/cmdline, output written as the bytes it holds, and ipvsadm's C-stdio endings.

import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FdSink, ProcessOutput, rawArgs } from '../../src/cli/main';

const cmdline = (...fields: string[]) => Buffer.from(fields.map((f) => f + '\0').join(''), 'latin1');

describe('rawArgs', () => {
  it('takes the bytes of each argument from /proc/self/cmdline', () => {
    const raw = cmdline('node', '--stack-size=999', '/usr/bin/tsipvsadm', '-A', '\xff\xfe', 'caf\xc3\xa9', '');
    expect(rawArgs(['-A', '\ufffd\ufffd', 'café', ''], raw)).toEqual(['-A', '\xff\xfe', 'caf\xc3\xa9', '']);
  });
  it('keeps the decoded arguments when cmdline does not match them', () => {
    expect(rawArgs(['-L', '-n'], cmdline('node', 'x', '-L', '-c'))).toEqual(['-L', '-n']);
    expect(rawArgs(['-L', '-n'], cmdline('-n'))).toEqual(['-L', '-n']);
    expect(rawArgs(['-L'], null)).toEqual(['-L']);
  });
});

class FakeStream extends EventEmitter {
  written: Buffer[] = [];
  constructor(private readonly fail?: () => NodeJS.ErrnoException) {
    super();
  }
  write(chunk: Buffer) {
    if (this.fail) throw this.fail();
    this.written.push(chunk);
    return true;
  }
}
const errno = (code: string) => Object.assign(new Error(code), { code });

function setup(out = new FakeStream(), err = new FakeStream()) {
  const deaths: number[] = [];
  const o = new ProcessOutput(out as unknown as NodeJS.WritableStream, err as unknown as NodeJS.WritableStream, (s) => void deaths.push(s));
  return { o, out, err, deaths };
}

describe('ProcessOutput', () => {
  it('writes one byte per character (text read as latin1 comes out unchanged)', () => {
    const { o, out } = setup();
    o.stdout('7\xef\xbc\x91\n');
    expect(Buffer.concat(out.written)).toEqual(Buffer.from([0x37, 0xef, 0xbc, 0x91, 0x0a]));
  });
  it('writes text that cannot be bytes (characters above U+00FF) as UTF-8', () => {
    const { o, out } = setup();
    o.stdout('\u250c\u2500 caf\u00e9\n');
    expect(Buffer.concat(out.written).toString('utf8')).toBe('\u250c\u2500 caf\u00e9\n');
  });
  it('drops text a full device refuses and keeps the exit status (never throws)', () => {
    const { o, deaths } = setup(new FakeStream(() => errno('ENOSPC')), new FakeStream(() => errno('ENOSPC')));
    expect(() => o.stdout('IP Virtual Server\n')).not.toThrow();
    expect(() => o.stderr('Service already exists\n')).not.toThrow();
    expect(o.finish(255)).toBe(255);
    expect(deaths).toEqual([]);
  });
  it('dies at once on a closed stderr pipe', () => {
    const { o, deaths } = setup(undefined, new FakeStream(() => errno('EPIPE')));
    o.stderr('x\n');
    expect(deaths).toEqual([141]);
  });
  it('on a closed stdout pipe goes on until 4 KiB were written, as a full stdio buffer would', () => {
    const out = new FakeStream();
    const { o, deaths } = setup(out);
    o.stdout('a'.repeat(100));
    out.emit('error', errno('EPIPE'));
    expect(deaths).toEqual([]);
    o.stdout('b'.repeat(3000));
    expect(deaths).toEqual([]);
    o.stdout('c'.repeat(1000));
    expect(deaths).toEqual([141]);
  });
  it('ends a run with a small output to a closed stdout pipe as SIGPIPE at exit', () => {
    const out = new FakeStream();
    const { o } = setup(out);
    o.stdout('x\n');
    out.emit('error', errno('EPIPE'));
    expect(o.finish(0)).toBe(141);
  });
  it('dies when the pipe error arrives after the command finished', () => {
    const out = new FakeStream();
    const { o, deaths } = setup(out);
    o.stdout('x\n');
    expect(o.finish(0)).toBe(0);
    out.emit('error', errno('EPIPE'));
    expect(deaths).toEqual([141]);
  });
});

describe('FdSink', () => {
  it('writes every byte to its descriptor, whatever the size', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fdsink-'));
    try {
      const fd = openSync(join(dir, 'out'), 'w');
      const big = Buffer.alloc(300_000, 'x');
      new FdSink(fd).write(Buffer.from('a\xff\n', 'latin1'));
      new FdSink(fd).write(big);
      closeSync(fd);
      const back = readFileSync(join(dir, 'out'));
      expect(back.length).toBe(3 + big.length);
      expect(back.subarray(0, 3)).toEqual(Buffer.from([0x61, 0xff, 0x0a]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('throws what the device answers (ENOSPC here), for ProcessOutput to judge', () => {
    const fd = openSync('/dev/full', 'w');
    try {
      expect(() => new FdSink(fd).write(Buffer.from('x'))).toThrow(expect.objectContaining({ code: 'ENOSPC' }));
    } finally {
      closeSync(fd);
    }
  });

  it('waits for room on a descriptor made non-blocking instead of losing the text', () => {
    // A child makes its stdout pipe non-blocking, writes 1 MiB through FdSink while the reader
    // is slower than the pipe's 64 KiB: EAGAIN must be waited out, every byte must arrive.
    const script = `
      const { FdSink } = require(${JSON.stringify(join(__dirname, '../../dist/src/cli/main.js'))});
      process.stdout; // opening it as a stream makes the pipe non-blocking (libuv)
      new FdSink(1).write(Buffer.alloc(1 << 20, 'y'));`;
    const r = spawnSync(process.execPath, ['-e', script], { maxBuffer: 4 << 20 });
    expect(r.stderr.toString()).toBe('');
    expect(r.stdout.length).toBe(1 << 20);
  });
});

describe('hasCapability', () => {
  const status = (eff: string) => () => `Name:\tnode\nCapInh:\t0000000000000000\nCapEff:\t${eff}\nCapBnd:\t000001ffffffffff\n`;
  it('reads the effective set', async () => {
    const { hasCapability, CAP_NET_RAW } = await import('../../src/cli/capabilities');
    expect(hasCapability(CAP_NET_RAW, status('000001ffffffffff'))).toBe(true);
    expect(hasCapability(CAP_NET_RAW, status('0000000000000000'))).toBe(false);
    expect(hasCapability(CAP_NET_RAW, status('0000000000002000'))).toBe(true);
    expect(hasCapability(CAP_NET_RAW, () => { throw new Error('no /proc'); })).toBe(false);
  });
});
