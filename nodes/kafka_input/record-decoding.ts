/**
 * From a Kafka record to the fields of a tuple, or to the fields of an error tuple.
 *
 * - The value: with a codec whose records are maps (`lumberjack`, the default, `json`, `influx`,
 *   `telegraf_json`) every member of the record becomes a field, and `publish` picks the ones to
 *   pass on; the codec's `fields` add fields read through JSON pointers into the decoded record
 *   (nested values: lambdas see fields only, so nesting is undone here, at the input). With the
 *   other codecs the value is one field, `value`. A `null` value (a tombstone) follows
 *   `on_null_value`: an error tuple (`dead_letter`, the default), a tuple with no field from the
 *   record or `value: null` (`emit`), or nothing (`skip`).
 * - Every object of fields inherits nothing ({@link newFieldMap}): a key or a published field named
 *   `__proto__`, `constructor` or `toString` is an ordinary field, null when the record lacks it.
 * - The key, with `key_codec` only, is the field `key`; a record without a key gives `key: null`.
 * - `headers_fields` add their fields (null when the header is missing or null or, with WARN /
 *   PASS, when it does not decode); header problems are returned for the node to apply the
 *   policy. A problem under `DEAD_LETTER` makes the record an error tuple (part `header`).
 * - The reserved fields `_ppf_topic_name`, `_ppf_partition_id`, `_ppf_partition_offset` and
 *   `_ppf_kafka_timestamp` (epoch ms) are set last, so a record cannot forge them.
 *
 * Byte values (the `bytes` codec, `bytes` headers, the error document) are plain `Uint8Array`
 * views of kafkajs' Buffers: a Buffer serialises through `JSON.stringify` as `{type, data}` (its
 * `toJSON` runs before any replacer), which would surprise every output writing JSON.
 *
 * A key, value or `DEAD_LETTER` header that does not decode becomes an error tuple for the `_ppf_errors` stream:
 * `_ppf_error_message` (with the node label and the `topic/partition@offset` coordinates),
 * `_ppf_error_document` (the record value as bytes, so a dead-letter output can write it back
 * unchanged), and the reserved fields. It is never dropped silently.
 */
import type { FieldValue, Fields } from '../../src/runtime/node-api.js';
import { PunchlineError, recordCoordinates } from '../../src/core/errors.js';
import { DecodeError } from '../../src/libraries/codecs/decode-error.js';
import { compileJsonPointer } from '../../src/libraries/codecs/json-pointer.js';
import type { JsonPointer } from '../../src/libraries/codecs/json-pointer.js';
import { newFieldMap } from '../../src/libraries/codecs/json-value.js';
import { recordCodec } from '../../src/libraries/codecs/record-codecs.js';
import type { RecordCodec } from '../../src/libraries/codecs/record-codecs.js';
import { HeaderFieldsDecoder } from './header-fields.js';
import type { HeaderDecodingProblem, RecordHeaders } from './header-fields.js';
import type { KafkaInputSettings, RecordCodecSetting } from './settings.generated.js';

/** The part of the record a decoding error is about: a bounded metric label. */
export type RecordPart = 'key' | 'value' | 'header';

/** A record as the node reads it (the kafkajs message, with its coordinates). */
export interface KafkaRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Kafka timestamp, epoch milliseconds as kafkajs gives it (a decimal string). */
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: RecordHeaders | undefined;
}

/**
 * What a record decodes to: a tuple, an error tuple for `_ppf_errors`, or nothing (a null value
 * under `on_null_value: skip`). `headerProblems` are every header that did not decode, for the
 * node to count and to apply their policy to (a `CRASH` among them stops the punchline whatever
 * the outcome); `nullValue` says the value was null, which the node counts whatever it becomes.
 */
export type DecodedRecord =
  | { readonly outcome: 'tuple'; readonly fields: Fields; readonly headerProblems: readonly HeaderDecodingProblem[]; readonly nullValue: boolean }
  | { readonly outcome: 'error'; readonly fields: Fields; readonly error: DecodeError; readonly part: RecordPart; readonly headerProblems: readonly HeaderDecodingProblem[]; readonly nullValue: boolean }
  | { readonly outcome: 'skip'; readonly headerProblems: readonly HeaderDecodingProblem[]; readonly nullValue: true };

type MutableFields = Record<string, FieldValue>;

/** Field of an error tuple saying what could not be decoded, where (the spec's reserved name). */
export const ERROR_MESSAGE_FIELD = '_ppf_error_message';
/** Field of an error tuple holding the record value as it was, for a dead-letter output to keep. */
export const ERROR_DOCUMENT_FIELD = '_ppf_error_document';

/** The decoder of one node, with its codecs and header decoders compiled once. */
export class RecordDecoder {
  readonly #value: RecordCodec;
  readonly #valuePointers: readonly FieldPointer[];
  readonly #key: RecordCodec | undefined;
  readonly #keyPointers: readonly FieldPointer[];
  readonly #headers: HeaderFieldsDecoder | undefined;
  /** Fields of `bytes` headers, turned into plain byte views. */
  readonly #byteHeaderFields: readonly string[];
  readonly #onNullValue: KafkaInputSettings['on_null_value'];

  constructor(
    settings: Pick<KafkaInputSettings, 'key_codec' | 'value_codec' | 'headers_fields' | 'on_null_value'>,
    /** `type[component]`, the prefix of error messages. */
    private readonly label: string,
  ) {
    this.#value = codecOf(settings.value_codec);
    this.#valuePointers = pointersOf(settings.value_codec, this.#value, '/settings/value_codec/fields');
    const keySetting = settings.key_codec;
    const key = keySetting === undefined ? undefined : codecOf(keySetting);
    this.#key = key;
    this.#keyPointers = keySetting === undefined || key === undefined ? [] : pointersOf(keySetting, key, '/settings/key_codec/fields');
    this.#headers = settings.headers_fields.length === 0 ? undefined : new HeaderFieldsDecoder(settings.headers_fields, '/settings/headers_fields');
    this.#byteHeaderFields = settings.headers_fields.filter((h) => h.type === 'bytes').map((h) => h.field);
    this.#onNullValue = settings.on_null_value;
  }

