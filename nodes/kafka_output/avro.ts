/**
 * Avro encoding of tuple fields for `kafka_output` (and decoding, for tests and a future input
 * codec), with the `avsc` package.
 *
 * Schemas are declared by id, as RudderStack's Kafka destination does (a schema id chosen per
 * event, its schema declared once): inline as JSON, or in a `.avsc` JSON file. Each is parsed once,
 * when the codec is built, so a schema error stops the punchline at start rather than at the first
 * record. Optionally the bytes use the Confluent wire format (magic byte 0, 4-byte big-endian
 * Schema Registry id, Avro body) that Confluent's serializers and consumers expect.
 *
 * Encode errors say which field broke the schema and what it expected, because "invalid record"
 * alone sends users to a hex dump.
 *
 * Two gaps between tuple values and avsc's defaults are closed here:
 * - `bytes` and `fixed` take any `Uint8Array` (what `kafka_input` and the codecs produce), not
 *   only the Node `Buffer` avsc checks for;
 * - `long` is exact over the whole signed 64-bit range: a safe integer number, a `bigint`, or a
 *   decimal string (how a value beyond ±(2^53−1) travels in a tuple) is written exactly, where
 *   avsc's default long refuses anything a double cannot hold. Decoding gives a number when it
 *   is safe and the decimal string otherwise.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import avro from 'avsc';
import { PunchlineError } from '../../src/core/errors.js';
import type { FieldValue } from '../../src/runtime/node-api.js';
import { DecodeError } from '../../src/libraries/codecs/decode-error.js';
import { describeValue } from '../../src/libraries/codecs/describe-value.js';

/** An Avro schema as JSON: a type name, a type object, or a union array. */
export type AvroSchemaJson = string | readonly unknown[] | { readonly [key: string]: unknown };

/** One schema a punchline can write with. Exactly one of `schema` and `schema_file` is given. */
export interface AvroSchemaDeclaration {
  /** The id settings and tuples name the schema by (e.g. `"schema001"`). */
  readonly id: string;
  /** The schema, inline. */
  readonly schema?: AvroSchemaJson;
  /** A file holding the schema as JSON (`.avsc`); relative paths resolve against `baseDir`. */
  readonly schema_file?: string;
  /** Its id in a Confluent Schema Registry: required with the `confluent` wire format. */
  readonly confluent_id?: number;
}

/**
 * `avro`: the Avro binary body alone (readers must know the schema).
 * `confluent`: magic byte 0, the schema's 4-byte big-endian `confluent_id`, then the body.
 */
export type AvroWireFormat = 'avro' | 'confluent';

/** The wire formats of {@link AvroWireFormat}, for settings schemas. */
export const AVRO_WIRE_FORMATS: readonly AvroWireFormat[] = ['avro', 'confluent'];

/** How an {@link AvroCodec} frames its bytes and finds its schema files. */
export interface AvroCodecOptions {
  /** Default `avro`. */
  readonly wireFormat?: AvroWireFormat;
  /** Directory relative `schema_file` paths resolve against (the punchline file's); default the working directory. */
  readonly baseDir?: string;
}

/** The Confluent wire format's first byte. */
export const CONFLUENT_MAGIC_BYTE = 0;
const CONFLUENT_HEADER_BYTES = 5;

/** The subset of avsc's `Type` we use, typed: avsc's own declarations return `any`. */
interface AvroType {
  toBuffer(value: unknown): Buffer;
  fromBuffer(bytes: Buffer): unknown;
  isValid(value: unknown, options: { errorHook: (path: string[], value: unknown, type: AvroType) => void }): boolean;
  schema(options?: { noDeref?: boolean }): unknown;
  readonly typeName: string;
  readonly name: string | undefined;
}

