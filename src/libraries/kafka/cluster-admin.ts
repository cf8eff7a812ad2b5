/**
 * The admin operations the Kafka nodes run (once at start, or when a topic is first met, never
 * per record), whichever client library the cluster names (`client` in the platform config):
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
