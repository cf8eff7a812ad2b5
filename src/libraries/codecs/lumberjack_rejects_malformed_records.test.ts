// Every defect of a record value is a DecodeError of a countable kind with a message that says
// where in the record it is, never a RangeError, a zlib error or a JSON SyntaxError.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { PunchlineError, recordCoordinates } from '../../core/errors.js';
import { DecodeError } from './decode-error.js';
import type { DecodeErrorKind } from './decode-error.js';
import { LumberjackDecoder } from './lumberjack.js';
import type { LumberjackDecodeOptions } from './lumberjack.js';
import { encodeCompressedFrame, encodeLumberjack } from './lumberjack-encode.js';

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');
const bytes = (...parts: (Buffer | string | number[])[]): Buffer =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? ascii(part) : Buffer.isBuffer(part) ? part : Buffer.from(part))));
/** A 1D frame with raw key and value bytes, so tests can put invalid UTF-8 in them. */
const dataFrame = (pairs: [Buffer, Buffer][]): Buffer =>
  bytes('1D', u32(1), u32(pairs.length), ...pairs.flatMap(([k, v]) => [u32(k.length), k, u32(v.length), v]));
const jsonFrame = (payload: Buffer): Buffer => bytes('2J', u32(1), u32(payload.length), payload);
const compressedRaw = (payload: Buffer): Buffer => bytes('1C', u32(payload.length), payload);
const window = bytes('1W', u32(10));
const valid = encodeLumberjack({ a: '1' });

interface Case {
  readonly name: string;
  readonly value: Buffer;
  readonly kind: DecodeErrorKind;
  /** A fragment the message must contain: where and what. */
  readonly message: string;
  readonly options?: LumberjackDecodeOptions;
}

