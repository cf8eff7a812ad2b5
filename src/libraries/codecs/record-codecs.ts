/**
 * The codecs of Kafka record keys and values: Punch's `key_codec` / `value_codec` types
 * (`string`, `bytes`, `epoch`) plus `lumberjack` (Punch's default value format), `json`, and the
 * two formats Telegraf writes to Kafka, `influx` (line protocol) and `telegraf_json`.
 *
 * Four of them decode to a map of named values, and say so with {@link RecordCodec.spread}: a
 * lumberjack frame's map, a JSON object, and a metric (its tags and fields, see
 * `metric-document.ts`). The node publishes those members as fields, as Punch does with
 * lumberjack; the three others give one value.
 *
 * Each codec is a pair of functions, decode for `kafka_input` and encode for `kafka_output`, so
 * a record written by one punchline reads back the same in the next. A `null` key or value (a
 * record without a key, a tombstone) decodes to `null` and `null` encodes to `null` in every
 * codec, as Punch emits `null` for a missing key.
 *
 * The `epoch` codec is an 8-byte big-endian signed integer of epoch milliseconds, the layout of
 * Kafka's Java `LongSerializer`: Punch runs on the JVM, its codec names map to Kafka's standard
 * serializers (`string` to `StringSerializer`, `bytes` to `ByteArraySerializer`), and epoch
 * milliseconds is the unit of every Kafka timestamp. It decodes to a JS number (exact up to
 * `Number.MAX_SAFE_INTEGER`, i.e. 285 000 years of milliseconds); a decimal string is not accepted
 * on decode, because an 8-character decimal string would silently read as a huge binary long.
 */
import { PunchlineError } from '../../core/errors.js';
import type { FieldValue } from '../../core/fields.js';
import { DecodeError } from './decode-error.js';
import { describeValue } from './describe-value.js';
import { isJsonObject, newFieldMap, parseJsonBytes, stringifyFieldValue } from './json-value.js';
import { parseLineProtocol, parseLineProtocolLines } from './line-protocol.js';
import { EpochFormatter, metricFields } from './metric-document.js';
import type { MetricDocument, TimeUnit } from './metric-document.js';
import { describeJson, parseTelegrafJson, parseTelegrafJsonEach } from './telegraf-json.js';
import type { TelegrafTimestampUnits } from './telegraf-json.js';
import { LumberjackDecoder } from './lumberjack.js';
import type { LumberjackDecodeOptions } from './lumberjack.js';
import { encodeLumberjack } from './lumberjack-encode.js';
import type { LumberjackEncodeOptions } from './lumberjack-encode.js';
import { readUtf8 } from './strict-utf8.js';

/** The codec names a `key_codec` / `value_codec` setting accepts. */
export const RECORD_CODEC_TYPES = ['string', 'bytes', 'epoch', 'lumberjack', 'json', 'influx', 'telegraf_json'] as const;

/** One of {@link RECORD_CODEC_TYPES}. */
export type RecordCodecType = (typeof RECORD_CODEC_TYPES)[number];

/**
 * How one record key or value is read and written. Built once per node by {@link recordCodec},
 * then called for every record.
 */
export interface RecordCodec {
  readonly type: RecordCodecType;
  /**
   * The field value of the record's bytes; `null` for `null`.
   * @throws {DecodeError} when the bytes are not what the codec expects; never anything else.
   */
  decode(data: Buffer | null): FieldValue;
  /**
   * The bytes to write for a field value; `null` for `null`.
   * @throws {PunchlineError} `E_KAFKA_REJECTED` when the value cannot be written with this codec.
   */
  encode(value: FieldValue): Buffer | null;
  /**
   * Codecs whose records are maps of named values only: the members of a value `decode` returned,
   * as a new map that inherits nothing ({@link newFieldMap}), for the node to publish as fields.
   * @throws {DecodeError} when the value is not such a map (a JSON array, a JSON string…).
   */
  readonly spread?: (decoded: FieldValue) => Record<string, FieldValue>;
  /**
   * Codecs whose record may hold several events (the lines of line protocol, a Telegraf JSON
   * batch): every event of a non-null record, in order, each decoded on its own, so a malformed
   * one does not take the others with it. `decode` reads one event per record and refuses more.
   * @throws {DecodeError} when the record as a whole cannot be read (not UTF-8, not JSON, no event at all).
   */
  readonly decodeEach?: (data: Buffer) => readonly RecordEvent[];
}

/**
 * One event of a record read by {@link RecordCodec.decodeEach}: its decoded value, or its defect
 * with the bytes of that event alone (what a dead-letter output keeps). The error names where the
 * event stands in the record (`line 3, column 7`, `metric 2 of the batch`).
 */
export type RecordEvent = { readonly value: FieldValue } | { readonly error: DecodeError; readonly document: Uint8Array };

