// What shell completion offers, derived from the tables the parser itself runs on: the option
// table (flags, argument kinds), the command × option matrix (which options each command takes),
// the scheduler, tunnel-type and scheduler-flag tables, the help text (descriptions) and the
// verbs' commander definitions. The bash, zsh and fish renderers only turn this into shell code,
// so the scripts follow any change to those tables.

import { SCHEDULERS } from '../../ipvs/schedulers';
import type { CommandName, OptionName } from '../command';
import { helpText } from '../help';
import { SCHED_FLAG_WORDS, TUNNEL_TYPES } from '../../model/tables';
import { COMMANDS_V_OPTIONS, MATRIX_OPTIONS, type MatrixCommand } from '../matrix';
import { OPTION_TABLE, type ArgKind, type OptionDef } from '../options/table';

export interface Word {
  readonly word: string;
  readonly description: string;
}

/** Where an option's value comes from. */
export type ValueSource =
  /** A fixed list; `commaList`: several of them, comma-separated (-b). */
  | { readonly kind: 'words'; readonly words: readonly Word[]; readonly commaList?: boolean }
  /** The kernel's virtual services of one protocol (asked with `__complete services`). */
  | { readonly kind: 'services'; readonly protocol: ServiceProtocol }
  /** The real servers of the service given on the line (asked with `__complete servers`). */
  | { readonly kind: 'servers' }
  /** The network interfaces (/sys/class/net). */
  | { readonly kind: 'interfaces' }
  /** Free text (numbers, new addresses): nothing to offer. */
  | { readonly kind: 'free' };

export type ServiceProtocol = 'tcp' | 'udp' | 'sctp' | 'fwmark';

export interface CompletionOption {
  readonly long: string;
  readonly short?: string;
  readonly arg: ArgKind;
  readonly description: string;
  /** Options sharing a group may be given once between them (ipvsadm's matrix rows: -t/-u/-f). */
  readonly group: string;
  readonly values: ValueSource;
}

export interface CompletionCommand {
  readonly name: CommandName;
  readonly long: string;
  readonly shorts: readonly string[];
  readonly description: string;
  /** Its own argument (--start-daemon master|backup). */
  readonly arg: ArgKind;
  readonly values: ValueSource;
  /** Long names of the options this command takes (the matrix's non-`x` entries). */
  readonly options: readonly string[];
  /** Its -t/-u/-f name a service that must exist (every command taking one but -A). */
  readonly existingService: boolean;
  /** Its -r names a real server that must exist (every command taking one but -a). */
  readonly existingServer: boolean;
}

export interface CompletionVerb {
  readonly name: string;
  readonly description: string;
  readonly options: readonly CompletionOption[];
  /** Choices for its first positional argument, if any (e.g. the shells of `completion`). */
  readonly argument: readonly Word[];
  /** Its -t/-u/-f (if any) name existing services. */
  readonly existingService: boolean;
}

export interface CompletionSpec {
  readonly program: string;
  readonly commands: readonly CompletionCommand[];
  /** Every non-command option of the ipvsadm command line. */
  readonly options: readonly CompletionOption[];
  readonly verbs: readonly CompletionVerb[];
}

// ---- values --------------------------------------------------------------------------------

const words = (list: readonly Word[], commaList = false): ValueSource => ({ kind: 'words', words: list, commaList });

const TUNNEL_TYPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  ipip: 'IP in IP',
  gue: 'generic UDP encapsulation',
  gre: 'generic routing encapsulation',
};

const SCHED_FLAG_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'flag-1': 'scheduler flag 1',
  'flag-2': 'scheduler flag 2',
  'flag-3': 'scheduler flag 3',
  'sh-fallback': 'sh: skip unavailable servers',
  'sh-port': 'sh: hash the source port too',
  'mh-fallback': 'mh: skip unavailable servers',
  'mh-port': 'mh: hash the source port too',
};

const DAEMON_STATES: readonly Word[] = [
  { word: 'master', description: 'send connection state' },
  { word: 'backup', description: 'receive connection state' },
];

/** What each value-taking option of the ipvsadm command line offers, by long name. */
const OPTION_VALUES: Readonly<Record<string, ValueSource>> = {
  scheduler: words(SCHEDULERS.map((s) => ({ word: s.name, description: s.description }))),
  'tun-type': words(TUNNEL_TYPES.map(({ name }) => ({ word: name, description: TUNNEL_TYPE_DESCRIPTIONS[name] ?? name }))),
  'sched-flags': words(
    [...SCHED_FLAG_WORDS.keys()].map((w) => ({ word: w, description: SCHED_FLAG_DESCRIPTIONS[w] ?? w })),
    true,
  ),
  pe: words([{ word: 'sip', description: 'SIP Call-ID persistence' }]),
  'start-daemon': words(DAEMON_STATES),
  'stop-daemon': words(DAEMON_STATES),
  'tcp-service': { kind: 'services', protocol: 'tcp' },
  'udp-service': { kind: 'services', protocol: 'udp' },
  'sctp-service': { kind: 'services', protocol: 'sctp' },
  'fwmark-service': { kind: 'services', protocol: 'fwmark' },
  'real-server': { kind: 'servers' },
  'mcast-interface': { kind: 'interfaces' },
};

