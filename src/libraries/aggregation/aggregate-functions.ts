/**
 * Kapacitor's aggregations over a window (the InfluxQL nodes of a TICKscript, and `derivative`),
 * computed as Kapacitor's reducers compute them (influxdb's `query` package, which Kapacitor
 * uses), loop for loop where the order changes a float or a tie:
 * - aggregates give one value: `count`, `sum`, `mean`, `median`, `mode`, `spread`, `stddev`;
 * - selectors give one of the points: `first`, `last`, `min`, `max`, `percentile` (nearest rank);
 *   the selected point's other fields travel with the result;
 * - `distinct` and the transformations give a batch: `elapsed`, `difference`, `derivative`,
 *   `moving_average`, `cumulative_sum` (one result per point, at that point's time).
 * Result types follow Kapacitor's: `count` and `elapsed` are integers, `mean`, `median`, `stddev`,
 * `derivative` and `moving_average` floats, the others keep the field's type.
 *
 * Where Kapacitor gives a result no time of its own (InfluxQL's zero time), `time` is undefined:
 * the result then takes the window's time. Equal values keep their arrival order where Go's
 * unstable sort would pick any of them (which point `percentile` selects among equal values, which
 * time `mode` keeps).
 */
import { PunchlineError } from '../../core/errors.js';
import type { Fields } from '../../core/fields.js';
import { typedValues } from './point-values.js';
import type { TypedPoint, ValueKind, WindowPoint } from './point-values.js';

/** Every aggregation, by its Kapacitor name (`movingAverage` and `cumulativeSum` in snake_case). */
export type AggregateFunction =
  | 'count'
  | 'distinct'
  | 'sum'
  | 'mean'
  | 'median'
  | 'mode'
  | 'min'
  | 'max'
  | 'first'
  | 'last'
  | 'spread'
  | 'stddev'
  | 'percentile'
  | 'elapsed'
  | 'difference'
  | 'derivative'
  | 'moving_average'
  | 'cumulative_sum';

/** What to compute: the function, the field it reads, and the function's own arguments. */
export interface AggregationSpec {
  readonly function: AggregateFunction;
  readonly field: string;
  /** `percentile`: the rank, 0..100. */
  readonly percentile?: number;
  /** `elapsed` and `derivative`: the unit of time the result counts in, ms. */
  readonly unitMs?: number;
  /** `derivative`: drop the points where the value went down. */
  readonly nonNegative?: boolean;
  /** `moving_average`: how many points each average spans. */
  readonly window?: number;
}

/** One value an aggregation gives. */
export interface ResultPoint {
  /** The point's time (epoch ms), or undefined where Kapacitor gives none: the window's time then. */
  readonly time: number | undefined;
  readonly value: number | string | boolean;
  readonly kind: ValueKind;
  /** The point the result was taken from, whose other fields travel with it (selectors, derivative). */
  readonly from?: Fields;
}

/** What an aggregation gives for one window. */
export interface AggregationResult {
  /** `point`: at most one result, a point downstream; `batch`: a batch of results (possibly empty). */
  readonly shape: 'point' | 'batch';
  readonly points: readonly ResultPoint[];
  /** Points skipped: without the field, or with a value of another class than the first one's. */
  readonly skipped: number;
}

/** The shape of each function's result. */
const BATCH_FUNCTIONS: ReadonlySet<AggregateFunction> = new Set(['distinct', 'elapsed', 'difference', 'derivative', 'moving_average', 'cumulative_sum']);

/** The functions Kapacitor also applies to string and boolean fields; the others need numbers. */
const ANY_TYPE: ReadonlySet<AggregateFunction> = new Set(['count', 'distinct', 'first', 'last', 'elapsed']);

/** Whether the function gives a batch (else at most one point). */
export function givesBatch(fn: AggregateFunction): boolean {
  return BATCH_FUNCTIONS.has(fn);
}

/** Whether the function's result carries the fields of the point it comes from. */
export function carriesPointFields(fn: AggregateFunction): boolean {
  return fn === 'first' || fn === 'last' || fn === 'min' || fn === 'max' || fn === 'percentile' || fn === 'derivative';
}

