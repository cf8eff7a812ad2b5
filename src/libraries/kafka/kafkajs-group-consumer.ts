/**
 * The {@link GroupConsumer} of kafkajs: one kafkajs consumer running `eachBatch` without
 * auto-commit nor auto-resolve, the caller's assignor as its only partition assigner. Its batches
 * are kafkajs' own; its events (`GROUP_JOIN`, `REBALANCING`, `COMMIT_OFFSETS`, `CRASH`) become the
 * handlers' calls. A heartbeat answered "rebalance in progress" runs the rebalancing handler
 * before it rejects, so what is acked is committed before kafkajs rejoins. Where kafkajs gives up
 * rejoining on an error a retry can fix, the member joins again itself (as the @platformatic/kafka
 * one does).
 */
import { AssignerProtocol } from 'kafkajs';
import type { Assigner, Consumer, EachBatchPayload, GroupMemberAssignment, PartitionAssigner } from 'kafkajs';
import type { Logger } from 'pino';
import { createKafkaClient } from './client-factory.js';
import type { ResolvedCluster } from './cluster-resolution.js';
import { classifyKafkaError } from './error-classification.js';
import type { ConsumedBatch, ConsumerHandlers, GroupAssignor, GroupConsumer, GroupConsumerOptions, TopicPartitionOffset } from './group-consumer.js';
import { GroupRejoin } from './group-rejoin.js';

export class KafkajsGroupConsumer implements GroupConsumer {
  readonly #consumer: Consumer;
  readonly #topic: string;
  readonly #groupId: string;
  /** Joins again after kafkajs gave up. */
  readonly #rejoin: GroupRejoin;
  #handlers: ConsumerHandlers | undefined;
  #disconnected = false;

  constructor(cluster: ResolvedCluster, logger: Logger, options: GroupConsumerOptions) {
    this.#topic = options.topic;
    this.#groupId = options.groupId;
    this.#rejoin = new GroupRejoin(logger, options.topic, options.groupId);
    this.#consumer = createKafkaClient(cluster, logger).consumer({
      groupId: options.groupId,
      partitionAssigners: [kafkajsAssigner(options.assignor)],
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      maxWaitTimeInMs: options.maxWaitMs,
      allowAutoTopicCreation: false,
    });
  }

  async run(handlers: ConsumerHandlers): Promise<void> {
    const consumer = this.#consumer;
    const topic = this.#topic;
    this.#handlers = handlers;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      this.#rejoin.joined();
      handlers.assigned(event.payload.memberAssignment[topic] ?? []);
    });
    consumer.on(consumer.events.REBALANCING, () => void handlers.rebalancing());
    consumer.on(consumer.events.CRASH, (event) => this.#crashed(event.payload.error, event.payload.restart));
    consumer.on(consumer.events.COMMIT_OFFSETS, (event) =>
      handlers.committed(event.payload.topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => ({ partition: Number(p.partition), offset: p.offset })) }))),
    );
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await this.#start();
  }

  #start(): Promise<void> {
    const handlers = this.#handlers;
    if (handlers === undefined) return Promise.resolve();
    return this.#consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => handlers.eachBatch(batchOf(payload, handlers)) });
  }

  /**
   * kafkajs crashed. When it restarts by itself, the handlers are told so. When it gives up on an
   * error a retry can fix (`Failed to find group coordinator` after its retries: a broker down
   * longer than they last), the member joins again itself ({@link GroupRejoin}), told once to the
   * handlers (restarting); a fatal error (a refused login, a denied group) stops the member.
   */
  #crashed(error: Error, restart: boolean): void {
    const handlers = this.#handlers;
    if (handlers === undefined || this.#disconnected) return;
    if (restart) {
      handlers.crashed(error, true);
      return;
    }
    if (!classifyKafkaError(error).retriable) {
      handlers.crashed(error, false);
      return;
    }
    // kafkajs' crash handler is still disconnecting when it emits the event: run again after it.
    // A failed start crashes again (the event above), which schedules the next attempt.
    const join = (): void => {
      if (this.#disconnected) return;
      this.#start().catch((startError: unknown) => this.#crashed(startError instanceof Error ? startError : new Error(String(startError)), false));
    };
    const began = this.#rejoin.failed(join, () => ({
      text: `group "${this.#groupId}" on topic "${this.#topic}" still unreachable (${error.message})`,
      fields: { err: error.message },
    }));
    if (began) handlers.crashed(error, true);
  }

  seek(partition: number, offset: number): void {
    this.#consumer.seek({ topic: this.#topic, partition, offset: String(offset) });
  }

  pause(partitions?: readonly number[]): void {
    this.#consumer.pause([partitions === undefined ? { topic: this.#topic } : { topic: this.#topic, partitions: [...partitions] }]);
  }

  resume(partitions?: readonly number[]): void {
    this.#consumer.resume([partitions === undefined ? { topic: this.#topic } : { topic: this.#topic, partitions: [...partitions] }]);
  }

  commitOffsets(offsets: TopicPartitionOffset[]): Promise<void> {
    return this.#consumer.commitOffsets(offsets);
  }

  disconnect(): Promise<void> {
    this.#disconnected = true;
    this.#rejoin.stop();
    return this.#consumer.disconnect();
  }
}

/** A kafkajs batch as a {@link ConsumedBatch} (kafkajs messages are consumed records as they are). */
function batchOf(payload: EachBatchPayload, handlers: ConsumerHandlers): ConsumedBatch {
  const { batch } = payload;
  return {
    topic: batch.topic,
    partition: batch.partition,
    highWatermark: batch.highWatermark,
    messages: batch.messages,
    async heartbeat() {
      try {
        await payload.heartbeat();
      } catch (error) {
        if ((error as { type?: unknown }).type === 'REBALANCE_IN_PROGRESS') await handlers.rebalancing();
        throw error;
      }
    },
    isStale: () => payload.isStale(),
    isRunning: () => payload.isRunning(),
    resolveOffset: (offset) => payload.resolveOffset(offset),
  };
}

/** The kafkajs partition assigner running `assignor`. */
function kafkajsAssigner(assignor: GroupAssignor): PartitionAssigner {
  return ({ cluster }): Assigner => ({
    name: assignor.name,
    version: assignor.version,
    protocol({ topics }) {
      return { name: assignor.name, metadata: AssignerProtocol.MemberMetadata.encode({ version: assignor.version, topics, userData: assignor.userData() }) };
    },
    assign({ members, topics }): Promise<GroupMemberAssignment[]> {
      const partitionsByTopic = new Map(topics.map((topic) => [topic, cluster.findTopicPartitionMetadata(topic).map((m) => m.partitionId)]));
      const decoded = members.map(({ memberId, memberMetadata }) => {
        const metadata = AssignerProtocol.MemberMetadata.decode(memberMetadata);
        return { memberId, topics: metadata?.topics ?? [], userData: metadata?.userData ?? null };
      });
      return Promise.resolve(
        [...assignor.assign(partitionsByTopic, decoded)].map(([memberId, byTopic]) => ({
          memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: assignor.version, assignment: byTopic, userData: Buffer.alloc(0) }),
        })),
      );
    },
  });
}
