/**
 * Storm's acking model, by reference counting. Every record an input emits becomes a
 * {@link TupleTree}: the number of tuple copies derived from it that have not reached an end.
 * Publishing to K subscribers adds K; an outcome removes the tuple it resolves and adds the
 * deliveries of its emissions. The tree is acked when the count reaches zero, failed at the first
 * failure or when it outlives `topology.message.timeout.secs`. Its handle is called exactly once.
 *
 * A tree counts against its input's `topology.max.spout.pending` until no copy of it is left in
 * the nodes, failed or not. A failed tree's copies still travelling are wasted work, but they hold
 * memory: were their places given back at the failure, an output that has stopped would gather a
 * new max pending's worth of replays at each timeout, and memory would grow without bound.
 *
 * One tree per record, 100k+ records/s: open trees sit in an intrusive doubly linked list in
 * emission order (O(1) to add and remove, no hashing, no allocation beyond the tree itself), and
 * the callers pass the time they already read (`performance.now()` is not free at that rate).
 */
import type { DeliveryHandle } from './node-contract.js';
import { PunchlineError } from '../core/errors.js';

/**
 * What a tuple copy belongs to: the tree of the record it derives from, or, for an emission
 * anchored to several tuples (a window's batch), the trees of all of them, each counting the copy.
 */
export type Anchor = TupleTree | readonly TupleTree[];

/** The delivery state of one emitted record and everything derived from it. */
export class TupleTree {
  /** Tuple copies derived from the record that are still travelling (failed trees included). */
  pending = 0;
  settled = false;
  /** Failed (or timed out): what is still travelling of it is wasted work, not worth passing on. */
  failed = false;
  /** Neighbours in the tracker's list of open trees (emission order); unset once settled. */
  older: TupleTree | undefined = undefined;
  newer: TupleTree | undefined = undefined;

  constructor(
    readonly handle: DeliveryHandle,
    /** What the input emitted the record with, handed back to `handle` (see `InputSink.emit`). */
    readonly token: number,
    /** The input instance it counts against (for max pending). */
    readonly owner: InFlightCounter,
    /** `performance.now()` at emission. */
    readonly emittedAt: number,
  ) {}
}

/**
 * Tuples in flight for one input instance, and the waiters of its capacity: the back-pressure
 * behind `topology.max.spout.pending`. Once {@link open} is false (the input is stopping, or the
 * run aborted) nobody waits any more: a waiter parked behind a stuck output would otherwise keep
 * the input's stop() from ever resolving.
 */
export class InFlightCounter {
  count = 0;
  private waiters: (() => void)[] = [];
  private stopped = false;

  constructor(readonly limit: number) {}

  /** False once {@link stop} was called. */
  get open(): boolean {
    return !this.stopped;
  }

