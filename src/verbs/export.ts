// `tsipvsadm export [--format json|yaml|rules]`: the whole configuration (services with their
// real servers, timeouts, sync daemons) in the document `apply` reads back, or as ipvsadm rules.
// No counters, no names: two exports of one configuration are equal.

import { stringify } from 'yaml';
import { daemonsJson, SCHEMA_VERSION, serviceConfigJson, timeoutsJson, toJsonText } from '../format/json';
import { saveBlock } from '../format/save';
import { VerbError, type VerbHandler } from './registry';
import type { Snapshot } from '../model/snapshot';

export const EXPORT_FORMATS = ['json', 'yaml', 'rules'] as const;

/** The export document (schema/tsipvsadm.schema.json). */
export async function exportDocument(state: Snapshot): Promise<object> {
  return {
    schemaVersion: SCHEMA_VERSION,
    services: await Promise.all(state.services.map((svc) => serviceConfigJson(svc, null))),
    timeouts: timeoutsJson(state.timeouts),
    daemons: daemonsJson(state.daemons),
  };
}

/** Exactly what `ipvsadm -S -n` prints (services and real servers only, as -S has no more). */
export async function exportRules(state: Snapshot): Promise<string> {
  let out = '';
  for (const svc of state.services) out += await saveBlock(svc, svc.destinations, true, true); // already in ipvsadm's order
  return out;
}

export const exportVerb: VerbHandler = async (ctx, options) => {
  const format = String(options.format ?? 'json');
  // Strict: an export is read back by apply, so a read the kernel kept interrupting fails.
  const state = await (await ctx.client()).snapshot();
  let text: string;
  try {
    if (format === 'rules') text = await exportRules(state);
    else if (format === 'yaml') text = stringify(await exportDocument(state));
    else text = toJsonText(await exportDocument(state)) + '\n';
  } catch (err) {
    // -S crashes on a tunnel whose checksum flags it has no name for; say so instead.
    throw new VerbError(`cannot export this state as ${format}: ${err instanceof Error ? err.message : String(err)}`);
  }
  ctx.io.stdout(text);
  return 0;
};
