// The key_codec / value_codec types of Punch's kafka_input, as both ends of a topic see them:
// decode what producers write, encode what the next reader decodes, null for missing keys.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PunchlineError } from '../../core/errors.js';
import type { FieldValue } from '../../core/fields.js';
import { DecodeError } from './decode-error.js';
import type { DecodeErrorKind } from './decode-error.js';
import { RECORD_CODEC_TYPES, recordCodec } from './record-codecs.js';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s/g, ''), 'hex');

describe('every record codec maps a missing key or value to null and back', () => {
  for (const type of RECORD_CODEC_TYPES) {
    it(`${type}: null decodes to null and encodes to null`, () => {
      const codec = recordCodec(type);
      assert.equal(codec.type, type);
      assert.equal(codec.decode(null), null);
      assert.equal(codec.encode(null), null);
    });
  }
});

describe('the epoch codec is an 8-byte big-endian signed long of epoch milliseconds', () => {
  const epoch = recordCodec('epoch');
  const vectors: readonly { bytes: string; millis: number }[] = [
    { bytes: '0000000000000000', millis: 0 },
    { bytes: '0000018bcfe56800', millis: 1_700_000_000_000 },
    { bytes: 'ffffffffffffffff', millis: -1 },
    { bytes: 'fffffe74301a9800', millis: -1_700_000_000_000 },
    { bytes: '001fffffffffffff', millis: Number.MAX_SAFE_INTEGER },
    { bytes: 'ffe0000000000001', millis: Number.MIN_SAFE_INTEGER },
    { bytes: '00000000ffffffff', millis: 0xffffffff },
  ];
  for (const { bytes, millis } of vectors) {
    it(`reads ${bytes} as ${millis} and writes it back`, () => {
      assert.equal(epoch.decode(hex(bytes)), millis);
      assert.deepEqual(epoch.encode(millis), hex(bytes));
    });
  }

  it('writes a decimal string of milliseconds, as lumberjack fields carry numbers', () => {
    assert.deepEqual(epoch.encode('1700000000000'), hex('0000018bcfe56800'));
    assert.deepEqual(epoch.encode('-1'), hex('ffffffffffffffff'));
  });

  const rejected: readonly { name: string; bytes: string; kind: DecodeErrorKind; message: RegExp }[] = [
    { name: 'an empty key', bytes: '', kind: 'wrong_length', message: /expected 8 bytes \(a big-endian long\), got 0/ },
    { name: 'a 4-byte int', bytes: '00000001', kind: 'wrong_length', message: /got 4/ },
    { name: 'a decimal string', bytes: Buffer.from('1700000000000').toString('hex'), kind: 'wrong_length', message: /got 13/ },
    { name: '2^53', bytes: '0020000000000000', kind: 'out_of_range', message: /9007199254740992 is beyond Number.MAX_SAFE_INTEGER/ },
    { name: 'Long.MIN_VALUE', bytes: '8000000000000000', kind: 'out_of_range', message: /-9223372036854775808/ },
  ];
  for (const { name, bytes, kind, message } of rejected) {
    it(`rejects ${name} as ${kind}`, () => {
      assert.throws(() => epoch.decode(hex(bytes)), (error: unknown) => error instanceof DecodeError && error.kind === kind && message.test(error.message));
    });
  }

  for (const value of [1.5, 2 ** 53, 'soon', '12abc', true, { at: 1 }] as const) {
    it(`refuses to write ${JSON.stringify(value)}`, () => {
      assert.throws(() => epoch.encode(value), (error: unknown) => error instanceof PunchlineError && error.code === 'E_KAFKA_REJECTED' && /epoch codec: expected an integer/.test(error.message));
    });
  }
});

