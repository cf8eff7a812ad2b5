/**
 * Decoding of Kafka record values written as lumberjack frames, the default format of Punch's
 * `kafka_input` (see `docs/lumberjack.md` for the wire format and the policies chosen here).
 *
 * This is the hot path of every lumberjack punchline, so the decoder reads the Buffer in place,
 * checks every length against the bytes left before reading, allocates only the strings and the
 * result object, and reports every defect as a {@link DecodeError}: it never lets a `RangeError`
 * from an unchecked read, a zlib exception or a JSON exception escape.
 */
import { constants as bufferConstants } from 'node:buffer';
import { inflateSync } from 'node:zlib';
import { PunchlineError } from '../../core/errors.js';
import type { FieldValue, Fields } from '../../core/fields.js';
import { DecodeError } from './decode-error.js';
import type { DecodeErrorKind } from './decode-error.js';
import { isJsonObject, newFieldMap, parseJsonBytes } from './json-value.js';
import { readUtf8 } from './strict-utf8.js';
import {
  DATA_FRAME_HEADER_BYTES,
  FRAME_COMPRESSED,
  FRAME_DATA,
  FRAME_JSON,
  FRAME_WINDOW,
  LENGTH_FRAME_HEADER_BYTES,
  PAIR_MIN_BYTES,
  VERSION_1,
  VERSION_2,
  WINDOW_FRAME_BYTES,
  describeByte,
} from './lumberjack-wire.js';

/**
 * What to do with a record value holding more than one data frame (`D` or `J`, counting those
 * inside compressed frames):
 * - `error` (default): a `multiple_frames` decode error. A Kafka record is one event; several
 *   frames mean a producer batched events into one record, and silently keeping one would lose
 *   the others.
 * - `last`: keep the last data frame, as a reader overwriting its output per frame would.
 * - `merge`: one field map with the keys of every frame, later frames overriding earlier ones.
 */
export type MultipleFramesPolicy = 'error' | 'last' | 'merge';

/** The policies of {@link MultipleFramesPolicy}, for settings schemas and validation. */
export const MULTIPLE_FRAMES_POLICIES: readonly MultipleFramesPolicy[] = ['error', 'last', 'merge'];

/** 64 MiB: far above any sane log event, far below what would hurt the process. */
export const DEFAULT_MAX_INFLATED_BYTES = 64 * 1024 * 1024;

/** How a {@link LumberjackDecoder} treats what the frames alone do not settle. */
export interface LumberjackDecodeOptions {
  /** Default `error`; see {@link MultipleFramesPolicy}. */
  readonly multipleFrames?: MultipleFramesPolicy;
  /**
   * The most bytes all compressed frames of one record may inflate to, together. Guards against
   * zip bombs: a few kilobytes of zlib can claim gigabytes. Default {@link DEFAULT_MAX_INFLATED_BYTES}.
   */
  readonly maxInflatedBytes?: number;
}

const MAX_LENGTH = bufferConstants.MAX_LENGTH;

/** The field map being filled: it inherits nothing ({@link newFieldMap}), so a key named `__proto__` is just a key. */
type FieldMap = Record<string, FieldValue>;


/**
 * A lumberjack decoder with its options bound once, for use on every record of a node.
 *
 * `decode` is synchronous: it keeps per-call state in private fields only for the duration of one
 * call, plus a small cache of the key strings of the previous record, so one instance serves a
 * whole node (one instance per node, not shared between threads).
 */
export class LumberjackDecoder {
  readonly #policy: MultipleFramesPolicy;
  readonly #maxInflatedBytes: number;
  // Per-call state, reset at the start of each decode.
  #result: FieldMap | undefined = undefined;
  #dataFrames = 0;
  #inflatedBytes = 0;
  // Key cache: the bytes and string of the last valid key seen at each pair position (1-based).
  readonly #keyBytes: (Buffer | undefined)[] = [];
  readonly #keyTexts: string[] = [];

