/**
 * What the executors of one `kafka_input` node share during one run of a punchline: the runtime
 * creates one instance per executor, and a few things must be decided once for all of them.
 *
 * - The ephemeral group id of the strategies that commit nothing: unique to this run (so two
 *   processes never cooperate, as Punch specifies), shared by the executors (so they split the
 *   partitions instead of each reading all of them).
 * - What is learnt from the brokers before consuming: the topic's partitions and the start
 *   offsets of those strategies, computed once (see `offset-strategies.ts`).
 * - The last tracker of each partition: when a partition moves from one executor to another in
 *   the same process, the new owner resumes from the old owner's acked position rather than from
 *   the last commit (fewer duplicates) or, for ephemeral groups, from the strategy's start (which
 *   would re-read or skip what the old owner did).
 * - The `rate` load controller, so the cap is the node's and not each executor's.
 *
 * It lives in the node's own scope (`NodeContext.shared`), which the runtime gives the executors of
 * one node for one run.
 */
import { randomUUID } from 'node:crypto';
import type { NodeContext } from '../../src/runtime/node-api.js';
import type { PartitionTracker } from './partition-tracker.js';
import type { LoadController } from './load-control.js';

/** What the node learns about its topic before consuming. */
export interface TopicPreparation {
  readonly partitions: number;
  /** Start offset of each partition for the strategies that commit nothing; undefined for last_committed. */
  readonly starts: ReadonlyMap<number, number> | undefined;
}

/** State shared by the executors of one node in one run. */
export class NodeRunState {
  /** The state of `ctx`'s node in `ctx`'s run, created by the first executor that asks. */
  static of(ctx: NodeContext): NodeRunState {
    return ctx.shared('kafka_input:run', () => new NodeRunState());
  }

  /** Distinguishes this run's ephemeral consumer group from every other run's. */
  readonly nonce = randomUUID();
  /** The latest tracker of each partition, whichever executor owned it. */
  readonly lastTrackers = new Map<number, PartitionTracker<unknown>>();
  #preparation: Promise<TopicPreparation> | undefined;
  #rate: LoadController | undefined;

  /** What the first executor that asks learns from the brokers, shared with the others. */
  prepare(compute: () => Promise<TopicPreparation>): Promise<TopicPreparation> {
    if (this.#preparation === undefined) {
      const preparation = compute();
      this.#preparation = preparation;
      // A failure is not kept: the next executor tries again.
      preparation.catch(() => {
        if (this.#preparation === preparation) this.#preparation = undefined;
      });
    }
    return this.#preparation;
  }

  /** The node's shared rate limiter. */
  rateController(create: () => LoadController): LoadController {
    this.#rate ??= create();
    return this.#rate;
  }
}
