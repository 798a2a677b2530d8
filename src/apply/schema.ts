// The export document's JSON Schema, compiled with ajv (draft 2020-12) the first time a JSON or
// YAML file is applied. ajv rather than hand-written checks: the schema is the one contract
// export, the tests and apply share, and ajv reports every violation with its path.

import Ajv2020 from 'ajv/dist/2020';
import schema from '../../schema/tsipvsadm.schema.json';

export interface SchemaViolation {
  /** Path segments into the document. */
  path: Array<string | number>;
  message: string;
}

let validate: ReturnType<Ajv2020['compile']> | undefined;

/** What the schema says is wrong with `doc` (empty when it conforms). */
export function schemaViolations(doc: unknown): SchemaViolation[] {
  validate ??= new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  if (validate(doc)) return [];
  const raw = validate.errors ?? [];
  const errors = raw.map((e) => {
    let pointer = e.instancePath;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') {
      // Point at the unknown property itself (its line), not at the object holding it.
      pointer += '/' + (e.params as { additionalProperty: string }).additionalProperty.replace(/~/g, '~0').replace(/\//g, '~1');
      message = 'unknown property';
    } else if (e.keyword === 'enum') {
      message = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    } else if (e.keyword === 'anyOf' || e.keyword === 'oneOf') {
      // Name the alternatives by their definitions (ipv4, ipv6, ...) instead of each one's complaint.
      const alternatives = new Set(
        raw
          .filter((x) => x.instancePath === e.instancePath && x.schemaPath.startsWith('#/$defs/') && x !== e)
          .map((x) => x.schemaPath.split('/')[2]),
      );
      if (alternatives.size > 1) message = `must be ${[...alternatives].join(' or ')}`;
    }
    return { pointer, keyword: e.keyword, message };
  });
  // An alternative's complaint is noise once its anyOf/oneOf has been worded; a parent's
  // complaint (oneOf, if/then) is the consequence of a deeper one: keep the deepest, once each.
  const worded = new Set(errors.filter((e) => (e.keyword === 'anyOf' || e.keyword === 'oneOf') && e.message.startsWith('must be ')).map((e) => e.pointer));
  const deeper = (p: string) => errors.some((e) => e.pointer !== p && e.pointer.startsWith(p + '/'));
  const seen = new Set<string>();
  const out: SchemaViolation[] = [];
  for (const e of errors) {
    if (deeper(e.pointer)) continue;
    if (worded.has(e.pointer) && e.keyword !== 'anyOf' && e.keyword !== 'oneOf') continue;
    const key = `${e.pointer} ${e.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: toSegments(e.pointer), message: e.message });
  }
  return out;
}

/** A JSON pointer's segments, array indices as numbers. */
function toSegments(pointer: string): Array<string | number> {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}
