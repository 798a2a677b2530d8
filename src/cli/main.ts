// Process entry point: wires runCli to the real stdin/stdout/stderr and exit status.

import { readFileSync } from 'node:fs';
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

export async function main(argv = process.argv): Promise<void> {
  // A closed pipe (`tsipvsadm -Lnc | head`) kills ipvsadm by SIGPIPE, silently; node ignores
  // SIGPIPE, so end the same way by hand.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(141); // what a shell reports for SIGPIPE
    else throw err;
  });
  const io: CliIO = {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readStdin: async () => {
      try {
        return readFileSync(0, 'latin1');
      } catch {
        return '';
      }
    },
    argv0: shellArgv0(argv[1] ?? 'tsipvsadm'),
  };
  try {
    process.exitCode = await runCli(argv.slice(2), io);
  } catch (err) {
    // ipvsadm would wait forever; say which request the kernel left unanswered instead.
    if (!(err instanceof IpvsTimeoutError)) throw err;
    io.stderr(`${io.argv0}: ${err.message}\n`);
    process.exitCode = 255;
  }
}
