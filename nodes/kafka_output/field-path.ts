/**
 * Reading a value nested in a tuple field: RudderStack puts per-event options inside the event's
 * `integrations` object (`integrations.Kafka.topic`, `integrations.KAFKA.schemaId`), so a setting
 * names a field and the keys leading into its object. Keys are a list rather than a dotted string
 * because field names and keys may themselves hold dots or dashes.
 */
import type { FieldValue, Fields } from '../../src/runtime/node-api.js';
import { isJsonObject } from '../../src/libraries/codecs/json-value.js';

/** A field and the keys leading to a value inside it (empty: the field's own value). */
export interface FieldPath {
  readonly field: string;
  readonly path: readonly string[];
}

/** The value at `at` in `fields`; `undefined` when the field or a key on the way is missing or not an object. */
export function readFieldPath(fields: Fields, at: FieldPath): FieldValue | undefined {
  let value: FieldValue | undefined = Object.hasOwn(fields, at.field) ? fields[at.field] : undefined;
  for (const key of at.path) {
    if (value === undefined || !isJsonObject(value) || !Object.hasOwn(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

/** `integrations.Kafka.topic`: how a field path is named in messages. */
export function describeFieldPath(at: FieldPath): string {
  return [at.field, ...at.path].join('.');
}
