/**
 * One connected producer per cluster (and producer options) in a run, shared by every output that
 * writes to that cluster, and disconnected when the last of them lets go. The producer is the
 * client library's the cluster names (`createRecordProducer`: kafkajs or @platformatic/kafka).
 *
 * The pool is a connection of the run, never module state: `kafka_output` takes it from the node
 * API, `ctx.connection(PRODUCER_POOL, () => new ProducerPool())`, so every node of one run shares
 * one pool and two runs in a process (tests, tools) share nothing.
 *
 * Why sharing is safe: a producer of either library is a connection pool plus a metadata cache;
 * concurrent `send()` calls from several callers are supported and each resolves or rejects on its
 * own. Different producer options (idempotence, in-flight limit, retries, ack timeout) get
 * different producers. Consumers are never shared: each is one member of a consumer group.
 *
 * Lifecycle: {@link ProducerPool.acquire} in a node's start, `lease.release()` in its close,
 * exactly once per lease (a second call does nothing). The first acquirer connects; callers
 * arriving meanwhile wait for the same connection and all get its error if it fails (after which
 * the next acquire tries again). The last release disconnects. Nothing here retries on its own.
 */
import type { Logger } from 'pino';
import { createRecordProducer } from '../../src/libraries/kafka/record-producer.js';
import type { RecordProducer, RecordProducerOptions } from '../../src/libraries/kafka/record-producer.js';
import type { ResolvedCluster } from '../../src/libraries/kafka/cluster-resolution.js';
import { translateKafkaError } from '../../src/libraries/kafka/kafka-errors.js';

/** A producer borrowed from the pool; give it back with `release()`. */
export interface ProducerLease {
  /** Connected; `send` may be called concurrently with other lease holders. */
  readonly producer: RecordProducer;
  /** The cluster it writes to (its id is the metrics label). */
  readonly cluster: ResolvedCluster;
  /**
   * Runs `send` when no other `exclusive` send of this producer (by any lease holder) runs, and
   * resolves with its result: the turn-taking the idempotent producer needs (see the cluster
   * writer). Sends outside `exclusive` are not held back.
   */
  exclusive<T>(send: () => Promise<T>): Promise<T>;
  /**
   * Gives the producer back; the last release of a producer disconnects it, after the sends
   * already started have settled. Idempotent.
   */
  release(): Promise<void>;
}

interface PoolEntry {
  readonly producer: RecordProducer;
  readonly connected: Promise<void>;
  holders: number;
  /** The end of the last exclusive send queued (settled, never rejected). */
  turn: Promise<void>;
}

/** The `ctx.connection` key of the run's producer pool. */
export const PRODUCER_POOL = 'kafka:producers';

/** The shared producers of one run, by cluster and options. */
export class ProducerPool {
  readonly #entries = new Map<string, PoolEntry>();

  /** How many shared producers are connected or connecting now (for tests and diagnostics). */
  get size(): number {
    return this.#entries.size;
  }

  /** Same cluster declaration (after any bootstrap.servers override) and same options share a producer. */
  #key(cluster: ResolvedCluster, options: RecordProducerOptions): string {
    return JSON.stringify([cluster.id, cluster.config, options]);
  }

  /**
   * Borrows the connected producer of `cluster` for `options`, connecting it if this is the first
   * lease. Throws a translated `PunchlineError` (`E_KAFKA_UNREACHABLE`, `E_KAFKA_TLS`,
   * `E_KAFKA_AUTH`, `E_FILE_IO` …) when it cannot connect.
   */
  async acquire(cluster: ResolvedCluster, options: RecordProducerOptions, logger: Logger): Promise<ProducerLease> {
    const entries = this.#entries;
    const key = this.#key(cluster, options);
    let entry = entries.get(key);
    if (entry === undefined) {
      const producer = createRecordProducer(cluster, logger, options);
      const created: PoolEntry = {
        producer,
        holders: 0,
        turn: Promise.resolve(),
        connected: producer.connect().catch((error: unknown) => {
          if (entries.get(key) === created) entries.delete(key);
          throw translateKafkaError(error, cluster, 'connecting a producer');
        }),
      };
      entry = created;
      entries.set(key, entry);
      logger.debug({ cluster: cluster.id }, 'Connecting the shared producer of the cluster.');
    }
    entry.holders++;
    const held = entry;
    try {
      await held.connected;
    } catch (error) {
      held.holders--;
      throw error;
    }
    let released = false;
    return {
      producer: held.producer,
      cluster,
      exclusive: <T>(send: () => Promise<T>): Promise<T> => {
        const result = held.turn.then(send);
        held.turn = result.then(
          () => undefined,
          () => undefined,
        );
        return result;
      },
      release: async () => {
        if (released) return;
        released = true;
        held.holders--;
        if (held.holders > 0) return;
        if (entries.get(key) === held) entries.delete(key);
        logger.debug({ cluster: cluster.id }, 'Disconnecting the shared producer of the cluster: its last user released it.');
        await held.producer.disconnect();
      },
    };
  }
}
