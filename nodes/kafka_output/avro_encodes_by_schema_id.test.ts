// Avro output: schemas declared once by id (inline or from a file), records encoded to the exact
// Avro binary, optional Confluent framing, and errors that name the field that broke the schema.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PunchlineError } from '../../src/core/errors.js';
import { AvroCodec, frameConfluent, readConfluentFrame } from './avro.js';
import type { AvroSchemaDeclaration } from './avro.js';
import { DecodeError } from '../../src/libraries/codecs/decode-error.js';

/** Decoded records are avsc class instances; compare their data, not their prototypes. */
const data = (decoded: unknown): unknown => JSON.parse(JSON.stringify(decoded));

const event = {
  type: 'record',
  name: 'Event',
  namespace: 'com.acme.avro',
  fields: [
    { name: 'event', type: 'string' },
    { name: 'count', type: 'int' },
    { name: 'context', type: { type: 'record', name: 'Context', fields: [{ name: 'ip', type: 'string' }] } },
    { name: 'user', type: ['null', 'string'], default: null },
  ],
} as const;

const value = { event: 'x', count: 1, context: { ip: 'a' }, user: 'u' };
/** Hand-encoded per the Avro spec: zigzag varint lengths and ints, union branch index 1. */
const body = Buffer.from('02' + '78' + '02' + '02' + '61' + '02' + '02' + '75', 'hex');

const dir = mkdtempSync(join(tmpdir(), 'punchline-avro-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('avro encoding by schema id', () => {
  it('writes the Avro binary the spec defines for an inline schema', () => {
    const codec = new AvroCodec([{ id: 'schema001', schema: event }]);
    assert.deepEqual(codec.encode('schema001', value), body);
    assert.deepEqual(codec.schemaIds, ['schema001']);
  });

  it('reads a schema from a file once, relative to the base directory', () => {
    writeFileSync(join(dir, 'event.avsc'), JSON.stringify(event));
    const codec = new AvroCodec([{ id: 'from-file', schema_file: 'event.avsc' }], { baseDir: dir });
    rmSync(join(dir, 'event.avsc'));
    assert.deepEqual(codec.encode('from-file', value), body, 'the file is no longer needed after construction');
  });

  it('round-trips through decode, a null union branch included', () => {
    const codec = new AvroCodec([{ id: 's', schema: event }]);
    const withNull = { ...value, user: null };
    assert.deepEqual(data(codec.decode(codec.encode('s', withNull), 's')), withNull);
  });

  it('ignores tuple fields the schema does not declare', () => {
    const codec = new AvroCodec([{ id: 's', schema: event }]);
    assert.deepEqual(codec.encode('s', { ...value, _ppf_topic_name: 'logs' }), body);
  });

  it('encodes primitive schemas too', () => {
    const codec = new AvroCodec([{ id: 'n', schema: 'long' }]);
    assert.deepEqual(codec.encode('n', -1), Buffer.from([0x01]));
  });
});

describe('avro longs are exact over int64, and bytes take any Uint8Array', () => {
  const codec = new AvroCodec([{ id: 'n', schema: 'long' }]);
  /** Zig-zag varints per the Avro spec, written out by hand. */
  const cases: readonly { input: string | number; bytes: string; decoded: string | number }[] = [
    { input: '9223372036854775807', bytes: 'feffffffffffffffff01', decoded: '9223372036854775807' },
    { input: '-9223372036854775808', bytes: 'ffffffffffffffffff01', decoded: '-9223372036854775808' },
    { input: '9007199254740993', bytes: '8280808080808020', decoded: '9007199254740993' },
    { input: Number.MAX_SAFE_INTEGER, bytes: 'feffffffffffff1f', decoded: Number.MAX_SAFE_INTEGER },
    { input: '-1', bytes: '01', decoded: -1 },
  ];
  for (const { input, bytes, decoded } of cases) {
    it(`writes the long ${JSON.stringify(input)} exactly and reads it back as ${JSON.stringify(decoded)}`, () => {
      const encoded = codec.encode('n', input);
      assert.equal(encoded.toString('hex'), bytes);
      assert.deepEqual(codec.decode(encoded, 'n'), decoded);
    });
  }
  for (const input of ['9223372036854775808', '-9223372036854775809', '12a', 1.5, '']) {
    it(`rejects ${JSON.stringify(input)} for a long`, () => {
      assert.throws(() => codec.encode('n', input), (error: unknown) => error instanceof PunchlineError && /expected long/.test(error.message));
    });
  }
  it('writes a Uint8Array that is not a Buffer to bytes and fixed fields', () => {
    const both = new AvroCodec([{ id: 'b', schema: { type: 'record', name: 'B', fields: [{ name: 'b', type: 'bytes' }, { name: 'f', type: { type: 'fixed', name: 'F', size: 2 } }] } }]);
    const view = new Uint8Array([9, 1, 2, 3]).subarray(1, 3);
    assert.equal(both.encode('b', { b: view, f: view }).toString('hex'), '0401020102');
  });
});

