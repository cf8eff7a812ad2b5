/**
 * JSON text to and from {@link FieldValue}: the shared rules of the `json` codec and of
 * lumberjack `2J` frames.
 *
 * JSON has no byte strings, so a `Uint8Array` field is written as its base64 text (the usual
 * convention of JSON APIs) and reads back as a string: a deliberate, documented asymmetry.
 */
import type { FieldValue } from '../../core/fields.js';
import { DecodeError } from './decode-error.js';
import { readUtf8 } from './strict-utf8.js';

/**
 * `JSON.stringify` replacer that writes byte arrays as base64. It looks at the holder's own value
 * because `JSON.stringify` has already replaced a Buffer by its `toJSON()` form in `value`.
 */
function bytesAsBase64(this: unknown, key: string, value: unknown): unknown {
  const original = (this as Readonly<Record<string, unknown>>)[key];
  if (original instanceof Uint8Array) {
    return Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString('base64');
  }
  return value;
}

/**
 * The JSON text of a field value, byte arrays as base64. Throws what `JSON.stringify` throws
 * (only possible for a cyclic object, which tuples never hold); encoders wrap it.
 */
export function stringifyFieldValue(value: FieldValue): string {
  return JSON.stringify(value, bytesAsBase64);
}

/**
 * Parses the UTF-8 JSON text in `bytes[start, end)`. Returns the value, or a {@link DecodeError}
 * (`invalid_utf8` or `invalid_json`) whose message starts with `what` (e.g. `json frame payload`),
 * so the hot path never needs an exception it did not raise itself.
 */
export function parseJsonBytes(bytes: Buffer, start: number, end: number, what: string): FieldValue | DecodeError {
  const text = readUtf8(bytes, start, end);
  if (text === undefined) return new DecodeError('invalid_utf8', `${what} is not valid utf-8`);
  try {
    // JSON.parse only builds strings, numbers, booleans, null, arrays and objects: all FieldValues.
    return JSON.parse(text) as FieldValue;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return new DecodeError('invalid_json', `${what} is not valid json: ${lowerFirst(reason)}`);
  }
}

/** Whether a parsed JSON value is an object (not an array, not null): the shape of a field map. */
export function isJsonObject(value: FieldValue): value is { readonly [key: string]: FieldValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/**
 * The prototype of every field map the decoders build: an empty object without a prototype, so a
 * map inherits no member (`toString`, `constructor`…) and `__proto__` is an ordinary key, as with
 * `Object.create(null)`. But `Object.create(null)` makes a dictionary-mode object in V8 (a hash
 * table per record, slow to fill and to read, three times the memory while the record is in
 * flight), whereas maps made from this prototype share fast hidden classes.
 */
const FIELD_MAP_PROTOTYPE: object = Object.freeze(Object.create(null) as object);

/**
 * An empty field map that inherits nothing: `map["constructor"]` is `undefined` until the record
 * sets it, and assigning `map["__proto__"]` defines an ordinary field. Every object of fields a
 * decoder hands out (a record's map, a tombstone's empty map, an error tuple) starts from one, so
 * a key a producer chose can never read or change a prototype.
 */
export function newFieldMap(): Record<string, FieldValue> {
  return Object.create(FIELD_MAP_PROTOTYPE) as Record<string, FieldValue>;
}

function lowerFirst(text: string): string {
  return text.length === 0 ? text : text.charAt(0).toLowerCase() + text.slice(1);
}