  decode(record: KafkaRecord): DecodedRecord {
    const nullValue = record.value === null;
    if (nullValue && this.#onNullValue !== 'emit') {
      if (this.#onNullValue === 'skip') return { outcome: 'skip', headerProblems: NONE, nullValue };
      const error = new DecodeError('null_value', 'value is null (a tombstone)', { hint: 'set on_null_value to "emit" or "skip" to take tombstones' });
      return this.#errorTuple(record, this.#locate(error, record, 'value'), 'value', NONE);
    }
    let fields: MutableFields;
    let part: RecordPart = 'value';
    try {
      const value = this.#value.decode(record.value);
      const spread = this.#value.spread;
      if (spread === undefined) {
        fields = newFieldMap();
        fields.value = plainBytes(value);
      } else if (value === null) fields = newFieldMap();
      else if (this.#valuePointers.length === 0) fields = spread(value);
      else {
        // Read every pointer before the map is filled: a lumberjack map is the decoded value itself.
        const pointed = this.#valuePointers.map((p) => p.read(value));
        fields = spread(value);
        this.#valuePointers.forEach((p, i) => (fields[p.field] = pointed[i] ?? null));
      }
      if (this.#key !== undefined) {
        part = 'key';
        const key = this.#key.decode(record.key);
        fields.key = plainBytes(key);
        for (const p of this.#keyPointers) fields[p.field] = key === null ? null : p.read(key);
      }
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      return this.#errorTuple(record, this.#locate(error, record, part), part, NONE);
    }
    if (this.#headers === undefined) {
      setReserved(fields, record);
      return { outcome: 'tuple', fields, headerProblems: NONE, nullValue };
    }
    const problems = this.#headers.decodeInto(record.headers, fields);
    for (const field of this.#byteHeaderFields) fields[field] = plainBytes(fields[field] ?? null);
    setReserved(fields, record);
    if (problems.length === 0) return { outcome: 'tuple', fields, headerProblems: NONE, nullValue };
    const located = problems.map((p) => ({ ...p, error: this.#locate(p.error, record, 'header') }));
    const deadLetter = located.find((p) => p.policy === 'DEAD_LETTER');
    if (deadLetter === undefined) return { outcome: 'tuple', fields, headerProblems: located, nullValue };
    return this.#errorTuple(record, deadLetter.error, 'header', located);
  }

  /** The error tuple of a record: message, the value byte for byte, and the reserved fields. */
  #errorTuple(record: KafkaRecord, error: DecodeError, part: RecordPart, headerProblems: readonly HeaderDecodingProblem[]): DecodedRecord {
    const fields = newFieldMap();
    fields[ERROR_MESSAGE_FIELD] = error.message;
    fields[ERROR_DOCUMENT_FIELD] = plainBytes(record.value);
    setReserved(fields, record);
    return { outcome: 'error', fields, error, part, headerProblems, nullValue: record.value === null };
  }

  /** The error with the node label and record coordinates in front: `kafka_input[in]: decoding record t/3@42: …`. */
  #locate(error: DecodeError, record: KafkaRecord, part: RecordPart): DecodeError {
    const offset = String(record.offset);
    const what = part === 'value' ? 'record' : part === 'key' ? 'key of record' : 'headers of record';
    return error.within(`${this.label}: decoding ${what} ${recordCoordinates(record.topic, record.partition, offset)}`, {
      node: this.label,
      topic: record.topic,
      partition: record.partition,
      offset,
    });
  }
}

const NONE: readonly HeaderDecodingProblem[] = Object.freeze([]);

/** A published field read through a JSON pointer into the decoded key or value. */
interface FieldPointer {
  readonly field: string;
  readonly read: JsonPointer;
}

function codecOf(setting: RecordCodecSetting): RecordCodec {
  return recordCodec(setting.type, {
    lumberjack: { multipleFrames: setting.multiple_frames },
    precision: setting.precision,
    jsonTimestampUnits: setting.json_timestamp_units,
  });
}

/**
 * The codec's `fields`, compiled. The schema checks their syntax; what it cannot say is that a
 * codec giving one plain value (string, bytes, epoch) has no members to point into.
 */
function pointersOf(setting: RecordCodecSetting, codec: RecordCodec, path: string): FieldPointer[] {
  const entries = Object.entries(setting.fields);
  if (entries.length > 0 && codec.spread === undefined) {
    throw new PunchlineError('E_CONFIG_INVALID', `${path}: the ${setting.type} codec gives one plain value, there is nothing to point into`, {
      hint: 'use fields with the lumberjack, json, influx or telegraf_json codec',
    });
  }
  return entries.map(([field, pointer]) => ({ field, read: compileJsonPointer(pointer) }));
}

/** A Buffer as a plain Uint8Array view of the same bytes (no copy); anything else unchanged. */
function plainBytes(value: FieldValue): FieldValue {
  return Buffer.isBuffer(value) ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : value;
}

function setReserved(fields: MutableFields, record: KafkaRecord): void {
  fields._ppf_topic_name = record.topic;
  fields._ppf_partition_id = record.partition;
  fields._ppf_partition_offset = record.offset;
  fields._ppf_kafka_timestamp = Number(record.timestamp);
}