describe('avro encoding says which field does not match the schema', () => {
  const codec = new AvroCodec([{ id: 'schema001', schema: event }]);
  const cases: readonly { name: string; input: Parameters<AvroCodec['encode']>[1]; message: RegExp }[] = [
    { name: 'a string where an int is expected', input: { ...value, count: '1' }, message: /^avro schema "schema001": field count: expected int, got string "1"$/ },
    { name: 'a float where an int is expected', input: { ...value, count: 1.5 }, message: /field count: expected int, got number 1.5/ },
    { name: 'a nested field of the wrong type', input: { ...value, context: { ip: 3 } }, message: /field context\.ip: expected string, got number 3/ },
    { name: 'a missing record', input: { event: 'x', count: 1 }, message: /field context: expected record com\.acme\.avro\.Context, got nothing/ },
    { name: 'a value outside a union', input: { ...value, user: 5 }, message: /field user: expected one of null, string, got number 5/ },
    { name: 'several mismatches at once', input: { event: 1, count: 'x', context: { ip: 'a' } }, message: /field event: expected string, got number 1; field count: expected int, got string "x"/ },
    { name: 'a value that is not a record', input: 'text', message: /value: expected record com\.acme\.avro\.Event, got string "text"/ },
  ];
  for (const { name, input, message } of cases) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => codec.encode('schema001', input),
        (error: unknown) => error instanceof PunchlineError && error.code === 'E_KAFKA_REJECTED' && !error.retriable && message.test(error.message),
      );
    });
  }

  it('rejects an unknown schema id and lists the declared ones', () => {
    assert.throws(
      () => codec.encode('schema002', value),
      (error: unknown) =>
        error instanceof PunchlineError && error.code === 'E_KAFKA_REJECTED' && /unknown schema id "schema002"/.test(error.message) && error.hint === 'declared ids: "schema001"',
    );
  });
});

