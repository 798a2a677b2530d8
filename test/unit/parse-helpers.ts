// Shared helpers for the command-line parser tests. Expected values were checked against Debian
// 12's /usr/sbin/ipvsadm 1.31 (run with a stand-in for the kernel's netlink socket).

import { appendFileSync } from 'node:fs';
import { CliExit, type ParsedCommand } from '../../src/cli/command';
import { parseCommandLine } from '../../src/cli/parse';
import type { ParseDeps } from '../../src/cli/options/state';

export const ARGV0 = '/usr/sbin/ipvsadm';

/** netbase's /etc/services lines the tests rely on. */
const SERVICES: Record<string, number> = {
  'http/tcp': 80,
  'www/tcp': 80,
  'https/tcp': 443,
  'https/udp': 443,
  'domain/tcp': 53,
  'domain/udp': 53,
  'http-alt/tcp': 8080,
  'webcache/tcp': 8080,
  'diameter/sctp': 3868,
};

/** Name look-ups as on the reference host: /etc/hosts has localhost only, DNS is unreachable. */
export const deps: ParseDeps = {
  resolveHostV4: async (name) => (name === 'localhost' ? '127.0.0.1' : null),
  getServByName: (name, proto) => (proto === undefined ? undefined : SERVICES[`${name}/${proto}`]),
  env: {},
};

/** Record every argument vector (for re-running them against the real binary). */
const record = (args: string[]) => {
  if (process.env.TSIPVSADM_RECORD_ARGS) appendFileSync(process.env.TSIPVSADM_RECORD_ARGS, JSON.stringify(args) + '\n');
};

export async function parse(...args: string[]): Promise<ParsedCommand> {
  record(args);
  return parseCommandLine(args, ARGV0, deps);
}

export interface Failure {
  code: number;
  stderr: string;
  kind: string;
}

/** Parse and expect a CliExit; returns its status, stderr and class name. */
export async function failure(...args: string[]): Promise<Failure> {
  return failureWith(deps, ...args);
}

/** failure() with other look-ups or another environment. */
export async function failureWith(with_: ParseDeps, ...args: string[]): Promise<Failure> {
  if (with_ === deps) record(args);
  try {
    const parsed = await parseCommandLine(args, ARGV0, with_);
    throw new Error(`expected a failure, got ${parsed.command}`);
  } catch (err) {
    if (err instanceof CliExit) return { code: err.exitCode, stderr: err.stderr, kind: err.constructor.name };
    throw err;
  }
}

export const TRY = `Try \`${ARGV0} -h' or '${ARGV0} --help' for more information.\n`;
