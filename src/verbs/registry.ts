// The verb table: every verb of the `tsipvsadm VERB ...` front end, as data. The front end
// (dispatch.ts) builds its commander program from it and the completion generator reads it, so
// adding a verb is one entry here plus its handler module. Handlers are loaded only when their
// verb runs, which keeps the start-up of ordinary ipvsadm command lines as fast as before.

import type { CliIO } from '../cli/run';
import { COMPLETION_SHELLS, COMPLETION_SUMMARY } from '../cli/completion/shells';
import { TOP_DETAILS, TOP_OPTIONS, TOP_SUMMARY } from '../cli/top/options';
import type { IpvsClient } from '../ipvs/client';

/** One option of a verb, in commander's notation. */
export interface VerbOption {
  /** e.g. `--format <format>`, `-o, --output <file>`, `--watch`. */
  readonly flags: string;
  readonly description: string;
  /** The only values the option accepts (also offered by shell completion). */
  readonly choices?: readonly string[];
  readonly default?: string;
  /** May be given several times; the handler gets every value, in order, as an array. */
  readonly repeatable?: boolean;
}

/** What a verb's handler gets besides its parsed options and arguments. */
export interface VerbContext {
  readonly io: CliIO;
  /** The command name as the user typed it (for messages). */
  readonly argv0: string;
  /** An IPVS client, opened (with ipvsadm's modprobe fallback) on first use, closed afterwards. */
  client(): Promise<IpvsClient>;
  /** The help text of one verb, or the verb list without a name. */
  helpText(verb?: string): string;
}

/**
 * Runs the verb: resolves with the exit status. Usage errors are thrown as VerbUsageError,
 * kernel refusals as IpvsError; the front end words both.
 */
export type VerbHandler = (ctx: VerbContext, options: Record<string, unknown>, args: string[]) => Promise<number>;

export interface Verb {
  readonly name: string;
  /** One line, for `tsipvsadm help`. */
  readonly summary: string;
  /** Positional arguments in commander's notation (`<file>`, `[verb]`), if any. */
  readonly args?: string;
  readonly options: readonly VerbOption[];
  /** A longer text shown after the options by `tsipvsadm help VERB`. */
  readonly details?: string;
  /** The values the first argument takes (offered by shell completion). */
  readonly argChoices?: readonly string[];
  /** Internal (`__complete`): not listed by help, not offered by completion. */
  readonly hidden?: boolean;
  /** Its arguments go to the handler as they are, options included (no commander parsing). */
  readonly rawArgs?: boolean;
  /** The handler module, loaded lazily. */
  load(): Promise<VerbHandler>;
}

/** A verb's bad usage: printed as `tsipvsadm VERB: message`, exit status 2 (as ipvsadm's fail). */
export class VerbUsageError extends Error {
  override name = 'VerbUsageError';
}

