/**
 * The codecs of Kafka record keys and values: Punch's `key_codec` / `value_codec` types
 * (`string`, `bytes`, `epoch`) plus `lumberjack` (Punch's default value format) and `json`.
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
import { isJsonObject, parseJsonBytes, stringifyFieldValue } from './json-value.js';
import { LumberjackDecoder } from './lumberjack.js';
import type { LumberjackDecodeOptions } from './lumberjack.js';
import { encodeLumberjack } from './lumberjack-encode.js';
import type { LumberjackEncodeOptions } from './lumberjack-encode.js';
import { readUtf8 } from './strict-utf8.js';

/** The codec names a `key_codec` / `value_codec` setting accepts. */
export const RECORD_CODEC_TYPES = ['string', 'bytes', 'epoch', 'lumberjack', 'json'] as const;

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
}

/** Settings of the codecs that have any: lumberjack's frame policies. Ignored by the others. */
export interface RecordCodecOptions {
  readonly lumberjack?: LumberjackDecodeOptions & LumberjackEncodeOptions;
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

/** Any JSON value, UTF-8 text. Byte arrays encode as base64 strings. */
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
};

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
