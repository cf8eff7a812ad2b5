/**
 * The offset commits of one `kafka_input` executor: for each assigned partition that moved, the
 * offset below which every record is acked (`PartitionTracker.committable`), never further.
 *
 * Commits run one at a time, in the order asked (every `auto_commit_interval`, before a rebalance,
 * at close), so a slow commit is never overtaken by an older offset. A commit that fails is
 * counted and logged; the next one retries, since it commits the same point or a later one. Once
 * {@link OffsetCommitter.freeze}d (fail-stop, fatal error, group left) nothing is committed any
 * more: a stop that did not drain must not move the commit point.
 *
 * It exists apart from the consumer so when and what is committed can be read, and tested, alone.
 */
import type { Logger } from 'pino';
import type { PunchlineError } from '../../src/core/errors.js';
import type { PartitionTracker } from './partition-tracker.js';

/** What the committer reads and updates of a partition's tracker. */
export type CommittedPartition = Pick<PartitionTracker<unknown>, 'partition' | 'committable' | 'lastCommitted'>;

/** The part of a kafkajs consumer that commits. */
export interface OffsetCommitTarget {
  commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void>;
}

/** Why a commit is made, in the debug log. */
export type CommitReason = 'interval' | 'rebalance' | 'stop';

/** What an offset committer needs of its executor. */
export interface OffsetCommitterOptions {
  readonly topic: string;
  /** `type[component]`, the prefix of log lines. */
  readonly label: string;
  /** false for the start strategies that commit nothing (ephemeral groups): every commit is a no-op. */
  readonly committing: boolean;
  readonly intervalMs: number;
  /** The partitions assigned now, by partition number. */
  readonly partitions: ReadonlyMap<number, CommittedPartition>;
  readonly logger: Logger;
  /** Turns a client error into the node's error (the Kafka error helpers). */
  translate(error: unknown, action: string): PunchlineError;
  /** Duration of a successful commit, in seconds. */
  observeLatency(seconds: number): void;
}

/** Commits one executor's acked offsets. */
export class OffsetCommitter {
  /** Commits the broker refused or that timed out. */
  failures = 0;
  #target: OffsetCommitTarget | undefined;
  #frozen = false;
  #timer: NodeJS.Timeout | undefined;
  #commits: Promise<void> = Promise.resolve();

  constructor(private readonly options: OffsetCommitterOptions) {}

  /** Commits through `target` from now on (the consumer, once created). */
  attach(target: OffsetCommitTarget): void {
    this.#target = target;
  }

  /** Commits every `intervalMs` until {@link stopInterval} or {@link freeze} (committing strategies only). */
  startInterval(): void {
    if (!this.options.committing) return;
    this.#timer = setInterval(() => void this.commit('interval'), this.options.intervalMs);
    this.#timer.unref();
  }

  stopInterval(): void {
    clearInterval(this.#timer);
  }

  /** Commits nothing any more, including commits already asked for and not yet run. */
  freeze(): void {
    this.#frozen = true;
    this.stopInterval();
  }

  /** Commits, after the commits already asked for, the acked offset of every partition that moved. Never rejects. */
  commit(reason: CommitReason): Promise<void> {
    this.#commits = this.#commits.then(() => this.#commitNow(reason));
    return this.#commits;
  }

  async #commitNow(reason: CommitReason): Promise<void> {
    const target = this.#target;
    const { topic, label, logger } = this.options;
    if (!this.options.committing || this.#frozen || target === undefined) return;
    const offsets: { topic: string; partition: number; offset: string }[] = [];
    for (const tracker of this.options.partitions.values()) {
      const offset = tracker.committable();
      if (offset === undefined || offset === tracker.lastCommitted) continue;
      offsets.push({ topic, partition: tracker.partition, offset: String(offset) });
    }
    if (offsets.length === 0) return;
    const started = performance.now();
    try {
      await target.commitOffsets(offsets);
      this.options.observeLatency((performance.now() - started) / 1000);
      logger.debug({ reason, offsets }, `${label}: committed`);
    } catch (error) {
      this.failures++;
      const translated = this.options.translate(error, 'committing offsets');
      logger.warn({ reason, code: translated.code, offsets }, `${translated.message} (the next commit retries)`);
    }
  }

  /** kafkajs confirmed a commit (its `COMMIT_OFFSETS` event): the committed offsets, for the next commit and the metrics. */
  committed(topics: readonly { topic: string; partitions: readonly { partition: number | string; offset: string }[] }[]): void {
    for (const { topic, partitions } of topics) {
      if (topic !== this.options.topic) continue;
      for (const { partition, offset } of partitions) {
        const tracker = this.options.partitions.get(Number(partition));
        if (tracker !== undefined) tracker.lastCommitted = Number(offset);
      }
    }
  }
}
