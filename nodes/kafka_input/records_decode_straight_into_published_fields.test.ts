/**
 * Pure logic: a lumberjack record read straight into the published fields
 * ({@link RecordDecoder.publishedFields}) gives what the whole decoding gives as the published
 * streams see it (the projection: published fields in order, null when missing), or nothing,
 * and then the whole decoding says what the record is. A record that is not valid UTF-8, even in
 * a field nobody publishes, is never read straight.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeLumberjack } from '../../src/libraries/codecs/lumberjack-encode.js';
import { RecordDecoder } from './record-decoding.js';
import type { KafkaInputSettings } from './settings.generated.js';
import type { Fields } from '../../src/runtime/node-api.js';

const PUBLISHED = ['id', 'msg', 'absent', '__proto__', '_ppf_partition_offset', '_ppf_topic_name', '_ppf_kafka_timestamp'];

function decoder(settings: Partial<KafkaInputSettings> = {}): RecordDecoder {
  const value_codec = { type: 'lumberjack', multiple_frames: 'error', fields: {}, precision: 'ns', json_timestamp_units: '1s', on_decoding_error: 'DEAD_LETTER' } as const;
  return new RecordDecoder({ value_codec, headers_fields: [], on_null_value: 'dead_letter', ...settings }, 'kafka_input[in]', PUBLISHED);
}

/** A `2D` frame of raw pairs (keys and values may be any bytes). */
function rawFrame(pairs: readonly (readonly [string | Buffer, string | Buffer])[]): Buffer {
  const header = Buffer.alloc(10);
  header.write('2D', 0, 'latin1');
  header.writeUInt32BE(1, 2);
  header.writeUInt32BE(pairs.length, 6);
  const parts = [header];
  for (const [key, value] of pairs) {
    for (const part of [Buffer.from(key), Buffer.from(value)]) {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(part.length);
      parts.push(length, part);
    }
  }
  return Buffer.concat(parts);
}

/** What the published stream gets from the whole decoding: its fields in order, null when missing; or the error. */
function wholeDecoding(d: RecordDecoder, value: Buffer, offset: number): Fields | string {
  const [tuple] = d.decode({ topic: 't', partition: 2, offset, timestamp: '1700000000000', key: null, value }).tuples;
  assert.ok(tuple !== undefined);
  if (tuple.error !== undefined) return tuple.error.kind;
  return Object.fromEntries(PUBLISHED.map((name) => [name, Object.hasOwn(tuple.fields, name) ? (tuple.fields[name] ?? null) : null]));
}

function straight(d: RecordDecoder, value: Buffer, offset: number): Fields | undefined {
  return d.publishedFields('t', 2, offset, '1700000000000', value);
}

describe('records decoded straight into the published fields', () => {
  it('gives the published fields in their order, missing ones null, forged reserved fields overridden', () => {
    const d = decoder();
    const value = encodeLumberjack({ msg: 'héllo', other: 'not published', id: 'e1', _ppf_topic_name: 'forged', ['__proto__']: 'p' });
    const fields = straight(d, value, 42);
    assert.deepEqual(Object.keys(fields ?? {}), PUBLISHED);
    assert.deepEqual({ ...fields }, { id: 'e1', msg: 'héllo', absent: null, ['__proto__']: 'p', _ppf_partition_offset: 42, _ppf_topic_name: 't', _ppf_kafka_timestamp: 1700000000000 });
    assert.equal(Object.getPrototypeOf(fields), Object.prototype, '__proto__ is an ordinary field');
    assert.deepEqual({ ...fields }, wholeDecoding(d, value, 42));
  });

  it('keeps the last of a key given twice, and reads records whose keys change order from one to the next', () => {
    const d = decoder();
    const first = rawFrame([['id', 'a'], ['msg', 'm'], ['id', 'b']]);
    const second = rawFrame([['msg', 'n'], ['id', 'c']]);
    const third = rawFrame([]);
    for (const [value, id, msg] of [[first, 'b', 'm'], [second, 'c', 'n'], [third, null, null], [first, 'b', 'm']] as const) {
      const fields = straight(d, value, 1);
      assert.equal(fields?.id, id);
      assert.equal(fields?.msg, msg);
      assert.deepEqual({ ...fields }, wholeDecoding(d, value, 1));
    }
  });

  it('reads nothing straight from a record that is not valid UTF-8, in a published field or not, nor from other frames', () => {
    const d = decoder();
    const notUtf8 = Buffer.from([0x61, 0xc3, 0x28]);
    const good = encodeLumberjack({ id: 'x', msg: 'y' });
    const cases: [string, Buffer, string][] = [
      ['published value', rawFrame([['id', notUtf8]]), 'invalid_utf8'],
      ['unpublished value', rawFrame([['id', 'ok'], ['other', notUtf8]]), 'invalid_utf8'],
      ['key', rawFrame([[notUtf8, 'v']]), 'invalid_utf8'],
      ['two frames', Buffer.concat([good, good]), 'multiple_frames'],
      ['truncated', good.subarray(0, good.length - 1), 'truncated'],
      ['trailing byte', Buffer.concat([good, Buffer.from([0x32])]), 'truncated'],
      ['empty', Buffer.alloc(0), 'no_data_frame'],
    ];
    for (const [name, value, kind] of cases) {
      // Read straight between good records, as in the middle of a fetch: the good ones on either side stay whole.
      assert.equal(straight(d, good, 0)?.id, 'x');
      assert.equal(straight(d, value, 1), undefined, name);
      assert.equal(wholeDecoding(d, value, 1), kind, name);
      assert.deepEqual({ ...straight(d, good, 2) }, wholeDecoding(d, good, 2));
    }
  });

  it('agrees with the whole decoding on mutated frames: the same fields, or nothing straight and an error', () => {
    const d = decoder();
    let seed = 7;
    const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    let read = 0;
    for (let i = 0; i < 3000; i++) {
      const value = Buffer.from(encodeLumberjack({ id: `e${i}`, msg: 'é'.repeat(random(4)), other: 'x' }));
      for (let flips = random(3); flips > 0; flips--) value[random(value.length)] = random(256);
      const fields = straight(d, value, i);
      const whole = wholeDecoding(d, value, i);
      if (fields === undefined) assert.equal(typeof whole, 'string', `record ${i} decodes whole, so it reads straight`);
      else {
        read++;
        assert.deepEqual({ ...fields }, whole, `record ${i}`);
      }
    }
    assert.ok(read > 1000, 'most records read straight');
  });

  it('is not used where the record gives more than its value frame: a key codec, headers fields or pointers', () => {
    const string = { type: 'string', multiple_frames: 'error', fields: {}, precision: 'ns', json_timestamp_units: '1s', on_decoding_error: 'DEAD_LETTER' } as const;
    assert.equal(decoder({ key_codec: string }).publishedFields('t', 0, 0, '0', encodeLumberjack({ id: 'x' })), undefined);
    assert.equal(decoder({ headers_fields: [{ header: 'h', field: 'h', type: 'string', encoding: 'utf-8', ordering: 'big_endian', on_decoding_error: 'WARN' }] }).publishedFields('t', 0, 0, '0', encodeLumberjack({ id: 'x' })), undefined);
  });
});
