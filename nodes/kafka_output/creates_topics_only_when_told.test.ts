// kafka_output writes to topics that exist. A topic name with a typo must not become a new topic
// with the broker's default partition count: a missing topic named in the settings stops the node
// at start, a missing topic chosen from the data sends the record to _ppf_errors, both naming the
// cluster's closest topic, and nothing is created. With topic_creation.enabled a missing topic is
// created on first use with the partitions the settings give (not the broker's default).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KafkaClusterDetails } from '../../src/tools/local-broker/index.js';
import { createTopic, fixtureRecorder, metricSum, partitionCount, platformFor, readTopic, sharedKafka, startTestPunchline, uniqueName } from '../../test/support/kafka-output-kit.js';

let kafka: KafkaClusterDetails;
before(async () => {
  kafka = await sharedKafka();
});

/** A punchline whose kafka_output sends what it cannot write to the file `deadLetters`. */
function punchline(recorder: string, tuples: Record<string, unknown>[], settings: Record<string, unknown>, deadLetters = '/dev/null'): string {
  return JSON.stringify({
    version: '1',
    type: 'punchline',
    dag: [
      { type: 'fixture_input', component: 'in', settings: { recorder, tuples }, publish: [{ stream: 's', fields: ['name'] }] },
      {
        type: 'kafka_output',
        component: 'out',
        settings: { brokers: 'test', ...settings },
        subscribe: [{ component: 'in', stream: 's' }],
        publish: [{ stream: '_ppf_errors', fields: ['name', '_ppf_error_message'] }],
      },
      { type: 'file_output', component: 'dead_letters', settings: { path: deadLetters }, subscribe: [{ component: 'out', stream: '_ppf_errors' }] },
    ],
  });
}

test('a typo in a topic named in the settings stops the punchline at start with the closest topic, and creates nothing', async () => {
  const existing = uniqueName('orders-topic');
  await createTopic(kafka, existing, 3);
  const typo = existing.replace('orders', 'ordres');
  await assert.rejects(startTestPunchline(punchline(uniqueName('typo-static'), [{ name: 'x' }], { topic: typo }), platformFor(kafka.bootstrapServers)), (error: Error) => {
    assert.match(error.message, new RegExp(`^kafka_output\\[out\\]: kafka cluster "test": topic "${typo}" does not exist \\(did you mean "${existing}"\\?\\); kafka_output creates no topic unless topic_creation.enabled is true$`));
    return true;
  });
  assert.equal(await partitionCount(kafka, typo), undefined, 'nothing was created');
});

test('a missing topic chosen from the data sends the record to _ppf_errors with the closest topic, the others are written, nothing is created', async () => {
  const existing = uniqueName('billing-events');
  await createTopic(kafka, existing, 1);
  const typo = existing.replace('billing', 'biling');
  const dir = await mkdtemp(join(tmpdir(), 'kafka-output-missing-'));
  try {
    const deadLetters = join(dir, 'dead-letters.jsonl');
    const recorder = uniqueName('typo-dynamic');
    const { result, registry } = await startTestPunchline(punchline(recorder, [{ name: existing }, { name: typo }], { topic_template: '{{ .name }}' }, deadLetters), platformFor(kafka.bootstrapServers));
    assert.equal((await result).exitCode, 0);
    assert.deepEqual(fixtureRecorder(recorder).acked.sort(), [0, 1], 'both acked: the missing topic is not replayed forever');
    const letters = (await readFile(deadLetters, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { name: string; _ppf_error_message: string });
    assert.deepEqual(letters.map((l) => l.name), [typo]);
    assert.match(letters[0]?._ppf_error_message ?? '', new RegExp(`topic "${typo}" does not exist \\(did you mean "${existing}"\\?\\)`));
    assert.equal(await metricSum(registry, 'punchline_kafka_output_errors_total', { component: 'out', kind: 'topic_missing' }), 1);
    assert.equal((await readTopic(kafka, existing, 60_000, 1)).length, 1, 'the record of the existing topic is written');
    assert.equal(await partitionCount(kafka, typo), undefined, 'nothing was created');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('with topic_creation.enabled, topics chosen per record are created on first use with the configured partitions', async () => {
  const first = uniqueName('created-a');
  const second = uniqueName('created-b');
  const recorder = uniqueName('create-dynamic');
  const { result } = await startTestPunchline(
    punchline(recorder, [{ name: first }, { name: second }, { name: first }], { topic_template: '{{ .name }}', topic_creation: { enabled: true, partitions: 3, replication_factor: 1 } }),
    platformFor(kafka.bootstrapServers),
  );
  assert.equal((await result).exitCode, 0);
  assert.equal(fixtureRecorder(recorder).acked.length, 3);
  assert.equal(await partitionCount(kafka, first), 3, 'the broker default would have given 1');
  assert.equal(await partitionCount(kafka, second), 3);
});