/** Settings of the codecs that have any; each codec ignores the others'. */
export interface RecordCodecOptions {
  readonly lumberjack?: LumberjackDecodeOptions & LumberjackEncodeOptions;
  /** `influx`: the unit of line protocol timestamps, InfluxDB's write `precision`; default `ns`. */
  readonly precision?: TimeUnit;
  /** `telegraf_json`: the unit of integer timestamps, Telegraf's `json_timestamp_units`; default `1s`. */
  readonly jsonTimestampUnits?: TelegrafTimestampUnits;
}

/** Builds the codec of a `key_codec` / `value_codec` type. */
export function recordCodec(type: RecordCodecType, options: RecordCodecOptions = {}): RecordCodec {
  switch (type) {
    case 'string':
      return stringCodec;
    case 'bytes':
      return bytesCodec;
    case 'epoch':
      return epochCodec;
    case 'json':
      return jsonCodec;
    case 'lumberjack':
      return lumberjackCodec(options.lumberjack ?? {});
    case 'influx':
      return influxCodec(options.precision ?? 'ns');
    case 'telegraf_json':
      return telegrafJsonCodec(options.jsonTimestampUnits ?? '1s');
  }
}

/** UTF-8 text. Decoding is strict: invalid UTF-8 is an `invalid_utf8` error, not replacement characters. */
const stringCodec: RecordCodec = {
  type: 'string',
  decode(data) {
    if (data === null) return null;
    const text = readUtf8(data, 0, data.length);
    if (text === undefined) throw new DecodeError('invalid_utf8', `string codec: ${data.length} bytes are not valid utf-8`);
    return text;
  },
  encode(value) {
    if (value === null) return null;
    if (typeof value === 'string') return Buffer.from(value, 'utf8');
    if (typeof value === 'number' || typeof value === 'boolean') return Buffer.from(String(value), 'utf8');
    if (value instanceof Uint8Array) return asBuffer(value);
    return Buffer.from(toJson(value, 'string'), 'utf8');
  },
};

/** The bytes as they are. A string encodes as its UTF-8 bytes; other values are rejected. */
const bytesCodec: RecordCodec = {
  type: 'bytes',
  decode(data) {
    return data;
  },
  encode(value) {
    if (value === null) return null;
    if (value instanceof Uint8Array) return asBuffer(value);
    if (typeof value === 'string') return Buffer.from(value, 'utf8');
    throw rejected('bytes', value, 'a byte array or a string');
  },
};

const EPOCH_BYTES = 8;
const TWO_POW_32 = 0x1_0000_0000;

/** 8-byte big-endian signed epoch milliseconds (see the module comment for why). */
const epochCodec: RecordCodec = {
  type: 'epoch',
  decode(data) {
    if (data === null) return null;
    if (data.length !== EPOCH_BYTES) {
      throw new DecodeError('wrong_length', `epoch codec: expected ${EPOCH_BYTES} bytes (a big-endian long), got ${data.length}`);
    }
    // Two 32-bit reads avoid a BigInt per record; the sum is exact whenever it is a safe integer.
    const millis = data.readInt32BE(0) * TWO_POW_32 + data.readUInt32BE(4);
    if (!Number.isSafeInteger(millis)) {
      throw new DecodeError(
        'out_of_range',
        `epoch codec: ${data.readBigInt64BE(0)} is beyond Number.MAX_SAFE_INTEGER and cannot be a number exactly`,
      );
    }
    return millis;
  },
  encode(value) {
    if (value === null) return null;
    const millis = typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : value;
    if (typeof millis !== 'number' || !Number.isSafeInteger(millis)) {
      throw rejected('epoch', value, 'an integer number of epoch milliseconds (a number or a decimal string)');
    }
    const out = Buffer.allocUnsafe(EPOCH_BYTES);
    out.writeBigInt64BE(BigInt(millis), 0);
    return out;
  },
};

/**
 * JSON, UTF-8 text. `decode` reads any JSON value; `spread` takes the members of an object and
 * refuses anything else, since a record that is one event is one object. Byte arrays encode as
 * base64 strings.
 */
const jsonCodec: RecordCodec = {
  type: 'json',
  decode(data) {
    if (data === null) return null;
    const parsed = parseJsonBytes(data, 0, data.length, 'json codec: record');
    if (parsed instanceof DecodeError) throw parsed;
    return parsed;
  },
  encode(value) {
    if (value === null) return null;
    return Buffer.from(toJson(value, 'json'), 'utf8');
  },
  spread(decoded) {
    if (!isJsonObject(decoded)) {
      throw new DecodeError('invalid_json', `json codec: record is ${describeJson(decoded)}, not an object of fields`, {
        hint: 'publish the members of a json object; to keep another json value whole, read it with the string codec',
      });
    }
    // JSON.parse gives objects inheriting Object.prototype: copy into a map that inherits nothing.
    const fields = newFieldMap();
    for (const key of Object.keys(decoded)) fields[key] = decoded[key] ?? null;
    return fields;
  },
};

