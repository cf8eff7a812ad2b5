// A record that can never be written (too large for the broker, an illegal topic name, a value
// its Avro schema refuses) must not be retried forever nor lost silently: its tuple is acked and
// the record goes to `_ppf_errors` with the reason, here into a dead-letter file (a record too
// large for Kafka would not fit a dead-letter topic either). The records sharing a produce request
// with it are still written.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { KafkaClusterDetails } from '../../src/tools/local-broker/index.js';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureRecorder, metricSum, platformFor, readTopic, sharedKafka, startTestPunchline, uniqueName } from '../../test/support/kafka-output-kit.js';

let kafka: KafkaClusterDetails;
before(async () => {
  kafka = await sharedKafka();
});

/** A punchline whose kafka_output sends what it cannot write to a dead-letter file. */
function withDeadLetters(recorder: string, tuples: Record<string, unknown>[], fields: string[], settings: Record<string, unknown>, deadLetters: string): string {
  return JSON.stringify({
    version: '1',
    type: 'punchline',
    dag: [
      { type: 'fixture_input', component: 'in', settings: { recorder, tuples }, publish: [{ stream: 's', fields: ['_ppf_id', ...fields] }] },
      {
        type: 'kafka_output',
        component: 'out',
        settings: { brokers: 'test', topic_creation: { enabled: true }, ...settings },
        subscribe: [{ component: 'in', stream: 's' }],
        publish: [{ stream: '_ppf_errors', fields: ['_ppf_id', '_ppf_error_message', '_ppf_error_document'] }],
      },
      { type: 'file_output', component: 'dead_letters', settings: { path: deadLetters }, subscribe: [{ component: 'out', stream: '_ppf_errors' }] },
    ],
  });
}

interface DeadLetter {
  readonly _ppf_id: number;
  readonly _ppf_error_message: string;
  readonly _ppf_error_document: string;
}

async function deadLetterFile(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'kafka-output-dlq-')), 'dead-letters.jsonl');
}

async function deadLetters(file: string): Promise<DeadLetter[]> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
  return lines.map((line) => JSON.parse(line) as DeadLetter).sort((a, b) => a._ppf_id - b._ppf_id);
}

test('a record the broker refuses as too large, and one with an illegal topic, go to _ppf_errors while their batch is written', async () => {
  const topic = uniqueName('mixed');
  const dlq = await deadLetterFile();
  const huge = 'x'.repeat(1_200_000); // above the broker's default message.max.bytes (1 MiB)
  const tuples = [{ body: 'a' }, { body: huge }, { body: 'c' }, { body: 'd', dest: 'no spaces allowed!' }, { body: 'e' }];
  const { result, registry } = await startTestPunchline(
    // One produce request for all (max_batch_bytes above the batch), so the broker refuses the request as a whole.
    withDeadLetters('too-large', tuples, ['body', 'dest'], { topic, topic_field: 'dest', value_fields: ['body'], max_batch_bytes: 8_000_000, batch_size: 10, batch_timeout_ms: 200 }, dlq),
    platformFor(kafka.bootstrapServers),
  );
  assert.equal((await result).exitCode, 0);
  const seen = fixtureRecorder('too-large');
  assert.deepEqual(seen.failed, [], 'nothing failed: nothing will be replayed forever');
  assert.deepEqual([...seen.acked].sort(), [0, 1, 2, 3, 4]);

  const written = (await readTopic(kafka, topic)).map((r) => (JSON.parse(r.value?.toString('utf8') ?? '{}') as { body: string }).body);
  assert.deepEqual(written.sort(), ['a', 'c', 'e']);
  const letters = await deadLetters(dlq);
  assert.deepEqual(letters.map((l) => l._ppf_id), [1, 3]);
  assert.match(letters[0]?._ppf_error_message ?? '', /^kafka_output\[out\]: .*larger than the max message size/);
  assert.equal((JSON.parse(letters[0]?._ppf_error_document ?? '{}') as { body: string }).body.length, huge.length, 'the document is the tuple, to replay it from the dead letters');
  assert.match(letters[1]?._ppf_error_message ?? '', /topic "no spaces allowed!" is not legal/);
  assert.equal(await metricSum(registry, 'punchline_kafka_output_errors_total', { component: 'out', kind: 'too_large' }), 1);
  assert.equal(await metricSum(registry, 'punchline_kafka_output_errors_total', { component: 'out', kind: 'invalid_topic' }), 1);
});

test('a value its Avro schema refuses, and a topic template missing a field, go to _ppf_errors with the field named', async () => {
  const dlq = await deadLetterFile();
  const group = uniqueName('grp');
  const tuples = [
    { name: 'ok', count: 3, group },
    { name: 'bad', count: 'three', group },
    { name: 'nogroup', count: 4 },
  ];
  const { result } = await startTestPunchline(
    withDeadLetters(
      'avro-mismatch',
      tuples,
      ['name', 'count', 'group'],
      {
        topic_template: '{{ .group }}.counts',
        value_format: 'avro',
        value_fields: ['name', 'count'],
        avro: { schemas: [{ id: 'counts', schema: { type: 'record', name: 'Count', fields: [{ name: 'name', type: 'string' }, { name: 'count', type: 'int' }] } }], schema_id: 'counts' },
      },
      dlq,
    ),
    platformFor(kafka.bootstrapServers),
  );
  assert.equal((await result).exitCode, 0);
  assert.deepEqual(fixtureRecorder('avro-mismatch').failed, []);
  assert.equal((await readTopic(kafka, `${group}.counts`)).length, 1, 'the valid record is written');
  const letters = await deadLetters(dlq);
  assert.deepEqual(letters.map((l) => l._ppf_id), [1, 2]);
  assert.match(letters[0]?._ppf_error_message ?? '', /avro schema "counts": field count: expected int, got string "three"/);
  assert.match(letters[1]?._ppf_error_message ?? '', /the topic template read a field this tuple does not have/);
});
