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
import type { Logger } from 'pino';
import { compileExtension } from '../../src/runtime/node-api.js';
import type { FieldValue, Fields, ThrottledLog } from '../../src/runtime/node-api.js';
import { PunchlineError, recordCoordinates } from '../../src/core/errors.js';
import { DecodeError } from '../../src/libraries/codecs/decode-error.js';
import { compileJsonPointer } from '../../src/libraries/codecs/json-pointer.js';
import type { JsonPointer } from '../../src/libraries/codecs/json-pointer.js';
import { newFieldMap } from '../../src/libraries/codecs/json-value.js';
import { LumberjackFieldReader } from '../../src/libraries/codecs/lumberjack.js';
import { recordCodec } from '../../src/libraries/codecs/record-codecs.js';
import type { RecordCodec } from '../../src/libraries/codecs/record-codecs.js';
import { HeaderFieldsDecoder } from './header-fields.js';
import type { HeaderDecodingErrorPolicy, RecordHeaders } from './header-fields.js';
import type { KafkaInputSettings, RecordCodecSetting } from './settings.generated.js';

/** The part of the record a decoding error is about: a bounded metric label. */
export type RecordPart = 'key' | 'value' | 'header';

/**
 * What the node does with a key, a value (or one line of it) or a header that does not decode:
 * `DEAD_LETTER` (the default) routes it to `_ppf_errors`, `CRASH` stops the punchline, `WARN` and
 * `PASS` emit the tuple with the part's fields null, with a throttled warning or a debug log.
 */
export type DecodingErrorPolicy = HeaderDecodingErrorPolicy;

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
 * A part of a record that did not decode, its error located (node label and record
 * coordinates), and the policy the node applies to it. `header` and `field` name the header of a
 * header problem.
 */
export interface DecodingProblem {
  readonly part: RecordPart;
  readonly policy: DecodingErrorPolicy;
  readonly error: DecodeError;
  readonly header?: string;
  readonly field?: string;
}

/** One tuple of a record: data fields, or an error tuple for `_ppf_errors` (what it reports, and about which part). */
export type DecodedTuple = { readonly fields: Fields; readonly error?: undefined } | { readonly fields: Fields; readonly error: DecodeError; readonly part: RecordPart };

/**
 * What a record decodes to: its tuples in order — one, or one per event of a codec reading
 * several per record (the lines of line protocol, a Telegraf batch), none for a null value under
 * `on_null_value: skip` — and every part that did not decode, for the node to count and to apply
 * its policy to (a `CRASH` among them stops the punchline whatever the tuples). `nullValue` says
 * the value was null, which the node counts whatever it becomes (it is not a problem).
 */
export interface DecodedRecord {
  readonly tuples: readonly DecodedTuple[];
  readonly problems: readonly DecodingProblem[];
  readonly nullValue: boolean;
}

type MutableFields = Record<string, FieldValue>;

/** Field of an error tuple saying what could not be decoded, where (the spec's reserved name). */
export const ERROR_MESSAGE_FIELD = '_ppf_error_message';
/** Field of an error tuple holding the record value as it was, for a dead-letter output to keep. */
export const ERROR_DOCUMENT_FIELD = '_ppf_error_document';

/** One event of the value: its fields, or its located error and the bytes to keep in `_ppf_errors`. */
type ValueEvent = { readonly fields: MutableFields } | { readonly error: DecodeError; readonly document: Uint8Array | null };

/** The decoder of one node, with its codecs and header decoders compiled once. */
export class RecordDecoder {
  readonly #value: RecordCodec;
  readonly #valuePointers: readonly FieldPointer[];
  readonly #valuePolicy: DecodingErrorPolicy;
  readonly #key: RecordCodec | undefined;
  readonly #keyPointers: readonly FieldPointer[];
  readonly #keyPolicy: DecodingErrorPolicy;
  readonly #headers: HeaderFieldsDecoder | undefined;
  /** Fields of `bytes` headers, turned into plain byte views. */
  readonly #byteHeaderFields: readonly string[];
  readonly #onNullValue: KafkaInputSettings['on_null_value'];
  readonly #published: PublishedLayout | undefined;

