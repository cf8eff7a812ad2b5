// Settings mistakes are reported when the punchline is validated, each at its JSON path, before
// anything connects: a missing or doubled destination, lambdas and templates that cannot compile,
// unknown clusters, formats missing what they need, and fields no upstream publishes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { platformFor, validationMessages } from '../../test/support/kafka-output-kit.js';

const platform = platformFor(['127.0.0.1:9']);

function problems(settings: Record<string, unknown>): string[] {
  return validationMessages(
    JSON.stringify({
      version: '1',
      type: 'punchline',
      dag: [
        { type: 'fixture_input', component: 'in', settings: { recorder: 'validation', tuples: [] }, publish: [{ stream: 's', fields: ['id', 'severity', 'body'] }] },
        { type: 'kafka_output', component: 'out', settings, subscribe: [{ component: 'in', stream: 's' }] },
      ],
    }),
    platform,
  );
}

const cases: readonly { readonly mistake: string; readonly settings: Record<string, unknown>; readonly expected: RegExp }[] = [
  { mistake: 'no primary destination', settings: { brokers: 'test', routes: [{ match: `"severity" == 'major'`, topic: 'major' }] }, expected: /\/dag\/1\/settings +no destination topic: give one of "topic", "topic_template" or "topics"/ },
  { mistake: 'two primary destinations', settings: { brokers: 'test', topic: 'a', topic_template: '{{ .id }}' }, expected: /\/dag\/1\/settings\/topic_template +"topic" and "topic_template" are both primary destinations/ },
  { mistake: 'brokers and cluster both', settings: { brokers: 'test', cluster: 'test', topic: 'a' }, expected: /\/dag\/1\/settings\/cluster +"brokers" and "cluster" both name the cluster/ },
  { mistake: 'unknown cluster', settings: { cluster: 'tset', topic: 'a' }, expected: /\/dag\/1\/settings\/cluster +unknown Kafka cluster "tset".*did you mean "test"/ },
  { mistake: 'illegal static topic', settings: { brokers: 'test', topic: 'cpu alerts' }, expected: /\/dag\/1\/settings\/topic +"cpu alerts" is not a legal topic name/ },
  { mistake: 'route lambda that does not parse', settings: { brokers: 'test', topic: 'a', routes: [{ match: `"severity" == `, topic: 'b' }] }, expected: /\/dag\/1\/settings\/routes\/0\/match +.*column/ },
  { mistake: 'route lambda that is not a condition', settings: { brokers: 'test', topic: 'a', routes: [{ match: `'major'`, topic: 'b' }] }, expected: /\/dag\/1\/settings\/routes\/0\/match +at column 1: a condition must give TRUE or FALSE/ },
  { mistake: 'stateful route lambda', settings: { brokers: 'test', topic: 'a', routes: [{ match: `count() > 10`, topic: 'b' }] }, expected: /\/dag\/1\/settings\/routes\/0\/match +sigma, count and spread keep state/ },
  { mistake: 'route to an unknown cluster', settings: { brokers: 'test', topic: 'a', routes: [{ match: `"severity" == 'major'`, topic: 'b', cluster: 'backup' }] }, expected: /\/dag\/1\/settings\/routes\/0\/cluster +unknown Kafka cluster "backup"/ },
  { mistake: 'topic template that does not compile', settings: { brokers: 'test', topic_template: '{{ .id | upper }}' }, expected: /\/dag\/1\/settings\/topic_template +template topic_template at line 1/ },
  { mistake: 'idempotent without retries', settings: { brokers: 'test', topic: 'a', idempotent: true, retries: 0 }, expected: /\/dag\/1\/settings\/retries +the idempotent producer needs retries of at least 1/ },
  { mistake: 'idempotent without acks all', settings: { brokers: 'test', topic: 'a', idempotent: true, acks: '1' }, expected: /\/dag\/1\/settings\/acks +the idempotent producer needs acks "all"/ },
  { mistake: 'string format without a field', settings: { brokers: 'test', topic: 'a', value_format: 'string' }, expected: /\/dag\/1\/settings\/value_format +the string format writes one field/ },
  { mistake: 'template option with the json format', settings: { brokers: 'test', topic: 'a', template: '{{ .ID }}' }, expected: /\/dag\/1\/settings\/template +"template" is only used with value_format "template" or "alert", not "json"/ },
  { mistake: 'alert format without the field of the event', settings: { brokers: 'test', topic: 'a', value_format: 'alert' }, expected: /\/dag\/1\/settings\/value_format +the alert format writes the event of one field: give "value_field"/ },
  { mistake: 'avro without a schema choice', settings: { brokers: 'test', topic: 'a', value_format: 'avro', avro: { schemas: [{ id: 's1', schema: 'string' }] } }, expected: /\/dag\/1\/settings\/avro +give "schema_id" or "schema_id_field"/ },
  { mistake: 'avro schema id not declared', settings: { brokers: 'test', topic: 'a', value_format: 'avro', avro: { schemas: [{ id: 's1', schema: 'string' }], schema_id: 's2' } }, expected: /\/dag\/1\/settings\/avro\/schema_id +schema id "s2" is not declared/ },
  { mistake: 'invalid avro schema', settings: { brokers: 'test', topic: 'a', value_format: 'avro', avro: { schemas: [{ id: 's1', schema: { type: 'record', fields: 3 } }], schema_id: 's1' } }, expected: /\/dag\/1\/settings\/avro\/schemas +avro schema "s1": not a valid avro schema/ },
  { mistake: 'key field nobody publishes', settings: { brokers: 'test', topic: 'a', key_fields: ['id', 'userid'] }, expected: /\/dag\/1\/settings\/key_fields\/1 +field "userid" is not published/ },
  { mistake: 'misspelt setting', settings: { brokers: 'test', topic: 'a', partition_algorithm: 'murmur2' }, expected: /\/dag\/1\/settings\/partition_algorithm +unknown setting "partition_algorithm".*did you mean "partitionAlgorithm"/ },
];

for (const { mistake, settings, expected } of cases) {
  test(`reports ${mistake}`, () => {
    const found = problems(settings);
    assert.ok(found.some((line) => expected.test(line)), `expected ${String(expected)} among:\n${found.join('\n')}`);
  });
}

test('acks "1" or retries 0 without an explicit idempotent turn the default idempotence off instead of failing', () => {
  for (const settings of [{ acks: '1' }, { acks: '0' }, { retries: 0 }]) {
    const found = problems({ brokers: 'test', topic: 'a', ...settings });
    assert.deepEqual(found.filter((line) => /idempotent/.test(line)), [], JSON.stringify(settings));
  }
});

test('accepts a complete configuration, warning only that rejected records have nowhere to go', () => {
  const found = problems({ brokers: 'test', topic: 'a', routes: [{ match: `"severity" == 'major'`, topic: 'b' }], key_fields: ['id'], value_fields: ['body', 'severity'] });
  assert.equal(found.length, 1, found.join('\n'));
  assert.match(found[0] ?? '', /warning.*"_ppf_errors" is not published/);
});