  /** Resolves at once below the limit or once stopped, else when enough trees settle or at {@link stop}. */
  capacity(): Promise<void> {
    if (this.count < this.limit || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    this.count--;
    if (this.count < this.limit) this.wake();
  }

  /** Wakes every waiter and lets every later {@link capacity} resolve at once. Idempotent. */
  stop(): void {
    this.stopped = true;
    this.wake();
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** What the tracker reports, for metrics. */
export interface DeliveryListener {
  /** `now` is the `performance.now()` of the outcome that completed the tree. */
  acked(tree: TupleTree, now: number): void;
  failed(tree: TupleTree, error: PunchlineError): void;
  /** The last copy of a failed tree left the nodes: its place in max pending is free (at once when none was travelling). */
  released(tree: TupleTree): void;
}

/** Tracks every tuple tree of a running punchline; fails those that time out. */
export class DeliveryTracker {
  /** Unsettled trees, a list from the oldest to the newest (emission time only grows). */
  private oldest: TupleTree | undefined = undefined;
  private newest: TupleTree | undefined = undefined;
  private openCount = 0;
  private sweeper: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly timeoutMs: number | undefined,
    private readonly listener: DeliveryListener,
  ) {
    if (timeoutMs !== undefined) {
      this.sweeper = setInterval(() => this.failExpired(performance.now()), Math.min(1000, Math.max(50, timeoutMs / 4)));
      this.sweeper.unref();
    }
  }

  /** Trees not yet acked or failed. */
  get size(): number {
    return this.openCount;
  }

  /** Starts tracking a record that `deliveries` tuple copies were published for, emitted at `now` (`performance.now()`). */
  begin(handle: DeliveryHandle, token: number, owner: InFlightCounter, deliveries: number, now: number): TupleTree {
    const tree = new TupleTree(handle, token, owner, now);
    tree.pending = deliveries;
    owner.count++;
    const newest = this.newest;
    if (newest === undefined) this.oldest = tree;
    else {
      newest.newer = tree;
      tree.older = newest;
    }
    this.newest = tree;
    this.openCount++;
    if (deliveries === 0) this.complete(tree, now);
    return tree;
  }

  /** Adds tuple copies derived from a tuple of the anchor's trees (before the tuple itself resolves). */
  extend(anchor: Anchor, deliveries: number): void {
    if (anchor instanceof TupleTree) anchor.pending += deliveries;
    else for (const tree of anchor) tree.pending += deliveries;
  }

  /** One tuple copy of the anchor's trees reached an end (written, dropped, or passed on and extended) at `now`. */
  resolve(anchor: Anchor, now: number): void {
    if (anchor instanceof TupleTree) this.resolveTree(anchor, now);
    else for (const tree of anchor) this.resolveTree(tree, now);
  }

  /** A tuple copy of the anchor's trees failed: it reached its end, and every one of them fails, once. */
  fail(anchor: Anchor, error: PunchlineError): void {
    if (anchor instanceof TupleTree) this.failCopy(anchor, error);
    else for (const tree of anchor) this.failCopy(tree, error);
  }

  /** Whether every tree of the anchor failed: what derives from it is wasted work. */
  failed(anchor: Anchor): boolean {
    return anchor instanceof TupleTree ? anchor.failed : anchor.every((tree) => tree.failed);
  }

  private resolveTree(tree: TupleTree, now: number): void {
    if (tree.settled && !tree.failed) return;
    if (--tree.pending > 0) return;
    if (tree.failed) this.release(tree);
    else this.complete(tree, now);
  }

  private failCopy(tree: TupleTree, error: PunchlineError): void {
    if (tree.settled && !tree.failed) return;
    tree.pending--;
    if (!tree.failed) this.failTree(tree, error);
    else if (tree.pending === 0) this.release(tree);
  }

  /** Fails every tree emitted more than the timeout ago. */
  failExpired(now: number): void {
    if (this.timeoutMs === undefined) return;
    // Failing a tree unlinks it (and its handle may settle others): always restart from the oldest.
    for (let tree = this.oldest; tree !== undefined && now - tree.emittedAt >= this.timeoutMs; tree = this.oldest) {
      this.failTree(tree, new PunchlineError('E_TUPLE_TIMEOUT', `tuple not acked within ${this.timeoutMs / 1000}s`));
    }
  }

  /** Fails every open tree (a drain that ran out of time). Returns how many. */
  failAll(error: PunchlineError): number {
    const trees: TupleTree[] = [];
    for (let tree = this.oldest; tree !== undefined; tree = tree.newer) trees.push(tree);
    for (const tree of trees) this.failTree(tree, error);
    return trees.length;
  }

  /** Resolves once no tree is open. */
  idle(): Promise<void> {
    if (this.openCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
  }

  /** Fails an open tree; its place in max pending is given back once its last copy has left the nodes. */
  private failTree(tree: TupleTree, error: PunchlineError): void {
    tree.failed = true;
    this.settle(tree);
    this.listener.failed(tree, error);
    tree.handle.fail(error, tree.token);
  }

  private complete(tree: TupleTree, now: number): void {
    this.settle(tree);
    this.listener.acked(tree, now);
    tree.handle.ack(tree.token);
  }

  /** Gives the tree's place in max pending back (a tree without copies left in the nodes). */
  private release(tree: TupleTree): void {
    tree.owner.release();
    if (tree.failed) this.listener.released(tree);
  }

  private settle(tree: TupleTree): void {
    tree.settled = true;
    const { older, newer } = tree;
    if (older === undefined) this.oldest = newer;
    else older.newer = newer;
    if (newer === undefined) this.newest = older;
    else newer.older = older;
    tree.older = undefined;
    tree.newer = undefined;
    this.openCount--;
    if (tree.pending === 0) this.release(tree);
    if (this.openCount === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }
}
