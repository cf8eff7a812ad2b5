/**
 * The published schemas under `schemas/`, compiled with ajv once per process. They are the single
 * source of truth of every setting: ajv fills their defaults into the validated value (never by
 * hand in a constructor), and `additionalProperties: false` makes every typo an error. Turning
 * ajv's errors into located diagnostics is the runtime's job (`src/runtime/validation`).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { schemaFile } from './package-root.js';

// ajv-formats is published as CommonJS with a default export object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const ajv = addFormats(new Ajv({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: false, verbose: true }));
const compiled = new Map<string, ValidateFunction>();

/**
 * The compiled validator of a schema file under `schemas/`, or at an absolute path (node types
 * defined outside the catalogue, such as test doubles). Compiled once per process.
 */
export function schemaValidator(relativePath: string): ValidateFunction {
  let validate = compiled.get(relativePath);
  if (validate === undefined) {
    const path = isAbsolute(relativePath) ? relativePath : schemaFile(relativePath);
    const schema = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    validate = ajv.compile(schema);
    compiled.set(relativePath, validate);
  }
  return validate;
}