/**
 * InfluxDB line protocol. `decodeEach` reads every line of a record (Telegraf's Kafka output
 * writes several with `use_batch_format`, and a producer may batch lines as InfluxDB's write API
 * takes them); `decode`, one metric per record (a key), refuses several lines as
 * `multiple_metrics`. Writing line protocol is not supported.
 */
function influxCodec(precision: TimeUnit): RecordCodec {
  const times = new EpochFormatter();
  const textOf = (data: Buffer): string => {
    const text = readUtf8(data, 0, data.length);
    if (text === undefined) throw new DecodeError('invalid_utf8', `line protocol: ${data.length} bytes are not valid utf-8`);
    return text;
  };
  return {
    type: 'influx',
    decodeEach(data) {
      const lines = parseLineProtocolLines(textOf(data), precision, times);
      if (lines.length === 0) throw new DecodeError('invalid_line', `line protocol: the record holds no line (${data.length} bytes)`);
      return lines.map((l) => ('error' in l ? { error: l.error, document: Buffer.from(l.text, 'utf8') } : { value: l.metric }));
    },
    decode(data) {
      if (data === null) return null;
      const text = textOf(data);
      const metrics = parseLineProtocol(text, precision, times);
      const [first, second] = metrics;
      if (first === undefined) throw new DecodeError('invalid_line', `line protocol: the record holds no line (${data.length} bytes)`);
      if (second !== undefined) {
        throw new DecodeError('multiple_metrics', `line protocol: the record holds ${metrics.length} lines (lines ${metrics.map((m) => m.line).join(', ')}), one metric per record is read`, {
          hint: 'set use_batch_format = false in Telegraf\'s kafka output',
        });
      }
      return first.metric;
    },
    encode(value) {
      if (value === null) return null;
      throw rejected('influx', value, 'nothing: writing line protocol is not supported (write it with a template)');
    },
    spread: (decoded) => metricFields(decoded as MetricDocument),
  };
}

/**
 * Telegraf's JSON serializer: `decodeEach` reads every metric of a batch (`use_batch_format`);
 * `decode` one metric per record (a batch of one is accepted). Writing is not supported.
 */
function telegrafJsonCodec(units: TelegrafTimestampUnits): RecordCodec {
  const times = new EpochFormatter();
  return {
    type: 'telegraf_json',
    decodeEach(data) {
      const metrics = parseTelegrafJsonEach(data, units, times);
      if (metrics.length === 0) throw new DecodeError('invalid_json', 'telegraf json: the batch holds no metric');
      return metrics.map((m) => ('error' in m ? { error: m.error, document: Buffer.from(m.text, 'utf8') } : { value: m.metric }));
    },
    decode(data) {
      if (data === null) return null;
      const metrics = parseTelegrafJson(data, units, times);
      const [first] = metrics;
      if (first === undefined) throw new DecodeError('invalid_json', 'telegraf json: the batch holds no metric');
      if (metrics.length > 1) {
        throw new DecodeError('multiple_metrics', `telegraf json: the record is a batch of ${metrics.length} metrics, one metric per record is read`, {
          hint: 'set use_batch_format = false in Telegraf\'s kafka output',
        });
      }
      return first;
    },
    encode(value) {
      if (value === null) return null;
      throw rejected('telegraf_json', value, 'nothing: writing Telegraf json is not supported (use the json codec)');
    },
    spread: (decoded) => metricFields(decoded as MetricDocument),
  };
}

/** Lumberjack frames to and from a field map. Encoding needs an object of fields. */
function lumberjackCodec(options: LumberjackDecodeOptions & LumberjackEncodeOptions): RecordCodec {
  const decoder = new LumberjackDecoder(options);
  return {
    type: 'lumberjack',
    decode(data) {
      return data === null ? null : decoder.decode(data);
    },
    encode(value) {
      if (value === null) return null;
      if (!isJsonObject(value)) throw rejected('lumberjack', value, 'an object of fields');
      return encodeLumberjack(value, options);
    },
    // The decoder builds a new map per record that inherits nothing: it is the fields as it is.
    spread: (decoded) => decoded as Record<string, FieldValue>,
  };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function toJson(value: FieldValue, codec: RecordCodecType): string {
  try {
    return stringifyFieldValue(value);
  } catch (error) {
    throw new PunchlineError('E_KAFKA_REJECTED', `${codec} codec: value cannot be written as json: ${String(error)}`, { cause: error });
  }
}

function rejected(codec: RecordCodecType, value: FieldValue, expected: string): PunchlineError {
  return new PunchlineError('E_KAFKA_REJECTED', `${codec} codec: expected ${expected}, got ${describeValue(value)}`);
}
