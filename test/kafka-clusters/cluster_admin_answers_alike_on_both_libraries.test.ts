/**
 * The admin client of a cluster answers the same on kafkajs and on @platformatic/kafka, against
 * the real broker: what kafka_input, kafka_output, the alert changelog and the CLI's Kafka
 * commands (`groups`, `tap`, `record`, `channel`, `config check`) rely on whichever library the
 * cluster names.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { kafkaClient, sharedKafka, uniqueName, waitForTopicOnEveryBroker } from '../support/kafka.js';
import { createClusterAdmin } from '../../src/libraries/kafka/cluster-admin.js';
import type { ClusterAdmin } from '../../src/libraries/kafka/cluster-admin.js';
import { withClusterDefaults } from '../../src/libraries/kafka/cluster-defaults.js';
import { classifyKafkaError } from '../../src/libraries/kafka/kafka-errors.js';
import { createRecordProducer } from '../../src/libraries/kafka/record-producer.js';
import type { ResolvedCluster } from '../../src/libraries/kafka/cluster-resolution.js';

const logger = pino({ level: 'silent' });
const kafka = await sharedKafka();

for (const client of ['kafkajs', 'platformatic'] as const) {
  describe(`the cluster admin on ${client}`, () => {
    const cluster: ResolvedCluster = { id: 'test', config: { ...withClusterDefaults({ brokers: kafka.bootstrapServers }), client } };

    async function withAdmin(run: (admin: ClusterAdmin) => Promise<void>): Promise<void> {
      const admin = createClusterAdmin(cluster, logger);
      await admin.connect();
      try {
        await run(admin);
      } finally {
        await admin.disconnect();
      }
    }

    test('a topic that does not exist is told as unknown_topic_or_partition', () =>
      withAdmin(async (admin) => {
        const error: unknown = await admin.partitionsOf(uniqueName('admin-missing')).then(
          () => undefined,
          (e: unknown) => e,
        );
        // @platformatic/kafka on its own retried this for 9 s, then failed with an error of its own.
        assert.equal(classifyKafkaError(error).kind, 'unknown_topic_or_partition');
      }));

    test('a created topic is listed with a leader for every partition; creating it again is no error and leaves it as it was', () =>
      withAdmin(async (admin) => {
        const topic = uniqueName('admin-created');
        await admin.createTopics([{ topic, partitions: 3, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } }]);
        assert.ok((await admin.listTopics()).includes(topic));
        const partitions = await admin.partitionsOf(topic);
        assert.deepEqual(partitions.map((p) => [p.partition, p.leader >= 0]), [[0, true], [1, true], [2, true]]);
        await admin.createTopics([{ topic, partitions: 5, replicationFactor: 1 }]);
        assert.equal((await admin.partitionsOf(topic)).length, 3, 'the topic that existed is left as it was');
        assert.deepEqual((await admin.brokers()).map((b) => `${b.host}:${b.port}`), kafka.bootstrapServers);
      }));

    test('offset ranges per partition, and offsets by time: the first record at or after it, the end when there is none', () =>
      withAdmin(async (admin) => {
        const topic = uniqueName('admin-offsets');
        await admin.createTopics([{ topic, partitions: 2, replicationFactor: 1 }]);
        const producer = createRecordProducer(cluster, logger, { idempotent: false, maxInFlightRequests: 1, retries: 5, ackTimeoutMs: 10_000 });
        await producer.connect();
        const before = Date.now();
        try {
          for (let i = 0; i < 3; i++) await producer.send([{ topic, records: [{ key: null, value: Buffer.from(`r${i}`), partition: 1 }] }], { acks: -1, compression: 'none' });
        } finally {
          await producer.disconnect();
        }
        assert.deepEqual(await admin.topicOffsets(topic), [
          { partition: 0, low: '0', high: '0' },
          { partition: 1, low: '0', high: '3' },
        ]);
        assert.deepEqual(await admin.offsetsAtTime(topic, before - 60_000), [
          { partition: 0, offset: '0' },
          { partition: 1, offset: '0' },
        ]);
        assert.deepEqual(await admin.offsetsAtTime(topic, Date.now() + 60_000), [
          { partition: 0, offset: '0' },
          { partition: 1, offset: '3' },
        ]);
      }));
  });
}

describe('the group operations and added partitions of both libraries, compared', () => {
  const clusterOn = (client: 'kafkajs' | 'platformatic'): ResolvedCluster => ({ id: 'test', config: { ...withClusterDefaults({ brokers: kafka.bootstrapServers }), client } });

  /** Both admin clients, connected: what `groups`, `channel start --alter` and `config check` ask, whichever library the cluster names. */
  async function withBoth(run: (kafkajs: ClusterAdmin, platformatic: ClusterAdmin) => Promise<void>): Promise<void> {
    const kafkajs = createClusterAdmin(clusterOn('kafkajs'), logger);
    const platformatic = createClusterAdmin(clusterOn('platformatic'), logger);
    try {
      await Promise.all([kafkajs.connect(), platformatic.connect()]);
      await run(kafkajs, platformatic);
    } finally {
      await Promise.all([kafkajs.disconnect(), platformatic.disconnect()]);
    }
  }

  /** What either rejects with, classified (the CLI's messages are made from it). */
  const refusal = (promise: Promise<unknown>): Promise<readonly string[]> =>
    promise.then(
      () => ['resolved'],
      (error: unknown) => classifyKafkaError(error).brokerErrorTypes,
    );

  test("a group's members and assignment, its commits on every partition or only where it committed, and commits moved by one library read by the other", () =>
    withBoth(async (kafkajs, platformatic) => {
      const topic = uniqueName('admin-groups');
      const active = uniqueName('admin-active');
      const idle = uniqueName('admin-idle');
      const missing = uniqueName('admin-missing-group');
      await kafkajs.createTopics([{ topic, partitions: 3, replicationFactor: 1 }]);
      await waitForTopicOnEveryBroker(kafka, topic);
      const consumer = kafkaClient(kafka).consumer({ groupId: active });
      try {
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({ autoCommit: false, eachMessage: () => Promise.resolve() });
        for (let tries = 0; ; tries++) {
          const [group] = await kafkajs.describeGroups([active]);
          if (group?.state === 'Stable' && group.members[0]?.assignment.length === 1) break;
          assert.ok(tries < 300, `group ${active} became stable with its partitions: ${JSON.stringify(group)}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await kafkajs.setCommittedOffsets(idle, topic, [{ partition: 0, offset: '2' }]);
        await platformatic.setCommittedOffsets(idle, topic, [{ partition: 2, offset: '5' }]);

        const described = await kafkajs.describeGroups([active, idle, missing]);
        assert.deepEqual(await platformatic.describeGroups([active, idle, missing]), described);
        assert.deepEqual(
          described.map((g) => [g.groupId, g.state, g.members.map((m) => m.assignment)]),
          [
            [active, 'Stable', [[{ topic, partitions: [0, 1, 2] }]]],
            [idle, 'Empty', []],
            [missing, 'Dead', []],
          ],
        );
        for (const admin of [kafkajs, platformatic]) {
          const groups = await admin.listGroups();
          assert.ok(groups.includes(active) && groups.includes(idle) && !groups.includes(missing), `${active} and ${idle} listed: ${groups.join(', ')}`);
          assert.deepEqual(groups, [...groups].sort());
          assert.deepEqual(await admin.committedOffsets(idle), [{ topic, partitions: [{ partition: 0, offset: '2' }, { partition: 2, offset: '5' }] }]);
          assert.deepEqual(await admin.committedOffsets(idle, [topic]), [{ topic, partitions: [{ partition: 0, offset: '2' }, { partition: 1, offset: '-1' }, { partition: 2, offset: '5' }] }]);
          assert.deepEqual(await admin.committedOffsets(active), []);
          assert.deepEqual(await admin.committedOffsets(missing, [topic]), [{ topic, partitions: [0, 1, 2].map((partition) => ({ partition, offset: '-1' })) }]);
          assert.equal(classifyKafkaError(await admin.committedOffsets(idle, [`${topic}-missing`]).catch((e: unknown) => e)).kind, 'unknown_topic_or_partition');
        }
      } finally {
        await consumer.disconnect();
      }
    }));

  test('partitions added by either library; a count the topic has already is refused alike', () =>
    withBoth(async (kafkajs, platformatic) => {
      const topic = uniqueName('admin-partitions');
      await kafkajs.createTopics([{ topic, partitions: 1, replicationFactor: 1 }]);
      await waitForTopicOnEveryBroker(kafka, topic);
      await kafkajs.createPartitions(topic, 2);
      await platformatic.createPartitions(topic, 4);
      for (const admin of [kafkajs, platformatic]) assert.equal((await admin.partitionsOf(topic)).length, 4);
      assert.deepEqual(await refusal(kafkajs.createPartitions(topic, 4)), ['INVALID_PARTITIONS']);
      assert.deepEqual(await refusal(platformatic.createPartitions(topic, 4)), ['INVALID_PARTITIONS']);
    }));
});
