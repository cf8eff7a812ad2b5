/**
 * `load_control`: how fast `kafka_input` may emit, on top of `topology.max.spout.pending`.
 *
 * - `none`: only the max pending bound applies.
 * - `rate`: a token bucket of `load_control_records_per_second`, shared by the executors of the
 *   node, so the cap is the node's, whatever its `executors`. The bucket holds at most 50 ms of
 *   tokens: bursts stay small and the long-run rate is exact, since tokens follow the clock.
 * - `adaptative`: a window on records in flight that shrinks when the ack latency grows (the
 *   punchline is saturating somewhere downstream) and grows back while it stays near the lowest
 *   latency seen, AIMD style, like TCP congestion control. It bounds latency without a setting.
 *
 * Controllers are pure (time is passed in), so their logic is unit-tested without a clock.
 */

/** Decides when the next record may be emitted. */
export interface LoadController {
  /**
   * Asked before each emission. Returns 0 when a record may go now (and counts it), else the
   * milliseconds to wait before asking again (an ack may wake the caller earlier).
   */
  admit(pending: number, now: number): number;
  /** A record was acked `latencyMs` after it was emitted. */
  acked(latencyMs: number, now: number): void;
  /** The current bound on records in flight, for metrics (Infinity when none). */
  readonly window: number;
}

/** No load control: `topology.max.spout.pending` alone bounds the flow. */
export const UNLIMITED: LoadController = {
  admit: () => 0,
  acked: () => undefined,
  window: Infinity,
};

/** At most `ratePerSecond` admissions per second, with bursts of at most 50 ms worth. */
export class TokenBucket implements LoadController {
  readonly window = Infinity;
  readonly #rate: number;
  readonly #capacity: number;
  #tokens: number;
  #refilledAt: number;

  constructor(ratePerSecond: number, now: number) {
    this.#rate = ratePerSecond / 1000;
    this.#capacity = Math.max(1, ratePerSecond / 20);
    this.#tokens = 1;
    this.#refilledAt = now;
  }

  admit(_pending: number, now: number): number {
    const elapsed = now - this.#refilledAt;
    if (elapsed > 0) {
      this.#tokens = Math.min(this.#capacity, this.#tokens + elapsed * this.#rate);
      this.#refilledAt = now;
    }
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.#tokens) / this.#rate));
  }

  acked(): void {}
}

/** How often the adaptive window is reconsidered. */
const PERIOD_MS = 250;
/** Latency above `factor × baseline + slack` counts as congestion. */
const CONGESTION_FACTOR = 2;
const CONGESTION_SLACK_MS = 10;
const DECREASE = 0.7;
const INCREASE = 0.1;
const MIN_WINDOW = 8;
/** How fast the baseline follows a latency that stays higher than it (per period). */
const BASELINE_DRIFT = 0.01;

/**
 * An in-flight window adjusted from ack latency: multiplicative decrease when a period's mean
 * latency exceeds twice the baseline (the lowest period mean seen, slowly drifting up), additive
 * increase when the window was the bottleneck and latency is fine.
 */
export class AdaptiveWindow implements LoadController {
  #window: number;
  #baseline: number | undefined;
  #sum = 0;
  #count = 0;
  #periodStart: number;
  #saturated = false;

  constructor(
    private readonly maxWindow: number,
    now: number,
  ) {
    this.#window = Math.min(maxWindow, Math.max(MIN_WINDOW, 100));
    this.#periodStart = now;
  }

  get window(): number {
    return this.#window;
  }

  /** The lowest period latency seen (ms), for tests and logs. */
  get baseline(): number | undefined {
    return this.#baseline;
  }

  admit(pending: number, now: number): number {
    this.#maybeAdjust(now);
    if (pending < this.#window) return 0;
    this.#saturated = true;
    return PERIOD_MS;
  }

  acked(latencyMs: number, now: number): void {
    this.#sum += latencyMs;
    this.#count++;
    this.#maybeAdjust(now);
  }

  #maybeAdjust(now: number): void {
    if (now - this.#periodStart < PERIOD_MS) return;
    this.#periodStart = now;
    const saturated = this.#saturated;
    this.#saturated = false;
    if (this.#count === 0) return;
    const mean = this.#sum / this.#count;
    this.#sum = 0;
    this.#count = 0;
    if (this.#baseline === undefined || mean < this.#baseline) this.#baseline = mean;
    else this.#baseline += (mean - this.#baseline) * BASELINE_DRIFT;
    if (mean > this.#baseline * CONGESTION_FACTOR + CONGESTION_SLACK_MS) {
      this.#window = Math.max(MIN_WINDOW, Math.floor(this.#window * DECREASE));
    } else if (saturated) {
      this.#window = Math.min(this.maxWindow, this.#window + Math.max(1, Math.ceil(this.#window * INCREASE)));
    }
  }
}
