/**
 * When one `kafka_input` executor may emit its next record: the back-pressure of the node.
 *
 * Four bounds apply, and the gate is the one place that knows them: the runtime's
 * `topology.max.spout.pending` (tuples in flight, from the sink), the `load_control` controller
 * (a rate or an adaptive window), the records a partition may track before reading pauses
 * (acked records stay tracked behind an older unacked one until it resolves), and the records the
 * executor may read past its last commits (`max_uncommitted_records`: what a crash replays). A waiting emitter
 * is woken by an ack, a fail or a stop, and at least every {@link HEARTBEAT_WAIT_MS}, so that it
 * heart-beats and the group keeps it.
 *
 * It exists apart from the consumer so the waiting logic is read, and tested, without Kafka.
 */
import type { LoadController } from './load-control.js';
import { UNLIMITED } from './load-control.js';

/** Longest wait for capacity between two heartbeats (the group must hear from us). */
export const HEARTBEAT_WAIT_MS = 1000;
/**
 * A partition stops being read while it tracks `max(MIN_TRACKED, TRACKED_PER_PENDING × max
 * pending)` records: acked records stay tracked behind an older unacked one until it resolves (at
 * worst at its timeout), and at 100k records/s that could otherwise be millions.
 */
const TRACKED_PER_PENDING = 20;
const MIN_TRACKED = 100_000;

/** What the gate reads of the runtime's sink: tuples in flight, and when there is room again. */
export interface InFlight {
  readonly pending: number;
  capacity(): Promise<void>;
}

/** What the gate reads of a partition: the records it tracks, and whether it is still assigned. */
export interface TrackedPartition {
  readonly size: number;
  readonly revoked: boolean;
}

/** What the gate reads of a partition for the uncommitted bound. */
export interface UncommittedPartition {
  uncommitted(): number;
}

/**
 * The emission gate of one executor. Created with the executor; {@link open}ed with the sink at
 * start; {@link stop}ped once (stop, fail-stop, fatal error), after which nothing may be emitted.
 */
export class EmissionGate {
  /** Records a partition may track (read, not yet below the commit point) before reading pauses. */
  readonly maxTracked: number;
  #sink: InFlight | undefined;
  #stopping = false;
  #wakers: (() => void)[] = [];
  /** Milliseconds the load controller asked to wait, or -1 when waiting for capacity. */
  #wait = 0;
  /** Records that may still be read before the uncommitted ones are summed again. */
  #uncommittedBudget = 0;

  constructor(
    private readonly maxPending: number,
    private readonly load: LoadController,
    /** The most records read past the last commits, all partitions together (Infinity: no bound). */
    private readonly maxUncommitted = Infinity,
  ) {
    this.maxTracked = Math.max(MIN_TRACKED, TRACKED_PER_PENDING * maxPending);
  }

  /** Starts gating on `sink`'s tuples in flight. */
  open(sink: InFlight): void {
    this.#sink = sink;
  }

  /** No more emissions: waiting emitters give up. */
  get stopping(): boolean {
    return this.#stopping;
  }

  /** Closes the gate for good and wakes every waiting emitter. */
  stop(): void {
    this.#stopping = true;
    this.wake();
  }

  /** The load controller's bound on records in flight, for metrics (Infinity when none). */
  get window(): number {
    return this.load.window;
  }

  /** The time of emissions and acks, for the load controller only: 0 without one (reading the clock twice per record costs). */
  clock(): number {
    return this.load === UNLIMITED ? 0 : performance.now();
  }

  /** A record was acked `latencyMs` after its emission (times from {@link clock}): tell the controller, wake a waiting emitter. */
  acked(latencyMs: number, now: number): void {
    this.load.acked(latencyMs, now);
    this.wake();
  }

  /** Whether `partition` may take one more record before its oldest is resolved. */
  hasRoom(partition: TrackedPartition): boolean {
    return partition.size < this.maxTracked;
  }

  /**
   * Whether one more record may be read past the last commits of `partitions`. Amortised O(1):
   * the partitions are summed only once the records read since the last sum could reach the bound.
   */
  hasCommitRoom(partitions: ReadonlyMap<number, UncommittedPartition>): boolean {
    if (this.#uncommittedBudget-- > 0) return true;
    let uncommitted = 0;
    for (const partition of partitions.values()) uncommitted += partition.uncommitted();
    this.#uncommittedBudget = this.maxUncommitted - uncommitted - 1;
    return this.#uncommittedBudget >= 0;
  }

  /**
   * After {@link hasCommitRoom} said no: waits until one more record may be read past the last
   * commits (a commit landed), asking for a commit of what is acked at every turn and
   * heart-beating. False when the gate stops.
   */
  async awaitCommitRoom(partitions: ReadonlyMap<number, UncommittedPartition>, askCommit: () => void, heartbeat: () => Promise<void>): Promise<boolean> {
    do {
      askCommit();
      await this.#nextWake(HEARTBEAT_WAIT_MS);
      await heartbeat();
    } while (!this.#stopping && !this.hasCommitRoom(partitions));
    return !this.#stopping;
  }

  /** Whether one record may be emitted now; counts it against the load controller when so. */
  mayEmit(): boolean {
    if (this.#stopping) return false;
    const sink = this.#sink as InFlight;
    if (sink.pending >= this.maxPending) {
      this.#wait = -1;
      return false;
    }
    if (this.load === UNLIMITED) return true;
    this.#wait = this.load.admit(sink.pending, performance.now());
    return this.#wait === 0;
  }

  /**
   * Waits until a record may be emitted (true, and it is counted) or the gate stops (false),
   * calling `heartbeat` after every wait. A heartbeat that throws (the group is rebalancing)
   * rejects: the consumer then rejoins, and the caller's batch is abandoned.
   */
  async awaitTurn(heartbeat?: () => Promise<void>): Promise<boolean> {
    while (!this.#stopping) {
      if (this.#wait < 0) await Promise.race([(this.#sink as InFlight).capacity(), this.#nextWake(HEARTBEAT_WAIT_MS)]);
      else await this.#nextWake(Math.min(this.#wait, HEARTBEAT_WAIT_MS));
      if (heartbeat !== undefined) await heartbeat();
      if (this.mayEmit()) return true;
    }
    return false;
  }

  /**
   * Waits until `partition` has room (its oldest record was acked or timed out), heart-beating
   * meanwhile. False when the gate stops or the partition is revoked. This bounds memory while
   * one slow tuple holds a partition's commit point.
   */
  async awaitRoom(partition: TrackedPartition, heartbeat: () => Promise<void>): Promise<boolean> {
    while (!this.#stopping && !partition.revoked && !this.hasRoom(partition)) {
      await this.#nextWake(HEARTBEAT_WAIT_MS);
      await heartbeat();
    }
    return !this.#stopping && !partition.revoked;
  }

  /** Wakes every waiting emitter (an ack, a fail, a stop): each checks again whether it may go. */
  wake(): void {
    if (this.#wakers.length === 0) return;
    const wakers = this.#wakers;
    this.#wakers = [];
    for (const wake of wakers) wake();
  }

  /** Resolves at the next {@link wake}, or after `ms`. */
  #nextWake(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wakers.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
