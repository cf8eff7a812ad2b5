/**
 * Writing records to one cluster: the shared producer and an admin client of the cluster (of the
 * client library the cluster names), the partition count
 * of each topic (cached, refreshed after errors and every few minutes), topics created on first
 * use when `topic_creation.enabled` says so (never otherwise: a typo must not become a topic), and
 * the classification of what the broker answers into the three ends of a record:
 * - **written**: the broker confirmed it per `acks`;
 * - **failed**: it was not confirmed after the client's retries (broker down, leader moving,
 *   timeouts, a topic that cannot be created now): the tuple fails and its input replays it;
 * - **rejected**: the broker refused it for good (too large, invalid topic, invalid record), or
 *   its topic does not exist and may not be created here: retrying cannot help, so it goes to
 *   `_ppf_errors`.
 *
 * The clients answer a produce request with one error for the whole request, even when one record
 * alone is at fault. So a request refused for a record-level reason is split in halves and each
 * half sent again, until the culprits stand alone; the innocent records are written (possibly a
 * second time, if a partition of the first request had already appended them: at-least-once).
 */
import type { Logger } from 'pino';
import { closestName } from '../../src/core/closest-name.js';
import { PunchlineError } from '../../src/core/errors.js';
import type { Tuple } from '../../src/runtime/node-api.js';
import { createClusterAdmin } from '../../src/libraries/kafka/cluster-admin.js';
import type { ClusterAdmin } from '../../src/libraries/kafka/cluster-admin.js';
import { effective } from '../../src/libraries/kafka/cluster-resolution.js';
import type { ResolvedCluster } from '../../src/libraries/kafka/cluster-resolution.js';
import { classifyKafkaError, translateKafkaError } from '../../src/libraries/kafka/kafka-errors.js';
import type { ProducerRecord } from '../../src/libraries/kafka/record-producer.js';
import type { ProducerLease, ProducerPool } from './shared-producers.js';
import { partitionFor } from '../../src/libraries/kafka/partitioning/partition-for.js';
import type { PartitionAlgorithm } from '../../src/libraries/kafka/partitioning/partition-for.js';
import type { KafkaOutputMetrics } from './metrics.js';
import { RecordRejection } from './record-rejection.js';
import { createTopicsWithLeaders } from './topic-creation.js';
import type { RejectionKind } from './record-rejection.js';
import type { RecordHeaderMap } from './record-headers.js';

/** A record ready to send, with the tuple it comes from. */
export interface OutgoingRecord {
  readonly tuple: Tuple;
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer;
  readonly headers: RecordHeaderMap | undefined;
  /** Key, value and header bytes: what batches are sized and metrics count by. */
  readonly bytes: number;
}

/** What became of one record. */
export type RecordResult =
  | { readonly type: 'written' }
  | { readonly type: 'failed'; readonly kind: 'write_failed'; readonly error: PunchlineError }
  | { readonly type: 'rejected'; readonly rejection: RecordRejection };

/** The result of every record written: one shared object. */
const WRITTEN: RecordResult = Object.freeze({ type: 'written' });

/** How a writer produces, from the node's settings. */
export interface WriterOptions {
  readonly acks: 'all' | '1' | '0';
  readonly compression: 'none' | 'gzip';
  readonly idempotent: boolean;
  readonly maxInFlightRequests: number;
  readonly retries: number;
  readonly ackTimeoutMs: number;
  readonly maxBatchBytes: number;
  /** `undefined` leaves the partition to the client (`disablePartitionById`). */
  readonly partitionAlgorithm: PartitionAlgorithm | undefined;
  readonly topicCreation: { readonly enabled: boolean; readonly partitions: number; readonly replication_factor: number };
}

/** What to do about a missing topic, for the error at start. */
const MISSING_TOPIC_HINT = 'fix its name, declare it in the channel_structure.json5 (punchline channel start creates it), or set topic_creation.enabled';

/** How long a topic's partition count is trusted (the Java client's `metadata.max.age.ms`). */
const METADATA_MAX_AGE_MS = 5 * 60_000;

const ACKS: Readonly<Record<WriterOptions['acks'], -1 | 0 | 1>> = { all: -1, '1': 1, '0': 0 };

