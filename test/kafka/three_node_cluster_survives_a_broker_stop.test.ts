/**
 * A three-node cluster is what a small production cluster looks like: internal topics and a topic
 * created with replication factor 3 have a replica on every broker, and when one broker stops a
 * running producer and consumer group carry on, losing nothing. The stopped broker then rejoins.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin, Consumer, Producer } from 'kafkajs';
import type { KafkaCluster } from '../../src/tools/local-broker/index.js';
import { eventually, kafkaClient, startTestCluster, uniqueName, waitForTopicOnEveryBroker } from '../support/kafka.js';

let cluster: KafkaCluster | undefined;
const clients: (Admin | Consumer | Producer)[] = [];

before(async () => {
  cluster = await startTestCluster('three-nodes', { nodes: 3 });
});

after(async () => {
  await Promise.all(clients.map((client) => client.disconnect().catch(() => undefined)));
  await cluster?.stop();
});

test('a replication-factor-3 topic keeps taking and serving records while one of three brokers is stopped', async () => {
  assert.ok(cluster !== undefined);
  // Short backoffs: a leader moves within a second or two, and kafkajs' default backoff grows to 30 s.
  const kafka = kafkaClient(cluster, { listener: 'plaintext' }, { retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1_000 } });
  const topic = uniqueName('replicated');

  const admin = kafka.admin();
  clients.push(admin);
  await admin.connect();
  assert.equal((await admin.describeCluster()).brokers.length, 3);
  await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 3 }], waitForLeaders: false });
  await waitForTopicOnEveryBroker(cluster, topic);
  const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  assert.deepEqual(metadata?.partitions.map((partition) => partition.replicas.length), [3, 3, 3]);
  const [offsetsTopic] = (await eventually(() => admin.fetchTopicMetadata({ topics: ['__consumer_offsets'] }))).topics;
  assert.ok(offsetsTopic !== undefined && offsetsTopic.partitions.length > 0);
  assert.ok(offsetsTopic.partitions.every((partition) => partition.replicas.length === 3), 'internal topics are replicated 3 times');
  const leaderOfPartition0 = metadata?.partitions.find((partition) => partition.partitionId === 0)?.leader;
  assert.ok(leaderOfPartition0 !== undefined);

  // Redelivery after a rebalance is allowed (at-least-once), so progress is counted in distinct records.
  const received = new Set<string>();
  let notify: () => void = () => undefined;
  // kafkajs restarts a consumer (new member id) when a broker it fetched from goes away; the group
  // then waits for the old member's session to expire, so keep the session short.
  const consumer = kafka.consumer({ groupId: uniqueName('replicated-group'), sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  clients.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      received.add(message.value?.toString() ?? '');
      notify();
      return Promise.resolve();
    },
  });
  const allConsumed = (label: string): Promise<void> => new Promise((resolve) => {
    notify = () => {
      if (Array.from({ length: 30 }, (_, i) => `${label}-${i}`).every((value) => received.has(value))) resolve();
    };
    notify();
  });

  const producer = kafka.producer();
  clients.push(producer);
  await producer.connect();
  const batch = (label: string): { key: string; value: string }[] => Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `${label}-${i}` }));
  await producer.send({ topic, messages: batch('before') });
  await allConsumed('before');

  // Stop the leader of partition 0 (node ids are node indexes): its partitions move to the two left.
  await cluster.stopBroker(leaderOfPartition0);
  assert.equal(await cluster.isBrokerRunning(leaderOfPartition0), false);
  await producer.send({ topic, messages: batch('during') });
  await allConsumed('during');

  await cluster.startBroker(leaderOfPartition0);
  assert.equal((await admin.describeCluster()).brokers.length, 3, 'the restarted broker is back in the cluster');
  await producer.send({ topic, messages: batch('after') });
  await allConsumed('after');

  assert.equal(received.size, 90, 'every record produced before, during and after the stop was consumed');
});
