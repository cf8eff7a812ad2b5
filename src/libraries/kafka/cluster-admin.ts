/**
 * The admin operations the Kafka nodes run (once at start, or when a topic is first met, never
 * per record) and the CLI's Kafka commands run (`groups`, `tap`, `record`, `channel`, `config
 * check`), whichever client library the cluster names (`client` in the platform config):
 * kafkajs (the default) or @platformatic/kafka. Both reach the cluster with the same addresses,
 * timeouts, TLS and SASL as the cluster's consumers and producers, and fail with their own
 * errors, which `classifyKafkaError` reads alike (a topic that does not exist is
 * `unknown_topic_or_partition`).
 *
 * Lifecycle: `connect()` once, any operations, `disconnect()` once.
 */
import type { Logger } from 'pino';
import type { ResolvedCluster } from './cluster-resolution.js';
import { KafkajsClusterAdmin } from './kafkajs-cluster-admin.js';
import { PlatformaticClusterAdmin } from './platformatic-cluster-admin.js';

/** One partition of a topic and the broker that leads it (-1 while it has none). */
export interface PartitionLeader {
  readonly partition: number;
  readonly leader: number;
}

/** The offsets a partition holds: from `low` (its first record) to `high` (after its last). Decimal strings (int64). */
export interface PartitionOffsetRange {
  readonly partition: number;
  readonly low: string;
  readonly high: string;
}

/** An offset of a partition, a decimal string (int64). */
export interface PartitionOffset {
  readonly partition: number;
  readonly offset: string;
}

/** A broker of the cluster as the metadata lists it. */
export interface BrokerAddress {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

/** A topic to create; -1 leaves the partitions or the replication factor to the broker's default. */
export interface NewTopic {
  readonly topic: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Topic configuration entries (`cleanup.policy`, ...). */
  readonly configs?: Readonly<Record<string, string>>;
}

/** One member of a consumer group and the partitions assigned to it. */
export interface GroupMember {
  readonly memberId: string;
  readonly clientId: string;
  readonly host: string;
  /** By topic, partitions ascending; empty while the member has no assignment (or speaks another protocol than consumers'). */
  readonly assignment: readonly { readonly topic: string; readonly partitions: readonly number[] }[];
}

/** A consumer group as its coordinator describes it. */
export interface GroupDescription {
  readonly groupId: string;
  /** Kafka's group state: Stable, Empty, PreparingRebalance, CompletingRebalance, Dead (a group that does not exist)... */
  readonly state: string;
  readonly members: readonly GroupMember[];
}

/** The offsets a group committed on a topic; `-1` where it committed nothing. */
export interface CommittedOffsets {
  readonly topic: string;
  readonly partitions: readonly PartitionOffset[];
}

/** What a caller may choose beyond the cluster declaration. */
export interface ClusterAdminOptions {
  /**
   * Retries of a request that failed in a retriable way; default 5, with exponential delays from
   * 300 ms (about 10 s in all), as kafkajs. 0 for a caller that retries by itself.
   */
  readonly retries?: number;
}

/** An admin client of one cluster. */
export interface ClusterAdmin {
  connect(): Promise<void>;
  /** Every topic of the cluster, internal ones (`__consumer_offsets`) included. */
  listTopics(): Promise<string[]>;
  /** The partitions of `topic` with their leaders, by partition; rejects when the topic does not exist. */
  partitionsOf(topic: string): Promise<PartitionLeader[]>;
  /** The first and next offsets of every partition of `topic`, by partition. */
  topicOffsets(topic: string): Promise<PartitionOffsetRange[]>;
  /**
   * For every partition of `topic`, the first offset whose record's timestamp is at or after
   * `timestamp` (epoch milliseconds), or the partition's next offset when there is none.
   */
  offsetsAtTime(topic: string, timestamp: number): Promise<PartitionOffset[]>;
  /**
   * Sends the creation request alone (no wait for leaders). A topic that exists already is left as
   * it is, without an error (another writer, or a retry of our own request); any other refusal
   * rejects as the broker answered.
   */
  createTopics(topics: readonly NewTopic[]): Promise<void>;
  /**
   * Adds partitions to `topic` until it has `count`.
   * @throws the broker's refusal (INVALID_PARTITIONS when it has as many already).
   */
  createPartitions(topic: string, count: number): Promise<void>;
  /** The ids of every consumer group of the cluster, sorted. */
  listGroups(): Promise<string[]>;
  /** The groups named, in that order; a group that does not exist is `Dead` without members. */
  describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]>;
  /**
   * The offsets `groupId` committed: on every topic it committed on (partitions with a commit
   * only), or on `topics` (every partition, `-1` where it has none; rejects as
   * {@link partitionsOf} for a topic that does not exist). By topic as given or as the broker
   * lists them, partitions ascending.
   */
  committedOffsets(groupId: string, topics?: readonly string[]): Promise<CommittedOffsets[]>;
  /** Commits `partitions` of `topic` for `groupId`, as a member outside any generation would (the group must have no member). */
  setCommittedOffsets(groupId: string, topic: string, partitions: readonly PartitionOffset[]): Promise<void>;
  /** The live brokers of the cluster. */
  brokers(): Promise<BrokerAddress[]>;
  /** Closes the connections; never rejects. */
  disconnect(): Promise<void>;
}

/**
 * The admin client of the library `cluster` names. Throws `E_FILE_IO` when a file the
 * declaration names (CA, certificate, password) cannot be read.
 */
export function createClusterAdmin(cluster: ResolvedCluster, logger: Logger, options: ClusterAdminOptions = {}): ClusterAdmin {
  return cluster.config.client === 'platformatic' ? new PlatformaticClusterAdmin(cluster, options) : new KafkajsClusterAdmin(cluster, logger, options);
}