interface CompiledSchema {
  readonly id: string;
  readonly confluentId: number | undefined;
  readonly type: AvroType;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
const DECIMAL_INTEGER = /^-?\d{1,19}$/;

/** The exact integer a long field is given as, or undefined when it is not one of int64. */
function longValue(value: unknown): bigint | undefined {
  let n: bigint;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number' && Number.isInteger(value)) n = BigInt(value);
  else if (typeof value === 'string' && DECIMAL_INTEGER.test(value)) n = BigInt(value);
  else return undefined;
  return n >= INT64_MIN && n <= INT64_MAX ? n : undefined;
}

/** A number when a double holds it exactly, else its decimal text: both are field values. */
function longFieldValue(n: bigint): number | string {
  return n >= SAFE_MIN && n <= SAFE_MAX ? Number(n) : n.toString();
}

function requireLong(value: unknown): bigint {
  const n = longValue(value);
  if (n === undefined) throw new Error(`${describeValue(value)} is not a 64-bit integer`);
  return n;
}

/**
 * avsc's `long`, exact over int64 (see the module comment). avsc packs the 8 little-endian
 * two's-complement bytes `toBuffer` gives into Avro's zig-zag varint, and unpacks them for
 * `fromBuffer`.
 */
const EXACT_LONG = avro.types.LongType.__with({
  fromBuffer: (bytes: Buffer): number | string => longFieldValue(bytes.readBigInt64LE(0)),
  toBuffer: (value: unknown): Buffer => {
    const bytes = Buffer.alloc(8);
    bytes.writeBigInt64LE(requireLong(value), 0);
    return bytes;
  },
  fromJSON: (value: unknown): number | string => longFieldValue(requireLong(value)),
  toJSON: (value: unknown): number | string => longFieldValue(requireLong(value)),
  isValid: (value: unknown): boolean => longValue(value) !== undefined,
  compare: (a: unknown, b: unknown): number => {
    const x = requireLong(a);
    const y = requireLong(b);
    return x < y ? -1 : x > y ? 1 : 0;
  },
});

/**
 * `value` with every `Uint8Array` that is not a `Buffer` viewed as one (no copy), as avsc's
 * `bytes` and `fixed` types want; the same object when there is none.
 */
function withBuffers(value: FieldValue): FieldValue {
  if (value instanceof Uint8Array) return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (Array.isArray(value)) {
    const items = value as readonly FieldValue[];
    let out: FieldValue[] | undefined;
    items.forEach((item, index) => {
      const converted = withBuffers(item);
      if (converted !== item) (out ??= [...items])[index] = converted;
    });
    return out ?? items;
  }
  if (typeof value === 'object' && value !== null) {
    const object = value as { readonly [key: string]: FieldValue };
    let out: { [key: string]: FieldValue } | undefined;
    for (const key in object) {
      const item = object[key] as FieldValue;
      const converted = withBuffers(item);
      if (converted !== item) (out ??= { ...object })[key] = converted;
    }
    return out ?? value;
  }
  return value;
}

/** The most schema mismatches one encode error lists; the rest are counted. */
const MAX_LISTED_MISMATCHES = 5;

/**
 * A set of Avro schemas, parsed once, and the encode/decode of values with them.
 * Build one per node when the node is created; `encode` and `decode` are synchronous and pure.
 */
export class AvroCodec {
  readonly wireFormat: AvroWireFormat;
  readonly #byId = new Map<string, CompiledSchema>();
  readonly #byConfluentId = new Map<number, CompiledSchema>();

