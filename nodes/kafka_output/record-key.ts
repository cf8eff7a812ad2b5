/**
 * The record key.
 *
 * The key is the first of `key_fields` that has a non-empty value (RudderStack keys by `userId`,
 * then `anonymousId`; an alert is keyed by its id, as Kapacitor does). When none has, but one is
 * present and empty (`""`, no bytes), the key is empty: a key all the same, hashed by `murmur2` and
 * `fnv-1a` as the Java client and sarama hash it, and written as an empty key, not a missing one. Text is written as UTF-8,
 * numbers and booleans as their text, byte arrays as they are, objects as JSON: the `string`
 * record codec, so a `kafka_input` with `key_codec: "string"` reads the same value back.
 *
 * The partition it picks is chosen by the cluster writer, which knows the topic's partition count.
 */
import type { FieldValue, Fields } from '../../src/runtime/node-api.js';
import { recordCodec } from '../../src/libraries/codecs/record-codecs.js';

const textCodec = recordCodec('string');

const EMPTY_KEY = Buffer.alloc(0);

function isEmpty(value: FieldValue): boolean {
  return (typeof value === 'string' || value instanceof Uint8Array) && value.length === 0;
}

/**
 * The key of a record: the first field of `keyFields` that is present, not null and not empty,
 * encoded as text; else an empty key when one of them is present and empty; `null` when none is
 * present (a record without a key, which goes to a random partition).
 */
export function recordKey(fields: Fields, keyFields: readonly string[]): Buffer | null {
  let empty = false;
  for (const name of keyFields) {
    const value = fields[name];
    if (value === undefined || value === null) continue;
    if (isEmpty(value)) empty = true;
    else return textCodec.encode(value);
  }
  return empty ? EMPTY_KEY : null;
}
