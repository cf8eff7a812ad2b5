/**
 * The window of one group, as Kapacitor's WindowNode keeps it (window.go), plus which points may
 * be acked at each step.
 *
 * Time windows (`period`, `every`, `align`, `fill_period`), times in epoch ms:
 * - the group's first point sets the first emit time: `first + every` (aligned: truncated to a
 *   multiple of `every`, Go's `Time.Truncate`); with `fill_period`, `first + period` (aligned: the
 *   next multiple of `every` after it);
 * - with `every > 0`, a point at or past the emit time closes the window before it is added:
 *   the points older than `emit − period` leave, the window `[emit − period, emit)` is emitted at
 *   time `emit`, and the next emit time is that point's time + `every` (aligned if asked), so a gap
 *   in the data shifts later windows, as in Kapacitor;
 * - with `every = 0`, each point at or past the emit time is added, then the window
 *   `(t − period, t]` is emitted at its time `t`;
 * - a barrier (the idle timeout) closes the window as a point of its time would, adding nothing.
 * Points leave from the front only (Kapacitor expects them in time order: a late point stays until
 * it reaches the front).
 *
 * Count windows (`period_count`, `every_count`): the last `period_count` points, emitted at every
 * `every_count`-th point (the first time at the `period_count`-th with `fill_period`), at the time
 * of their newest point. Barriers do not close them (Kapacitor's neither).
 *
 * Acks. A point is held (its tuple gets no outcome) until no later window can contain it; then it
 * is released (acked). A window's batch is anchored, without resolving any of them, to every
 * point released at this step or still held (its points, and those leaving before it); an empty
 * one that has none to the point that closed it; with no point at all it is not emitted. So a
 * batch failing fails all its points, and a point in several windows (every < period) is acked
 * only once every batch holding it is.
 */
import type { Fields } from '../../src/runtime/node-api.js';

/** Milliseconds from Go's zero time (January 1, year 1, UTC) to the Unix epoch: `Time.Truncate` counts from there. */
const GO_ZERO_TIME_OFFSET_MS = 62_135_596_800_000;

/** Go's `t.Truncate(d)`: `t` rounded down to a multiple of `d` since Go's zero time; `t` itself when `d <= 0`. */
export function goTruncate(timeMs: number, durationMs: number): number {
  if (durationMs <= 0) return timeMs;
  const since = timeMs + GO_ZERO_TIME_OFFSET_MS;
  return timeMs - (((since % durationMs) + durationMs) % durationMs);
}

/** What a window emits: its time and its points. */
export interface WindowBatch {
  readonly time: number;
  readonly points: readonly Fields[];
}

/** What one point or barrier gives: maybe a batch with the items it is anchored to, and the items now released. */
export interface WindowStep<T> {
  readonly batch?: WindowBatch;
  /** The items the batch is anchored to (set whenever `batch` is): released at this step or still held, none with an outcome yet. */
  readonly anchors?: readonly [T, ...T[]];
  /** Items whose outcome is now due, after the batch, in arrival order. */
  readonly released: readonly T[];
}

/** The window of one group. */
export interface GroupWindow<T> {
  /** Adds a point (its time in epoch ms, its fields as they go into batches) and the item held for it. */
  point(time: number, fields: Fields, item: T): WindowStep<T>;
  /** An idle barrier at `time`: closes the window if a point of that time would. */
  barrier(time: number): WindowStep<T>;
  /** Takes every item still held (at stop). */
  drain(): T[];
  /** How many items are held. */
  readonly holding: number;
}

interface Entry<T> {
  readonly time: number;
  readonly fields: Fields;
  readonly item: T;
  held: boolean;
}

const NOTHING: WindowStep<never> = { released: [] };

/** Builds the step of a window close: the batch anchored to the items of `released` and the held ones of `buffer`, else to `trigger`. */
function closeStep<T>(batch: WindowBatch | undefined, released: readonly Entry<T>[], trigger: Entry<T> | undefined, buffer: readonly Entry<T>[]): WindowStep<T> {
  const due = released.filter((e) => e.held);
  for (const entry of due) entry.held = false;
  const releasedItems = due.map((e) => e.item);
  if (batch === undefined) return { released: releasedItems };
  const anchors = [...due, ...buffer.filter((e) => e.held)].map((e) => e.item);
  if (anchors.length === 0 && trigger?.held === true) anchors.push(trigger.item);
  const [first, ...others] = anchors;
  if (first === undefined) return { released: releasedItems };
  return { batch, anchors: [first, ...others], released: releasedItems };
}