/** A record to send, where it goes in the batch's results, and what it comes from. */
interface Sendable {
  readonly index: number;
  readonly message: ProducerRecord;
  readonly record: OutgoingRecord;
}

/**
 * The rejection kind when the error says a record can never be written (the classifier of the
 * Kafka layer finds it not retriable, and the fault the record's), else undefined.
 */
export function rejectionKindOf(error: unknown): RejectionKind | undefined {
  const { kind, reason, retriable } = classifyKafkaError(error);
  if (retriable || kind !== 'rejected_record') return undefined;
  return reason === 'too_large' || reason === 'invalid_topic' ? reason : 'invalid_record';
}

interface CachedCount {
  readonly count: number;
  readonly expiresAt: number;
}

/**
 * One cluster's producer lease, admin client and topic metadata. Lifecycle: `connect()` in the
 * node's start, `ensureTopic()` for the topics known in advance, `write()` per batch, `close()`
 * in the node's close.
 */
export class ClusterWriter {
  readonly #cluster: ResolvedCluster;
  readonly #options: WriterOptions;
  /** The node's logger: the client factory adds the cluster to what kafkajs logs. */
  readonly #clientLogger: Logger;
  /** The node's logger with the cluster, for this writer's own lines. */
  readonly #logger: Logger;
  readonly #metrics: KafkaOutputMetrics;
  /** The run's shared producers (`ctx.connection`), where the lease comes from. */
  readonly #producers: ProducerPool;
  #lease: ProducerLease | undefined;
  #admin: ClusterAdmin | undefined;
  readonly #partitions = new Map<string, CachedCount>();
  readonly #lookups = new Map<string, Promise<number | RecordRejection>>();

  constructor(cluster: ResolvedCluster, options: WriterOptions, logger: Logger, metrics: KafkaOutputMetrics, producers: ProducerPool) {
    this.#producers = producers;
    this.#cluster = cluster;
    this.#options = options;
    this.#clientLogger = logger;
    this.#logger = logger.child({ cluster: cluster.id });
    this.#metrics = metrics;
  }

  /** The cluster id: the metrics label and the prefix of error messages. */
  get clusterId(): string {
    return this.#cluster.id;
  }