  constructor(
    settings: Pick<KafkaInputSettings, 'key_codec' | 'value_codec' | 'headers_fields' | 'on_null_value'>,
    /** `type[component]`, the prefix of error messages. */
    private readonly label: string,
    /** The fields the node publishes on its data streams (each once, in order): given, {@link publishedFields} can decode into them. */
    published: readonly string[] = [],
  ) {
    this.#value = codecOf(settings.value_codec);
    this.#valuePointers = pointersOf(settings.value_codec, this.#value, '/settings/value_codec/fields');
    this.#valuePolicy = settings.value_codec.on_decoding_error;
    const keySetting = settings.key_codec;
    const key = keySetting === undefined ? undefined : codecOf(keySetting);
    this.#key = key;
    this.#keyPointers = keySetting === undefined || key === undefined ? [] : pointersOf(keySetting, key, '/settings/key_codec/fields');
    this.#keyPolicy = keySetting?.on_decoding_error ?? 'DEAD_LETTER';
    this.#headers = settings.headers_fields.length === 0 ? undefined : new HeaderFieldsDecoder(settings.headers_fields, '/settings/headers_fields');
    this.#byteHeaderFields = settings.headers_fields.filter((h) => h.type === 'bytes').map((h) => h.field);
    this.#onNullValue = settings.on_null_value;
    // Decoding straight into the published fields is for lumberjack values alone: a key, headers or pointers add fields of their own.
    const straight = settings.value_codec.type === 'lumberjack' && keySetting === undefined && this.#headers === undefined && this.#valuePointers.length === 0;
    this.#published = straight && published.length > 0 ? publishedLayout(published) : undefined;
  }

  /**
   * The fields of a record whose value is one lumberjack data frame (Punch's records), read
   * straight into the published fields: the fields the node publishes, in order, each read from
   * the frame or the record's coordinates (the reserved fields), null when the frame lacks it;
   * the frame's other keys are checked, not kept. What {@link decode} gives, as the published
   * streams see it, without its intermediate map. Undefined for every other record (a null value,
   * other frames, anything that does not decode, a node with a key codec, headers fields or
   * pointers): {@link decode} says what it is.
   */
  publishedFields(topic: string, partition: number, offset: number, timestamp: string, value: Buffer | null): Fields | undefined {
    const layout = this.#published;
    if (layout === undefined || value === null) return undefined;
    const values = layout.values;
    values.fill(null);
    if (!layout.reader.read(value, values)) return undefined;
    if (layout.topic >= 0) values[layout.topic] = topic;
    if (layout.partition >= 0) values[layout.partition] = partition;
    if (layout.offset >= 0) values[layout.offset] = offset;
    if (layout.timestamp >= 0) values[layout.timestamp] = Number(timestamp);
    return layout.build(NO_FIELDS, values);
  }