/**
 * Applies `spec` to the points of one window (in arrival order). Throws a non-retriable
 * `E_TUPLE_FAILED` when the function does not apply to the field's type (`max` of strings), as
 * Kapacitor refuses it.
 */
export function aggregate(spec: AggregationSpec, points: readonly WindowPoint[]): AggregationResult {
  const fn = spec.function;
  const shape = givesBatch(fn) ? 'batch' : 'point';
  const typed = typedValues(points, spec.field);
  const { skipped } = typed;
  if (typed.kind === 'none') {
    // Kapacitor reduces a window without values as floats: only count and sum have a value for it.
    const empty: ResultPoint[] = fn === 'count' ? [{ time: undefined, value: 0, kind: 'int' }] : fn === 'sum' ? [{ time: undefined, value: 0, kind: 'float' }] : [];
    return { shape, points: empty, skipped };
  }
  if (typed.kind === 'string' || typed.kind === 'bool') {
    if (!ANY_TYPE.has(fn)) throw new PunchlineError('E_TUPLE_FAILED', `cannot apply ${fn} to ${typed.kind === 'bool' ? 'boolean' : 'string'} field "${spec.field}"`, { retriable: false });
    return { shape, points: anyTypeResult(spec, typed.kind, typed.points as readonly TypedPoint<string | boolean>[]), skipped };
  }
  return { shape, points: numericResult(spec, typed.kind, typed.points), skipped };
}

/** count, distinct, first, last and elapsed on any type of value. */
function anyTypeResult<V extends number | string | boolean>(spec: AggregationSpec, kind: ValueKind, points: readonly TypedPoint<V>[]): ResultPoint[] {
  switch (spec.function) {
    case 'count':
      return [{ time: undefined, value: points.length, kind: 'int' }];
    case 'distinct':
      return distinct(points, kind);
    case 'first':
      return [selected(pick(points, (curr, prev) => curr.time < prev.time || (curr.time === prev.time && greater(curr.value, prev.value))), kind)];
    case 'last':
      return [selected(pick(points, (curr, prev) => curr.time > prev.time || (curr.time === prev.time && greater(curr.value, prev.value))), kind)];
    case 'elapsed':
      return elapsed(points, spec.unitMs ?? 1000);
    default:
      throw new Error(`${spec.function} is not an any-type aggregation`);
  }
}

/** Every function on numbers. */
function numericResult(spec: AggregationSpec, kind: 'int' | 'float', points: readonly TypedPoint<number>[]): ResultPoint[] {
  const values = points.map((p) => p.value);
  const floatOrInt: ValueKind = kind;
  switch (spec.function) {
    case 'count':
    case 'distinct':
    case 'first':
    case 'last':
    case 'elapsed':
      return anyTypeResult(spec, kind, points);
    case 'sum': {
      let sum = 0;
      for (const value of values) sum += value;
      return [{ time: undefined, value: sum, kind: floatOrInt }];
    }
    case 'mean': {
      let sum = 0;
      for (const value of values) sum += value;
      return [{ time: undefined, value: sum / values.length, kind: 'float' }];
    }
    case 'median':
      return [median(points, kind)];
    case 'mode':
      return [mode(points, kind)];
    case 'min':
      return [selected(pick(points, (curr, prev) => curr.value < prev.value || (curr.value === prev.value && curr.time < prev.time)), kind)];
    case 'max':
      return [selected(pick(points, (curr, prev) => curr.value > prev.value || (curr.value === prev.value && curr.time < prev.time)), kind)];
    case 'spread': {
      let min = Infinity;
      let max = -Infinity;
      for (const value of values) {
        min = Math.min(min, value);
        max = Math.max(max, value);
      }
      return [{ time: undefined, value: max - min, kind: floatOrInt }];
    }
    case 'stddev':
      return [{ time: undefined, value: stddev(values, kind), kind: 'float' }];
    case 'percentile':
      return percentile(points, kind, spec.percentile ?? 50);
    case 'difference':
      return difference(points, kind);
    case 'derivative':
      return derivative(points, spec.unitMs ?? 1000, spec.nonNegative ?? false);
    case 'moving_average':
      return movingAverage(points, spec.window ?? 1);
    case 'cumulative_sum': {
      let sum = 0;
      return points.map((p) => {
        sum += p.value;
        return { time: p.time, value: sum, kind: floatOrInt };
      });
    }
  }
}