  /**
   * Parses every declared schema.
   * @throws {PunchlineError} `E_FILE_IO` when a schema file cannot be read; `E_CONFIG_INVALID`
   * when a schema is not valid Avro, an id repeats, or a `confluent_id` is missing or invalid.
   */
  constructor(declarations: readonly AvroSchemaDeclaration[], options: AvroCodecOptions = {}) {
    this.wireFormat = options.wireFormat ?? 'avro';
    for (const declaration of declarations) {
      const compiled = compileDeclaration(declaration, this.wireFormat, options.baseDir ?? process.cwd());
      if (this.#byId.has(compiled.id)) throw configError(compiled.id, 'is declared twice');
      this.#byId.set(compiled.id, compiled);
      if (compiled.confluentId !== undefined) {
        const other = this.#byConfluentId.get(compiled.confluentId);
        if (other !== undefined) throw configError(compiled.id, `has the confluent_id ${compiled.confluentId} of schema "${other.id}"`);
        this.#byConfluentId.set(compiled.confluentId, compiled);
      }
    }
  }

  /** The declared schema ids, in declaration order. */
  get schemaIds(): readonly string[] {
    return [...this.#byId.keys()];
  }

  /**
   * The Avro bytes of `value` (usually a tuple's fields as an object) with schema `schemaId`,
   * framed per the wire format. Fields the schema does not declare are ignored.
   * @throws {PunchlineError} `E_KAFKA_REJECTED` for an unknown schema id or a value that does
   * not match the schema; the message lists the mismatching fields and the types they need.
   */
  encode(schemaId: string, value: FieldValue): Buffer {
    const compiled = this.#byId.get(schemaId);
    if (compiled === undefined) {
      throw new PunchlineError('E_KAFKA_REJECTED', `avro: unknown schema id ${JSON.stringify(schemaId)}`, {
        hint: `declared ids: ${this.schemaIds.map((id) => JSON.stringify(id)).join(', ') || 'none'}`,
      });
    }
    let body: Buffer;
    const avscValue = withBuffers(value);
    try {
      body = compiled.type.toBuffer(avscValue);
    } catch (error) {
      throw new PunchlineError('E_KAFKA_REJECTED', `avro schema "${schemaId}": ${describeMismatches(compiled.type, avscValue, error)}`, { cause: error });
    }
    return compiled.confluentId !== undefined && this.wireFormat === 'confluent' ? frameConfluent(compiled.confluentId, body) : body;
  }

  /**
   * The value in `bytes`. With the `confluent` wire format the schema comes from the frame's id
   * and `schemaId` is not needed; with `avro` it is required.
   * @throws {DecodeError} `bad_magic`, `truncated`, `unknown_schema` or `avro`; never anything else.
   */
  decode(bytes: Buffer, schemaId?: string): FieldValue {
    let compiled: CompiledSchema | undefined;
    let body = bytes;
    if (this.wireFormat === 'confluent') {
      const frame = readConfluentFrame(bytes);
      compiled = this.#byConfluentId.get(frame.schemaId);
      if (compiled === undefined) throw new DecodeError('unknown_schema', `avro: confluent schema id ${frame.schemaId} is not declared`);
      body = frame.body;
    } else {
      compiled = schemaId === undefined ? undefined : this.#byId.get(schemaId);
      if (compiled === undefined) throw new DecodeError('unknown_schema', `avro: unknown schema id ${JSON.stringify(schemaId ?? null)}`);
    }
    try {
      // avsc builds only Avro data values: strings, numbers, booleans, null, Buffers, arrays,
      // maps (plain objects) and records (instances of a generated class holding the fields as
      // own properties, without methods as they are omitted): all FieldValues.
      return compiled.type.fromBuffer(body) as FieldValue;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new DecodeError('avro', `avro schema "${compiled.id}": ${body.length} bytes do not decode: ${reason}`);
    }
  }
}

/** Prefixes an Avro body with the Confluent header: magic byte 0 and the 4-byte big-endian schema id. */
export function frameConfluent(schemaId: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(CONFLUENT_HEADER_BYTES + body.length);
  out[0] = CONFLUENT_MAGIC_BYTE;
  out.writeUInt32BE(schemaId, 1);
  body.copy(out, CONFLUENT_HEADER_BYTES);
  return out;
}

/**
 * Splits a Confluent-framed value into its schema id and Avro body (a view, not a copy).
 * @throws {DecodeError} `truncated` under 5 bytes, `bad_magic` when the first byte is not 0.
 */
export function readConfluentFrame(bytes: Buffer): { readonly schemaId: number; readonly body: Buffer } {
  if (bytes.length < CONFLUENT_HEADER_BYTES) {
    throw new DecodeError('truncated', `avro: confluent header needs ${CONFLUENT_HEADER_BYTES} bytes, got ${bytes.length}`);
  }
  if (bytes[0] !== CONFLUENT_MAGIC_BYTE) {
    throw new DecodeError('bad_magic', `avro: confluent magic byte must be 0, got ${bytes[0] ?? 'nothing'}`);
  }
  return { schemaId: bytes.readUInt32BE(1), body: bytes.subarray(CONFLUENT_HEADER_BYTES) };
}

function compileDeclaration(declaration: AvroSchemaDeclaration, wireFormat: AvroWireFormat, baseDir: string): CompiledSchema {
  const { id } = declaration;
  const hasInline = declaration.schema !== undefined;
  const hasFile = declaration.schema_file !== undefined;
  if (hasInline === hasFile) throw configError(id, 'needs exactly one of "schema" and "schema_file"');
  const confluentId = declaration.confluent_id;
  if (confluentId !== undefined && (!Number.isInteger(confluentId) || confluentId < 0 || confluentId > 0xffffffff)) {
    throw configError(id, `confluent_id ${confluentId} is not an unsigned 32-bit integer`);
  }
  if (wireFormat === 'confluent' && confluentId === undefined) throw configError(id, 'needs a confluent_id with the confluent wire format');
  const file = declaration.schema_file === undefined ? undefined : resolveFile(declaration.schema_file, baseDir);
  const json = file === undefined ? declaration.schema : readSchemaFile(id, file);
  let type: AvroType;
  try {
    // avsc checks the JSON itself; its declared parameter type is only a hint.
    // A registry per schema: avsc adds the schema's named types to it. `long` is the exact one.
    type = avro.Type.forSchema(json as Parameters<typeof avro.Type.forSchema>[0], { omitRecordMethods: true, registry: { long: EXACT_LONG } });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PunchlineError('E_CONFIG_INVALID', `avro schema "${id}": not a valid avro schema: ${reason}`, {
      cause: error,
      ...(file === undefined ? {} : { context: { file } }),
    });
  }
  return { id, confluentId, type };
}

function resolveFile(file: string, baseDir: string): string {
  return isAbsolute(file) ? file : resolve(baseDir, file);
}

function readSchemaFile(id: string, file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PunchlineError('E_FILE_IO', `avro schema "${id}": cannot read ${file}: ${reason}`, { cause: error, context: { file } });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PunchlineError('E_CONFIG_INVALID', `avro schema "${id}": ${file} is not json: ${reason}`, { cause: error, context: { file } });
  }
}

function configError(id: string, problem: string): PunchlineError {
  return new PunchlineError('E_CONFIG_INVALID', `avro schema "${id}" ${problem}`);
}

/** `field a.b: expected string, got number 1; ...`, from avsc's validation walk of the value. */
function describeMismatches(type: AvroType, value: FieldValue, error: unknown): string {
  const mismatches: string[] = [];
  let count = 0;
  type.isValid(value, {
    errorHook(path, actual, expected) {
      count += 1;
      if (mismatches.length < MAX_LISTED_MISMATCHES) {
        const where = path.length === 0 ? 'value' : `field ${path.join('.')}`;
        mismatches.push(`${where}: expected ${describeAvroType(expected)}, got ${describeValue(actual)}`);
      }
    },
  });
  if (mismatches.length === 0) {
    // Valid per avsc yet not encodable: report avsc's own reason.
    return `value does not encode: ${error instanceof Error ? error.message : String(error)}`;
  }
  const more = count > mismatches.length ? ` (and ${count - mismatches.length} more)` : '';
  return `${mismatches.join('; ')}${more}`;
}

/** `string`, `record com.acme.Event`, `one of null, string`. */
function describeAvroType(type: AvroType): string {
  if (type.name !== undefined) return `${type.typeName} ${type.name}`;
  return describeSchema(type.schema({ noDeref: true }));
}

function describeSchema(schema: unknown): string {
  if (typeof schema === 'string') return schema;
  if (Array.isArray(schema)) return `one of ${schema.map((branch) => describeSchema(branch)).join(', ')}`;
  if (typeof schema === 'object' && schema !== null) {
    const { type, name } = schema as { type?: unknown; name?: unknown };
    const kind = typeof type === 'string' ? type : 'type';
    return typeof name === 'string' ? `${kind} ${name}` : kind;
  }
  return String(schema);
}
