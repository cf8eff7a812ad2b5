/**
 * Kafka 4 removed old protocol versions and ZooKeeper; kafkajs 2.2.4 predates it. This smoke test
 * runs what punchline's inputs and outputs do — produce, consume in a group, commit, read the
 * committed offset, resume from it — against a Kafka 4.1 broker. When a step fails, the failure
 * names the step and the last protocol requests kafkajs sent (API, version) with the broker's
 * error, which is what a compatibility report needs. kafkajs only: @platformatic/kafka on Kafka 4.1
 * is tested through the nodes (`nodes/kafka_input/reads_writes_and_resumes_on_kafka_4.test.ts`,
 * which `.ci/run` runs on both libraries).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import type { Consumer, KafkaMessage, logCreator } from 'kafkajs';
import { KAFKA_4_COMPAT_VERSION } from '../../src/tools/local-broker/index.js';
import type { KafkaCluster } from '../../src/tools/local-broker/index.js';
import { kafkaConfig, startTestCluster, uniqueName } from '../support/kafka.js';

const version = process.env.PUNCHLINE_TEST_KAFKA4_VERSION ?? KAFKA_4_COMPAT_VERSION;
let cluster: KafkaCluster | undefined;
const consumers: Consumer[] = [];

/** The last protocol exchanges kafkajs logged: `Request Fetch(key: 1, version: 11)`, errors included. */
const protocolLog: string[] = [];
const recordProtocol: logCreator = () => ({ label, log }) => {
  const { message, error } = log as { message: string; error?: string };
  if (!/^(Request|Response) /.test(message) && error === undefined) return;
  protocolLog.push(`${label} ${message}${error === undefined ? '' : ` -> ${error}`}`);
  if (protocolLog.length > 30) protocolLog.shift();
};

async function step<T>(name: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new Error(`kafkajs against Kafka ${version} failed at "${name}": ${reason}\nlast protocol exchanges:\n  ${protocolLog.slice(-10).join('\n  ')}`, { cause: error });
  }
}

before(async () => {
  cluster = await startTestCluster('kafka4', { version });
});

after(async () => {
  await Promise.all(consumers.map((consumer) => consumer.disconnect().catch(() => undefined)));
  await cluster?.stop();
});

test(`kafkajs produces, consumes in a group, commits and reads the committed offset on Kafka ${version}`, async () => {
  assert.ok(cluster !== undefined);
  const kafka = new Kafka({ ...kafkaConfig(cluster), logLevel: logLevel.DEBUG, logCreator: recordProtocol });
  const topic = uniqueName('kafka4');
  const groupId = uniqueName('kafka4-group');

  const admin = kafka.admin();
  await step('admin connect (ApiVersions, Metadata)', () => admin.connect());
  await step('create topic (CreateTopics)', () => admin.createTopics({ topics: [{ topic, numPartitions: 1 }] }));

  const producer = kafka.producer();
  await step('producer connect', () => producer.connect());
  await step('produce (Produce)', () => producer.send({ topic, messages: Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) }));

  const consumer = kafka.consumer({ groupId });
  consumers.push(consumer);
  await step('consumer connect', () => consumer.connect());
  await step('subscribe', () => consumer.subscribe({ topic, fromBeginning: true }));
  const received: KafkaMessage[] = [];
  await step('consume in a group (FindCoordinator, JoinGroup, SyncGroup, OffsetFetch, ListOffsets, Fetch)', () => new Promise<void>((resolve, reject) => {
    // A retriable crash (the coordinator of a new broker is still loading) restarts the consumer: only a final one fails the step.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) reject(payload.error);
    });
    consumer.run({
      autoCommit: false,
      eachMessage: ({ message }) => {
        received.push(message);
        if (received.length === 5) resolve();
        return Promise.resolve();
      },
    }).catch(reject);
  }));
  assert.deepEqual(received.map((message) => message.value?.toString()), ['v0', 'v1', 'v2', 'v3', 'v4']);
  await step('commit (OffsetCommit)', () => consumer.commitOffsets([{ topic, partition: 0, offset: '5' }]));
  await step('leave the group (LeaveGroup)', () => consumer.disconnect());

  const committed = await step('read the committed offset (OffsetFetch)', () => admin.fetchOffsets({ groupId, topics: [topic] }));
  assert.deepEqual(committed, [{ topic, partitions: [{ partition: 0, offset: '5', metadata: null }] }]);

  await step('produce one more (Produce)', () => producer.send({ topic, messages: [{ key: 'k5', value: 'v5' }] }));
  const resumed = kafka.consumer({ groupId });
  consumers.push(resumed);
  await step('resume in the group from the committed offset', async () => {
    await resumed.connect();
    await resumed.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      resumed.on(resumed.events.CRASH, ({ payload }) => reject(payload.error));
      resumed.run({
        eachMessage: ({ message }) => {
          assert.equal(message.value?.toString(), 'v5', 'a resumed group starts after the committed offset');
          resolve();
          return Promise.resolve();
        },
      }).catch(reject);
    });
  });
  await producer.disconnect();
  await admin.disconnect();
});