  /** @throws {PunchlineError} `E_CONFIG_INVALID` for an unknown policy or a cap that is not a Buffer size. */
  constructor(options: LumberjackDecodeOptions = {}) {
    this.#policy = options.multipleFrames ?? 'error';
    this.#maxInflatedBytes = options.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES;
    if (!MULTIPLE_FRAMES_POLICIES.includes(this.#policy)) {
      throw new PunchlineError('E_CONFIG_INVALID', `lumberjack: unknown multiple frames policy ${JSON.stringify(this.#policy)}`);
    }
    if (!Number.isSafeInteger(this.#maxInflatedBytes) || this.#maxInflatedBytes < 0 || this.#maxInflatedBytes > MAX_LENGTH) {
      throw new PunchlineError(
        'E_CONFIG_INVALID',
        `lumberjack: max inflated bytes must be an integer from 0 to ${MAX_LENGTH} (the largest Buffer), got ${this.#maxInflatedBytes}`,
      );
    }
  }

  /**
   * The fields of one record value: keys to strings for `D` frames, keys to JSON values for `J`
   * frames. Window frames are skipped; compressed frames are inflated and their frames read.
   *
   * @throws {DecodeError} for any malformed, oversized or policy-breaking input, and nothing else.
   */
  decode(value: Buffer): Fields {
    this.#result = undefined;
    this.#dataFrames = 0;
    this.#inflatedBytes = 0;
    try {
      this.#readFrames(value, -1);
      const result = this.#result;
      if (result === undefined) {
        throw new DecodeError('no_data_frame', `lumberjack: record value holds no data frame (${value.length} bytes)`);
      }
      return result;
    } finally {
      this.#result = undefined;
    }
  }

  /**
   * Reads the frames of `bytes` one after the other. `compressedAt` is the offset of the
   * enclosing compressed frame in the record, or -1 at top level (for error messages).
   */
  #readFrames(bytes: Buffer, compressedAt: number): void {
    const end = bytes.length;
    let pos = 0;
    while (pos < end) {
      if (end - pos < 2) throw fail('truncated', compressedAt, pos, `frame header needs 2 bytes, ${end - pos} left`);
      const version = bytes[pos];
      const type = bytes[pos + 1];
      if (version !== VERSION_1 && version !== VERSION_2) {
        const guess = compressedAt < 0 && pos === 0 ? otherFormat(bytes) : undefined;
        const error = fail('bad_version', compressedAt, pos, `unknown version byte ${describeByte(version)}${guess === undefined ? '' : `: ${guess.looks}`}`);
        throw guess === undefined ? error : new DecodeError(error.kind, error.message, { hint: guess.hint });
      }
      switch (type) {
        case FRAME_DATA:
          pos = this.#readDataFrame(bytes, pos, compressedAt);
          break;
        case FRAME_JSON:
          if (version !== VERSION_2) throw fail('bad_frame_type', compressedAt, pos, 'json frame (J) needs version 2, got version 1');
          pos = this.#readJsonFrame(bytes, pos, compressedAt);
          break;
        case FRAME_COMPRESSED:
          if (compressedAt >= 0) throw fail('bad_frame_type', compressedAt, pos, 'compressed frame inside a compressed frame');
          pos = this.#readCompressedFrame(bytes, pos);
          break;
        case FRAME_WINDOW:
          if (end - pos < WINDOW_FRAME_BYTES) {
            throw fail('truncated', compressedAt, pos, `window frame needs ${WINDOW_FRAME_BYTES} bytes, ${end - pos} left`);
          }
          pos += WINDOW_FRAME_BYTES;
          break;
        default:
          throw fail('bad_frame_type', compressedAt, pos, `unknown frame type ${describeByte(type)}`);
      }
    }
  }

  /** The map the next data frame writes into, applying the multiple-frames policy. */
  #targetForNextFrame(compressedAt: number, pos: number): FieldMap {
    this.#dataFrames += 1;
    if (this.#dataFrames === 1 || this.#policy === 'last') {
      this.#result = newFieldMap();
      return this.#result;
    }
    if (this.#policy === 'merge' && this.#result !== undefined) return this.#result;
    throw fail(
      'multiple_frames',
      compressedAt,
      pos,
      `data frame number ${this.#dataFrames} in one record (set the multiple frames policy to "last" or "merge" to accept it)`,
    );
  }

  /** `D`: seq, pair count, then per pair: key length, key, value length, value. */
  #readDataFrame(bytes: Buffer, start: number, compressedAt: number): number {
    const end = bytes.length;
    if (end - start < DATA_FRAME_HEADER_BYTES) {
      throw fail('truncated', compressedAt, start, `data frame header needs ${DATA_FRAME_HEADER_BYTES} bytes, ${end - start} left`);
    }
    const pairs = bytes.readUInt32BE(start + 6);
    let pos = start + DATA_FRAME_HEADER_BYTES;
    if (pairs > (end - pos) / PAIR_MIN_BYTES) {
      throw fail('truncated', compressedAt, start, `pair count ${pairs} needs at least ${pairs * PAIR_MIN_BYTES} bytes, ${end - pos} left`);
    }
    const target = this.#targetForNextFrame(compressedAt, start);
    for (let pair = 1; pair <= pairs; pair++) {
      // The pair-count check above guarantees 8 bytes for this pair's two lengths only if the
      // previous pairs were empty, so each read is still checked.
      if (end - pos < 4) throw fail('truncated', compressedAt, start, `key length of pair ${pair} past end of buffer (${end} bytes)`);
      const keyLength = bytes.readUInt32BE(pos);
      pos += 4;
      if (keyLength > end - pos) {
        throw fail('truncated', compressedAt, start, `key length ${keyLength} of pair ${pair} past end of buffer (${end} bytes)`);
      }
      const key = this.#readKey(bytes, pos, pos + keyLength, pair);
      if (key === undefined) throw fail('invalid_utf8', compressedAt, start, `key of pair ${pair} is not valid utf-8`);
      pos += keyLength;
      if (end - pos < 4) throw fail('truncated', compressedAt, start, `value length of pair ${pair} past end of buffer (${end} bytes)`);
      const valueLength = bytes.readUInt32BE(pos);
      pos += 4;
      if (valueLength > end - pos) {
        throw fail('truncated', compressedAt, start, `value length ${valueLength} of pair ${pair} past end of buffer (${end} bytes)`);
      }
      const value = readUtf8(bytes, pos, pos + valueLength);
      if (value === undefined) throw fail('invalid_utf8', compressedAt, start, `value of key ${JSON.stringify(key)} is not valid utf-8`);
      pos += valueLength;
      target[key] = value;
    }
    return pos;
  }

