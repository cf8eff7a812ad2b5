/**
 * What an alert remembers about one group: the ring of its last levels (which gives the current
 * level, whether a point changed it, and how much it flaps), the first and last time it triggered
 * (which give an event's duration), and the state of its lambdas' stateful functions.
 */
import type { LambdaState } from '../lambda/index.js';

/** The per-group alert state. Levels are stored as ranks (0 OK .. 3 CRITICAL). */
export class AlertGroupState {
  /** The ring of the last levels, all OK at first. `history[newest]` is the current level. */
  private readonly history: Uint8Array;
  private newest = 0;
  /** The group is flapping (flapping detection on): it emits nothing. */
  flapping = false;
  /** The last recorded level differs from the one before. */
  changed = false;
  /** When the group last triggered (an emitted or no_recoveries-suppressed event), ns; undefined before. */
  lastTriggered: bigint | undefined;
  /** When the current episode started, ns; undefined before the first trigger. */
  firstTriggered: bigint | undefined;
  /**
   * The id of the group's last event (not part of a snapshot): an event with the same id, as
   * most are, looks its previous level up with that string, whose hash is already known.
   */
  lastEventId: string | undefined;

  constructor(
    historySize: number,
    /** One state per level lambda, in the order the engine keeps its lambdas. */
    readonly lambdaStates: readonly LambdaState[],
  ) {
    this.history = new Uint8Array(Math.max(2, historySize));
  }

  /** The current level (the newest entry of the ring). */
  get currentRank(): number {
    return this.history[this.newest] ?? 0;
  }

  /** The entry before the newest one. */
  get previousRank(): number {
    const size = this.history.length;
    return this.history[(this.newest + size - 1) % size] ?? 0;
  }

  /** The ring as stored and the slot of the newest level, for a snapshot. */
  ring(): { readonly history: Uint8Array; readonly newest: number } {
    return { history: this.history, newest: this.newest };
  }

  /** Puts back a ring of the same size, from a snapshot. */
  restoreRing(history: readonly number[], newest: number): void {
    this.history.set(history);
    this.newest = newest;
  }

  /** Pushes a level into the ring and records whether it changed from the previous one. */
  record(rank: number): void {
    this.changed = this.currentRank !== rank;
    this.newest = (this.newest + 1) % this.history.length;
    this.history[this.newest] = rank;
  }

  /**
   * How much the group flaps, 0..1: Kapacitor's `percentChange` (alert.go), kept loop for loop so
   * that a group starts and stops flapping at the same point as in Kapacitor. With `l` entries and
   * `newest` the slot just written, `l - 1` pairs (slot, slot before it in the ring) are visited
   * starting at the newest slot, with weights growing from 0.8 by `0.4 / (l - 1)`: the newest pair
   * weighs least, then the pair (newest, oldest) that spans the ring's seam, then the pairs from
   * the oldest on; the pair just before the newest one is never visited. The weights of the pairs
   * whose levels differ, summed and divided by `l - 1`, give the percentage; 0.8 is computed as
   * 1.2 / 1.5 and accumulated step by step, as in Go, so thresholds compare identically.
   */
  flappingPercent(): number {
    const size = this.history.length;
    const maxWeight = 1.2;
    let weight = maxWeight / 1.5;
    const step = (maxWeight - weight) / (size - 1);
    let changes = 0;
    for (let i = 0; i < size - 1; i++) {
      const current = (i + this.newest) % size;
      const previous = current === 0 ? size - 1 : current - 1;
      if (this.history[current] !== this.history[previous]) changes += weight;
      weight += step;
    }
    return changes / (size - 1);
  }

  /** Hysteresis: starts flapping above `high`, stops below `low`. */
  updateFlapping(low: number, high: number): void {
    const percent = this.flappingPercent();
    if (this.flapping && percent < low) this.flapping = false;
    else if (!this.flapping && percent > high) this.flapping = true;
  }

  /** Records a trigger at `time`; a trigger right after an OK entry starts a new episode. */
  triggered(time: bigint): void {
    this.lastTriggered = time;
    if (this.previousRank === 0) this.firstTriggered = time;
  }

  /**
   * `last_triggered - first_triggered`. Before any episode start, Go subtracts the zero time
   * (year 1), which overflows and saturates to the largest duration; we give the same.
   */
  duration(): bigint {
    if (this.lastTriggered === undefined) return 0n;
    if (this.firstTriggered === undefined) return MAX_DURATION_NS;
    return this.lastTriggered - this.firstTriggered;
  }
}

