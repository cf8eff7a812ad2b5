/**
 * The admin client of a cluster answers the same on kafkajs and on @platformatic/kafka, against
 * the real broker: what kafka_input, kafka_output, the alert changelog and `channel start` rely
 * on whichever library the cluster names.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { sharedKafka, uniqueName } from '../support/kafka.js';
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