  /**
   * The key of pair `pair`, reusing the string of the previous record's key at the same position
   * when the bytes are equal. Records of one topic repeat the same keys in the same order, so this
   * turns most key reads into a short byte comparison with no allocation.
   */
  #readKey(bytes: Buffer, start: number, end: number, pair: number): string | undefined {
    const length = end - start;
    const cached = this.#keyBytes[pair];
    if (cached !== undefined && cached.length === length && sameBytes(cached, bytes, start)) return this.#keyTexts[pair];
    const key = readUtf8(bytes, start, end);
    if (key !== undefined && pair < KEY_CACHE_PAIRS && length <= KEY_CACHE_MAX_BYTES) {
      this.#keyBytes[pair] = Buffer.from(bytes.subarray(start, end));
      this.#keyTexts[pair] = key;
    }
    return key;
  }

  /** `2J`: seq, payload length, payload (a JSON object). */
  #readJsonFrame(bytes: Buffer, start: number, compressedAt: number): number {
    const end = bytes.length;
    if (end - start < DATA_FRAME_HEADER_BYTES) {
      throw fail('truncated', compressedAt, start, `json frame header needs ${DATA_FRAME_HEADER_BYTES} bytes, ${end - start} left`);
    }
    const length = bytes.readUInt32BE(start + 6);
    const payloadStart = start + DATA_FRAME_HEADER_BYTES;
    if (length > end - payloadStart) {
      throw fail('truncated', compressedAt, start, `json payload length ${length} past end of buffer (${end} bytes)`);
    }
    const parsed = parseJsonBytes(bytes, payloadStart, payloadStart + length, 'json frame payload');
    if (parsed instanceof DecodeError) throw fail(parsed.kind, compressedAt, start, parsed.message);
    if (!isJsonObject(parsed)) {
      throw fail('invalid_json', compressedAt, start, `json frame payload is ${describeJson(parsed)}, not an object`);
    }
    const target = this.#targetForNextFrame(compressedAt, start);
    for (const key of Object.keys(parsed)) target[key] = parsed[key] ?? null;
    return payloadStart + length;
  }

  /** `1C`/`2C`: payload length, zlib bytes holding whole frames. */
  #readCompressedFrame(bytes: Buffer, start: number): number {
    const end = bytes.length;
    if (end - start < LENGTH_FRAME_HEADER_BYTES) {
      throw fail('truncated', -1, start, `compressed frame header needs ${LENGTH_FRAME_HEADER_BYTES} bytes, ${end - start} left`);
    }
    const length = bytes.readUInt32BE(start + 2);
    const payloadStart = start + LENGTH_FRAME_HEADER_BYTES;
    if (length > end - payloadStart) {
      throw fail('truncated', -1, start, `compressed payload length ${length} past end of buffer (${end} bytes)`);
    }
    const budget = this.#maxInflatedBytes - this.#inflatedBytes;
    const inflated = inflateWithin(bytes.subarray(payloadStart, payloadStart + length), budget, this.#maxInflatedBytes, start);
    this.#inflatedBytes += inflated.length;
    this.#readFrames(inflated, start);
    return payloadStart + length;
  }
}

