/**
 * The consumer group member the Kafka inputs read with, whichever client library the cluster
 * names (`client` in the platform config): kafkajs (the default) or @platformatic/kafka. Both
 * give the same guarantees, which `kafka_input` relies on:
 * - membership of one group on one topic, partitions assigned by the caller's {@link GroupAssignor}
 *   (every member of the group must run the same one), eager protocol: at each rebalance every
 *   partition is revoked, and the new assignment is told through {@link ConsumerHandlers.assigned}
 *   before any batch of it is handed over;
 * - batches per partition, handed over one at a time: the next fetch of a partition starts after
 *   the last offset the batch resolved ({@link ConsumedBatch.resolveOffset}), unless a
 *   {@link GroupConsumer.seek} moved it meanwhile (a seek always wins); a partition newly assigned
 *   starts at the group's commit, else at the earliest offset;
 * - nothing committed but what the caller commits ({@link GroupConsumer.commitOffsets});
 * - while a batch waits the member stays in the group ({@link ConsumedBatch.heartbeat}); when the
 *   group rebalances, {@link ConsumerHandlers.rebalancing} runs before this member gives its
 *   partitions up where the library lets it wait (kafkajs), as soon as it is known otherwise.
 *
 * Lifecycle: `run()` once (connects, joins, resolves once the first batch loop runs; the first
 * assignment follows), `pause`/`resume`/`seek`/`commitOffsets` any time, `disconnect()` once
 * (leaves the group).
 */
import type { Logger } from 'pino';
import type { ResolvedCluster } from './cluster-resolution.js';
import { KafkajsGroupConsumer } from './kafkajs-group-consumer.js';
import { PlatformaticGroupConsumer } from './platformatic-group-consumer.js';

/** Header values as consumers hand them over: a name maps to its value, or its values when it repeats. */
export type ConsumedHeaders = Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;

/** One record read. Offsets and timestamps are decimal strings (int64). */
export interface ConsumedRecord {
  readonly offset: string;
  /** Epoch milliseconds. */
  readonly timestamp: string;
  readonly key?: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: ConsumedHeaders;
}

/** The records of one fetch of one partition. */
export interface ConsumedBatch {
  readonly topic: string;
  readonly partition: number;
  /** The partition's end offset when it was fetched. */
  readonly highWatermark: string;
  readonly messages: readonly ConsumedRecord[];
  /**
   * Keeps the membership alive while the batch waits; rejects when the group rebalances (after
   * {@link ConsumerHandlers.rebalancing} ran): the batch is then to be abandoned.
   */
  heartbeat(): Promise<void>;
  /** A seek or a rebalance happened since the fetch: the rest of the batch is not to be read. */
  isStale(): boolean;
  /** False once the consumer stops or rejoins. */
  isRunning(): boolean;
  /** The records up to `offset` are read: the next fetch of the partition starts after it. */
  resolveOffset(offset: string): void;
}

/** Offsets to commit or committed, Kafka style: the offset of the next record to read. */
export interface TopicPartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** What the member tells its caller. */
export interface ConsumerHandlers {
  /** One batch; the next one waits until this resolves. A rejection abandons the batch (it is re-read). */
  eachBatch(batch: ConsumedBatch): Promise<void>;
  /** The partitions of the topic this member owns from now on (every other one is revoked). */
  assigned(partitions: readonly number[]): void;
  /** The group rebalances: the last moment to commit with this generation. Never rejects. */
  rebalancing(): Promise<void>;
  /** The broker confirmed a commit. */
  committed(topics: readonly { topic: string; partitions: readonly { partition: number; offset: string }[] }[]): void;
  /**
   * The member failed: `restart` true when it rejoins by itself (its partitions are revoked until
   * the next {@link assigned}), false when it stopped for good.
   */
  crashed(error: unknown, restart: boolean): void;
}

/** One member as the group leader sees it. */
export interface AssignorMember {
  readonly memberId: string;
  readonly topics: readonly string[];
  /** What the member announced ({@link GroupAssignor.userData}); null when it said nothing. */
  readonly userData: Buffer | null;
}

/**
 * A partition assignment protocol: what each member announces when it joins, and how the leader
 * shares the partitions out.
 */
export interface GroupAssignor {
  /** The protocol's name: every member of a group must announce the same. */
  readonly name: string;
  readonly version: number;
  /** This member's announcement, read at every join. */
  userData(): Buffer;
  /** The leader's plan: the partitions of each member by topic, every member listed. */
  assign(partitionsByTopic: ReadonlyMap<string, readonly number[]>, members: readonly AssignorMember[]): ReadonlyMap<string, Readonly<Record<string, number[]>>>;
}

/**
 * The assignor of a group whose only member is a reader of its own (the alert changelog's tail,
 * `punchline tap` and `record`): the first member is given every partition of every topic.
 * `name` is the group protocol's name the member announces.
 */
export function wholeTopicAssignor(name: string): GroupAssignor {
  return {
    name,
    version: 0,
    userData: () => Buffer.alloc(0),
    assign: (partitionsByTopic, members) =>
      new Map(members.map((member, index) => [member.memberId, index === 0 ? Object.fromEntries([...partitionsByTopic].map(([topic, partitions]) => [topic, [...partitions]])) : {}])),
  };
}

/** How a member joins and fetches: fixed for its life. */
export interface GroupConsumerOptions {
  readonly groupId: string;
  readonly topic: string;
  readonly assignor: GroupAssignor;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  /** How long the broker may hold a fetch that has nothing to return. */
  readonly maxWaitMs: number;
}

/** A member of a consumer group reading one topic. */
export interface GroupConsumer {
  run(handlers: ConsumerHandlers): Promise<void>;
  /** Reads `partition` from `offset` on, from the next fetch; a batch under way becomes stale. */
  seek(partition: number, offset: number): void;
  /** Stops fetching the partitions given (every one when none is given) until resumed. */
  pause(partitions?: readonly number[]): void;
  resume(partitions?: readonly number[]): void;
  commitOffsets(offsets: TopicPartitionOffset[]): Promise<void>;
  /** Leaves the group and closes the connections; commits nothing. */
  disconnect(): Promise<void>;
}

/**
 * The group member of the client library `cluster` names. Throws `E_FILE_IO` when a file the
 * declaration names (CA, certificate, password) cannot be read.
 */
export function createGroupConsumer(cluster: ResolvedCluster, logger: Logger, options: GroupConsumerOptions): GroupConsumer {
  return cluster.config.client === 'platformatic' ? new PlatformaticGroupConsumer(cluster, logger, options) : new KafkajsGroupConsumer(cluster, logger, options);
}
