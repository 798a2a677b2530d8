// Process entry point: wires runCli to the real stdin/stdout/stderr and exit status, and ends
// the way ipvsadm's C stdio ends when an output stream cannot be written.

import { readFileSync, writeSync } from 'node:fs';
import { basename, delimiter, dirname, resolve } from 'node:path';
import { IpvsTimeoutError } from '../ipvs/client';
import { runCli, type CliIO } from './run';

/**
 * argv[0] as the shell would have passed it: a shebang script only sees its resolved path, so
 * print the bare name when that path is what a PATH search for the name finds.
 */
export function shellArgv0(scriptPath: string, path = process.env.PATH ?? ''): string {
  const dir = dirname(scriptPath);
  const onPath = path.split(delimiter).some((p) => p && resolve(p) === dir);
  return onPath ? basename(scriptPath) : scriptPath;
}

/**
 * The arguments as the bytes the process was given, one character per byte (latin1), as the
 * rest of the CLI expects. Node decodes argv as UTF-8 and turns bytes that are not UTF-8 into
 * U+FFFD; ipvsadm echoes the bytes themselves, and /proc/self/cmdline still holds them. Falls
 * back to `decoded` when the two do not line up (e.g. argv was rewritten).
 */
export function rawArgs(decoded: string[], cmdline: Buffer | null): string[] {
  if (!cmdline) return decoded;
  const fields = cmdline.toString('latin1').split('\0');
  if (fields.at(-1) === '') fields.pop();
  if (fields.length < decoded.length) return decoded;
  const raw = fields.slice(fields.length - decoded.length);
  const agrees = (r: string, d: string) => d.includes('\ufffd') || Buffer.from(r, 'latin1').toString('utf8') === d;
  return raw.every((r, i) => agrees(r, decoded[i])) ? raw : decoded;
}

function readCmdline(): Buffer | null {
  try {
    return readFileSync('/proc/self/cmdline');
  } catch {
    return null;
  }
}

/**
 * CLI text holds one byte per character (argv and -R input are read that way, kernel names are
 * decoded that way): write those bytes, not their UTF-8 encoding. Text with a character above
 * U+00FF cannot be bytes (e.g. a table's box-drawing lines): that is written as UTF-8.
 */
export const encode = (text: string): Buffer => Buffer.from(text, /[^\x00-\xff]/.test(text) ? 'utf8' : 'latin1');

/** glibc's buffer for a pipe or file (st_blksize): ipvsadm's stdout reaches the fd in these steps. */
const STDIO_BUFSIZ = 4096;
/** What a shell reports for a process killed by SIGPIPE (node ignores the signal itself). */
const SIGPIPE_STATUS = 128 + 13;

/** Where ProcessOutput writes: a stream, or an FdSink. Errors are thrown or emitted as 'error'. */
export interface OutputSink {
  write(data: Buffer): unknown;
  on(event: 'error', listener: (err: NodeJS.ErrnoException) => void): unknown;
}

/**
 * A file descriptor written with write(2) directly, as C stdio does. process.stdout would load
 * Node's stream machinery first, a fifth of a short command's start in the emulated test guest
 * (and set a pipe non-blocking for every process that shares it). Errors are thrown.
 */
export class FdSink implements OutputSink {
  constructor(private readonly fd: number) {}

  write(data: Buffer): boolean {
    for (let off = 0; off < data.length; ) {
      try {
        off += writeSync(this.fd, data, off);
      } catch (e) {
        // A descriptor someone else made non-blocking: wait for room, as a blocking write would.
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      }
    }
    return true;
  }

  on(): this {
    return this;
  }
}

/**
 * Output streams that fail as ipvsadm's do. ipvsadm never checks its writes: a full disk or a
 * closed descriptor loses the text and the command goes on (and exits as it would have); a
 * closed pipe kills it by SIGPIPE, at once on unbuffered stderr, and on stdout when its 4 KiB
 * buffer is first flushed (when full, else at exit). A write must never throw here: the caller
 * may be inside a native netlink callback, where an exception aborts the process.
 */
export class ProcessOutput {
  private stdoutBytes = 0;
  private stdoutBroken = false;
  private finished = false;

  constructor(
    private readonly out: OutputSink,
    private readonly err: OutputSink,
    private readonly die: (status: number) => void,
  ) {
    out.on('error', (e: NodeJS.ErrnoException) => this.failed('stdout', e));
    err.on('error', (e: NodeJS.ErrnoException) => this.failed('stderr', e));
  }

  stdout = (text: string): void => {
    if (!text) return;
    this.stdoutBytes += text.length;
    if (this.stdoutBroken) {
      if (this.stdoutBytes > STDIO_BUFSIZ) this.die(SIGPIPE_STATUS);
      return;
    }
    this.write('stdout', this.out, text);
  };

  stderr = (text: string): void => {
    if (text) this.write('stderr', this.err, text);
  };

  /** The status to exit with once the command is done (a broken stdout pipe wins). */
  finish(status: number): number {
    this.finished = true;
    return this.stdoutBroken ? SIGPIPE_STATUS : status;
  }

  private write(which: 'stdout' | 'stderr', stream: OutputSink, text: string): void {
    try {
      stream.write(encode(text));
    } catch (e) {
      this.failed(which, e as NodeJS.ErrnoException);
    }
  }

  private failed(which: 'stdout' | 'stderr', e: NodeJS.ErrnoException): void {
    if (e?.code !== 'EPIPE') return; // ENOSPC, EBADF, EIO...: the text is lost, as in C stdio
    if (which === 'stderr') return this.die(SIGPIPE_STATUS);
    this.stdoutBroken = true;
    if (this.finished || this.stdoutBytes > STDIO_BUFSIZ) this.die(SIGPIPE_STATUS);
  }
}

export async function main(argv = process.argv): Promise<void> {
  const output = new ProcessOutput(new FdSink(1), new FdSink(2), (status) => process.exit(status));
  try {
    const io: CliIO = {
      stdout: output.stdout,
      stderr: output.stderr,
      readStdin: async () => {
        try {
          return readFileSync(0, 'latin1');
        } catch {
          return '';
        }
      },
      argv0: shellArgv0(argv[1] ?? 'tsipvsadm'),
    };
    const args = argv === process.argv ? rawArgs(argv.slice(2), readCmdline()) : argv.slice(2);
    process.exitCode = output.finish(await runCli(args, io));
  } catch (err) {
    if (err instanceof IpvsTimeoutError) {
      // ipvsadm would wait forever; say which request the kernel left unanswered instead.
      output.stderr(`${shellArgv0(argv[1] ?? 'tsipvsadm')}: ${err.message}\n`);
      process.exitCode = output.finish(255);
      return;
    }
    // Not something ipvsadm reports: one line naming it, never a stack trace (unless asked for).
    const detail = process.env.TSIPVSADM_DEBUG && err instanceof Error ? err.stack : errorText(err);
    output.stderr(Buffer.from(`tsipvsadm: internal error: ${detail}\n`, 'utf8').toString('latin1'));
    process.exitCode = output.finish(70);
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