describe('the string codec is strict UTF-8', () => {
  const string = recordCodec('string');
  it('reads UTF-8 text', () => assert.equal(string.decode(Buffer.from('clé 🚀')), 'clé 🚀'));
  it('reads an empty key as an empty string, not null', () => assert.equal(string.decode(Buffer.alloc(0)), ''));
  it('rejects bytes that are not UTF-8 instead of inventing replacement characters', () => {
    assert.throws(() => string.decode(hex('61ff62')), (error: unknown) => error instanceof DecodeError && error.kind === 'invalid_utf8' && /3 bytes are not valid utf-8/.test(error.message));
  });
  const writes: readonly [FieldValue, string][] = [
    ['clé', 'clé'],
    [42, '42'],
    [false, 'false'],
    [{ a: [1] }, '{"a":[1]}'],
  ];
  for (const [value, text] of writes) {
    it(`writes ${JSON.stringify(value)} as ${JSON.stringify(text)}`, () => assert.deepEqual(string.encode(value), Buffer.from(text)));
  }
  it('writes bytes as they are', () => assert.deepEqual(string.encode(new Uint8Array([1, 2])), Buffer.from([1, 2])));
});

describe('the bytes codec keeps bytes untouched', () => {
  const bytes = recordCodec('bytes');
  it('reads any bytes, invalid UTF-8 included', () => assert.deepEqual(bytes.decode(hex('00ff80')), hex('00ff80')));
  it('writes a Uint8Array that is not a Buffer', () => assert.deepEqual(bytes.encode(new Uint8Array([0, 255])), hex('00ff')));
  it('writes a string as its UTF-8 bytes', () => assert.deepEqual(bytes.encode('é'), hex('c3a9')));
  it('refuses a number, which has no single byte form', () => {
    assert.throws(() => bytes.encode(12), (error: unknown) => error instanceof PunchlineError && error.code === 'E_KAFKA_REJECTED' && /bytes codec: expected a byte array or a string, got number 12/.test(error.message));
  });
});

describe('the json codec reads and writes any JSON value', () => {
  const json = recordCodec('json');
  for (const value of [{ a: 1, b: [true, null, 'x'] }, [1, 2], 'text', 3.5, false] as const) {
    it(`round-trips ${JSON.stringify(value)}`, () => assert.deepEqual(json.decode(json.encode(value)), value));
  }
  it('writes bytes as base64 text', () => assert.equal(json.encode({ b: Buffer.from('hi') })?.toString(), '{"b":"aGk="}'));
  it('rejects text that is not JSON', () => {
    assert.throws(() => json.decode(Buffer.from('{"a":')), (error: unknown) => error instanceof DecodeError && error.kind === 'invalid_json' && /^json codec: record is not valid json/.test(error.message));
  });
  it('rejects JSON that is not UTF-8', () => {
    assert.throws(() => json.decode(hex('22ff22')), (error: unknown) => error instanceof DecodeError && error.kind === 'invalid_utf8');
  });
});

describe('the lumberjack codec reads and writes field maps', () => {
  it('round-trips fields through a 1D frame by default', () => {
    const codec = recordCodec('lumberjack');
    const encoded = codec.encode({ id: 'x', n: 1 });
    assert.ok(encoded !== null);
    assert.equal(encoded.subarray(0, 2).toString(), '1D');
    assert.deepEqual({ ...(codec.decode(encoded) as object) }, { id: 'x', n: '1' });
  });

  it('passes its options to the frames: 2J on encode, merge on decode', () => {
    const codec = recordCodec('lumberjack', { lumberjack: { format: '2J', multipleFrames: 'merge' } });
    const one = codec.encode({ a: 1 });
    const two = codec.encode({ b: true });
    assert.ok(one !== null && two !== null);
    assert.equal(one.subarray(0, 2).toString(), '2J');
    assert.deepEqual({ ...(codec.decode(Buffer.concat([one, two])) as object) }, { a: 1, b: true });
  });

  it('refuses to write a value that is not an object of fields', () => {
    assert.throws(() => recordCodec('lumberjack').encode('text'), (error: unknown) => error instanceof PunchlineError && error.code === 'E_KAFKA_REJECTED' && /expected an object of fields/.test(error.message));
  });
});
