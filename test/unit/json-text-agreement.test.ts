// On the host, the JSON renderer against the text renderer (which the kernel suite proves
// byte-identical to ipvsadm): on generated states, every JSON record projected onto ipvsadm's
// text tokens (test/kernel/structured-text.ts, also used against the real ipvsadm in the guest)
// matches the text listing in every format, and -S's lines. A fast check of the projection itself.

import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/parse';
import { AF_INET6 } from '../../src/ipvs/constants';
import type { Destination, Service } from '../../src/ipvs/types';
import { listTitle, type ListFormat } from '../../src/format/list';
import { serviceBlock } from '../../src/format/list';
import { saveBlock } from '../../src/format/save';
import { serviceConfigJson, serviceJson } from '../../src/format/json';
import { sortDests, sortServices } from '../../src/format/sort';
import { genServices } from '../kernel/cases/independent';
import { listingTokens, ruleLines, textTokens } from '../kernel/structured-text';

const deps = { resolveHostV4: async () => null, getServByName: () => undefined };

/** The kernel state the -A/-a lines would build (as the parser fills them; v6 netmask /128). */
async function stateOf(lines: string[]): Promise<{ svc: Service; dests: Destination[] }[]> {
  const out: { key: string; svc: Service; dests: Destination[] }[] = [];
  for (const line of lines) {
    const cmd = await parseCommandLine(line.split(' ').filter(Boolean), 'ipvsadm', deps);
    const s = cmd.service;
    const key = JSON.stringify([s.af, s.protocol, s.address, s.port, s.fwmark]);
    if (cmd.command === 'add-service') out.push({ key, svc: { ...s, netmask: s.af === AF_INET6 && s.netmask === 0xffffffff ? 128 : s.netmask }, dests: [] });
    else out.find((e) => e.key === key)!.dests.push({ ...cmd.dest, af: cmd.dest.af || s.af });
  }
  const sorted = sortServices(out.map((e) => e.svc));
  return sorted.map((svc) => out.find((e) => e.svc === svc)!);
}

const FORMATS: ListFormat[] = ['default', 'stats', 'rate', 'thresholds', 'persistent-conn', 'tun-info'];

describe.each([71, 5309, 17, 3, 99])('generated state, seed %i', (seed) => {
  it('every -L format and -S agree field by field', async () => {
    const state = await stateOf(genServices(seed, 48, seed === 17 ? { local: true } : {}));
    for (const format of FORMATS) {
      let text = listTitle(format);
      const ours: string[][] = [];
      for (const { svc, dests } of state) {
        text += await serviceBlock(svc, dests, { format, numeric: true, exact: true, nosort: false });
        ours.push(...listingTokens(await serviceJson({ ...svc, destinations: sortDests(dests) }, null), format, true));
      }
      expect(ours, format).toEqual(textTokens(text));
    }
    let rules = '';
    const ourRules: string[] = [];
    for (const { svc, dests } of state) {
      rules += await saveBlock(svc, dests, true);
      ourRules.push(...ruleLines(await serviceConfigJson({ ...svc, destinations: sortDests(dests) }, null), true));
    }
    expect(ourRules.map((l) => `${l}\n`).join('')).toBe(rules);
  });
});