describe('avro with the Confluent wire format', () => {
  const codec = new AvroCodec([{ id: 'schema001', schema: event, confluent_id: 258 }], { wireFormat: 'confluent' });

  it('prefixes magic byte 0 and the 4-byte big-endian registry id', () => {
    const framed = codec.encode('schema001', value);
    assert.deepEqual(framed.subarray(0, 5), Buffer.from([0, 0, 0, 1, 2]));
    assert.deepEqual(framed.subarray(5), body);
    assert.deepEqual(framed, frameConfluent(258, body));
  });

  it('decodes by the id in the frame, without being told the schema', () => {
    assert.deepEqual(data(codec.decode(codec.encode('schema001', value))), value);
    assert.deepEqual(readConfluentFrame(frameConfluent(7, body)).schemaId, 7);
  });

  const rejected: readonly { name: string; bytes: Buffer; kind: DecodeError['kind']; message: RegExp }[] = [
    { name: 'fewer than 5 bytes', bytes: Buffer.from([0, 0, 1]), kind: 'truncated', message: /confluent header needs 5 bytes, got 3/ },
    { name: 'a non-zero magic byte', bytes: Buffer.concat([Buffer.from([1, 0, 0, 1, 2]), body]), kind: 'bad_magic', message: /magic byte must be 0, got 1/ },
    { name: 'an undeclared registry id', bytes: frameConfluent(9, body), kind: 'unknown_schema', message: /confluent schema id 9 is not declared/ },
    { name: 'a truncated body', bytes: frameConfluent(258, body.subarray(0, 4)), kind: 'avro', message: /avro schema "schema001": 4 bytes do not decode: truncated buffer/ },
    { name: 'trailing bytes after the body', bytes: frameConfluent(258, Buffer.concat([body, Buffer.from([0])])), kind: 'avro', message: /trailing data/ },
  ];
  for (const { name, bytes, kind, message } of rejected) {
    it(`rejects ${name} as ${kind}`, () => {
      assert.throws(() => codec.decode(bytes), (error: unknown) => error instanceof DecodeError && error.kind === kind && message.test(error.message));
    });
  }

  it('needs the schema id to decode plain Avro bytes', () => {
    const plain = new AvroCodec([{ id: 's', schema: event }]);
    assert.throws(() => plain.decode(body), (error: unknown) => error instanceof DecodeError && error.kind === 'unknown_schema');
  });
});

describe('avro schema declarations are checked when the codec is built', () => {
  const cases: readonly { name: string; declarations: AvroSchemaDeclaration[]; wireFormat?: 'confluent'; code: string; message: RegExp }[] = [
    {
      name: 'a nested record written without its type object, as in RudderStack\'s example',
      declarations: [{ id: 'r', schema: { type: 'record', name: 'E', fields: [{ name: 'c', type: 'record', fields: [] }] } }],
      code: 'E_CONFIG_INVALID',
      message: /avro schema "r": not a valid avro schema: undefined type name: record/,
    },
    { name: 'neither schema nor file', declarations: [{ id: 'x' }], code: 'E_CONFIG_INVALID', message: /needs exactly one of "schema" and "schema_file"/ },
    { name: 'both schema and file', declarations: [{ id: 'x', schema: 'int', schema_file: 'a.avsc' }], code: 'E_CONFIG_INVALID', message: /exactly one/ },
    { name: 'a duplicate id', declarations: [{ id: 'x', schema: 'int' }, { id: 'x', schema: 'long' }], code: 'E_CONFIG_INVALID', message: /avro schema "x" is declared twice/ },
    { name: 'a missing file', declarations: [{ id: 'x', schema_file: join(dir, 'missing.avsc') }], code: 'E_FILE_IO', message: /avro schema "x": cannot read .*missing\.avsc/ },
    { name: 'a confluent format without registry id', declarations: [{ id: 'x', schema: 'int' }], wireFormat: 'confluent', code: 'E_CONFIG_INVALID', message: /needs a confluent_id/ },
    { name: 'a negative registry id', declarations: [{ id: 'x', schema: 'int', confluent_id: -1 }], code: 'E_CONFIG_INVALID', message: /confluent_id -1 is not an unsigned 32-bit integer/ },
    {
      name: 'two schemas with one registry id',
      declarations: [{ id: 'a', schema: 'int', confluent_id: 1 }, { id: 'b', schema: 'long', confluent_id: 1 }],
      code: 'E_CONFIG_INVALID',
      message: /avro schema "b" has the confluent_id 1 of schema "a"/,
    },
  ];
  for (const { name, declarations, wireFormat, code, message } of cases) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => new AvroCodec(declarations, wireFormat === undefined ? {} : { wireFormat }),
        (error: unknown) => error instanceof PunchlineError && error.code === code && message.test(error.message),
      );
    });
  }

  it('rejects a schema file that is not JSON, naming the file', () => {
    const file = join(dir, 'broken.avsc');
    writeFileSync(file, '{ "type": ');
    assert.throws(
      () => new AvroCodec([{ id: 'x', schema_file: file }]),
      (error: unknown) => error instanceof PunchlineError && error.code === 'E_CONFIG_INVALID' && error.context.file === file && /is not json/.test(error.message),
    );
  });
});
