/**
 * The producer the Kafka outputs write with, whichever client library the cluster names
 * (`client` in the platform config): kafkajs (the default) or @platformatic/kafka. Both take the
 * same records and options and fail with their own errors, which `classifyKafkaError` reads alike.
 *
 * What the two share, and the writer relies on:
 * - a record with a `partition` goes to that partition; one without goes where the Java client
 *   would put it: murmur2 of its key (Java's positive mask), round robin when it has no key;
 * - a record with an empty key keeps an empty key (length 0), a `null` key is no key;
 * - `send` resolves once every record of the call is acknowledged per `acks`, and rejects when
 *   any is not after the client's retries (which records made it is not said: the caller fails
 *   them all, at-least-once);
 * - the idempotent producer (`idempotent`) writes each record once per partition whatever the
 *   retries.
 *
 * Lifecycle: `connect()` once, `send()` any number of times, concurrently, `disconnect()` once
 * (after the sends already started have settled).
 */
import type { Logger } from 'pino';
import type { ResolvedCluster } from './cluster-resolution.js';
import { KafkajsRecordProducer } from './kafkajs-record-producer.js';
import { PlatformaticRecordProducer } from './platformatic-record-producer.js';

/** One record to write. */
export interface ProducerRecord {
  readonly key: Buffer | null;
  readonly value: Buffer;
  /** Where it goes; by key (or round robin) when absent. */
  readonly partition?: number;
  readonly headers?: Readonly<Record<string, Buffer>>;
}

/** The records of one topic in a send. */
export interface TopicRecords {
  readonly topic: string;
  readonly records: readonly ProducerRecord[];
}

/** How a producer writes: fixed for its life, part of what producers are shared by. */
export interface RecordProducerOptions {
  readonly idempotent: boolean;
  /** Requests in flight per broker connection. */
  readonly maxInFlightRequests: number;
  /** Retries of a failed request before the send rejects. */
  readonly retries: number;
  /** How long a broker may take to acknowledge a produce request (the request's own timeout). */
  readonly ackTimeoutMs: number;
}

/** Per send. */
export interface SendOptions {
  /** -1 (all in-sync replicas), 1 (the leader), 0 (no answer). */
  readonly acks: -1 | 0 | 1;
  readonly compression: 'none' | 'gzip';
}

/** A connected-on-demand producer of one cluster. */
export interface RecordProducer {
  connect(): Promise<void>;
  send(batches: readonly TopicRecords[], options: SendOptions): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * The producer of the client library `cluster` names. Throws `E_FILE_IO` when a file the
 * declaration names (CA, certificate, password) cannot be read.
 */
export function createRecordProducer(cluster: ResolvedCluster, logger: Logger, options: RecordProducerOptions): RecordProducer {
  return cluster.config.client === 'platformatic' ? new PlatformaticRecordProducer(cluster, logger, options) : new KafkajsRecordProducer(cluster, logger, options);
}
