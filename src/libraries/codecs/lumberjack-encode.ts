/**
 * Encoding of tuple fields as a lumberjack record value, for `kafka_output` and for tests.
 *
 * The default `1D` frame is byte-identical to what the `lumberjack-protocol` package's
 * `makeDataFrame(1, fields)` writes for string values, so consumers built on that library (and
 * Punch) read our records unchanged. `2J` keeps typed values (numbers, booleans, nested objects)
 * that a `D` frame would flatten to text.
 */
import { deflateSync } from 'node:zlib';
import { PunchlineError } from '../../core/errors.js';
import type { FieldValue, Fields } from '../../core/fields.js';
import { stringifyFieldValue } from './json-value.js';
import { FRAME_COMPRESSED, FRAME_DATA, FRAME_JSON, MAX_UINT32, VERSION_1, VERSION_2 } from './lumberjack-wire.js';

/** `1D`: key/value text pairs (the default). `2J`: one JSON object, types kept. */
export type LumberjackFrameFormat = '1D' | '2J';

/** The frame formats of {@link LumberjackFrameFormat}, for settings schemas. */
export const LUMBERJACK_FRAME_FORMATS: readonly LumberjackFrameFormat[] = ['1D', '2J'];

/** How {@link encodeLumberjack} writes a record value. */
export interface LumberjackEncodeOptions {
  /** Default `1D`. */
  readonly format?: LumberjackFrameFormat;
  /** The frame's sequence number, default 1: a Kafka record is a window of one frame. */
  readonly sequence?: number;
}

/**
 * One data frame holding `fields`.
 *
 * In `1D` frames every value becomes text: strings as they are, numbers and booleans as
 * `String(value)`, byte arrays as base64, arrays and objects as JSON. `null` fields are left out,
 * as `makeDataFrame` does. In `2J` frames the fields are one JSON object: `null` is kept, byte
 * arrays become base64 strings. Keys keep the object's own key order.
 *
 * @throws {PunchlineError} `E_KAFKA_REJECTED` when the sequence is not a uint32 or a value cannot
 * be written as JSON (a cyclic object).
 */
export function encodeLumberjack(fields: Fields, options: LumberjackEncodeOptions = {}): Buffer {
  const sequence = options.sequence ?? 1;
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > MAX_UINT32) {
    throw new PunchlineError('E_KAFKA_REJECTED', `lumberjack: sequence ${sequence} is not an unsigned 32-bit integer`);
  }
  return (options.format ?? '1D') === '2J' ? encodeJsonFrame(fields, sequence) : encodeDataFrame(fields, sequence);
}

/**
 * Wraps whole frames in one zlib-compressed frame (`1C` by default, `2C` on request), as
 * lumberjack senders batch frames. Used by tests and by producers of compressed records.
 */
export function encodeCompressedFrame(frames: Buffer, version: 1 | 2 = 1): Buffer {
  const payload = deflateSync(frames);
  const out = Buffer.allocUnsafe(6 + payload.length);
  out[0] = version === 2 ? VERSION_2 : VERSION_1;
  out[1] = FRAME_COMPRESSED;
  out.writeUInt32BE(payload.length, 2);
  payload.copy(out, 6);
  return out;
}

function encodeDataFrame(fields: Fields, sequence: number): Buffer {
  const keys = Object.keys(fields);
  const texts: string[] = [];
  const names: string[] = [];
  let total = 10;
  for (const key of keys) {
    const value = fields[key];
    if (value === null || value === undefined) continue;
    const text = textOf(value, key);
    names.push(key);
    texts.push(text);
    total += 8 + Buffer.byteLength(key, 'utf8') + Buffer.byteLength(text, 'utf8');
  }
  const out = Buffer.allocUnsafe(total);
  out[0] = VERSION_1;
  out[1] = FRAME_DATA;
  out.writeUInt32BE(sequence, 2);
  out.writeUInt32BE(names.length, 6);
  let pos = 10;
  for (let i = 0; i < names.length; i++) {
    pos = writeLengthPrefixed(out, pos, names[i] ?? '');
    pos = writeLengthPrefixed(out, pos, texts[i] ?? '');
  }
  return out;
}

function encodeJsonFrame(fields: Fields, sequence: number): Buffer {
  let json: string;
  try {
    json = stringifyFieldValue(fields);
  } catch (error) {
    throw new PunchlineError('E_KAFKA_REJECTED', `lumberjack: fields cannot be written as json: ${String(error)}`, { cause: error });
  }
  // V8 strings are far below 4 GiB of UTF-8, so the length always fits the uint32 on the wire.
  const length = Buffer.byteLength(json, 'utf8');
  const out = Buffer.allocUnsafe(10 + length);
  out[0] = VERSION_2;
  out[1] = FRAME_JSON;
  out.writeUInt32BE(sequence, 2);
  out.writeUInt32BE(length, 6);
  out.write(json, 10, 'utf8');
  return out;
}

/** Writes `text` as a uint32 byte length then its UTF-8 bytes; returns the next position. */
function writeLengthPrefixed(out: Buffer, pos: number, text: string): number {
  const length = out.write(text, pos + 4, 'utf8');
  out.writeUInt32BE(length, pos);
  return pos + 4 + length;
}

/** The text a `D` frame carries for a non-null value (see {@link encodeLumberjack}). */
function textOf(value: FieldValue, key: string): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
      return String(value);
    default:
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
      try {
        return stringifyFieldValue(value);
      } catch (error) {
        throw new PunchlineError('E_KAFKA_REJECTED', `lumberjack: value of ${JSON.stringify(key)} cannot be written as json: ${String(error)}`, {
          cause: error,
        });
      }
  }
}