/**
 * The values of chosen keys of a record value that is one data frame (`1D` or `2D`, nothing
 * before or after it: what Punch writes), read straight into the caller's slots: no map, no
 * string for the keys (the previous record's keys at the same positions are compared byte for
 * byte) and none for the values of keys nobody wants, which are still checked to be UTF-8.
 *
 * It decides nothing about a record it cannot read this way: any other frame, a truncated frame,
 * bytes that are not UTF-8. It says false, and the caller decodes the record with
 * {@link LumberjackDecoder.decode}, which gives the same fields or the error that names the defect.
 */
export class LumberjackFieldReader {
  /** The slot of each wanted key. */
  readonly #slots: ReadonlyMap<string, number>;
  // Key cache: the bytes and slot (-1: not wanted) of the last valid key seen at each pair position (1-based).
  readonly #keyBytes: (Buffer | undefined)[] = [];
  readonly #keySlots: number[] = [];

  /** `keys[i]` is read into slot `i`; a key named twice keeps its first slot. */
  constructor(keys: readonly string[]) {
    const slots = new Map<string, number>();
    keys.forEach((key, slot) => {
      if (!slots.has(key)) slots.set(key, slot);
    });
    this.#slots = slots;
  }

  /**
   * Writes the text of each wanted key of `value` into `values` at its slot (a key given twice in
   * the frame: the last one, as {@link LumberjackDecoder.decode} does); leaves the slots of keys
   * the frame lacks as they were. False when `value` is not exactly one valid data frame: the
   * slots then hold nothing meaningful.
   */
  read(value: Buffer, values: FieldValue[]): boolean {
    const end = value.length;
    if (end < HEADER_BYTES || value[1] !== DATA || (value[0] !== V1 && value[0] !== V2)) return false;
    const pairs = value.readUInt32BE(6);
    let pos = HEADER_BYTES;
    for (let pair = 1; pair <= pairs; pair++) {
      if (end - pos < 4) return false;
      const keyLength = value.readUInt32BE(pos);
      pos += 4;
      if (keyLength > end - pos) return false;
      const slot = this.#slotOf(value, pos, pos + keyLength, pair);
      if (slot === NOT_UTF8) return false;
      pos += keyLength;
      if (end - pos < 4) return false;
      const valueLength = value.readUInt32BE(pos);
      pos += 4;
      if (valueLength > end - pos) return false;
      const text = readUtf8(value, pos, pos + valueLength);
      if (text === undefined) return false;
      if (slot >= 0) values[slot] = text;
      pos += valueLength;
    }
    return pos === end;
  }

  /** The slot of the key in `bytes[start, end)`, -1 when not wanted, {@link NOT_UTF8} when not text. */
  #slotOf(bytes: Buffer, start: number, end: number, pair: number): number {
    const length = end - start;
    const cached = this.#keyBytes[pair];
    if (cached !== undefined && cached.length === length && sameBytes(cached, bytes, start)) return this.#keySlots[pair] as number;
    const key = readUtf8(bytes, start, end);
    if (key === undefined) return NOT_UTF8;
    const slot = this.#slots.get(key) ?? -1;
    if (pair < KEY_CACHE_PAIRS && length <= KEY_CACHE_MAX_BYTES) {
      this.#keyBytes[pair] = Buffer.from(bytes.subarray(start, end));
      this.#keySlots[pair] = slot;
    }
    return slot;
  }
}