function countHeld<T>(entries: readonly Entry<T>[]): number {
  let held = 0;
  for (const entry of entries) if (entry.held) held++;
  return held;
}

/** Time windows: `period` and `every` in ms. */
export class TimeWindow<T> implements GroupWindow<T> {
  private buffer: Entry<T>[] = [];
  private nextEmit: number;

  constructor(
    firstTime: number,
    private readonly period: number,
    private readonly every: number,
    private readonly align: boolean,
    fillPeriod: boolean,
  ) {
    if (fillPeriod) {
      let next = firstTime + period;
      if (align) {
        const firstPeriod = next;
        next = goTruncate(next, every);
        if (!(next > firstPeriod)) next += every;
      }
      this.nextEmit = next;
    } else {
      const next = firstTime + every;
      this.nextEmit = align ? goTruncate(next, every) : next;
    }
  }

  get holding(): number {
    return countHeld(this.buffer);
  }

  point(time: number, fields: Fields, item: T): WindowStep<T> {
    const entry: Entry<T> = { time, fields, item, held: true };
    if (this.every === 0) {
      this.buffer.push(entry);
      return this.close(time, entry);
    }
    const step = this.close(time, entry);
    this.buffer.push(entry);
    return step;
  }

  barrier(time: number): WindowStep<T> {
    return this.close(time, undefined);
  }

  drain(): T[] {
    const held = this.buffer.filter((e) => e.held).map((e) => e.item);
    this.buffer = [];
    return held;
  }

  /** Closes the window if `time` reached the emit time (see the module doc). */
  private close(time: number, trigger: Entry<T> | undefined): WindowStep<T> {
    if (time < this.nextEmit) return NOTHING;
    if (this.every === 0) {
      // Right-closed window (time − period, time].
      const released = this.purge((t) => t > time - this.period);
      const batch = { time, points: this.buffer.map((e) => e.fields) };
      this.nextEmit = time;
      return closeStep(batch, released, trigger, this.buffer);
    }
    // Left-closed window [emit − period, emit); the point that closed it is not in it.
    const emit = this.nextEmit;
    const released = this.purge((t) => t >= emit - this.period);
    const batch = { time: emit, points: this.buffer.map((e) => e.fields) };
    this.nextEmit = this.align ? goTruncate(time + this.every, this.every) : time + this.every;
    // The next close keeps only points from its own start on: the ones before it leave now.
    const start = this.nextEmit - this.period;
    released.push(...this.purge((t) => t >= start));
    return closeStep(batch, released, trigger, this.buffer);
  }

  /** Removes the points at the front until the first one `kept` accepts; returns them. */
  private purge(kept: (time: number) => boolean): Entry<T>[] {
    let n = 0;
    while (n < this.buffer.length && !kept((this.buffer[n] as Entry<T>).time)) n++;
    return this.buffer.splice(0, n);
  }
}

/** Count windows: the last `period` points, every `every` points. */
export class CountWindow<T> implements GroupWindow<T> {
  private buffer: Entry<T>[] = [];
  private count = 0;
  private nextEmit: number;

  constructor(
    private readonly period: number,
    private readonly every: number,
    fillPeriod: boolean,
  ) {
    this.nextEmit = fillPeriod ? period : every;
  }

  get holding(): number {
    return countHeld(this.buffer);
  }

  point(time: number, fields: Fields, item: T): WindowStep<T> {
    const entry: Entry<T> = { time, fields, item, held: true };
    this.buffer.push(entry);
    const released = this.buffer.length > this.period ? this.buffer.splice(0, this.buffer.length - this.period) : [];
    this.count++;
    if (this.count !== this.nextEmit) return closeStep(undefined, released, undefined, this.buffer);
    this.nextEmit += this.every;
    const batch = { time: entry.time, points: this.buffer.map((e) => e.fields) };
    // The points the next `every` points will push out are in no later window: they leave now (and stay as data until pushed out).
    const leaving = Math.max(0, this.buffer.length + this.every - this.period);
    released.push(...this.buffer.slice(0, leaving));
    return closeStep(batch, released, entry, this.buffer);
  }

  barrier(): WindowStep<T> {
    return NOTHING;
  }

  drain(): T[] {
    const held = this.buffer.filter((e) => e.held).map((e) => e.item);
    this.buffer = [];
    return held;
  }
}
