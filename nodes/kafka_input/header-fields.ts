/**
 * Decoding of the Kafka record headers that `headers_fields` maps to tuple fields.
 *
 * Each entry is compiled once into a small decoder (text decoder resolved, byte order chosen), so
 * decoding a record is a lookup and a fixed-size read per entry. Decoding never logs and never
 * exits: it writes values into the tuple's fields and returns which entries failed with their
 * `on_decoding_error` policy, and the node applies DEAD_LETTER / CRASH / WARN / PASS. That keeps
 * this module pure and the policy visible in one place of the node.
 *
 * Headers come from producers, so nothing they hold may throw here: a header whose value is null
 * (Java `new RecordHeader(name, null)`, `kcat -H name`, the console producer's `null.marker`)
 * reads as `null`, like a missing header, and header names are looked up as own keys only (a
 * header named `constructor` or `__proto__` is a header like any other).
 */
import { TextDecoder } from 'node:util';
import type { FieldValue, SettingsProblem } from '../../src/runtime/node-api.js';
import { PunchlineError } from '../../src/core/errors.js';
import { DecodeError } from '../../src/libraries/codecs/decode-error.js';
import { readUtf8 } from '../../src/libraries/codecs/strict-utf8.js';

/** The value types a header can be read as. */
export type HeaderValueType = 'string' | 'integer' | 'long' | 'bytes';

/**
 * What the node does when a header does not decode: route the whole record to `_ppf_errors`
 * (`DEAD_LETTER`, the default: a bad header can never stop a punchline), stop the punchline
 * (`CRASH`, a fail-stop for who asks for one), or emit the record with a null field, with a
 * throttled warning (`WARN`) or a debug log (`PASS`).
 */
export type HeaderDecodingErrorPolicy = 'DEAD_LETTER' | 'CRASH' | 'WARN' | 'PASS';

/**
 * One `headers_fields` entry, with Punch's names. The settings schema fills the defaults before
 * the node compiles it (`encoding: "UTF_8"`, `ordering: "big_endian"`, `on_decoding_error: "DEAD_LETTER"`),
 * so all keys are present here.
 */
export interface HeaderFieldSetting {
  /** The record header to read. */
  readonly header: string;
  /** The tuple field to write it to. */
  readonly field: string;
  readonly type: HeaderValueType;
  /**
   * Text encoding of `string` headers: any label Node's `TextDecoder` knows (WHATWG Encoding
   * Standard), or its Java-style spelling with underscores (`UTF_8`, `ISO_8859_1`). Note that
   * WHATWG maps `ISO-8859-1` and `US-ASCII` to windows-1252, and `UTF-16` to little-endian.
   * Ignored for the other types.
   */
  readonly encoding: string;
  /** Byte order of `integer` and `long` headers. Ignored for the other types. */
  readonly ordering: 'big_endian' | 'little_endian';
  readonly on_decoding_error: HeaderDecodingErrorPolicy;
}

/** One header value as Kafka clients hand it over: `null` when the producer sent no value. */
export type HeaderValue = Buffer | string | null;

/**
 * Record headers as Kafka clients hand them over (kafkajs `IHeaders`): a value, or several when
 * the header key repeats (then the last one is read, like Java's `Headers.lastHeader`).
 */
export type RecordHeaders = Readonly<Record<string, HeaderValue | readonly HeaderValue[] | undefined>>;

/** One header that did not decode, and what the node must do about it. */
export interface HeaderDecodingProblem {
  readonly header: string;
  readonly field: string;
  readonly policy: HeaderDecodingErrorPolicy;
  /** Says what was wrong; the node prefixes it with its label and the record coordinates. */
  readonly error: DecodeError;
}

const NO_PROBLEMS: readonly HeaderDecodingProblem[] = Object.freeze([]);

/** A compiled entry: how to turn the header's bytes into a value, or an error. */
interface CompiledHeaderField {
  readonly setting: HeaderFieldSetting;
  decode(bytes: Buffer): FieldValue | DecodeError;
}

/**
 * The compiled `headers_fields` of a node. Build it once when the node is created; call
 * {@link HeaderFieldsDecoder.decodeInto} for every record.
 */
export class HeaderFieldsDecoder {
  readonly #fields: readonly CompiledHeaderField[];

  /**
   * Compiles the entries. `basePath` is the JSON pointer of the array in the node's settings.
   * @throws {PunchlineError} `E_CONFIG_INVALID` naming the entry's path when an encoding is unknown.
   */
  constructor(entries: readonly HeaderFieldSetting[], basePath = '/headers_fields') {
    const problem = checkHeaderFields(entries, basePath)[0];
    if (problem !== undefined) {
      throw new PunchlineError('E_CONFIG_INVALID', `headers_fields: ${problem.message}`, {
        context: { path: problem.path },
        ...(problem.hint === undefined ? {} : { hint: problem.hint }),
      });
    }
    this.#fields = entries.map(compileEntry);
  }

  /** The tuple fields this decoder writes, in entry order. */
  get fields(): readonly string[] {
    return this.#fields.map((compiled) => compiled.setting.field);
  }

