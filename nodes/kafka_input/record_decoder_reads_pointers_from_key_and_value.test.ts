/**
 * The codec's `fields` as the node applies them, pure logic: pointers into a JSON value win over
 * its top-level members, pointers into a JSON key add fields while the key stays in `key`, a
 * tombstone emitted gives null pointer fields, and a plain-value codec with pointers is refused
 * at construction, naming the setting.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PunchlineError } from '../../src/core/errors.js';
import { RecordDecoder } from './record-decoding.js';
import type { KafkaRecord } from './record-decoding.js';
import type { KafkaInputSettings, RecordCodecSetting } from './settings.generated.js';

function codec(type: RecordCodecSetting['type'], fields: Readonly<Record<string, string>> = {}): RecordCodecSetting {
  return { type, multiple_frames: 'error', fields: { ...fields }, precision: 'ns', json_timestamp_units: '1s', on_decoding_error: 'DEAD_LETTER' };
}

function decode(settings: Partial<Pick<KafkaInputSettings, 'key_codec' | 'value_codec'>>, key: string | null, value: string | null): unknown {
  const decoder = new RecordDecoder({ value_codec: codec('json'), headers_fields: [], on_null_value: 'emit', ...settings }, 'kafka_input[input]');
  const record: KafkaRecord = { topic: 't', partition: 0, offset: 3, timestamp: '1', key: key === null ? null : Buffer.from(key), value: value === null ? null : Buffer.from(value) };
  const [tuple, ...more] = decoder.decode(record).tuples;
  assert.equal(more.length, 0);
  assert.equal(tuple?.error, undefined);
  if (tuple === undefined) return undefined;
  const { _ppf_topic_name, _ppf_partition_id, _ppf_partition_offset, _ppf_kafka_timestamp, ...fields } = tuple.fields;
  return JSON.parse(JSON.stringify(fields)) as unknown;
}

describe('codec fields (JSON pointers) in record decoding', () => {
  it('reads nested value members, a pointer field winning over a top-level member of its name', () => {
    assert.deepEqual(decode({ value_codec: codec('json', { host: '/tags/host', idle: '/fields/idle' }) }, null, '{"host":"top","tags":{"host":"nested"},"fields":{"idle":7.5}}'), {
      host: 'nested',
      tags: { host: 'nested' },
      fields: { idle: 7.5 },
      idle: 7.5,
    });
  });

  it('reads members of a JSON key into fields, the key itself staying in `key`', () => {
    assert.deepEqual(decode({ key_codec: codec('json', { tenant: '/tenant' }) }, '{"tenant":"acme"}', '{"v":1}'), { v: 1, key: { tenant: 'acme' }, tenant: 'acme' });
  });

  it('gives null pointer fields for a record without a key', () => {
    assert.deepEqual(decode({ key_codec: codec('json', { tenant: '/tenant' }) }, null, '{"v":1}'), { v: 1, key: null, tenant: null });
  });

  it('reads metric pointers in the Telegraf json layout for line protocol', () => {
    assert.deepEqual(decode({ value_codec: codec('influx', { measurement: '/name', host_tag: '/tags/host', at: '/timestamp' }) }, null, 'cpu,host=a host=1i 1'), {
      host: 1,
      _measurement: 'cpu',
      _time: '1970-01-01T00:00:00.000000001Z',
      // The field host hides the tag host: no tag is left to list.
      _tags: [],
      measurement: 'cpu',
      host_tag: 'a',
      at: '1970-01-01T00:00:00.000000001Z',
    });
  });

  it('refuses pointers on a codec that gives one plain value, naming the setting', () => {
    assert.throws(
      () => decode({ value_codec: codec('string', { host: '/host' }) }, null, 'x'),
      (error: unknown) => error instanceof PunchlineError && error.code === 'E_CONFIG_INVALID' && /^\/settings\/value_codec\/fields: the string codec gives one plain value/.test(error.message),
    );
  });
});
