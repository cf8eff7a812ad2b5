/**
 * The offset commits of one `kafka_input` executor: for each assigned partition that moved, the
 * offset below which every record is acked (`PartitionTracker.committable`), never further.
 *
 * When: every `auto_commit_interval`; as soon as acked progress follows a (re)join (a process
 * killed a few seconds after it joined must not replay everything it did); whenever the commit
 * points moved over `progressRecords` records since the last commit (half `max_uncommitted_records`,
 * so reading seldom has to wait for a commit); when reading waits for a commit
 * (`max_uncommitted_records`, {@link OffsetCommitter.request}); when a rebalance is about to take
 * partitions away; at close. Records a crash replays are those read past the last commit: the
 * emission gate keeps them under `max_uncommitted_records` (by default twice
 * `topology.max.spout.pending`) whatever the interval, and these triggers keep reading going under
 * that bound.
 *
 * Commits run one at a time, in the order asked, so a slow commit is never overtaken by an older
 * offset; at most one progress commit waits behind a running one (it commits whatever is acked when
 * it runs), so a fast stream of acks never piles commits up. A commit that fails is counted and
 * logged; the next one retries, since it commits the same point or a later one. Once
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

/** The part of a group consumer that commits. */
export interface OffsetCommitTarget {
  commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void>;
}

/** Why a commit is made, in the debug log. */
export type CommitReason = 'interval' | 'joined' | 'progress' | 'uncommitted' | 'rebalance' | 'stop';

/** What an offset committer needs of its executor. */
export interface OffsetCommitterOptions {
  readonly topic: string;
  /** `type[component]`, the prefix of log lines. */
  readonly label: string;
  /** false for the start strategies that commit nothing (ephemeral groups): every commit is a no-op. */
  readonly committing: boolean;
  readonly intervalMs: number;
  /**
   * Commit as soon as the commit points moved over this many records since the last commit
   * (the executor passes half of `max_uncommitted_records`: max pending at the default).
   */
  readonly progressRecords: number;
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
  /** Records the commit points passed since the last commit started. */
  #progress = 0;
  /** A (re)join happened and nothing was committed since: the first acked progress commits. */
  #joined = false;
  /** A progress or join commit is asked for and has not started yet. */
  #triggered = false;

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

  /**
   * The group gave this member its partitions (the first join or a rebalance): the next acked
   * progress is committed at once, not at the next interval.
   */
  joined(): void {
    this.#joined = true;
  }

  /**
   * A partition's commit point passed `records` more records (called on the ack path, O(1)).
   * Asks for a commit after a (re)join, or once the progress since the last commit reaches
   * `progressRecords`, unless such a commit already waits.
   */
  advanced(records: number): void {
    this.#progress += records;
    if (!this.#joined && this.#progress < this.options.progressRecords) return;
    this.#trigger(this.#joined ? 'joined' : 'progress');
  }

  /**
   * Reading waits for a commit (`max_uncommitted_records`): commits what is acked now, unless a
   * commit asked for this way or by progress already waits.
   */
  request(): void {
    this.#trigger('uncommitted');
  }

  /** Asks for a commit of the given reason unless one asked this way already waits (or nothing is committed). */
  #trigger(reason: 'joined' | 'progress' | 'uncommitted'): void {
    if (this.#triggered || !this.options.committing || this.#frozen) return;
    this.#triggered = true;
    void this.commit(reason);
  }

  /** Commits, after the commits already asked for, the acked offset of every partition that moved. Never rejects. */
  commit(reason: CommitReason): Promise<void> {
    this.#commits = this.#commits.then(() => this.#commitNow(reason));
    return this.#commits;
  }

  async #commitNow(reason: CommitReason): Promise<void> {
    const target = this.#target;
    const { topic, label, logger } = this.options;
    if (reason === 'joined' || reason === 'progress' || reason === 'uncommitted') this.#triggered = false;
    if (!this.options.committing || this.#frozen || target === undefined) return;
    // What is committed now covers the progress so far.
    const progressed = this.#progress;
    this.#progress = 0;
    const offsets: { topic: string; partition: number; offset: string }[] = [];
    for (const tracker of this.options.partitions.values()) {
      const offset = tracker.committable();
      if (offset === undefined || offset === tracker.lastCommitted) continue;
      offsets.push({ topic, partition: tracker.partition, offset: String(offset) });
    }
    if (offsets.length === 0) return;
    // The first commit after a (re)join that carries acked progress serves it (not one that only
    // re-commits a start position before anything was acked).
    if (progressed > 0) this.#joined = false;
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

  /** The broker confirmed a commit (the consumer's `committed`): the committed offsets, for the next commit and the metrics. */
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