/** Go's `>` on the value types (false < true for booleans, as `!prev.Value && curr.Value`). */
function greater(a: number | string | boolean, b: number | string | boolean): boolean {
  return a > b;
}

/** The reduce loop of Kapacitor's selectors: `curr` replaces `prev` when `better` says so. */
function pick<V>(points: readonly TypedPoint<V>[], better: (curr: TypedPoint<V>, prev: TypedPoint<V>) => boolean): TypedPoint<V> {
  let chosen = points[0] as TypedPoint<V>;
  for (const point of points.slice(1)) if (better(point, chosen)) chosen = point;
  return chosen;
}

function selected<V extends number | string | boolean>(point: TypedPoint<V>, kind: ValueKind): ResultPoint {
  return { time: point.time, value: point.value, kind, from: point.point.fields };
}

/** The values sorted ascending; equal values keep their arrival order. */
function byValue<V extends number | string>(points: readonly TypedPoint<V>[]): TypedPoint<V>[] {
  return [...points].sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/** Unique values, each at the time it first appeared, ordered by that time (then value). */
function distinct<V extends number | string | boolean>(points: readonly TypedPoint<V>[], kind: ValueKind): ResultPoint[] {
  const firsts = new Map<V, TypedPoint<V>>();
  for (const point of points) if (!firsts.has(point.value)) firsts.set(point.value, point);
  return [...firsts.values()]
    .sort((a, b) => a.time - b.time || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .map((p) => ({ time: p.time, value: p.value, kind }));
}

/** The middle value, or the mean of the two middle ones (`lo + (hi - lo) / 2`, as influxdb computes it). */
function median(points: readonly TypedPoint<number>[], kind: 'int' | 'float'): ResultPoint {
  // One float point is returned as it is, its time with it; an integer one loses its time.
  if (points.length === 1) return { time: kind === 'float' ? (points[0] as TypedPoint<number>).time : undefined, value: (points[0] as TypedPoint<number>).value, kind: 'float' };
  const sorted = byValue(points);
  const n = sorted.length;
  if (n % 2 === 0) {
    const lo = (sorted[n / 2 - 1] as TypedPoint<number>).value;
    const hi = (sorted[n / 2] as TypedPoint<number>).value;
    return { time: undefined, value: lo + (hi - lo) / 2, kind: 'float' };
  }
  return { time: undefined, value: (sorted[(n - 1) / 2] as TypedPoint<number>).value, kind: 'float' };
}

/**
 * The most frequent value, by influxdb's loop over the values sorted ascending, ties included: a
 * value as frequent as the current mode replaces it unless its first point is later than the point
 * where the mode was last counted, and a run of one value after the first never replaces it (so
 * all-distinct values give the smallest).
 */
function mode(points: readonly TypedPoint<number>[], kind: 'int' | 'float'): ResultPoint {
  if (points.length === 1) return { time: (points[0] as TypedPoint<number>).time, value: (points[0] as TypedPoint<number>).value, kind };
  const sorted = byValue(points);
  const head = sorted[0] as TypedPoint<number>;
  let mostFreq = 0;
  let currFreq = 0;
  let currMode = head.value;
  let mostMode = head.value;
  let mostTime = head.time;
  let currTime = head.time;
  for (const p of sorted) {
    if (p.value !== currMode) {
      currFreq = 1;
      currMode = p.value;
      currTime = p.time;
      continue;
    }
    currFreq++;
    if (mostFreq > currFreq || (mostFreq === currFreq && currTime > mostTime)) continue;
    mostFreq = currFreq;
    mostMode = p.value;
    mostTime = p.time;
  }
  return { time: undefined, value: mostMode, kind };
}

/** The sample standard deviation (n − 1); NaN values are left out of a float window; one point gives 0. */
function stddev(values: readonly number[], kind: 'int' | 'float'): number {
  if (values.length < 2) return 0;
  const used = kind === 'float' ? values.filter((v) => !Number.isNaN(v)) : values;
  let mean = 0;
  let count = 0;
  for (const value of used) {
    count++;
    mean += (value - mean) / count;
  }
  let variance = 0;
  for (const value of used) variance += Math.pow(value - mean, 2);
  return Math.sqrt(variance / (count - 1));
}

/**
 * Nearest rank: the point at index `floor(n × p / 100 + 0.5) − 1` of the values sorted ascending;
 * no result when that index is outside the window (p too small for n). A float point keeps its
 * time; an integer one does not (influxdb drops it).
 */
function percentile(points: readonly TypedPoint<number>[], kind: 'int' | 'float', p: number): ResultPoint[] {
  const n = points.length;
  const index = Math.floor((n * p) / 100 + 0.5) - 1;
  if (index < 0 || index >= n) return [];
  const chosen = byValue(points)[index] as TypedPoint<number>;
  return [{ time: kind === 'float' ? chosen.time : undefined, value: chosen.value, kind, from: chosen.point.fields }];
}

/** The time between consecutive points, in whole units (Go's integer division truncates). */
function elapsed<V>(points: readonly TypedPoint<V>[], unitMs: number): ResultPoint[] {
  const out: ResultPoint[] = [];
  for (let i = 1; i < points.length; i++) {
    const curr = points[i] as TypedPoint<V>;
    const prev = points[i - 1] as TypedPoint<V>;
    out.push({ time: curr.time, value: Math.trunc((curr.time - prev.time) / unitMs), kind: 'int' });
  }
  return out;
}

/** Each value minus the one before; a point at the same time as the one before it is skipped. */
function difference(points: readonly TypedPoint<number>[], kind: 'int' | 'float'): ResultPoint[] {
  const out: ResultPoint[] = [];
  let curr: TypedPoint<number> | undefined;
  for (const point of points) {
    if (curr !== undefined && curr.time === point.time) continue;
    if (curr !== undefined) out.push({ time: point.time, value: point.value - curr.value, kind });
    curr = point;
  }
  return out;
}

/**
 * Kapacitor's DerivativeNode: the change from the previous point per `unitMs`, at each point but
 * the first; a point at the same time as the previous one gives nothing, nor does a decrease with
 * `nonNegative` (both still become the previous point). The point's fields travel with it.
 */
function derivative(points: readonly TypedPoint<number>[], unitMs: number, nonNegative: boolean): ResultPoint[] {
  const out: ResultPoint[] = [];
  let previous: TypedPoint<number> | undefined;
  for (const point of points) {
    const prev = previous;
    previous = point;
    if (prev === undefined) continue;
    const elapsedMs = point.time - prev.time;
    if (elapsedMs === 0) continue;
    const diff = point.value - prev.value;
    if (nonNegative && diff < 0) continue;
    out.push({ time: point.time, value: diff / (elapsedMs / unitMs), kind: 'float', from: point.point.fields });
  }
  return out;
}

/** The mean of the last `window` values at each point once that many were seen; a running sum, as influxdb keeps it. */
function movingAverage(points: readonly TypedPoint<number>[], window: number): ResultPoint[] {
  const out: ResultPoint[] = [];
  const buffer: number[] = [];
  let position = 0;
  let sum = 0;
  for (const point of points) {
    if (buffer.length !== window) buffer.push(point.value);
    else {
      sum -= buffer[position] as number;
      buffer[position] = point.value;
    }
    sum += point.value;
    position = (position + 1) % window;
    if (buffer.length === window) out.push({ time: point.time, value: sum / window, kind: 'float' });
  }
  return out;
}
