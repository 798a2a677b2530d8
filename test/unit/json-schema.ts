// The repository's JSON Schema, compiled once with ajv (draft 2020-12), for tests.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';

export const SCHEMA_PATH = join(__dirname, '../../schema/tsipvsadm.schema.json');

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
const validateDoc = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));

/** The schema's complaints about a document, as text ('' when valid). */
export function schemaErrors(doc: unknown): string {
  return validateDoc(doc) ? '' : ajv.errorsText(validateDoc.errors, { separator: '\n' });
}
