/**
 * A three-node cluster is what a small production cluster looks like: internal topics and a topic
 * created with replication factor 3 have a replica on every broker, and when one broker stops a
 * running producer and consumer group carry on, losing nothing. The stopped broker then rejoins.
 * The producer and the group member are the ones kafka_output and kafka_input use, on the library
 * PUNCHLINE_TEST_KAFKA_CLIENT names; the cluster's replicas are checked with a kafkajs admin.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin } from 'kafkajs';
import { createClusterAdmin } from '../../src/libraries/kafka/cluster-admin.js';
import type { ClusterAdmin } from '../../src/libraries/kafka/cluster-admin.js';
import { withClusterDefaults } from '../../src/libraries/kafka/cluster-defaults.js';
import { resolveCluster } from '../../src/libraries/kafka/cluster-resolution.js';
import { createGroupConsumer, wholeTopicAssignor } from '../../src/libraries/kafka/group-consumer.js';
import type { GroupConsumer } from '../../src/libraries/kafka/group-consumer.js';
import { createRecordProducer } from '../../src/libraries/kafka/record-producer.js';
import type { RecordProducer } from '../../src/libraries/kafka/record-producer.js';
import { createLogger } from '../../src/runtime/logging.js';
import type { KafkaCluster } from '../../src/tools/local-broker/index.js';
import { waitFor } from '../support/cli.js';
import { eventually, kafkaClient, startTestCluster, testKafkaClient, uniqueName, waitForTopicOnEveryBroker } from '../support/kafka.js';

let cluster: KafkaCluster | undefined;
const closing: (Admin | ClusterAdmin | GroupConsumer | RecordProducer)[] = [];

before(async () => {
  cluster = await startTestCluster('three-nodes', { nodes: 3 });
});

after(async () => {
  await Promise.all(closing.map((client) => client.disconnect().catch(() => undefined)));
  await cluster?.stop();
});

test('a replication-factor-3 topic keeps taking and serving records while one of three brokers is stopped', async () => {
  assert.ok(cluster !== undefined);
  const events = resolveCluster({ clusterId: 'events', path: '/settings/brokers' }, {
    file: undefined,
    kafka: { clusters: { events: { ...withClusterDefaults({ brokers: [...cluster.bootstrapServers] }), client: testKafkaClient() } } },
  });
  const logger = createLogger({ level: 'silent' });
  const topic = uniqueName('replicated');

  const clusterAdmin = createClusterAdmin(events, logger);
  closing.push(clusterAdmin);
  await clusterAdmin.connect();
  assert.equal((await clusterAdmin.brokers()).length, 3);
  await clusterAdmin.createTopics([{ topic, partitions: 3, replicationFactor: 3 }]);
  await waitForTopicOnEveryBroker(cluster, topic);
  const leaderOfPartition0 = (await clusterAdmin.partitionsOf(topic)).find((p) => p.partition === 0)?.leader;
  assert.ok(leaderOfPartition0 !== undefined && leaderOfPartition0 >= 0);

  // The harness's replicas, read with a kafkajs admin whatever the library under test.
  const admin = kafkaClient(cluster, { listener: 'plaintext' }).admin();
  closing.push(admin);
  await admin.connect();
  const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  assert.deepEqual(metadata?.partitions.map((partition) => partition.replicas.length), [3, 3, 3]);
  const [offsetsTopic] = (await eventually(() => admin.fetchTopicMetadata({ topics: ['__consumer_offsets'] }))).topics;
  assert.ok(offsetsTopic !== undefined && offsetsTopic.partitions.length > 0);
  assert.ok(offsetsTopic.partitions.every((partition) => partition.replicas.length === 3), 'internal topics are replicated 3 times');

  // Redelivery after a rebalance is allowed (at-least-once), so progress is counted in distinct records.
  const received = new Set<string>();
  let notify: () => void = () => undefined;
  // A short session: a member that restarts after its broker went away waits for the old one's to expire.
  const consumer = createGroupConsumer(events, logger, {
    groupId: uniqueName('replicated-group'),
    topic,
    assignor: wholeTopicAssignor('three-nodes-test'),
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 1_000,
    maxWaitMs: 500,
  });
  closing.push(consumer);
  await consumer.run({
    // Nothing is committed: every join reads the partitions from their start.
    assigned: (partitions) => {
      for (const partition of partitions) consumer.seek(partition, 0);
    },
    eachBatch: (batch) => {
      for (const record of batch.messages) {
        if (batch.isStale()) break;
        received.add(record.value?.toString() ?? '');
        batch.resolveOffset(record.offset);
      }
      notify();
      return Promise.resolve();
    },
    rebalancing: () => Promise.resolve(),
    committed: () => undefined,
    crashed: (error, restart) => {
      if (!restart) throw error;
    },
  });
  const allConsumed = (label: string): Promise<void> => new Promise((resolve) => {
    notify = () => {
      if (Array.from({ length: 30 }, (_, i) => `${label}-${i}`).every((value) => received.has(value))) resolve();
    };
    notify();
  });

  // Retries for about 30 s: a leader moves within a second or two of its broker's stop.
  const producer = createRecordProducer(events, logger, { idempotent: false, maxInFlightRequests: 1, retries: 10, ackTimeoutMs: 5_000 });
  closing.push(producer);
  await producer.connect();
  const send = (label: string): Promise<void> => producer.send(
    [{ topic, records: Array.from({ length: 30 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`${label}-${i}`) })) }],
    { acks: -1, compression: 'none' },
  );
  await send('before');
  await allConsumed('before');

  // Stop the leader of partition 0 (node ids are node indexes): its partitions move to the two left.
  await cluster.stopBroker(leaderOfPartition0);
  assert.equal(await cluster.isBrokerRunning(leaderOfPartition0), false);
  await send('during');
  await allConsumed('during');

  await cluster.startBroker(leaderOfPartition0);
  // The restarted broker lists all three at once; the others learn of its registration a moment later.
  await waitFor(async () => (await clusterAdmin.brokers()).length === 3, 30_000, 'the restarted broker back in the cluster');
  await send('after');
  await allConsumed('after');

  assert.equal(received.size, 90, 'every record produced before, during and after the stop was consumed');
});
