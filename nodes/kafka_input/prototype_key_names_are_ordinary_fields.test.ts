/**
 * Keys a producer chose are ordinary fields, whatever their name: `__proto__`, `constructor`,
 * `toString` or `hasOwnProperty` in a lumberjack map (data or JSON frame), in a JSON value, or
 * published by a node whose record lacks them (a tombstone, a string value, an error tuple), come
 * out as the record's value or as null, never as an object's prototype or a function.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { FieldValue, Fields } from '../../src/runtime/node-api.js';
import { compileProjection } from '../../src/runtime/field-layouts.js';
import { recordCodec } from '../../src/libraries/codecs/record-codecs.js';
import { RecordDecoder } from './record-decoding.js';
import type { KafkaRecord } from './record-decoding.js';
import type { KafkaInputSettings } from './settings.generated.js';

interface LumberjackProtocol {
  makeDataFrame(sequence: number, data: Readonly<Record<string, unknown>>): Buffer;
}
const protocol = createRequire(import.meta.url)('lumberjack-protocol/lib/lumberjack.js') as LumberjackProtocol;

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'] as const;

/** A `2J` frame around `json` text, written by hand so `__proto__` stays a key of the text. */
function jsonFrame(json: string): Buffer {
  const payload = Buffer.from(json);
  const frame = Buffer.alloc(10 + payload.length);
  frame.write('2J', 0, 'latin1');
  frame.writeUInt32BE(1, 2);
  frame.writeUInt32BE(payload.length, 6);
  payload.copy(frame, 10);
  return frame;
}

function decoder(settings: Partial<Pick<KafkaInputSettings, 'value_codec' | 'on_null_value'>> = {}): RecordDecoder {
  return new RecordDecoder({ value_codec: codec('lumberjack'), headers_fields: [], on_null_value: 'emit', ...settings }, 'kafka_input[input]');
}

/** A codec setting as the schema fills it. */
function codec(type: KafkaInputSettings['value_codec']['type'], fields: Readonly<Record<string, string>> = {}): KafkaInputSettings['value_codec'] {
  return { type, multiple_frames: 'error', fields: { ...fields }, precision: 'ns', json_timestamp_units: '1s', on_decoding_error: 'DEAD_LETTER' };
}

const record = (value: Buffer | null): KafkaRecord => ({ topic: 't', partition: 0, offset: 7, timestamp: '1', key: null, value });

/** What an output sees: the published fields projected as the runtime does, then JSON. */
function published(fields: Fields, names: readonly string[] = NAMES): unknown {
  return JSON.parse(JSON.stringify(compileProjection(names)(fields))) as unknown;
}

const allNull = Object.fromEntries(NAMES.map((name) => [name, null]));
const allSet = Object.fromEntries(NAMES.map((name) => [name, `v-${name}`]));

describe('key names of Object.prototype are ordinary fields', () => {
  const cases: readonly { name: string; settings?: Parameters<typeof decoder>[0]; value: Buffer | null; expected: unknown; names?: readonly string[] }[] = [
    { name: 'lumberjack data frame holding them', value: protocol.makeDataFrame(1, allSet), expected: allSet },
    { name: 'lumberjack data frame without them', value: protocol.makeDataFrame(1, { other: 'x' }), expected: allNull },
    { name: 'lumberjack json frame holding them', value: jsonFrame(JSON.stringify(allSet)), expected: allSet },
    {
      name: 'lumberjack json frame with an object under __proto__',
      value: jsonFrame('{"__proto__":{"polluted":true},"constructor":1}'),
      names: ['__proto__', 'constructor', 'polluted'],
      expected: JSON.parse('{"__proto__":{"polluted":true},"constructor":1,"polluted":null}') as unknown,
    },
    { name: 'tombstone emitted (lumberjack)', value: null, expected: allNull },
    { name: 'tombstone emitted (string codec)', settings: { value_codec: codec('string') }, value: null, expected: allNull },
    { name: 'string value', settings: { value_codec: codec('string') }, value: Buffer.from('text'), expected: allNull },
    { name: 'json object holding them', settings: { value_codec: codec('json') }, value: Buffer.from(JSON.stringify(allSet)), expected: allSet },
    { name: 'json object without them', settings: { value_codec: codec('json') }, value: Buffer.from('{"other":1}'), expected: allNull },
    {
      name: 'json object with an object under __proto__',
      settings: { value_codec: codec('json') },
      value: Buffer.from('{"__proto__":{"polluted":true}}'),
      names: ['__proto__', 'polluted'],
      expected: JSON.parse('{"__proto__":{"polluted":true},"polluted":null}') as unknown,
    },
    {
      name: 'json object read through pointers that name them',
      settings: { value_codec: codec('json', { a: '/constructor', b: '/toString/length', c: '/x/__proto__' }) },
      value: Buffer.from('{"x":{}}'),
      names: ['a', 'b', 'c'],
      expected: { a: null, b: null, c: null },
    },
    {
      name: 'line protocol tag and field keys',
      settings: { value_codec: codec('influx') },
      value: Buffer.from('m,__proto__=p,toString=s constructor=1i,hasOwnProperty="h"'),
      expected: JSON.parse('{"__proto__":"p","constructor":1,"toString":"s","hasOwnProperty":"h"}') as unknown,
    },
    { name: 'error tuple of a tombstone', settings: { on_null_value: 'dead_letter' }, value: null, expected: allNull },
    { name: 'error tuple of a bad frame', value: Buffer.from('garbage'), expected: allNull },
  ];
  for (const { name, settings, value, expected, names } of cases) {
    it(`publishes them from a ${name}`, () => {
      const [decoded] = decoder(settings).decode(record(value)).tuples;
      assert.notEqual(decoded, undefined);
      if (decoded === undefined) return;
      assert.deepEqual(published(decoded.fields, names), expected);
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype was polluted');
      for (const member of NAMES) {
        if (Object.hasOwn(decoded.fields, member)) continue;
        assert.ok(!(member in decoded.fields), `${member} is not inherited`);
      }
    });
  }

  it('keeps them as keys of a json value and of nested objects', () => {
    const value = recordCodec('json').decode(Buffer.from('{"__proto__":{"constructor":"c"},"toString":"s"}')) as Record<string, FieldValue>;
    assert.deepEqual(Object.keys(value), ['__proto__', 'toString']);
    assert.equal(JSON.stringify(value), '{"__proto__":{"constructor":"c"},"toString":"s"}');
  });
});
