/**
 * Kafka 4 removed old protocol versions and ZooKeeper. A punchline reading with kafka_input and
 * writing with kafka_output, on the client library the test run names
 * (`PUNCHLINE_TEST_KAFKA_CLIENT`), against a Kafka 4.1 broker of the test's own: every record is
 * written once, the group commits where it stopped, and a restart reads only what came after.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin, Kafka } from 'kafkajs';
import { KAFKA_4_COMPAT_VERSION, type KafkaCluster } from '../../src/tools/local-broker/index.js';
import { startPunchline } from '../../test/support/run-punchline.js';
import { kafkaClient, startTestCluster, testKafkaClient, uniqueName } from '../../test/support/kafka.js';
import { platformFor, readTopic } from '../../test/support/kafka-output-kit.js';
import { idRecords, produce } from '../../test/support/kafka-input-kit.js';

const version = process.env.PUNCHLINE_TEST_KAFKA4_VERSION ?? KAFKA_4_COMPAT_VERSION;
let cluster: KafkaCluster;
let kafka: Kafka;
let admin: Admin;

before(async () => {
  cluster = await startTestCluster('kafka4-pipe', { version, heapMb: 384 });
  kafka = kafkaClient(cluster.details());
  admin = kafka.admin();
  await admin.connect();
});

after(async () => {
  await admin.disconnect();
  await cluster.stop();
});

/** Records `{ id }` first … first + count - 1, on the topic's two partitions in turn. */
function produceIds(topic: string, first: number, count: number): Promise<void> {
  return produce({ kafka }, topic, idRecords(first, count).map((record, i) => ({ ...record, partition: i % 2 })));
}

/** The group's commits by partition, once they reach `expected` (10 s at most). */
async function commitsReaching(group: string, topic: string, expected: number[]): Promise<number[]> {
  const deadline = performance.now() + 10_000;
  for (;;) {
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const committed = (offsets?.partitions ?? []).sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
    if (committed.join() === expected.join() || performance.now() > deadline) return committed;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test(`kafka_input and kafka_output (${testKafkaClient()}) read, write, commit and resume on Kafka ${version}`, { timeout: 180_000 }, async () => {
  const source = uniqueName('kafka4-in');
  const target = uniqueName('kafka4-out');
  const group = uniqueName('kafka4-group');
  await admin.createTopics({ topics: [{ topic: source, numPartitions: 2 }, { topic: target, numPartitions: 1 }], waitForLeaders: true });
  await produceIds(source, 0, 20);
  const platform = platformFor(cluster.bootstrapServers);
  const punchline = `{
    version: "1", type: "punchline",
    dag: [
      { type: "kafka_input", component: "input", settings: { brokers: "test", topic: "${source}", "group.id": "${group}", auto_commit_interval: 200 },
        publish: [{ stream: "logs", fields: ["id"] }] },
      { type: "kafka_output", component: "output", settings: { brokers: "test", topic: "${target}", value_format: "string", value_field: "id" },
        subscribe: [{ component: "input", stream: "logs" }] },
    ],
  }`;
  const written = async (atLeast: number): Promise<number[]> => (await readTopic(cluster.details(), target, 60_000, atLeast)).map((r) => Number(r.value?.toString()));

  const first = await startPunchline(punchline, platform);
  try {
    assert.deepEqual((await written(20)).sort((a, b) => a - b), [...Array(20).keys()]);
    assert.deepEqual(await commitsReaching(group, source, [10, 10]), [10, 10]);
  } finally {
    await first.topology.stop('test done');
  }

  await produceIds(source, 20, 4);
  const second = await startPunchline(punchline, platform);
  try {
    const all = await written(24);
    assert.deepEqual(all.slice(20).sort((a, b) => a - b), [20, 21, 22, 23], 'the restart reads from the commit on');
    assert.equal(all.length, 24, `nothing is read twice: ${all.join(',')}`);
  } finally {
    await second.topology.stop('test done');
  }
});