const cases: readonly Case[] = [
  { name: 'an empty value', value: Buffer.alloc(0), kind: 'no_data_frame', message: 'holds no data frame (0 bytes)' },
  { name: 'only window frames', value: bytes(window, window), kind: 'no_data_frame', message: 'holds no data frame (12 bytes)' },
  { name: 'a lone version byte', value: ascii('1'), kind: 'truncated', message: 'frame at byte 0: frame header needs 2 bytes, 1 left' },
  { name: 'an unknown version', value: bytes('3D', u32(1), u32(0)), kind: 'bad_version', message: "unknown version byte 0x33 ('3')" },
  { name: 'a binary version byte', value: bytes([0xff, 0x44]), kind: 'bad_version', message: 'unknown version byte 0xff' },
  {
    name: 'a JSON record, naming the json codec',
    value: ascii('{"fields":{"usage_idle":92.4},"name":"cpu","tags":{"host":"a"},"timestamp":1458229140}'),
    kind: 'bad_version',
    message: "frame at byte 0: unknown version byte 0x7b ('{'): the record looks like json, not lumberjack: read it with the json codec",
  },
  {
    name: 'a line protocol record, naming the influx codec',
    value: ascii('cpu,host=a usage_idle=92.4 1458229140000000000\n'),
    kind: 'bad_version',
    message: "unknown version byte 0x63 ('c'): the record looks like text, not lumberjack: read line protocol with the influx codec",
  },
  { name: 'an ack frame, which only servers send', value: bytes('1A', u32(1)), kind: 'bad_frame_type', message: "unknown frame type 0x41 ('A')" },
  { name: 'a JSON frame with version 1', value: bytes('1J', u32(1), u32(2), '{}'), kind: 'bad_frame_type', message: 'json frame (J) needs version 2' },
  { name: 'a data frame header cut short', value: bytes('1D', u32(1), [0, 0]), kind: 'truncated', message: 'data frame header needs 10 bytes, 8 left' },
  {
    name: 'a pair count the bytes cannot hold',
    value: bytes('1D', u32(1), u32(0xffffffff)),
    kind: 'truncated',
    message: 'pair count 4294967295 needs at least 34359738360 bytes, 0 left',
  },
  {
    name: 'a key length past the end',
    value: bytes('1D', u32(1), u32(1), u32(9000), 'abcd'),
    kind: 'truncated',
    message: 'key length 9000 of pair 1 past end of buffer (18 bytes)',
  },
  {
    name: 'a value length past the end',
    value: bytes('1D', u32(1), u32(1), u32(1), 'k', u32(9000), 'v'),
    kind: 'truncated',
    message: 'value length 9000 of pair 1 past end of buffer (20 bytes)',
  },
  { name: 'a missing value length', value: bytes('1D', u32(1), u32(1), u32(1), 'k', [0, 0, 0, 1]).subarray(0, 18), kind: 'truncated', message: 'value length of pair 1 past end' },
  {
    name: 'a second pair missing',
    value: bytes('1D', u32(1), u32(2), u32(1), 'k', u32(1), 'v', u32(0), u32(0)).subarray(0, 26),
    kind: 'truncated',
    message: 'of pair 2 past end of buffer',
  },
  { name: 'a key that is not UTF-8', value: dataFrame([[Buffer.from([0xc3, 0x28]), ascii('v')]]), kind: 'invalid_utf8', message: 'key of pair 1 is not valid utf-8' },
  { name: 'a value that is not UTF-8', value: dataFrame([[ascii('k'), Buffer.from([0x80])]]), kind: 'invalid_utf8', message: 'value of key "k" is not valid utf-8' },
  { name: 'a UTF-8 encoded surrogate', value: dataFrame([[ascii('k'), Buffer.from([0xed, 0xa0, 0x80])]]), kind: 'invalid_utf8', message: 'value of key "k"' },
  { name: 'an overlong UTF-8 sequence', value: dataFrame([[ascii('k'), Buffer.from([0xc0, 0xaf])]]), kind: 'invalid_utf8', message: 'value of key "k"' },
  { name: 'a JSON payload past the end', value: bytes('2J', u32(1), u32(50), '{}'), kind: 'truncated', message: 'json payload length 50 past end of buffer (12 bytes)' },
  { name: 'a JSON payload that is not JSON', value: jsonFrame(ascii('{"a":')), kind: 'invalid_json', message: 'json frame payload is not valid json' },
  { name: 'a JSON payload that is an array', value: jsonFrame(ascii('[1,2]')), kind: 'invalid_json', message: 'json frame payload is an array, not an object' },
  { name: 'a JSON payload that is null', value: jsonFrame(ascii('null')), kind: 'invalid_json', message: 'json frame payload is null, not an object' },
  { name: 'a JSON payload that is not UTF-8', value: jsonFrame(Buffer.from([0x7b, 0xff, 0x7d])), kind: 'invalid_utf8', message: 'json frame payload is not valid utf-8' },
  { name: 'a window frame cut short', value: bytes('1W', [0, 0]), kind: 'truncated', message: 'window frame needs 6 bytes, 4 left' },
  { name: 'a compressed payload past the end', value: bytes('1C', u32(100), [1, 2, 3]), kind: 'truncated', message: 'compressed payload length 100 past end of buffer (9 bytes)' },
  { name: 'a compressed payload that is not zlib', value: compressedRaw(ascii('not zlib at all')), kind: 'zlib', message: 'compressed payload does not inflate' },
  {
    name: 'a zlib stream cut short',
    value: compressedRaw(deflateSync(valid).subarray(0, 6)),
    kind: 'zlib',
    message: 'frame at byte 0: compressed payload does not inflate',
  },
  {
    name: 'bytes after the zlib stream',
    value: compressedRaw(Buffer.concat([deflateSync(valid), ascii('junk')])),
    kind: 'zlib',
    message: '4 bytes after the end of the zlib stream',
  },
  {
    name: 'a truncated frame inside a compressed frame',
    value: bytes(window, encodeCompressedFrame(valid.subarray(0, 12))),
    kind: 'truncated',
    message: 'compressed frame at byte 6, inner frame at byte 0: pair count 1 needs at least 8 bytes, 2 left',
  },
  {
    name: 'a compressed frame inside a compressed frame',
    value: encodeCompressedFrame(encodeCompressedFrame(valid)),
    kind: 'bad_frame_type',
    message: 'compressed frame inside a compressed frame',
  },
  {
    name: 'a zip bomb: 1 MiB of zeros in a few hundred bytes, against a 64 KiB cap',
    value: compressedRaw(deflateSync(Buffer.alloc(1024 * 1024))),
    kind: 'too_large',
    message: 'inflates past the cap of 65536 bytes per record',
    options: { maxInflatedBytes: 65536 },
  },
  {
    name: 'two compressed frames that together pass the cap',
    value: bytes(encodeCompressedFrame(encodeLumberjack({ a: 'x'.repeat(600) })), encodeCompressedFrame(encodeLumberjack({ b: 'y'.repeat(600) }))),
    kind: 'too_large',
    message: 'frame at byte',
    options: { maxInflatedBytes: 1000, multipleFrames: 'merge' },
  },
  { name: 'two data frames by default', value: bytes(valid, valid), kind: 'multiple_frames', message: 'frame at byte 20: data frame number 2 in one record' },
  { name: 'a data frame then a JSON frame by default', value: bytes(valid, encodeLumberjack({ b: 2 }, { format: '2J' })), kind: 'multiple_frames', message: 'data frame number 2' },
  {
    name: 'two data frames inside one compressed frame by default',
    value: encodeCompressedFrame(bytes(valid, valid)),
    kind: 'multiple_frames',
    message: 'compressed frame at byte 0, inner frame at byte 20',
  },
  { name: 'garbage after a valid frame', value: bytes(valid, 'x'), kind: 'truncated', message: 'frame at byte 20: frame header needs 2 bytes, 1 left' },
];