/** A verb's runtime failure other than a kernel refusal: printed as is, exit status `exitCode`. */
export class VerbError extends Error {
  override name = 'VerbError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

const APPLY_DETAILS = `FILE (- for standard input) is an ipvsadm rules file (-A and -a lines, what -S writes and
-R reads), or the JSON or YAML document export writes (schema/tsipvsadm.schema.json); its
services and real servers are the desired state (timeouts and daemons in it are ignored).
The file is checked first: a bad line is reported with its file, line (or JSON/YAML path)
and reason, and nothing is changed.

A service the file lists is made to match it exactly, its real servers included: settings
are edited in place (-E/-e) where the kernel allows, unchanged objects are left alone (their
counters and connections survive), and what cannot be edited (a key) is added and deleted.
Services the file does not list are left alone unless --prune is given. --scope limits what
the file owns (e.g. --scope 10.1.0.0/16 --scope fwmark:100-199), so services of keepalived or
kube-proxy beside them are never touched. Applying the same file twice sends nothing.

Exit status: 0 applied (or nothing to do); 2 refused before anything was sent; 3 the kernel
refused a change: nothing after it was kept, and the kernel holds exactly the changes before
it, which are reported. With --dry-run: 0 no changes, 1 changes, 2 trouble (as diff).`;

/** The verbs, in the order `tsipvsadm help` lists them. */
export const VERBS: readonly Verb[] = [
  {
    name: 'help',
    summary: 'list the verbs, or show one verb\'s options',
    args: '[verb]',
    // The verbs it can show (read when completion is generated: VERBS is complete by then).
    get argChoices() {
      return VERBS.filter((v) => !v.hidden).map((v) => v.name);
    },
    options: [],
    load: async () => (await import('./help')).helpVerb,
  },
  {
    name: 'export',
    summary: 'print the whole configuration: services, real servers, timeouts, sync daemons',
    options: [{ flags: '--format <format>', description: 'json, yaml (the document apply reads), or rules (ipvsadm -S -n)', choices: ['json', 'yaml', 'rules'], default: 'json' }],
    details:
      'json and yaml follow schema/tsipvsadm.schema.json (services with their real servers,\n' +
      'timeouts, sync daemons; no counters, no names). rules is exactly what ipvsadm -S -n\n' +
      'prints, for ipvsadm -R or tsipvsadm -R (services and real servers only).',
    load: async () => (await import('./export')).exportVerb,
  },
  {
    name: 'apply',
    summary: 'make the kernel\'s services match a file: minimal, scoped, with a dry run and draining',
    args: '<file>',
    options: [
      { flags: '--dry-run', description: 'print the plan as ipvsadm lines (as diff does) and change nothing' },
      { flags: '--prune', description: 'also delete services (in scope) that the file does not mention' },
      { flags: '--scope <spec>', description: 'own only these services: an address or prefix, tcp|udp|sctp, or fwmark:N[-M] (repeatable)', repeatable: true },
      { flags: '--drain <seconds>', description: 'weight 0 first, delete once a server has no active connection (or the time is up)' },
      { flags: '--json', description: 'print the plan and the outcome as JSON' },
    ],
    details: APPLY_DETAILS,
    load: async () => (await import('../apply/verb')).applyVerb,
  },
  {
    name: 'diff',
    summary: 'print the changes apply would make, as ipvsadm lines; exit 0 none, 1 some, 2 trouble',
    args: '<file>',
    options: [
      { flags: '--prune', description: 'include deleting services (in scope) that the file does not mention' },
      { flags: '--scope <spec>', description: 'compare only these services (as apply --scope; repeatable)', repeatable: true },
      { flags: '--json', description: 'print the plan as JSON' },
    ],
    details:
      'The text is ipvsadm -R input: fed to ipvsadm -R (or tsipvsadm -R) it reaches the state\n' +
      'apply reaches. Exit status as diff(1): 0 no changes, 1 changes, 2 trouble.',
    load: async () => (await import('../apply/verb')).diffVerb,
  },
  {
    name: 'metrics',
    summary: 'print (or serve on HTTP) the counters in the Prometheus text format',
    options: [{ flags: '--listen <address:port>', description: 'serve GET /metrics on this address (e.g. 127.0.0.1:9476, [::1]:9476) until SIGTERM' }],
    details:
      'Per service and per real server: connections, packets and bytes (counters), their rates,\n' +
      'active/inactive/persistent connections, weight and thresholds. Labels: service (tcp:VIP:PORT,\n' +
      'fwmark:N, fwmark6:N), family, proto, local_address, local_port, local_mark; real servers add\n' +
      'server, remote_address, remote_port. Without --listen the text suits node_exporter\'s textfile\n' +
      'collector: tsipvsadm metrics > DIR/ipvs.prom.tmp && mv DIR/ipvs.prom.tmp DIR/ipvs.prom',
    load: async () => (await import('./metrics')).metricsVerb,
  },
  {
    name: 'top',
    summary: TOP_SUMMARY,
    options: TOP_OPTIONS,
    details: TOP_DETAILS,
    load: async () => (await import('./top')).topVerb,
  },
  {
    name: 'completion',
    summary: COMPLETION_SUMMARY,
    args: '<shell>',
    argChoices: COMPLETION_SHELLS,
    options: [],
    details: 'Load it with `source <(tsipvsadm completion bash)`; see the README for installing it.\n',
    load: async () => (await import('./completion')).completionVerb,
  },
  {
    name: '__complete',
    summary: 'what the completion scripts ask the kernel for',
    args: '[words...]',
    options: [],
    hidden: true,
    rawArgs: true,
    load: async () => (await import('./completion')).completeVerb,
  },
];

export function findVerb(name: string): Verb | undefined {
  return VERBS.find((v) => v.name === name);
}