/** What {@link LumberjackFieldReader} says of a key that is not UTF-8. */
const NOT_UTF8 = -2;
// The wire constants the reader checks on every record, as local constants: an imported binding can cost a getter call per read.
const HEADER_BYTES = DATA_FRAME_HEADER_BYTES;
const DATA = FRAME_DATA;
const V1 = VERSION_1;
const V2 = VERSION_2;

/** Pair positions (1-based) whose keys are cached, and the longest key cached: bounds the cache to 4 KiB. */
const KEY_CACHE_PAIRS = 64;
const KEY_CACHE_MAX_BYTES = 64;

/** Whether `bytes[start, start + expected.length)` equals `expected`; the caller checked the length fits. */
function sameBytes(expected: Buffer, bytes: Buffer, start: number): boolean {
  for (let i = 0; i < expected.length; i++) {
    if (expected[i] !== bytes[start + i]) return false;
  }
  return true;
}

/** Decodes one record value with default or given options. Prefer a {@link LumberjackDecoder} per node. */
export function decodeLumberjack(value: Buffer, options?: LumberjackDecodeOptions): Fields {
  return new LumberjackDecoder(options).decode(value);
}

/**
 * Inflates a zlib payload into at most `budget` bytes. Every failure becomes a DecodeError:
 * `too_large` past the budget, `zlib` for corrupt, truncated or trailing bytes.
 */
function inflateWithin(payload: Buffer, budget: number, cap: number, frameAt: number): Buffer {
  const tooLarge = (): DecodeError =>
    fail('too_large', -1, frameAt, `compressed frame inflates past the cap of ${cap} bytes per record`);
  if (budget <= 0) throw tooLarge();
  let result: { buffer: Buffer; engine: { bytesWritten: number } };
  try {
    result = inflateSync(payload, { maxOutputLength: budget, info: true }) as unknown as typeof result;
  } catch (error) {
    if (isNodeError(error) && error.code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
    const reason = error instanceof Error ? error.message : String(error);
    throw fail('zlib', -1, frameAt, `compressed payload does not inflate: ${reason}`);
  }
  if (result.engine.bytesWritten !== payload.length) {
    throw fail('zlib', -1, frameAt, `${payload.length - result.engine.bytesWritten} bytes after the end of the zlib stream`);
  }
  return result.buffer;
}

function isNodeError(error: unknown): error is Error & { code: unknown } {
  return error instanceof Error && 'code' in error;
}

/** A decode error whose message says where in the record the bad frame starts. */
function fail(kind: DecodeErrorKind, compressedAt: number, frameAt: number, detail: string): DecodeError {
  const where = compressedAt < 0 ? `frame at byte ${frameAt}` : `compressed frame at byte ${compressedAt}, inner frame at byte ${frameAt}`;
  return new DecodeError(kind, `lumberjack: ${where}: ${detail}`);
}

/**
 * What a record that is not lumberjack looks like, when it looks like one of the other formats
 * producers write to Kafka: the commonest mistake is a codec left at its default.
 */
function otherFormat(bytes: Buffer): { looks: string; hint: string } | undefined {
  const first = bytes[0];
  if (first === 0x7b || first === 0x5b) {
    return { looks: 'the record looks like json, not lumberjack: read it with the json codec', hint: 'set value_codec to { type: "json" } (or "telegraf_json" for Telegraf\'s json serializer)' };
  }
  // Line protocol: printable text, a space, and "=" in the first line (`cpu,host=a usage=1`).
  const head = bytes.subarray(0, Math.min(bytes.length, 256)).toString('latin1');
  const line = head.split('\n', 1)[0] ?? '';
  if (/^[A-Za-z_][ -~]* [^ =]+=/.test(line)) {
    return { looks: 'the record looks like text, not lumberjack: read line protocol with the influx codec, other text with the string codec', hint: 'set value_codec to { type: "influx" } for line protocol, or { type: "string" } for text' };
  }
  return undefined;
}

function describeJson(value: FieldValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