// ---- descriptions from the help text -------------------------------------------------------

/**
 * `--long ...   description` lines of ipvsadm's help text: the long name and the text after the
 * last run of two or more spaces (the description column).
 */
export function helpDescriptions(help = helpText('ipvsadm')): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of help.split('\n')) {
    const m = /^ {2}--([a-z0-9-]+)/.exec(line);
    if (!m || map.has(m[1])) continue;
    const columns = line.trim().split(/ {2,}/);
    if (columns.length < 2) continue;
    map.set(m[1], columns[columns.length - 1].replace(/,$/, ''));
  }
  return map;
}

// ---- the ipvsadm command line ----------------------------------------------------------------

/** Options the matrix has no row for, and the commands they mean something with. */
const UNROWED_OPTIONS: Readonly<Record<string, (command: CommandName) => boolean>> = {
  // -6 turns a fwmark service into an IPv6 one: wherever a service can be given.
  ipv6: (command) => allows(command, 'service-address'),
  // --sort does nothing (listings are sorted anyway), but ipvsadm documents it for -L.
  sort: (command) => command === 'list',
};

function allows(command: CommandName, row: OptionName): boolean {
  if (command === 'help' || command === 'version') return false;
  return COMMANDS_V_OPTIONS[command as MatrixCommand][MATRIX_OPTIONS.indexOf(row)] !== 'x';
}

function completionOption(def: OptionDef, descriptions: Map<string, string>): CompletionOption {
  return {
    long: def.long,
    short: def.short,
    arg: def.arg,
    description: descriptions.get(def.long) ?? def.long,
    group: def.optname ?? def.long,
    values: OPTION_VALUES[def.long] ?? { kind: 'free' },
  };
}

function ipvsadmCommands(descriptions: Map<string, string>): CompletionCommand[] {
  const byName = new Map<CommandName, { long: string; arg: ArgKind; shorts: string[] }>();
  for (const def of OPTION_TABLE) {
    if (def.command === undefined) continue;
    const entry = byName.get(def.command) ?? { long: def.long, arg: def.arg, shorts: [] };
    if (def.short !== undefined) entry.shorts.push(def.short);
    byName.set(def.command, entry);
  }
  return [...byName].map(([name, { long, arg, shorts }]) => {
    const options = OPTION_TABLE.filter(
      (def) =>
        def.command === undefined &&
        (def.optname !== undefined ? allows(name, def.optname) : (UNROWED_OPTIONS[def.long]?.(name) ?? false)),
    ).map((def) => def.long);
    return {
      name,
      long,
      shorts,
      description: descriptions.get(long) ?? (name === 'version' ? 'display the version' : name),
      arg,
      values: OPTION_VALUES[long] ?? { kind: 'free' },
      options,
      existingService: name !== 'add-service' && allows(name, 'service-address'),
      existingServer: name !== 'add-server' && allows(name, 'real-server'),
    };
  });
}

// ---- verbs ---------------------------------------------------------------------------------

/** What completion reads from a verb of the verb registry (src/verbs/registry.ts). */
export interface VerbLike {
  readonly name: string;
  readonly summary: string;
  readonly options: readonly { readonly flags: string; readonly description: string; readonly choices?: readonly string[] }[];
  /** Choices for the first positional argument. */
  readonly argChoices?: readonly string[];
  /** Internal verbs (`__complete`) are not offered. */
  readonly hidden?: boolean;
}

/** A verb option in commander's notation (`-d, --delay <seconds>`); -t/-u/-f keep ipvsadm's values. */
export function verbOption(flags: string, description: string, choices?: readonly string[]): CompletionOption {
  let long = '';
  let short: string | undefined;
  let arg: ArgKind = 'none';
  for (const token of flags.split(/[\s,|]+/).filter(Boolean)) {
    if (token.startsWith('--')) long = token.slice(2);
    else if (token.startsWith('-')) short = token.slice(1);
    else if (token.startsWith('<')) arg = 'required';
    else if (token.startsWith('[')) arg = 'optional';
  }
  long ||= short ?? '';
  return {
    long,
    short,
    arg,
    description,
    group: long,
    values: choices?.length
      ? words(choices.map((c) => ({ word: c, description: '' })))
      : (OPTION_VALUES[long] ?? { kind: 'free' }),
  };
}

export function verbSpec(verb: VerbLike): CompletionVerb {
  const options = verb.options.map((o) => verbOption(o.flags, o.description, o.choices));
  return {
    name: verb.name,
    description: verb.summary,
    options,
    argument: (verb.argChoices ?? []).map((c) => ({ word: c, description: '' })),
    existingService: options.some((o) => o.values.kind === 'services'),
  };
}

/** The whole completion spec: ipvsadm's command line plus the given verbs. */
export function completionSpec(verbs: readonly VerbLike[], program = 'tsipvsadm'): CompletionSpec {
  const descriptions = helpDescriptions();
  return {
    program,
    commands: ipvsadmCommands(descriptions),
    options: OPTION_TABLE.filter((def) => def.command === undefined).map((def) => completionOption(def, descriptions)),
    verbs: verbs.filter((v) => !v.hidden).map(verbSpec),
  };
}
