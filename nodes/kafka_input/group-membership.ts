/**
 * The partitions one `kafka_input` executor owns as a consumer group member, each with its
 * {@link PartitionTracker}, and what changes at each assignment.
 *
 * The group consumer revokes every partition at each rebalance (eager protocol) and reassigns. When the
 * assignment arrives:
 * - partitions no longer assigned have their tracker revoked: their late acks are only booked, so
 *   they can never be committed by this member;
 * - partitions kept resume where this member stood (the consumer would rewind them to the last commit);
 * - new ones start per the strategy: from the group's commit, or, for the ephemeral groups of the
 *   strategies that commit nothing, from where the previous owner in this run stood, else from the
 *   strategy's start offset. A previous owner in this process hands over: the new owner waits for
 *   its in-flight records to be acked or failed, then starts right after what it acked, so a
 *   partition moving between executors is read once.
 *
 * It exists apart from the consumer so that these rules can be read, and tested, without a group.
 */
import type { Logger } from 'pino';
import type { PunchlineError } from '../../src/core/errors.js';
import { PartitionTracker } from './partition-tracker.js';
import type { MemberClaims } from './partition-assigner.js';

/** What a group membership needs of its executor. */
export interface GroupMembershipOptions {
  readonly topic: string;
  /** `type[component]`, the prefix of log lines. */
  readonly label: string;
  /** The partition this executor is pinned to (`settings.partition`), if any. */
  readonly pinned: number | undefined;
  /** Whether trackers keep each record's payload for a smart replay. */
  readonly keepPayloads: boolean;
  /** false for the strategies that commit nothing: new partitions start from {@link GroupMembership.starts}. */
  readonly committing: boolean;
  /** The latest tracker of each partition in this run, whichever executor owned it (shared by the node's executors). */
  readonly lastTrackers: Map<number, PartitionTracker<unknown>>;
  /** Moves a partition's read position (the consumer's `seek`). */
  seek(partition: number, offset: number): void;
  readonly logger: Logger;
}

/** The partitions of one executor, from one assignment to the next. */
export class GroupMembership<P> {
  /** Start offset of each partition for the strategies that commit nothing, once the topic is read. */
  starts: ReadonlyMap<number, number> | undefined;
  /** Assignments after the first one. */
  rebalances = 0;
  readonly #trackers = new Map<number, PartitionTracker<P>>();
  #joins = 0;
  #onFirstJoin: ((error?: PunchlineError) => void) | undefined;

  constructor(private readonly options: GroupMembershipOptions) {}

  /** The partitions assigned now, with their trackers. */
  get trackers(): ReadonlyMap<number, PartitionTracker<P>> {
    return this.#trackers;
  }

  /**
   * Resolves at the first assignment, rejects when the consumer crashes before it. Call it once,
   * before joining.
   */
  firstJoin(): Promise<void> {
    return new Promise<void>((resolve, reject) => (this.#onFirstJoin = (error) => (error === undefined ? resolve() : reject(error))));
  }

  /** What this member tells the group leader: its pinned partition, and what it owns now. */
  claims(): MemberClaims {
    const { pinned, topic } = this.options;
    return { pinned: pinned === undefined ? null : [pinned], owned: { [topic]: [...this.#trackers.keys()] } };
  }

  /** A new assignment arrived (the consumer's `assigned`). */
  assigned(assignment: Readonly<Record<string, number[]>>): void {
    const { topic, label, logger } = this.options;
    const assigned = new Set(assignment[topic] ?? []);
    if (this.#joins++ > 0) this.rebalances++;
    const revoked: number[] = [];
    for (const [partition, tracker] of this.#trackers) {
      if (assigned.has(partition)) continue;
      tracker.revoke();
      this.#trackers.delete(partition);
      revoked.push(partition);
    }
    const added: number[] = [];
    for (const partition of assigned) {
      const kept = this.#trackers.get(partition);
      if (kept !== undefined) {
        // The consumer rewinds every partition to its last commit at a rebalance: resume where we stood.
        if (kept.position !== undefined) this.options.seek(partition, kept.position);
        continue;
      }
      added.push(partition);
      this.#trackers.set(partition, this.#track(partition));
    }
    logger.info({ topic, partitions: [...assigned].sort((a, b) => a - b), added, revoked }, `${label}: partitions assigned`);
    const onFirstJoin = this.#onFirstJoin;
    this.#onFirstJoin = undefined;
    onFirstJoin?.();
  }

  /** The tracker of a partition newly assigned, at its start position when this member decides it. */
  #track(partition: number): PartitionTracker<P> {
    const { topic, keepPayloads, committing, lastTrackers } = this.options;
    const tracker = new PartitionTracker<P>(topic, partition, keepPayloads);
    if (!committing) {
      // An ephemeral group has no commits: resume from the previous owner in this run, else the strategy's start.
      const previous = lastTrackers.get(partition);
      const start = previous?.committable() ?? this.starts?.get(partition);
      if (previous !== undefined && !previous.settled) tracker.handOverFrom = previous;
      if (start !== undefined) {
        tracker.position = start;
        this.options.seek(partition, start);
      }
    }
    lastTrackers.set(partition, tracker);
    return tracker;
  }

  /**
   * This member lost every partition (it left the group, or the consumer crashed and left it): every
   * in-flight record is someone else's now. `error`, when given, fails a first join still awaited;
   * returns whether it did.
   */
  revokeAll(error?: PunchlineError): boolean {
    for (const tracker of this.#trackers.values()) tracker.revoke();
    this.#trackers.clear();
    const onFirstJoin = this.#onFirstJoin;
    if (error === undefined || onFirstJoin === undefined) return false;
    this.#onFirstJoin = undefined;
    onFirstJoin(error);
    return true;
  }
}