  /** Borrows the cluster's shared producer and connects an admin client. Throws a translated error when the cluster is unreachable. */
  async connect(): Promise<void> {
    const { idempotent, maxInFlightRequests, retries, ackTimeoutMs } = this.#options;
    this.#lease = await this.#producers.acquire(this.#cluster, { idempotent, maxInFlightRequests, retries, ackTimeoutMs }, this.#clientLogger);
    const admin = createClusterAdmin(this.#cluster, this.#clientLogger);
    try {
      await admin.connect();
    } catch (error) {
      throw translateKafkaError(error, this.#cluster, 'connecting an admin client');
    }
    this.#admin = admin;
  }

  /** Gives the producer back and disconnects the admin client. */
  async close(): Promise<void> {
    await this.#lease?.release();
    await this.#admin?.disconnect();
    this.#lease = undefined;
    this.#admin = undefined;
  }

  /**
   * The partition count of `topic`, creating the topic when it is missing and creation is on: for
   * the topics the settings name, at start.
   * @throws {PunchlineError} `E_KAFKA_WRITE` (not retriable) when the topic is missing and may not
   * be created (the message suggests the closest topic of the cluster), or creating it failed; a
   * translated error when the cluster does not answer.
   */
  async ensureTopic(topic: string): Promise<number> {
    const count = await this.partitionsOf(topic);
    if (count instanceof RecordRejection) {
      throw new PunchlineError('E_KAFKA_WRITE', count.message, { retriable: false, hint: MISSING_TOPIC_HINT });
    }
    return count;
  }

  /**
   * The partition count of `topic` as {@link ensureTopic} finds it, or, when the topic is missing
   * and may not be created, the `topic_missing` rejection of its records (a topic chosen from the
   * data: the record goes to `_ppf_errors` with the closest topic of the cluster).
   */
  async partitionsOf(topic: string): Promise<number | RecordRejection> {
    const cached = this.#partitions.get(topic);
    if (cached !== undefined && cached.expiresAt > Date.now()) return cached.count;
    let lookup = this.#lookups.get(topic);
    if (lookup === undefined) {
      lookup = this.#lookUp(topic).finally(() => this.#lookups.delete(topic));
      this.#lookups.set(topic, lookup);
    }
    return lookup;
  }

  async #lookUp(topic: string): Promise<number | RecordRejection> {
    let count = await this.#fetchPartitionCount(topic);
    if (count === undefined) {
      if (!this.#options.topicCreation.enabled) return this.#missing(topic);
      await this.#create(topic);
      count = await this.#fetchPartitionCount(topic);
      if (count === undefined) throw new PunchlineError('E_KAFKA_WRITE', `kafka cluster "${this.#cluster.id}": topic "${topic}" was created but has no metadata yet`);
    }
    this.#partitions.set(topic, { count, expiresAt: Date.now() + METADATA_MAX_AGE_MS });
    return count;
  }

  /** Why `topic` cannot be written: it does not exist, with the cluster's closest topic when one is close. */
  async #missing(topic: string): Promise<RecordRejection> {
    let topics: string[];
    try {
      topics = (await this.#connectedAdmin().listTopics()).filter((name) => !name.startsWith('__'));
    } catch (error) {
      throw translateKafkaError(error, this.#cluster, 'listing the topics');
    }
    const close = closestName(topic, topics);
    const suggestion = close === undefined ? '' : ` (did you mean "${close}"?)`;
    return new RecordRejection('topic_missing', `kafka cluster "${this.#cluster.id}": topic "${topic}" does not exist${suggestion}; kafka_output creates no topic unless topic_creation.enabled is true`);
  }

  /** The partition count, or undefined when the topic does not exist. */
  async #fetchPartitionCount(topic: string): Promise<number | undefined> {
    const admin = this.#connectedAdmin();
    try {
      const partitions = (await admin.partitionsOf(topic)).length;
      return partitions > 0 ? partitions : undefined;
    } catch (error) {
      if (classifyKafkaError(error).kind === 'unknown_topic_or_partition') return undefined;
      throw translateKafkaError(error, this.#cluster, `reading the metadata of topic "${topic}"`);
    }
  }

  async #create(topic: string): Promise<void> {
    const { partitions, replication_factor: replicationFactor } = this.#options.topicCreation;
    const how = `${partitions === -1 ? "the broker's default partitions" : `${partitions} partitions`}, ${replicationFactor === -1 ? "the broker's default replication factor" : `replication factor ${replicationFactor}`}`;
    try {
      // Already there (another writer, or a retry of our own request) counts as created; then every
      // broker must know the leaders, or the first produce meets UNKNOWN_TOPIC_OR_PARTITION.
      await createTopicsWithLeaders(this.#connectedAdmin(), [{ topic, partitions, replicationFactor }], (address) => this.#singleBrokerAdmin(address), {
        deadlineMs: Math.max(30_000, effective(this.#cluster.config).timeoutMs),
      });
      this.#logger.info({ topic, partitions, replicationFactor }, `Created topic "${topic}" with ${how}; every broker knows its partition leaders.`);
    } catch (error) {
      if (error instanceof PunchlineError) {
        throw new PunchlineError('E_KAFKA_WRITE', `kafka cluster "${this.#cluster.id}": creating topic "${topic}" with ${how}: ${error.message}`, {
          cause: error,
          retriable: error.retriable,
          ...(error.hint === undefined ? {} : { hint: error.hint }),
        });
      }
      const classification = classifyKafkaError(error);
      const types = classification.brokerErrorTypes;
      const invalid = classification.reason === 'invalid_topic';
      const reason = types.find((t) => t !== 'UNKNOWN_SERVER_ERROR') ?? translateKafkaError(error, this.#cluster, 'creating').message;
      throw new PunchlineError(invalid ? 'E_KAFKA_REJECTED' : 'E_KAFKA_WRITE', `kafka cluster "${this.#cluster.id}": creating topic "${topic}" with ${how} failed: ${reason}`, {
        cause: error,
        retriable: classification.retriable,
        hint: invalid ? 'the broker refuses this topic name' : 'check topic_creation.partitions / replication_factor against the cluster (and its ACLs), or create the topic beforehand',
      });
    }
  }

  /** An admin client of the broker at `address` alone, without retries of its own: for the leader wait after a creation. */
  #singleBrokerAdmin(address: string): ClusterAdmin {
    const cluster: ResolvedCluster = { id: this.#cluster.id, config: { ...this.#cluster.config, brokers: [address] } };
    return createClusterAdmin(cluster, this.#clientLogger, { retries: 0 });
  }

  #connectedAdmin(): ClusterAdmin {
    if (this.#admin === undefined) throw new PunchlineError('E_NODE_CRASHED', `kafka cluster "${this.#cluster.id}": used before connect()`);
    return this.#admin;
  }

  /**
   * Sends `records` (in order, in requests of at most `maxBatchBytes`) and says what became of
   * each, index for index. Never rejects: every problem is a `failed` or `rejected` result.
   */
  async write(records: readonly OutgoingRecord[]): Promise<RecordResult[]> {
    const results: RecordResult[] = new Array<RecordResult>(records.length);
    const partitions = new Map<string, number | PunchlineError | RecordRejection>();
    await Promise.all(
      [...new Set(records.map((r) => r.topic))].map(async (topic) => {
        try {
          partitions.set(topic, await this.partitionsOf(topic));
        } catch (error) {
          partitions.set(topic, error instanceof PunchlineError ? error : translateKafkaError(error, this.#cluster, `preparing topic "${topic}"`));
        }
      }),
    );
    const sendable: Sendable[] = [];
    records.forEach((record, index) => {
      const count = partitions.get(record.topic);
      if (count instanceof RecordRejection) {
        results[index] = { type: 'rejected', rejection: count };
        return;
      }
      if (count instanceof PunchlineError) {
        // Not retriable and the topic's fault (its name): no replay can help, the record is rejected.
        if (!count.retriable && count.code === 'E_KAFKA_REJECTED') results[index] = { type: 'rejected', rejection: new RecordRejection('invalid_topic', count.message) };
        else results[index] = { type: 'failed', kind: 'write_failed', error: count };
        return;
      }
      const algorithm = this.#options.partitionAlgorithm;
      // One shape for every record (no spreads): an undefined partition or headers is an absent one.
      const message: ProducerRecord = { key: record.key, value: record.value, partition: algorithm === undefined ? undefined : partitionFor(algorithm, record.key, count ?? 1), headers: record.headers };
      sendable.push({ index, message, record });
    });
    let failure: PunchlineError | undefined;
    for (const chunk of chunksOf(sendable, this.#options.maxBatchBytes)) {
      if (failure !== undefined) {
        // The cluster just failed a request after all retries: do not spend them again per chunk.
        for (const item of chunk) results[item.index] = { type: 'failed', kind: 'write_failed', error: failure };
        continue;
      }
      failure = await this.#send(chunk, results);
    }
    return results;
  }

  /**
   * Sends one request's worth of records; returns the error when it failed (not when records were
   * only rejected).
   *
   * With the idempotent producer, the records go as one send per partition, and the sends of
   * the shared producer take turns (`lease.exclusive`). kafkajs 2.2 gives sequence numbers per
   * partition when a request leaves and takes them back when it fails: two requests for one
   * partition in flight at once (possible when its leader moves between brokers, each broker
   * having its own lock) reuse numbers, and the broker then drops new records as duplicates. And
   * when a send spanning several brokers is retried after one of them failed, the
   * partitions that moved to a broker that had already answered are not sent again. Both lost
   * acked records on a 3-broker cluster whose leader was killed; one partition per call, one
   * call per partition at a time, avoids both (kept for @platformatic/kafka: it costs little).
   */
  async #send(chunk: readonly Sendable[], results: RecordResult[]): Promise<PunchlineError | undefined> {
    const lease = this.#lease;
    if (lease === undefined) throw new PunchlineError('E_NODE_CRASHED', `kafka cluster "${this.#cluster.id}": write before connect()`);
    if (!this.#options.idempotent || chunk.some((c) => c.message.partition === undefined)) return this.#sendRequest(lease, chunk, results);
    const byPartition = new Map<string, (typeof chunk)[number][]>();
    for (const item of chunk) {
      const key = `${item.record.topic}\u0000${String(item.message.partition)}`;
      let items = byPartition.get(key);
      if (items === undefined) byPartition.set(key, (items = []));
      items.push(item);
    }
    return lease.exclusive(async () => {
      const failures = await Promise.all([...byPartition.values()].map((items) => this.#sendRequest(lease, items, results)));
      return failures.find((f) => f !== undefined);
    });
  }

  async #sendRequest(lease: ProducerLease, chunk: readonly Sendable[], results: RecordResult[]): Promise<PunchlineError | undefined> {
    const byTopic = new Map<string, ProducerRecord[]>();
    for (const { record, message } of chunk) {
      let messages = byTopic.get(record.topic);
      if (messages === undefined) byTopic.set(record.topic, (messages = []));
      messages.push(message);
    }
    const started = performance.now();
    try {
      await lease.producer.send(
        [...byTopic].map(([topic, records]) => ({ topic, records })),
        { acks: ACKS[this.#options.acks], compression: this.#options.compression },
      );
    } catch (error) {
      return this.#onSendError(lease, error, chunk, results);
    }
    this.#metrics.batchConfirmed(this.#cluster.id, (performance.now() - started) / 1000);
    // Counted per run of records of one topic (a request mostly holds one topic).
    let topic: string | undefined;
    let count = 0;
    let bytes = 0;
    for (const { index, record } of chunk) {
      results[index] = WRITTEN;
      if (record.topic !== topic) {
        if (topic !== undefined) this.#metrics.written(topic, count, bytes);
        topic = record.topic;
        count = 0;
        bytes = 0;
      }
      count++;
      bytes += record.bytes;
    }
    if (topic !== undefined) this.#metrics.written(topic, count, bytes);
    return undefined;
  }

  async #onSendError(lease: ProducerLease, error: unknown, chunk: readonly Sendable[], results: RecordResult[]): Promise<PunchlineError | undefined> {
    const kind = rejectionKindOf(error);
    if (kind !== undefined) {
      if (chunk.length > 1) {
        // One record (or a few) spoiled the request: find them by halves, send the others.
        const middle = Math.ceil(chunk.length / 2);
        // Straight to #sendRequest: the halves are still one partition each when they must be, and
        // an exclusive turn is held already (#send would wait for it forever).
        const first = await this.#sendRequest(lease, chunk.slice(0, middle), results);
        if (first !== undefined) {
          for (const item of chunk.slice(middle)) results[item.index] = { type: 'failed', kind: 'write_failed', error: first };
          return first;
        }
        return this.#sendRequest(lease, chunk.slice(middle), results);
      }
      const [only] = chunk;
      if (only !== undefined) {
        const reason = translateKafkaError(error, this.#cluster, `writing a record of ${only.record.bytes} bytes to topic "${only.record.topic}"`).message;
        results[only.index] = { type: 'rejected', rejection: new RecordRejection(kind, reason) };
      }
      return undefined;
    }
    if (classifyKafkaError(error).staleMetadata) for (const { record } of chunk) this.#partitions.delete(record.topic);
    const topics = [...new Set(chunk.map((c) => c.record.topic))];
    const translated = translateKafkaError(error, this.#cluster, `writing ${chunk.length} record${chunk.length === 1 ? '' : 's'} to ${topics.map((t) => `"${t}"`).join(', ')}`);
    const failure = new PunchlineError('E_KAFKA_WRITE', translated.message, { cause: error, retriable: translated.retriable, ...(translated.hint === undefined ? {} : { hint: translated.hint }) });
    this.#logger.warn({ topics, records: chunk.length, code: translated.code }, `A produce request failed after the client's retries; its ${chunk.length} tuples fail: ${translated.message}`);
    for (const item of chunk) results[item.index] = { type: 'failed', kind: 'write_failed', error: failure };
    return failure;
  }
}

/** Consecutive runs of `items` whose record bytes add up to at most `maxBytes` (a larger record goes alone). */
function chunksOf<T extends { readonly record: OutgoingRecord }>(items: readonly T[], maxBytes: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length > 0 && bytes + item.record.bytes > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.record.bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
