// On a three-broker cluster, what a small production cluster looks like:
// - topics kafka_output creates on first use can be written at once: kafkajs' own
//   `createTopics({ waitForLeaders: true })` gave up about half the time with
//   UNKNOWN_TOPIC_OR_PARTITION from a broker that had not caught up, though the topic was created;
// - with `idempotent: true`, a produce request retried after its leader broker
//   died is not appended twice: every key is in the topic exactly once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { createClusterAdmin } from '../../src/libraries/kafka/cluster-admin.js';
import type { ClusterAdmin } from '../../src/libraries/kafka/cluster-admin.js';
import { withClusterDefaults } from '../../src/libraries/kafka/cluster-defaults.js';
import type { ResolvedCluster } from '../../src/libraries/kafka/cluster-resolution.js';
import type { KafkaCluster } from '../../src/tools/local-broker/index.js';
import { createTopicsWithLeaders } from './topic-creation.js';
import { fixtureRecorder, metricSum, platformFor, readTopic, startTestPunchline, uniqueName } from '../../test/support/kafka-output-kit.js';
import { kafkaClient, startTestCluster, testKafkaClient, waitForTopicOnEveryBroker } from '../../test/support/kafka.js';

const silent = pino({ level: 'silent' });

let cluster: KafkaCluster;
before(async () => {
  cluster = await startTestCluster('three-node-output', { nodes: 3, heapMb: 384 });
});
after(() => cluster.stop());

function punchline(recorder: string, tuples: readonly Record<string, unknown>[], input: Record<string, unknown>, output: Record<string, unknown>): string {
  return JSON.stringify({
    version: '1',
    type: 'punchline',
    settings: { 'topology.message.timeout.secs': 120 },
    dag: [
      { type: 'fixture_input', component: 'in', settings: { recorder, tuples, ...input }, publish: [{ stream: 's', fields: ['topic', 'k'] }] },
      { type: 'kafka_output', component: 'out', settings: { brokers: 'test', ...output }, subscribe: [{ component: 'in', stream: 's' }] },
    ],
  });
}

test('twenty topics created by kafka_output on a three-broker cluster are all created and written at the first attempt', { timeout: 300_000 }, async (t) => {
  const topics = Array.from({ length: 20 }, (_, i) => uniqueName(`three-created-${i}`));
  const tuples = topics.flatMap((topic) => Array.from({ length: 5 }, (_, i) => ({ topic, k: `${topic}-${i}` })));
  const recorder = uniqueName('three-created');
  const started = performance.now();
  const { result } = await startTestPunchline(
    punchline(recorder, tuples, {}, { topic_template: '{{ .topic }}', key_fields: ['k'], topic_creation: { enabled: true, partitions: 3, replication_factor: 3 } }),
    platformFor(cluster.bootstrapServers),
  );
  assert.equal((await result).exitCode, 0);
  const elapsed = performance.now() - started;
  const seen = fixtureRecorder(recorder);
  assert.deepEqual(seen.failed.map((f) => f.message), [], 'no tuple failed');
  assert.equal(seen.acked.length, tuples.length);
  const admin = kafkaClient(cluster).admin();
  await admin.connect();
  try {
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      assert.equal(offsets.reduce((sum, p) => sum + Number(p.high), 0), 5, `the 5 records of ${topic}`);
    }
  } finally {
    await admin.disconnect();
  }
  t.diagnostic(`${topics.length} topics created and written, ${tuples.length} records, in ${Math.round(elapsed)} ms`);
});

test('records are written once each while the leader broker is killed during the write (idempotent: true)', { timeout: 300_000 }, async (t) => {
  const topic = uniqueName('three-once');
  const admin = kafkaClient(cluster).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 3 }], waitForLeaders: false });
  await waitForTopicOnEveryBroker(cluster, topic);
  const leader = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.find((p) => p.partitionId === 0)?.leader;
  await admin.disconnect();
  assert.ok(leader !== undefined && leader >= 0);

  const KEYS = 2000;
  const tuples = Array.from({ length: KEYS }, (_, i) => ({ topic, k: `key-${i}` }));
  const recorder = uniqueName('three-once');
  const { result, registry, topology } = await startTestPunchline(
    punchline(recorder, tuples, { messages_per_second: 400, replay_failed: true }, { topic, key_fields: ['k'], idempotent: true, retries: 30, batch_size: 20, batch_timeout_ms: 10 }),
    platformFor(cluster.bootstrapServers),
  );
  const seen = fixtureRecorder(recorder);
  const deadline = Date.now() + 60_000;
  while (seen.acked.length < 500 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  // A crash, not a controlled shutdown: requests in flight to it lose their answers and are retried.
  await cluster.stopBroker(leader, { kill: true });
  let timer: NodeJS.Timeout | undefined;
  const run = await Promise.race([result, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 240_000)))]);
  clearTimeout(timer);
  if (run === 'timeout') {
    await topology.stop('test timed out');
    assert.fail(`not all ${KEYS} tuples were acked within 4 minutes (${seen.acked.length} acked)`);
  }
  assert.equal(run.exitCode, 0);

  // Back to three brokers: the reader (as any consumer) asks every broker about the topic.
  await cluster.startBroker(leader);
  const records = await readTopic(cluster, topic, 120_000);
  const counts = new Map<string, number>();
  for (const record of records) counts.set(record.key?.toString() ?? '', (counts.get(record.key?.toString() ?? '') ?? 0) + 1);
  const duplicated = [...counts].filter(([, n]) => n > 1);
  const replayed = seen.failed.length;
  t.diagnostic(`${KEYS} keys; ${records.length} records; ${duplicated.length} keys written more than once; ${replayed} tuple failures replayed; ${await metricSum(registry, 'punchline_kafka_output_errors_total')} output errors`);
  assert.equal(counts.size, KEYS, 'every key is in the topic');
  // A replay after a tuple failed is a new write (at-least-once): only then may a key repeat.
  assert.equal(replayed, 0, 'no tuple failed: the retries inside the producer covered the leader change');
  assert.deepEqual(duplicated.slice(0, 10), [], 'no key written twice');
  assert.equal(records.length, KEYS);
});

test(`creating a topic that exists already (another writer was first) counts as created, and returns once every broker knows its leaders (${testKafkaClient()})`, async () => {
  const topic = uniqueName('three-exists');
  const declared: ResolvedCluster = { id: 'three', config: { ...withClusterDefaults({ brokers: cluster.bootstrapServers }), client: testKafkaClient() } };
  const adminFor = (address: string): ClusterAdmin => createClusterAdmin({ id: declared.id, config: { ...declared.config, brokers: [address] } }, silent, { retries: 0 });
  const admin = createClusterAdmin(declared, silent);
  await admin.connect();
  try {
    const spec = [{ topic, partitions: 4, replicationFactor: 3 }];
    await Promise.all([createTopicsWithLeaders(admin, spec, adminFor), createTopicsWithLeaders(admin, spec, adminFor)]);
    await createTopicsWithLeaders(admin, spec, adminFor);
    for (const address of cluster.bootstrapServers) {
      const one = adminFor(address);
      await one.connect();
      const partitions = await one.partitionsOf(topic);
      await one.disconnect();
      assert.deepEqual(partitions.map((p) => p.leader >= 0), [true, true, true, true], `${address} knows every leader`);
    }
  } finally {
    await admin.disconnect();
  }
});
