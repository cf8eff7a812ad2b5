// A topic that does not exist yet is created on first use with the partitions and replication
// the settings give (not whatever the broker's auto-creation would pick), or, when creation is
// off, the user gets a clear error: at start for the topics the settings name, per tuple (failed,
// so the input replays it once the topic exists) for topics chosen from the data.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { KafkaClusterDetails } from '../../src/tools/local-broker/index.js';
import { fixtureRecorder, partitionCount, platformFor, sharedKafka, startTestPunchline, uniqueName } from '../../test/support/kafka-output-kit.js';

let kafka: KafkaClusterDetails;
before(async () => {
  kafka = await sharedKafka();
});

function punchline(recorder: string, tuples: Record<string, unknown>[], settings: Record<string, unknown>): string {
  return JSON.stringify({
    version: '1',
    type: 'punchline',
    dag: [
      { type: 'fixture_input', component: 'in', settings: { recorder, tuples }, publish: [{ stream: 's', fields: ['name'] }] },
      { type: 'kafka_output', component: 'out', settings: { brokers: 'test', ...settings }, subscribe: [{ component: 'in', stream: 's' }] },
    ],
  });
}

test('topics chosen per record are created on first use with the configured partitions', async () => {
  const first = uniqueName('created-a');
  const second = uniqueName('created-b');
  const { result } = await startTestPunchline(
    punchline('create-dynamic', [{ name: first }, { name: second }, { name: first }], { topic_template: '{{ .name }}', topic_creation: { partitions: 3, replication_factor: 1 } }),
    platformFor(kafka.bootstrapServers),
  );
  assert.equal((await result).exitCode, 0);
  assert.equal(fixtureRecorder('create-dynamic').acked.length, 3);
  assert.equal(await partitionCount(kafka, first), 3, 'the broker default would have given 1');
  assert.equal(await partitionCount(kafka, second), 3);
});

test('with creation off, a missing topic named in the settings stops the punchline at start with the reason', async () => {
  const missing = uniqueName('missing-static');
  await assert.rejects(
    startTestPunchline(punchline('create-off-static', [{ name: 'x' }], { topic: missing, topic_creation: { enabled: false } }), platformFor(kafka.bootstrapServers)),
    (error: Error) => {
      assert.match(error.message, new RegExp(`kafka_output\\[out\\]: kafka cluster "test": topic "${missing}" does not exist and topic_creation.enabled is false`));
      return true;
    },
  );
  assert.equal(await partitionCount(kafka, missing), undefined, 'nothing was created');
});

test('with creation off, a tuple whose topic is missing fails with the reason, and is not routed to _ppf_errors', async () => {
  const missing = uniqueName('missing-dynamic');
  const { result } = await startTestPunchline(
    punchline('create-off-dynamic', [{ name: missing }], { topic_template: '{{ .name }}', topic_creation: { enabled: false } }),
    platformFor(kafka.bootstrapServers),
  );
  assert.equal((await result).exitCode, 0);
  const seen = fixtureRecorder('create-off-dynamic');
  assert.deepEqual(seen.acked, []);
  assert.equal(seen.failed.length, 1);
  assert.equal(seen.failed[0]?.code, 'E_KAFKA_WRITE');
  assert.match(seen.failed[0]?.message ?? '', /does not exist and topic_creation.enabled is false/);
});
