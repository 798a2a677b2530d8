// tsipvsadm's own options on the ipvsadm command line (today only `--json`). ipvsadm's popt
// answers "--json: unknown option" wherever it meets one as an option, so a line with one is a
// line ipvsadm rejects, and giving it a meaning changes nothing compatible. They are taken out
// exactly where popt would meet them (not where they are the argument of another option, as in
// `--mcast-interface --json`, nor after `--`, nor after an earlier popt error, which still wins),
// and the rest of the line goes to the compatible parser unchanged.

import { PoptContext } from './parse';

/** The extension options, by the element popt would report as unknown. */
const EXTENSIONS = { '--json': 'json' } as const;
export type ExtensionName = (typeof EXTENSIONS)[keyof typeof EXTENSIONS];

export interface ExtensionScan {
  /** The line without the extension options. */
  args: string[];
  /** How many times each extension option was given. */
  given: Partial<Record<ExtensionName, number>>;
}

export function takeExtensionOptions(args: readonly string[], env: NodeJS.ProcessEnv = process.env): ExtensionScan {
  const posix = env.POSIXLY_CORRECT !== undefined || env.POSIX_ME_HARDER !== undefined;
  const given: ExtensionScan['given'] = {};
  let rest = [...args];
  // Each pass removes the first extension option popt meets and scans again from the start
  // (argument expansion and bundles make a resumed scan differ from a fresh one).
  for (;;) {
    const popt = new PoptContext('ipvsadm', rest, posix);
    let found: { index: number; name: ExtensionName } | undefined;
    for (;;) {
      const r = popt.getNextOpt();
      if (r.kind === 'end') break;
      if (r.kind === 'error') {
        const bad = popt.badOption();
        if (Object.prototype.hasOwnProperty.call(EXTENSIONS, bad)) {
          found = { index: popt.lastIndex(), name: EXTENSIONS[bad as keyof typeof EXTENSIONS] };
        }
        break;
      }
    }
    if (!found) return { args: rest, given };
    given[found.name] = (given[found.name] ?? 0) + 1;
    rest = [...rest.slice(0, found.index), ...rest.slice(found.index + 1)];
  }
}