describe('lumberjack decoding rejects malformed records with a typed error', () => {
  for (const { name, value, kind, message, options } of cases) {
    it(`rejects ${name} as ${kind}`, () => {
      const decoder = new LumberjackDecoder(options);
      assert.throws(
        () => decoder.decode(value),
        (error: unknown) => {
          assert.ok(error instanceof DecodeError, `expected a DecodeError, got ${String(error)}`);
          assert.equal(error.kind, kind);
          assert.equal(error.code, 'E_DECODE');
          assert.equal(error.retriable, false);
          assert.ok(error.message.startsWith('lumberjack: '), error.message);
          assert.ok(error.message.includes(message), `message ${JSON.stringify(error.message)} lacks ${JSON.stringify(message)}`);
          return true;
        },
      );
    });
  }

  it('keeps the kind when the node prefixes the record coordinates', () => {
    const decoder = new LumberjackDecoder();
    try {
      decoder.decode(bytes('1D', u32(1), u32(1), u32(9000), 'abcd'));
      assert.fail('decoding should have failed');
    } catch (error) {
      assert.ok(error instanceof DecodeError);
      const coordinates = recordCoordinates('mytopic', 3, '1042');
      const wrapped = error.within(`kafka_input[input]: decoding record ${coordinates}`, { topic: 'mytopic', partition: 3, offset: '1042' });
      assert.ok(wrapped instanceof DecodeError && wrapped instanceof PunchlineError);
      assert.equal(wrapped.kind, 'truncated');
      assert.equal(wrapped.context.partition, 3);
      assert.match(wrapped.message, /^kafka_input\[input\]: decoding record mytopic\/3@1042: lumberjack: frame at byte 0: key length 9000 of pair 1 past end of buffer \(18 bytes\)$/);
    }
  });

  it('decodes normally after a failed record: no state leaks between calls', () => {
    const decoder = new LumberjackDecoder();
    assert.throws(() => decoder.decode(bytes(valid, valid)), DecodeError);
    assert.deepEqual({ ...decoder.decode(valid) }, { a: '1' });
  });

  it('refuses an unknown policy or a negative cap when built, not on the first record', () => {
    const configError = (pattern: RegExp) => (error: unknown) => error instanceof PunchlineError && error.code === 'E_CONFIG_INVALID' && pattern.test(error.message);
    assert.throws(() => new LumberjackDecoder({ multipleFrames: 'first' as 'last' }), configError(/unknown multiple frames policy "first"/));
    assert.throws(() => new LumberjackDecoder({ maxInflatedBytes: -1 }), configError(/must be an integer from 0 to \d+ \(the largest Buffer\), got -1/));
    assert.throws(() => new LumberjackDecoder({ maxInflatedBytes: 2 ** 53 }), configError(/got 9007199254740992/));
  });
});

describe('lumberjack decoding of several data frames follows the configured policy', () => {
  const first = encodeLumberjack({ a: '1', shared: 'first' });
  const second = encodeLumberjack({ b: '2', shared: 'second' }, { format: '2J' });
  const value = bytes(first, window, encodeCompressedFrame(second));

  it('keeps only the last data frame with "last"', () => {
    assert.deepEqual({ ...new LumberjackDecoder({ multipleFrames: 'last' }).decode(value) }, { b: '2', shared: 'second' });
  });

  it('merges the frames, later keys winning, with "merge"', () => {
    assert.deepEqual({ ...new LumberjackDecoder({ multipleFrames: 'merge' }).decode(value) }, { a: '1', b: '2', shared: 'second' });
  });

  it('accepts a single data frame under every policy', () => {
    for (const multipleFrames of ['error', 'last', 'merge'] as const) {
      assert.deepEqual({ ...new LumberjackDecoder({ multipleFrames }).decode(bytes(window, first)) }, { a: '1', shared: 'first' });
    }
  });
});