/** Go's `maxDuration`, what `time.Sub` saturates to. */
export const MAX_DURATION_NS = 9_223_372_036_854_775_807n;

/**
 * What a group's state is written as (in a changelog record), and restored from: everything
 * {@link AlertGroupState} holds, plus the level of the last event of each id the group emitted
 * (the topic's previous level). Times are decimal nanoseconds (beyond 2^53), lambda slots numbers
 * (`"NaN"`, `"Infinity"`, `"-Infinity"` as strings: JSON has no such numbers).
 */
export interface AlertGroupSnapshot {
  readonly v: 1;
  /** The ring of levels (ranks), oldest slot first as stored, and the slot of the newest. */
  readonly history: readonly number[];
  readonly newest: number;
  readonly flapping: boolean;
  readonly changed: boolean;
  readonly firstTriggered?: string;
  readonly lastTriggered?: string;
  readonly lambdaSlots: readonly (readonly (number | string)[])[];
  /** Alert id → the level of its last event. */
  readonly previousLevels: Readonly<Record<string, number>>;
}

const slotOut = (value: number): number | string => (Number.isFinite(value) ? value : String(value));
const slotIn = (value: number | string): number => (typeof value === 'number' ? value : Number(value));

/** The snapshot of `state`. */
export function snapshotGroupState(state: AlertGroupState, previousLevels: Readonly<Record<string, number>>): AlertGroupSnapshot {
  const { history, newest } = state.ring();
  return {
    v: 1,
    history: [...history],
    newest,
    flapping: state.flapping,
    changed: state.changed,
    ...(state.firstTriggered !== undefined && { firstTriggered: state.firstTriggered.toString() }),
    ...(state.lastTriggered !== undefined && { lastTriggered: state.lastTriggered.toString() }),
    lambdaSlots: state.lambdaStates.map((s) => Array.from(s.slots, slotOut)),
    previousLevels,
  };
}

const isRank = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 3;
const isTime = (value: unknown): boolean => value === undefined || (typeof value === 'string' && /^-?\d+$/.test(value));

/**
 * Reads a snapshot back into `state` (a fresh state of the same alert). Returns why it cannot,
 * without touching `state`, when the snapshot is not one (another version, another alert's shape:
 * a different history size or set of lambdas), so the caller starts that group afresh and says so.
 */
export function restoreGroupState(state: AlertGroupState, value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return 'not a JSON object';
  const s = value as Partial<Record<keyof AlertGroupSnapshot, unknown>>;
  if (s.v !== 1) return `version ${JSON.stringify(s.v)}, this alert reads version 1`;
  const { history, newest, lambdaSlots, previousLevels } = s;
  if (!Array.isArray(history) || !history.every(isRank)) return '"history" is not a list of levels';
  if (history.length !== state.ring().history.length) return `its history holds ${history.length} levels, this alert ${state.ring().history.length} (history changed)`;
  if (!Number.isInteger(newest) || (newest as number) < 0 || (newest as number) >= history.length) return '"newest" is not a slot of the history';
  if (typeof s.flapping !== 'boolean' || typeof s.changed !== 'boolean') return '"flapping" or "changed" is not a boolean';
  if (!isTime(s.firstTriggered) || !isTime(s.lastTriggered)) return 'a trigger time is not decimal nanoseconds';
  if (!Array.isArray(lambdaSlots) || lambdaSlots.length !== state.lambdaStates.length) return 'its lambdas differ from this alert\'s (levels changed)';
  for (let i = 0; i < lambdaSlots.length; i++) {
    const slots = lambdaSlots[i] as unknown;
    if (!Array.isArray(slots) || slots.length !== state.lambdaStates[i]?.slots.length || !slots.every((v) => typeof v === 'number' || typeof v === 'string')) return 'its lambdas differ from this alert\'s (levels changed)';
  }
  if (previousLevels === null || typeof previousLevels !== 'object' || !Object.values(previousLevels).every(isRank)) return '"previousLevels" is not a map of levels';
  state.restoreRing(history, newest as number);
  state.flapping = s.flapping;
  state.changed = s.changed;
  state.firstTriggered = s.firstTriggered === undefined ? undefined : BigInt(s.firstTriggered as string);
  state.lastTriggered = s.lastTriggered === undefined ? undefined : BigInt(s.lastTriggered as string);
  (lambdaSlots as (number | string)[][]).forEach((slots, i) => state.lambdaStates[i]?.slots.set(slots.map(slotIn)));
  return undefined;
}
