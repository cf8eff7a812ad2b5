/**
 * From a Kafka record to the fields of a tuple, or to the fields of an error tuple.
 *
 * - The value: with the `lumberjack` codec (the default) every key of the record's map becomes a
 *   field, and `publish` picks the ones to pass on; with any other codec the value is one field,
 *   `value`. A `null` value (a tombstone) gives no field from the map, or `value: null`.
 * - The key, with `key_codec` only, is the field `key`; a record without a key gives `key: null`.
 * - `headers_fields` add their fields (null when the header is missing or, with WARN / PASS, when
 *   it does not decode); header problems are returned for the node to apply the policy.
 * - The reserved fields `_ppf_topic_name`, `_ppf_partition_id`, `_ppf_partition_offset` and
 *   `_ppf_kafka_timestamp` (epoch ms) are set last, so a record cannot forge them.
 *
 * Byte values (the `bytes` codec, `bytes` headers, the error document) are plain `Uint8Array`
 * views of kafkajs' Buffers: a Buffer serialises through `JSON.stringify` as `{type, data}` (its
 * `toJSON` runs before any replacer), which would surprise every output writing JSON.
 *
 * A key or value that does not decode becomes an error tuple for the `_ppf_errors` stream:
 * `_ppf_error_message` (with the node label and the `topic/partition@offset` coordinates),
 * `_ppf_error_document` (the record value as bytes, so a dead-letter output can write it back
 * unchanged), and the reserved fields. It is never dropped silently.
 */
import type { FieldValue, Fields } from '../../src/runtime/node-api.js';
import { recordCoordinates } from '../../src/core/errors.js';
import { DecodeError } from '../../src/libraries/codecs/decode-error.js';
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

/** What a record decodes to. */
export type DecodedRecord =
  | { readonly ok: true; readonly fields: Fields; readonly headerProblems: readonly HeaderDecodingProblem[] }
  | { readonly ok: false; readonly fields: Fields; readonly error: DecodeError; readonly part: RecordPart };

type MutableFields = Record<string, FieldValue>;

/** Field of an error tuple saying what could not be decoded, where (the spec's reserved name). */
export const ERROR_MESSAGE_FIELD = '_ppf_error_message';
/** Field of an error tuple holding the record value as it was, for a dead-letter output to keep. */
export const ERROR_DOCUMENT_FIELD = '_ppf_error_document';

/** The decoder of one node, with its codecs and header decoders compiled once. */
export class RecordDecoder {
  readonly #value: RecordCodec;
  readonly #spreadValue: boolean;
  readonly #key: RecordCodec | undefined;
  readonly #headers: HeaderFieldsDecoder | undefined;
  /** Fields of `bytes` headers, turned into plain byte views. */
  readonly #byteHeaderFields: readonly string[];

  constructor(
    settings: Pick<KafkaInputSettings, 'key_codec' | 'value_codec' | 'headers_fields'>,
    /** `type[component]`, the prefix of error messages. */
    private readonly label: string,
  ) {
    this.#value = codecOf(settings.value_codec);
    this.#spreadValue = settings.value_codec.type === 'lumberjack';
    this.#key = settings.key_codec === undefined ? undefined : codecOf(settings.key_codec);
    this.#headers = settings.headers_fields.length === 0 ? undefined : new HeaderFieldsDecoder(settings.headers_fields, '/settings/headers_fields');
    this.#byteHeaderFields = settings.headers_fields.filter((h) => h.type === 'bytes').map((h) => h.field);
  }

  decode(record: KafkaRecord): DecodedRecord {
    let fields: MutableFields;
    let part: RecordPart = 'value';
    try {
      const value = this.#value.decode(record.value);
      if (!this.#spreadValue) fields = { value: plainBytes(value) };
      else fields = value === null ? {} : (value as MutableFields);
      if (this.#key !== undefined) {
        part = 'key';
        fields.key = plainBytes(this.#key.decode(record.key));
      }
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      const located = this.#locate(error, record, part);
      const errorFields: MutableFields = { [ERROR_MESSAGE_FIELD]: located.message, [ERROR_DOCUMENT_FIELD]: plainBytes(record.value) };
      setReserved(errorFields, record);
      return { ok: false, fields: errorFields, error: located, part };
    }
    const headerProblems = this.#headers === undefined ? NONE : this.#headers.decodeInto(record.headers, fields);
    for (const field of this.#byteHeaderFields) fields[field] = plainBytes(fields[field] ?? null);
    setReserved(fields, record);
    return { ok: true, fields, headerProblems: headerProblems.length === 0 ? NONE : headerProblems.map((p) => ({ ...p, error: this.#locate(p.error, record, 'header') })) };
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

function codecOf(setting: RecordCodecSetting): RecordCodec {
  return recordCodec(setting.type, { lumberjack: { multipleFrames: setting.multiple_frames } });
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
