/**
 * One broker of three stopped (killed, as a crash would): a request that needs it fails, and the
 * error says what is true — that broker refused connections, the two others answered, and what the
 * client needed the stopped broker for — instead of "no broker answered" at all three addresses.
 * With every address of the cluster down, the message still says no broker answered. Written with
 * the producer kafka_output writes with, on the library PUNCHLINE_TEST_KAFKA_CLIENT names.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClusterAdmin } from '../../src/libraries/kafka/cluster-admin.js';
import { withClusterDefaults } from '../../src/libraries/kafka/cluster-defaults.js';
import { resolveCluster } from '../../src/libraries/kafka/cluster-resolution.js';
import type { ClusterCatalogue } from '../../src/libraries/kafka/cluster-config.js';
import { translateKafkaError } from '../../src/libraries/kafka/kafka-errors.js';
import { createRecordProducer } from '../../src/libraries/kafka/record-producer.js';
import type { RecordProducer, SendOptions } from '../../src/libraries/kafka/record-producer.js';
import { createLogger } from '../../src/runtime/logging.js';
import type { KafkaCluster } from '../../src/tools/local-broker/index.js';
import { startTestCluster, testKafkaClient, uniqueName, waitForTopicOnEveryBroker } from '../support/kafka.js';

let cluster: KafkaCluster | undefined;
const producers: RecordProducer[] = [];
/** One retry, soon: the test waits for the failure. */
const PRODUCING = { idempotent: false, maxInFlightRequests: 1, retries: 1, ackTimeoutMs: 2000 } as const;
const ACKS: SendOptions = { acks: -1, compression: 'none' };

before(async () => {
  cluster = await startTestCluster('one-broker-down', { nodes: 3 });
});

after(async () => {
  await Promise.all(producers.map((producer) => producer.disconnect().catch(() => undefined)));
  await cluster?.stop({ kill: true });
});

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('a write to a partition led by the stopped broker names it, the brokers that answered, and its role', async () => {
  assert.ok(cluster !== undefined);
  const servers = [...cluster.bootstrapServers];
  const platform: ClusterCatalogue = { file: undefined, kafka: { clusters: { events: { ...withClusterDefaults({ brokers: servers }), client: testKafkaClient(), timeout_ms: 2000 } } } };
  const events = resolveCluster({ clusterId: 'events', path: '/settings/brokers' }, platform);
  const logger = createLogger({ level: 'silent' });
  const admin = createClusterAdmin(events, logger);
  await admin.connect();
  // Replication factor 1: partition p lives on broker p alone, and nothing can take over its leadership.
  const topic = uniqueName('one-down');
  await admin.createTopics([{ topic, partitions: 3, replicationFactor: 1 }]);
  await waitForTopicOnEveryBroker(cluster, topic);
  const leaders = await admin.partitionsOf(topic);
  await admin.disconnect();
  const onFirst = leaders.find((p) => p.leader === 0)?.partition;
  assert.ok(onFirst !== undefined, `a partition led by node 0: ${JSON.stringify(leaders)}`);

  const producer = createRecordProducer(events, logger, PRODUCING);
  producers.push(producer);
  await producer.connect();
  await producer.send([{ topic, records: [0, 1, 2].map((partition) => ({ key: null, partition, value: Buffer.from(`before-${partition}`) })) }], ACKS);

  await cluster.stopBroker(0, { kill: true });
  const [down, ...up] = servers as [string, ...string[]];
  const error = await producer.send([{ topic, records: [{ key: null, partition: onFirst, value: Buffer.from('during') }] }], ACKS).then(() => undefined, (e: unknown) => e);
  assert.ok(error !== undefined, 'the write to the stopped broker failed');
  const translated = translateKafkaError(error, events, `writing 1 record to "${topic}"`);
  assert.equal(translated.code, 'E_KAFKA_UNREACHABLE');
  assert.equal(translated.retriable, true);
  assert.match(
    translated.message,
    new RegExp(`^kafka cluster "events": writing 1 record to "${escape(topic)}": broker ${escape(down)} refused connections \\(${up.map(escape).join(', ')} answered\\), \\d+ attempts: it leads partitions this client reads or writes$`),
  );
  assert.doesNotMatch(translated.message, /no broker answered/);
  assert.match(translated.hint ?? '', new RegExp(`^start ${escape(down)} again`));

  // The same cluster seen through the stopped broker only: nothing answers there.
  const onlyDown = resolveCluster({ clusterId: 'events', bootstrapServers: down, path: '/settings/brokers' }, platform);
  const lonely = createRecordProducer(onlyDown, logger, PRODUCING);
  producers.push(lonely);
  const refused = await lonely.connect().then(() => undefined, (e: unknown) => e);
  assert.match(translateKafkaError(refused, onlyDown, 'connecting').message, new RegExp(`^kafka cluster "events": connecting: no broker answered at ${escape(down)}: connection refused by ${escape(down)}`));
});