  decode(record: KafkaRecord): DecodedRecord {
    const nullValue = record.value === null;
    if (nullValue && this.#onNullValue !== 'emit') {
      if (this.#onNullValue === 'skip') return { tuples: [], problems: NO_PROBLEMS, nullValue };
      const error = new DecodeError('null_value', 'value is null (a tombstone)', { hint: 'set on_null_value to "emit" or "skip" to take tombstones' });
      return { tuples: [this.#errorTuple(record, this.#locate(error, record, 'value'), 'value', record.value)], problems: NO_PROBLEMS, nullValue };
    }
    // Allocated only for a record with a problem, or with key or header fields: the hot path is neither.
    let problems: DecodingProblem[] | undefined;
    const events = this.#valueEvents(record);
    for (const event of events) if ('error' in event) (problems ??= []).push({ part: 'value', policy: this.#valuePolicy, error: event.error });
    const only = events.length === 1 ? events[0] : undefined;
    if (only !== undefined && 'error' in only && this.#valuePolicy === 'DEAD_LETTER') {
      return { tuples: [this.#errorTuple(record, only.error, 'value', record.value)], problems: problems ?? NO_PROBLEMS, nullValue };
    }
    // The key and header fields, the same on every tuple of the record.
    const common = this.#key === undefined && this.#headers === undefined ? undefined : newFieldMap();
    if (this.#key !== undefined && common !== undefined) {
      try {
        const key = this.#key.decode(record.key);
        common.key = plainBytes(key);
        for (const p of this.#keyPointers) common[p.field] = key === null ? null : p.read(key);
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        const located = this.#locate(error, record, 'key');
        (problems ??= []).push({ part: 'key', policy: this.#keyPolicy, error: located });
        if (this.#keyPolicy === 'DEAD_LETTER') return { tuples: [this.#errorTuple(record, located, 'key', record.value)], problems, nullValue };
        common.key = null;
        for (const p of this.#keyPointers) common[p.field] = null;
      }
    }
    if (this.#headers !== undefined && common !== undefined) {
      const headerProblems = this.#headers.decodeInto(record.headers, common);
      for (const field of this.#byteHeaderFields) common[field] = plainBytes(common[field] ?? null);
      let deadLetter: DecodeError | undefined;
      for (const p of headerProblems) {
        const error = this.#locate(p.error, record, 'header');
        (problems ??= []).push({ part: 'header', policy: p.policy, error, header: p.header, field: p.field });
        if (p.policy === 'DEAD_LETTER') deadLetter ??= error;
      }
      if (deadLetter !== undefined) return { tuples: [this.#errorTuple(record, deadLetter, 'header', record.value)], problems: problems ?? NO_PROBLEMS, nullValue };
    }
    const tuples = events.map((event): DecodedTuple => {
      if ('error' in event && this.#valuePolicy === 'DEAD_LETTER') return this.#errorTuple(record, event.error, 'value', event.document);
      const fields = 'error' in event ? this.#nullValueFields() : event.fields;
      if (common !== undefined) for (const name of Object.keys(common)) fields[name] = common[name] ?? null;
      setReserved(fields, record);
      return { fields };
    });
    return { tuples, problems: problems ?? NO_PROBLEMS, nullValue };
  }

  /**
   * The events of the value, each with its fields or its located error: one, or one per line of
   * line protocol / metric of a Telegraf batch (an error of one of several keeps its own bytes
   * as the document; a single event keeps the whole value).
   */
  #valueEvents(record: KafkaRecord): ValueEvent[] {
    const value = record.value;
    const each = this.#value.decodeEach;
    try {
      if (each === undefined || value === null) return [{ fields: this.#valueFields(this.#value.decode(value)) }];
      const events = each(value);
      const several = events.length > 1;
      return events.map((event): ValueEvent => {
        if ('error' in event) return { error: this.#locate(event.error, record, 'value'), document: several ? event.document : value };
        try {
          return { fields: this.#valueFields(event.value) };
        } catch (error) {
          if (!(error instanceof DecodeError)) throw error;
          return { error: this.#locate(error, record, 'value'), document: value };
        }
      });
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      return [{ error: this.#locate(error, record, 'value'), document: value }];
    }
  }

  /** The fields of one decoded value (the members of a map, `value`, and the pointers' fields). */
  #valueFields(value: FieldValue): MutableFields {
    const spread = this.#value.spread;
    if (spread === undefined) {
      const fields = newFieldMap();
      fields.value = plainBytes(value);
      return fields;
    }
    if (value === null) return this.#nullValueFields();
    if (this.#valuePointers.length === 0) return spread(value);
    // Read every pointer before the map is filled: a lumberjack map is the decoded value itself.
    const pointed = this.#valuePointers.map((p) => p.read(value));
    const fields = spread(value);
    this.#valuePointers.forEach((p, i) => (fields[p.field] = pointed[i] ?? null));
    return fields;
  }

  /** The value fields of a value that gave nothing (null, or undecodable under WARN / PASS): `value` and the pointers' fields null. */
  #nullValueFields(): MutableFields {
    const fields = newFieldMap();
    if (this.#value.spread === undefined) fields.value = null;
    for (const p of this.#valuePointers) fields[p.field] = null;
    return fields;
  }

  /** The error tuple of a record (or of one event of it): message, the document byte for byte, and the reserved fields. */
  #errorTuple(record: KafkaRecord, error: DecodeError, part: RecordPart, document: Uint8Array | null): DecodedTuple {
    const fields = newFieldMap();
    fields[ERROR_MESSAGE_FIELD] = error.message;
    fields[ERROR_DOCUMENT_FIELD] = plainBytes(document);
    setReserved(fields, record);
    return { fields, error, part };
  }

  /**
   * The error with the node label and record coordinates in front: `kafka_input[in]: decoding
   * record t/3@42: …` (an event's error names its line or its place in the batch itself).
   */
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

const NO_PROBLEMS: readonly DecodingProblem[] = Object.freeze([]);
const NO_FIELDS: Fields = Object.freeze({});

/** The published fields of a node, and what decodes a record straight into them ({@link RecordDecoder.publishedFields}). */
interface PublishedLayout {
  readonly reader: LumberjackFieldReader;
  /** One slot per published field, refilled for each record. */
  readonly values: FieldValue[];
  /** The object of the slots: one literal, one shape for every record. */
  readonly build: (fields: Fields, values: readonly FieldValue[]) => Fields;
  /** The slots of the reserved fields, -1 when not published. */
  readonly topic: number;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
}

function publishedLayout(published: readonly string[]): PublishedLayout {
  const names = [...new Set(published)];
  return {
    reader: new LumberjackFieldReader(names),
    values: names.map(() => null),
    build: compileExtension([], names),
    topic: names.indexOf('_ppf_topic_name'),
    partition: names.indexOf('_ppf_partition_id'),
    offset: names.indexOf('_ppf_partition_offset'),
    timestamp: names.indexOf('_ppf_kafka_timestamp'),
  };
}

/** Where a CRASH problem's message sends the user, per part. */
const CRASH_HINTS: Readonly<Record<RecordPart, string>> = {
  value: 'set value_codec.on_decoding_error to DEAD_LETTER (the record goes to _ppf_errors) or WARN, or read the topic with the codec its producers write',
  key: 'set key_codec.on_decoding_error to DEAD_LETTER (the record goes to _ppf_errors) or WARN, or read the keys with the codec their producers write',
  header: 'set on_decoding_error of the headers_fields entry to DEAD_LETTER (the record goes to _ppf_errors) or WARN',
};

/**
 * What a node does with a part that did not decode, besides counting it: under CRASH, the error
 * to stop the punchline with (it names the record and the fix); WARN logs a throttled warning and
 * PASS a debug line (the part's fields are null in the tuple); DEAD_LETTER nothing here (its
 * error tuple is logged as it is emitted).
 */
export function reportDecodingProblem(problem: DecodingProblem, throttledLog: Pick<ThrottledLog, 'warn'>, logger: Pick<Logger, 'debug'>): DecodeError | undefined {
  const { error, part } = problem;
  const nulled = part === 'header' ? 'the field is null' : part === 'key' ? 'the key fields are null' : 'the tuple is emitted with its value fields null';
  const details = { part, kind: error.kind, ...(problem.header !== undefined && { header: problem.header, field: problem.field }) };
  switch (problem.policy) {
    case 'DEAD_LETTER':
      return undefined;
    case 'CRASH':
      return new DecodeError(error.kind, `${error.message} (on_decoding_error CRASH: stopping, nothing committed past the record)`, {
        context: error.context,
        hint: CRASH_HINTS[part],
      });
    case 'WARN':
      throttledLog.warn(`${part}:${problem.header ?? ''}:${error.kind}`, details, `${error.message}; ${nulled}`);
      return undefined;
    case 'PASS':
      logger.debug(details, `${error.message}; ${nulled}`);
      return undefined;
  }
}

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