  /**
   * Writes every configured field into `target`: the decoded value, or `null` when the header is
   * missing, has a null value (the last one, when it repeats), or did not decode. Returns the entries that did not decode (a shared empty array
   * when all did, so the common case allocates nothing).
   */
  decodeInto(headers: RecordHeaders | undefined, target: Record<string, FieldValue>): readonly HeaderDecodingProblem[] {
    let problems: HeaderDecodingProblem[] | undefined;
    for (const compiled of this.#fields) {
      const { setting } = compiled;
      const raw = headers === undefined || !Object.hasOwn(headers, setting.header) ? undefined : lastValue(headers[setting.header]);
      if (raw === undefined || raw === null) {
        target[setting.field] = null;
        continue;
      }
      if (typeof raw === 'string' && setting.type === 'string') {
        target[setting.field] = raw;
        continue;
      }
      const value = compiled.decode(typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw);
      if (value instanceof DecodeError) {
        target[setting.field] = null;
        (problems ??= []).push({
          header: setting.header,
          field: setting.field,
          policy: setting.on_decoding_error,
          error: value.within(`header ${JSON.stringify(setting.header)} (field ${JSON.stringify(setting.field)})`),
        });
      } else {
        target[setting.field] = value;
      }
    }
    return problems ?? NO_PROBLEMS;
  }
}

/**
 * Semantic problems of `headers_fields` the schema cannot see: unknown text encodings. For the
 * node's `check()`, so `punchline check` reports them with their path before anything runs.
 * `basePath` is the JSON pointer of the array inside the node's settings.
 */
export function checkHeaderFields(entries: readonly HeaderFieldSetting[], basePath = '/headers_fields'): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  entries.forEach((entry, index) => {
    if (entry.type === 'string' && resolveEncoding(entry.encoding) === undefined) {
      problems.push({
        path: `${basePath}/${index}/encoding`,
        message: `unknown text encoding ${JSON.stringify(entry.encoding)}`,
        hint: 'use a WHATWG encoding label such as "utf-8", "utf-16be" or "windows-1252"',
        severity: 'error',
      });
    }
  });
  return problems;
}

function compileEntry(setting: HeaderFieldSetting): CompiledHeaderField {
  const littleEndian = setting.ordering === 'little_endian';
  switch (setting.type) {
    case 'bytes':
      return { setting, decode: (bytes) => bytes };
    case 'integer':
      return { setting, decode: (bytes) => readInteger(bytes, littleEndian) };
    case 'long':
      return { setting, decode: (bytes) => readLong(bytes, littleEndian) };
    case 'string': {
      const encoding = resolveEncoding(setting.encoding) ?? 'utf-8';
      if (encoding === 'utf-8') return { setting, decode: readUtf8Header };
      const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
      return { setting, decode: (bytes) => readText(decoder, bytes) };
    }
  }
}

/** The canonical name of an encoding label, trying the Java spelling with `-` for `_`; undefined if unknown. */
function resolveEncoding(label: string): string | undefined {
  for (const candidate of [label, label.replaceAll('_', '-')]) {
    try {
      return new TextDecoder(candidate).encoding;
    } catch {
      // Not a label Node knows: try the next spelling.
    }
  }
  return undefined;
}

/** The value to read: the last of a repeated header; undefined for anything a client should not give. */
function lastValue(value: unknown): HeaderValue | undefined {
  const last: unknown = Array.isArray(value) ? value[value.length - 1] : value;
  if (last === null || typeof last === 'string' || Buffer.isBuffer(last)) return last;
  return undefined;
}

function readUtf8Header(bytes: Buffer): FieldValue | DecodeError {
  return readUtf8(bytes, 0, bytes.length) ?? new DecodeError('invalid_utf8', `${bytes.length} bytes are not valid utf-8`);
}

function readText(decoder: TextDecoder, bytes: Buffer): FieldValue | DecodeError {
  try {
    return decoder.decode(bytes);
  } catch {
    return new DecodeError('invalid_utf8', `${bytes.length} bytes are not valid ${decoder.encoding}`);
  }
}

/** A 4-byte signed integer (Java `int`). */
function readInteger(bytes: Buffer, littleEndian: boolean): FieldValue | DecodeError {
  if (bytes.length !== 4) return new DecodeError('wrong_length', `integer needs 4 bytes, got ${bytes.length}`);
  return littleEndian ? bytes.readInt32LE(0) : bytes.readInt32BE(0);
}

const TWO_POW_32 = 0x1_0000_0000;

/** An 8-byte signed integer (Java `long`), as a number when it is exact, else an error. */
function readLong(bytes: Buffer, littleEndian: boolean): FieldValue | DecodeError {
  if (bytes.length !== 8) return new DecodeError('wrong_length', `long needs 8 bytes, got ${bytes.length}`);
  const value = littleEndian
    ? bytes.readInt32LE(4) * TWO_POW_32 + bytes.readUInt32LE(0)
    : bytes.readInt32BE(0) * TWO_POW_32 + bytes.readUInt32BE(4);
  if (Number.isSafeInteger(value)) return value;
  const exact = littleEndian ? bytes.readBigInt64LE(0) : bytes.readBigInt64BE(0);
  return new DecodeError('out_of_range', `long ${exact} is beyond Number.MAX_SAFE_INTEGER and cannot be a number exactly`);
}
