/**
 * kafka_input, on the client library the test run names (`PUNCHLINE_TEST_KAFKA_CLIENT`), reading
 * a single-node cluster of the test's own that is killed (-9) under it and started again: the
 * punchline keeps running, reads on once the broker is back, and every record written before,
 * and after, the outage reaches the output; nothing read is lost.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin, Kafka } from 'kafkajs';
import type { KafkaCluster } from '../../src/tools/local-broker/index.js';
import { startPunchline } from '../../test/support/run-punchline.js';
import { kafkaClient, startTestCluster, testKafkaClient, uniqueName } from '../../test/support/kafka.js';
import { platformFor } from '../../test/support/kafka-output-kit.js';
import { idRecords, lumberjackProtocol, openKafkaTestKit, outputFile, waitForIds, waitForLines } from '../../test/support/kafka-input-kit.js';
import type { KafkaTestKit } from '../../test/support/kafka-input-kit.js';

let cluster: KafkaCluster;
let kafka: Kafka;
let admin: Admin;
let kit: KafkaTestKit;

before(async () => {
  kit = await openKafkaTestKit();
  cluster = await startTestCluster('input-outage', { heapMb: 384 });
  kafka = kafkaClient(cluster.details());
  admin = kafka.admin();
  await admin.connect();
});

after(async () => {
  await admin.disconnect();
  await cluster.stop();
  await kit.close();
});

async function produceIds(topic: string, first: number, count: number): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: idRecords(first, count).map((r, i) => ({ partition: i % 2, value: lumberjackProtocol.makeDataFrame(1, r.fields ?? {}) })) });
  await producer.disconnect();
}

test(`kafka_input (${testKafkaClient()}) reads on after its broker was killed and started again`, { timeout: 180_000 }, async () => {
  const topic = uniqueName('outage-in');
  const group = uniqueName('outage-group');
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  await produceIds(topic, 0, 50);
  const out = outputFile(kit, 'outage');
  const run = await startPunchline(
    `{
      version: "1", type: "punchline",
      dag: [
        { type: "kafka_input", component: "input", settings: { brokers: "test", topic: "${topic}", "group.id": "${group}", auto_commit_interval: 200, session_timeout_ms: 6000 },
          publish: [{ stream: "logs", fields: ["id"] }] },
        { type: "file_output", settings: { path: "${out}" }, subscribe: [{ component: "input", stream: "logs" }] },
      ],
    }`,
    platformFor(cluster.bootstrapServers),
  );
  try {
    await waitForLines(out, 50);
    await cluster.stopBroker(0, { kill: true });
    // Down for longer than the session: the group forgets the member, which must join again.
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    await cluster.startBroker(0);
    await produceIds(topic, 50, 50);
    // Records read before the kill whose commit had not reached the broker are read again (at
    // least once): wait for every id, not for a number of lines.
    const ids = await waitForIds(out, 100, 120_000);
    assert.deepEqual([...new Set(ids)].sort((a, b) => a - b), [...Array(100).keys()], 'every record, before and after the outage, is read');
  } finally {
    await run.topology.stop('test done');
  }
  const result = await run.result;
  assert.equal(result.exitCode, 0, 'the punchline ran through the outage');
});
