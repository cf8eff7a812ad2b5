/**
 * How `punchline tap` and `punchline record` read a topic: as the only member of a consumer group
 * of their own, through the cluster's {@link GroupConsumer} (the client library the cluster
 * names), each partition from the offset asked, the others paused, and nothing ever committed:
 * no group's offsets move, and the group is gone once it leaves.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { createGroupConsumer, wholeTopicAssignor } from '../libraries/kafka/group-consumer.js';
import type { ConsumedRecord, GroupConsumer } from '../libraries/kafka/group-consumer.js';
import type { ResolvedCluster } from '../libraries/kafka/cluster-resolution.js';

/** What to read and what to do with it. */
export interface TopicReadingOptions {
  /** The group id's prefix (`punchline-tap`): a random suffix makes the group the reader's own. */
  readonly groupPrefix: string;
  readonly topic: string;
  /** The partitions to read and the offset each starts at; the others are not read. */
  readonly starts: ReadonlyMap<number, number>;
  /** One record, in offset order within its partition; the next waits until this resolves. */
  record(partition: number, record: ConsumedRecord): Promise<void> | void;
  /** The consumer stopped for good (it does not restart by itself). */
  failed(error: unknown): void;
}

/**
 * Joins the reader's group and reads until disconnected. Rejects when the cluster cannot be
 * reached or the group not joined (the client library's error, for `translateKafkaError`).
 */
export async function readTopic(cluster: ResolvedCluster, logger: Logger, options: TopicReadingOptions): Promise<GroupConsumer> {
  const { topic, starts } = options;
  // Where each partition goes on: a rejoin of the group (a lone member may be asked to) reads no record twice.
  const next = new Map(starts);
  const consumer = createGroupConsumer(cluster, logger, {
    groupId: `${options.groupPrefix}-${randomUUID()}`,
    topic,
    // The group has one member, the reader itself: it is given every partition of the topic.
    assignor: wholeTopicAssignor('punchline-reader'),
    sessionTimeoutMs: 30_000,
    heartbeatIntervalMs: 3_000,
    // Records are printed or written as they arrive.
    maxWaitMs: 500,
  });
  const running = consumer.run({
    assigned: (partitions) => {
      const others = partitions.filter((p) => !next.has(p));
      if (others.length > 0) consumer.pause(others);
      for (const [partition, offset] of next) if (partitions.includes(partition)) consumer.seek(partition, offset);
    },
    eachBatch: async (batch) => {
      const start = next.get(batch.partition);
      if (start === undefined) return;
      for (const record of batch.messages) {
        if (batch.isStale() || !batch.isRunning()) return;
        const offset = Number(record.offset);
        if (offset >= start) {
          await options.record(batch.partition, record);
          next.set(batch.partition, offset + 1);
        }
        batch.resolveOffset(record.offset);
      }
    },
    rebalancing: () => Promise.resolve(),
    committed: () => undefined,
    crashed: (error, restart) => {
      if (!restart) options.failed(error);
    },
  });
  try {
    await running;
  } catch (error) {
    await consumer.disconnect();
    throw error;
  }
  return consumer;
}
