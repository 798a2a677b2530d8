// The `top` verb's entry point: checks its options and starts the view.

import { CliExit } from '../command';
import { VerbUsageError } from '../../verbs/registry';
import { parseCommandLine } from '../parse';
import { SORT_KEYS } from './columns';
import type { ServiceKey } from '../../ipvs/types';
import type { ServiceSource } from './frame';
import { processTerminal, runTop, type TopTerminal } from './top';

export interface TopVerbOptions {
  delay?: string;
  sort?: string;
  reverse?: boolean;
  tcpService?: string;
  udpService?: string;
  sctpService?: string;
  fwmarkService?: string;
  ipv6?: boolean;
  numeric?: boolean;
}

const usage = (message: string): never => {
  throw new VerbUsageError(message);
};

/** The service option given (as the ipvsadm command line spells it), if any. */
function serviceArgs(o: TopVerbOptions): string[] | undefined {
  const given = [
    o.tcpService !== undefined && ['-t', o.tcpService],
    o.udpService !== undefined && ['-u', o.udpService],
    o.sctpService !== undefined && ['--sctp-service', o.sctpService],
    o.fwmarkService !== undefined && ['-f', o.fwmarkService, ...(o.ipv6 ? ['-6'] : [])],
  ].filter((x): x is string[] => Array.isArray(x));
  if (given.length > 1) usage('give at most one of -t, -u, --sctp-service, -f');
  if (o.ipv6 && o.fwmarkService === undefined) usage('-6 needs -f');
  return given[0];
}

/** Run `top` with parsed options; resolves with the exit status. */
export async function topMain(
  o: TopVerbOptions,
  source: ServiceSource,
  program = 'tsipvsadm',
  term: TopTerminal = processTerminal(),
): Promise<number> {
  const delaySeconds = o.delay === undefined ? 2 : Number(o.delay);
  if (!(Number.isFinite(delaySeconds) && delaySeconds >= 0.1 && delaySeconds <= 86400)) {
    usage(`invalid delay '${o.delay}': seconds from 0.1 to 86400`);
  }
  const key = o.sort ?? 'name';
  if (!SORT_KEYS.includes(key)) usage(`invalid sort column '${key}': one of ${SORT_KEYS.join(', ')}`);
  const svcArgs = serviceArgs(o);
  // The service is parsed exactly as ipvsadm parses -L's (host names, port names, messages).
  let only: ServiceKey | undefined;
  try {
    only = svcArgs ? (await parseCommandLine(['-L', ...svcArgs], program)).service : undefined;
  } catch (err) {
    if (err instanceof CliExit) usage(err.stderr.trim());
    throw err;
  }
  // A service that does not exist fails here, before the screen changes (ipvsadm's message).
  await source(only);
  return runTop({ delaySeconds, order: { key, reverse: o.reverse === true }, only, numeric: o.numeric === true, program }, source, term);
}
