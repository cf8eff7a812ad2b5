/**
 * The record key.
 *
 * The key is the first of `key_fields` that has a value (RudderStack keys by `userId`, then
 * `anonymousId`; an alert is keyed by its id, as Kapacitor does). Text is written as UTF-8,
 * numbers and booleans as their text, byte arrays as they are, objects as JSON: the `string`
 * record codec, so a `kafka_input` with `key_codec: "string"` reads the same value back.
 *
 * The partition it picks is chosen by the cluster writer, which knows the topic's partition count.
 */
import type { FieldValue, Fields } from '../../src/runtime/node-api.js';
import { recordCodec } from '../../src/libraries/codecs/record-codecs.js';

const textCodec = recordCodec('string');

function hasValue(value: FieldValue | undefined): value is FieldValue {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string' || value instanceof Uint8Array) return value.length > 0;
  return true;
}

/**
 * The key of a record: the first field of `keyFields` that is present, not null and not empty,
 * encoded as text; `null` when none is (a record without a key).
 */
export function recordKey(fields: Fields, keyFields: readonly string[]): Buffer | null {
  for (const name of keyFields) {
    const value = fields[name];
    if (hasValue(value)) return textCodec.encode(value);
  }
  return null;
}
