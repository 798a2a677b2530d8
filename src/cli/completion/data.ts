// The completion spec flattened into key → value tables, the form all three shell scripts embed.
// Keys are `CONTEXT/NAME`: CONTEXT is '' for the ipvsadm command line and the verb's name for a
// verb (a verb's -d is not ipvsadm's -d).

import type { CompletionOption, CompletionSpec, ValueSource } from './spec';

export interface FlatTables {
  /** `ctx/c` → long name, for every short option character. */
  short: Map<string, string>;
  /** `ctx/long` → none | required | optional. */
  arg: Map<string, string>;
  /** `ctx/long` → the group it shares with others given at most once (-t/-u/-f: one service). */
  group: Map<string, string>;
  /** `ctx/long` → how its value is completed: `words:a b c`, `list:a b` (comma-separated), `services:tcp`, `servers`, `interfaces`. */
  values: Map<string, string>;
  /** `/long` → the ipvsadm command it selects. */
  command: Map<string, string>;
  /** command name or verb → the long names it takes, space-separated. */
  allowed: Map<string, string>;
  /** command name or verb → `service`, `server`, both or neither: which of its values must exist. */
  existing: Map<string, string>;
  /** Verb names. */
  verbs: string[];
  /** verb → the choices of its first argument, space-separated. */
  verbArgument: Map<string, string>;
}

export function valueCode(v: ValueSource): string | undefined {
  switch (v.kind) {
    case 'words':
      return `${v.commaList ? 'list' : 'words'}:${v.words.map((w) => w.word).join(' ')}`;
    case 'services':
      return `services:${v.protocol}`;
    case 'servers':
      return 'servers';
    case 'interfaces':
      return 'interfaces';
    case 'free':
      return undefined;
  }
}

function addOption(t: FlatTables, ctx: string, o: CompletionOption): void {
  if (o.short !== undefined) t.short.set(`${ctx}/${o.short}`, o.long);
  t.arg.set(`${ctx}/${o.long}`, o.arg);
  t.group.set(`${ctx}/${o.long}`, o.group);
  const code = valueCode(o.values);
  if (code !== undefined) t.values.set(`${ctx}/${o.long}`, code);
}

export function flatten(spec: CompletionSpec): FlatTables {
  const t: FlatTables = {
    short: new Map(),
    arg: new Map(),
    group: new Map(),
    values: new Map(),
    command: new Map(),
    allowed: new Map(),
    existing: new Map(),
    verbs: spec.verbs.map((v) => v.name),
    verbArgument: new Map(),
  };
  for (const c of spec.commands) {
    for (const s of c.shorts) t.short.set(`/${s}`, c.long);
    t.command.set(`/${c.long}`, c.name);
    t.group.set(`/${c.long}`, 'command');
    t.arg.set(`/${c.long}`, c.arg);
    const code = valueCode(c.values);
    if (code !== undefined) t.values.set(`/${c.long}`, code);
    t.allowed.set(c.name, c.options.join(' '));
    t.existing.set(c.name, [c.existingService ? 'service' : '', c.existingServer ? 'server' : ''].filter(Boolean).join(' '));
  }
  for (const o of spec.options) addOption(t, '', o);
  for (const v of spec.verbs) {
    for (const o of v.options) addOption(t, v.name, o);
    t.allowed.set(v.name, v.options.map((o) => o.long).join(' '));
    t.existing.set(v.name, v.existingService ? 'service' : '');
    if (v.argument.length) t.verbArgument.set(v.name, v.argument.map((w) => w.word).join(' '));
  }
  return t;
}
