// JSON records as fields: the json codec spreads an object's members and refuses other values;
// JSON pointers (RFC 6901) read nested values; Telegraf's JSON serializer decodes to the same
// metric as line protocol, timestamps in each of its units, batches refused.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldValue } from '../../core/fields.js';
import { DecodeError } from './decode-error.js';
import type { DecodeErrorKind } from './decode-error.js';
import { JsonPointerSyntaxError, compileJsonPointer } from './json-pointer.js';
import { recordCodec } from './record-codecs.js';
import type { RecordCodec } from './record-codecs.js';
import type { TelegrafTimestampUnits } from './telegraf-json.js';

const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;
const fieldsOf = (codec: RecordCodec, text: string): unknown => plain(codec.spread?.(codec.decode(Buffer.from(text))));

function refuses(run: () => unknown, kind: DecodeErrorKind, message: RegExp): void {
  assert.throws(run, (error: unknown) => error instanceof DecodeError && error.kind === kind && message.test(error.message));
}

describe('the json codec spreads an object into fields, typed', () => {
  const json = recordCodec('json');

  it('keeps numbers, booleans, null, objects and arrays as they are', () => {
    assert.deepEqual(fieldsOf(json, '{"host":"a","usage":92.5,"up":true,"note":null,"tags":{"dc":"eu"},"cores":[1,2]}'), {
      host: 'a',
      usage: 92.5,
      up: true,
      note: null,
      tags: { dc: 'eu' },
      cores: [1, 2],
    });
  });

  for (const [text, what] of [
    ['[1,2]', 'an array'],
    ['"text"', 'a string'],
    ['42', 'a number'],
    ['null', 'null'],
    ['true', 'a boolean'],
  ] as const) {
    it(`refuses ${text}: ${what} is not an object of fields`, () => {
      refuses(() => json.spread?.(json.decode(Buffer.from(text))), 'invalid_json', new RegExp(`^json codec: record is ${what}, not an object of fields$`));
    });
  }

  it('refuses text that is not json', () => {
    refuses(() => json.decode(Buffer.from('{"a":')), 'invalid_json', /^json codec: record is not valid json: /);
  });
});

describe('json pointers read nested values', () => {
  const document = JSON.parse('{"tags":{"host":"a","a/b":1,"m~n":2},"fields":{"usage_idle":92.4},"list":[{"x":1},{"x":2}],"":{"":3}}') as FieldValue;
  const cases: readonly [string, FieldValue][] = [
    ['/tags/host', 'a'],
    ['/fields/usage_idle', 92.4],
    ['/tags/a~1b', 1],
    ['/tags/m~0n', 2],
    ['/list/1/x', 2],
    ['/list/0', { x: 1 }],
    ['//', 3],
    ['/tags/missing', null],
    ['/list/2', null],
    ['/list/01', null],
    ['/list/-', null],
    ['/tags/host/length', null],
    ['/fields/usage_idle/0', null],
  ];
  for (const [pointer, expected] of cases) {
    it(`reads ${JSON.stringify(pointer)} as ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(compileJsonPointer(pointer)(document), expected);
    });
  }

  it('reads the whole document with the empty pointer', () => {
    assert.equal(compileJsonPointer('')(document), document);
  });

  for (const pointer of ['tags/host', '/a~2', '/a~']) {
    it(`refuses the pointer ${JSON.stringify(pointer)}`, () => {
      assert.throws(() => compileJsonPointer(pointer), JsonPointerSyntaxError);
    });
  }
});

describe("the telegraf_json codec reads Telegraf's json serializer", () => {
  const record = '{"fields":{"usage_idle":92.4,"usage_user":4.2,"ok":true},"name":"cpu","tags":{"cpu":"cpu0","host":"node1"},"timestamp":1709572232}';

  it('gives the same fields as the line protocol of the same metric', () => {
    const fromJson = fieldsOf(recordCodec('telegraf_json'), record);
    const fromLine = fieldsOf(recordCodec('influx'), 'cpu,cpu=cpu0,host=node1 usage_idle=92.4,usage_user=4.2,ok=true 1709572232000000000');
    assert.deepEqual(fromJson, {
      cpu: 'cpu0',
      host: 'node1',
      usage_idle: 92.4,
      usage_user: 4.2,
      ok: true,
      _measurement: 'cpu',
      _time: '2024-03-04T17:10:32.000000000Z',
      _tags: ['cpu', 'host'],
    });
    assert.deepEqual(fromJson, fromLine);
  });

  const units: readonly [TelegrafTimestampUnits, string, string][] = [
    ['1s', '1709572232', '2024-03-04T17:10:32.000000000Z'],
    ['1ms', '1709572232123', '2024-03-04T17:10:32.123000000Z'],
    ['1us', '1709572232123456', '2024-03-04T17:10:32.123456000Z'],
    ['1ns', '1709572232123456789', '2024-03-04T17:10:32.123456789Z'],
  ];
  for (const [unit, stamp, time] of units) {
    it(`reads timestamp ${stamp} in ${unit} as ${time}, every digit kept`, () => {
      const codec = recordCodec('telegraf_json', { jsonTimestampUnits: unit });
      assert.equal((plain(codec.decode(Buffer.from(`{"fields":{"v":1},"name":"m","tags":{},"timestamp":${stamp}}`))) as { timestamp: unknown }).timestamp, time);
    });
  }

  it('keeps an RFC 3339 timestamp (json_timestamp_format) as it is, and a missing one as null', () => {
    const codec = recordCodec('telegraf_json');
    assert.equal((plain(codec.decode(Buffer.from('{"fields":{"v":1},"name":"m","timestamp":"2024-03-04T17:10:32.5+01:00"}'))) as { timestamp: unknown }).timestamp, '2024-03-04T17:10:32.5+01:00');
    assert.deepEqual(plain(codec.decode(Buffer.from('{"fields":{"v":1},"name":"m"}'))), { name: 'm', tags: {}, fields: { v: 1 }, timestamp: null });
  });

  it('reads a batch of one metric, and refuses a batch of several with kind multiple_metrics', () => {
    const codec = recordCodec('telegraf_json');
    assert.equal((plain(codec.decode(Buffer.from(`{"metrics":[${record}]}`))) as { name: unknown }).name, 'cpu');
    refuses(() => codec.decode(Buffer.from(`{"metrics":[${record},${record}]}`)), 'multiple_metrics', /batch of 2 metrics/);
  });

  const malformed: readonly [string, string, RegExp][] = [
    ['not json', '{"name":', /telegraf json: record is not valid json/],
    ['an array', '[1]', /the record is an array, not a metric object/],
    ['no name', '{"fields":{"v":1}}', /the metric has no "name"/],
    ['no fields', '{"name":"m"}', /the metric has no "fields" object/],
    ['a tag that is not a string', '{"name":"m","fields":{"v":1},"tags":{"n":1}}', /tag "n" of the metric is a number, not a string/],
    ['a timestamp that is not an integer', '{"name":"m","fields":{"v":1},"timestamp":1.5}', /"timestamp" of the metric is a number, not an integer/],
    ['a timestamp that is not a time', '{"name":"m","fields":{"v":1},"timestamp":"yesterday"}', /not an RFC 3339 time/],
  ];
  for (const [what, text, message] of malformed) {
    it(`refuses ${what}`, () => {
      refuses(() => recordCodec('telegraf_json').decode(Buffer.from(text)), 'invalid_json', message);
    });
  }
});
