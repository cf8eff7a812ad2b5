/**
 * A consumer group member, on the client library the test run names (`PUNCHLINE_TEST_KAFKA_CLIENT`),
 * whose rejoin meets its coordinator down for longer than the library's own retries: the broker is
 * killed (-9) the moment the member learns the group rebalances, and stays down 35 s (the member's
 * retries of a join last about 25 s). The member stays alive, joins again once the broker is back
 * and reads on: every record, written before and after the outage, is read, and the group's
 * commit is exactly where the member committed what it read, never further.
 * On kafkajs the library itself gives up (its crash says restart: false, kafkajs'
 * `KafkaJSNonRetriableError: Failed to find group coordinator`): the member joins again itself,
 * as the platformatic one does.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { Admin, Kafka } from 'kafkajs';
import type { KafkaCluster } from '../../src/tools/local-broker/index.js';
import { withClusterDefaults } from '../../src/libraries/kafka/cluster-defaults.js';
import type { ResolvedCluster } from '../../src/libraries/kafka/cluster-resolution.js';
import { createGroupConsumer } from '../../src/libraries/kafka/group-consumer.js';
import type { ConsumedBatch, GroupAssignor, GroupConsumer } from '../../src/libraries/kafka/group-consumer.js';
import { kafkaClient, startTestCluster, testKafkaClient, uniqueName } from '../support/kafka.js';

/** Longer than a join's retries on either library (about 25 s). */
const OUTAGE_MS = 35_000;


let cluster: KafkaCluster | undefined;
let kafka: Kafka;
let admin: Admin;
const members: GroupConsumer[] = [];

before(async () => {
  cluster = await startTestCluster('rejoin-outage', { heapMb: 384 });
  kafka = kafkaClient(cluster.details());
  admin = kafka.admin();
  await admin.connect();
});

after(async () => {
  if (cluster === undefined) return;
  await Promise.all(members.map((member) => member.disconnect().catch(() => undefined)));
  await admin.disconnect();
  await cluster.stop();
});

/** Every partition to the member that announced `reader`; the others get none. */
function assignorFor(name: string): GroupAssignor {
  return {
    name: 'test-one-reader',
    version: 0,
    userData: () => Buffer.from(name),
    assign(partitionsByTopic, assignorMembers) {
      const plan = new Map<string, Record<string, number[]>>();
      for (const member of assignorMembers) {
        const reads = member.userData?.toString() === 'reader';
        plan.set(member.memberId, Object.fromEntries([...partitionsByTopic].map(([topic, partitions]) => [topic, reads ? [...partitions] : []])));
      }
      return plan;
    },
  };
}

/** Idempotent: a send retried under load must not write a record twice (the offsets are asserted). */
async function produce(topic: string, first: number, count: number): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: Array.from({ length: count }, (_, i) => ({ partition: i % 2, value: String(first + i) })) });
  await producer.disconnect();
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test(`a group member (${testKafkaClient()}) joins again and reads on after its rejoin outlasted its retries`, { timeout: 240_000 }, async () => {
  const topic = uniqueName('rejoin-outage');
  const groupId = uniqueName('rejoin-outage-group');
  assert.ok(cluster !== undefined);
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  await produce(topic, 0, 20);
  const resolved: ResolvedCluster = { id: 'test', config: { ...withClusterDefaults({ brokers: cluster.bootstrapServers }), client: testKafkaClient(), timeout_ms: 5000 } };
  const logger = pino({ level: 'silent' });
  const options = { groupId, topic, sessionTimeoutMs: 6000, heartbeatIntervalMs: 500, maxWaitMs: 500 };
  const [brokerPid] = await cluster.pids();
  assert.ok(brokerPid !== undefined);

  const read = new Set<string>();
  /** The offset after the last record read, per partition: what may be committed. */
  const readUpTo = new Map<number, number>();
  const crashes: boolean[] = [];
  let assignments = 0;
  let killed = false;
  const reader = createGroupConsumer(resolved, logger, { ...options, assignor: assignorFor('reader') });
  members.push(reader);
  await reader.run({
    async eachBatch(batch: ConsumedBatch) {
      for (const message of batch.messages) read.add(message.value?.toString() ?? '');
      const last = batch.messages.at(-1);
      if (last === undefined) return;
      batch.resolveOffset(last.offset);
      readUpTo.set(batch.partition, Number(last.offset) + 1);
      // A commit the outage refuses is made again by the next batch, or is not needed.
      await reader.commitOffsets([{ topic, partition: batch.partition, offset: String(Number(last.offset) + 1) }]).catch(() => undefined);
    },
    assigned: () => void assignments++,
    rebalancing() {
      if (!killed) {
        killed = true;
        // At once, before the member sends its join: the rejoin meets a dead coordinator.
        process.kill(brokerPid, 'SIGKILL');
      }
      return Promise.resolve();
    },
    committed: () => undefined,
    crashed: (_error, restart) => void crashes.push(restart),
  });
  await waitUntil(() => read.size === 20, 60_000, 'the first 20 records');

  // A second member joining makes the group rebalance; it is given no partition.
  const other = createGroupConsumer(resolved, logger, { ...options, assignor: assignorFor('other') });
  members.push(other);
  const otherRun = other.run({ eachBatch: () => Promise.resolve(), assigned: () => undefined, rebalancing: () => Promise.resolve(), committed: () => undefined, crashed: () => undefined });
  otherRun.catch(() => undefined);
  await waitUntil(() => killed, 30_000, 'the rebalance');
  const joinsBefore = assignments;
  await cluster.stopBroker(0, { kill: true });
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  await cluster.startBroker(0);

  await produce(topic, 20, 20);
  await waitUntil(() => read.size === 40, 150_000, 'the 20 records written after the outage');
  assert.deepEqual([...read].map(Number).sort((a, b) => a - b), [...Array(40).keys()], 'every record, before and after the outage, is read');
  assert.ok(assignments > joinsBefore, 'the member joined the group again');
  assert.ok(!crashes.includes(false), 'the member never stopped for good');

  // The group's commit is where the member committed after reading: every record, none beyond.
  const committedOffsets = async (): Promise<number[][]> => {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]).sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0));
  };
  const deadline = Date.now() + 10_000;
  while (JSON.stringify(await committedOffsets()) !== JSON.stringify([[0, 20], [1, 20]]) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
  assert.deepEqual(await committedOffsets(), [[0, 20], [1, 20]]);
  assert.deepEqual([...readUpTo].sort(), [[0, 20], [1, 20]], 'what was committed is what was read');
});
