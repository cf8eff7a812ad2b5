/**
 * Every aggregation against values worked out by hand: Kapacitor's own TestStream_InfluxQL_Float
 * window (its expected results, which the comments recompute), then empty windows, one-point
 * windows, equal values, missing fields and NaN, and the integer/float typing of the results.
 * `time` is the result's own time in ms, `window` where Kapacitor gives the result none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate } from './index.js';
import type { AggregationSpec, WindowPoint } from './index.js';
import type { FieldValue } from '../../core/fields.js';

/** Points of `value` one second apart from t = 0 (undefined: the point has no `value`). */
function series(values: readonly (FieldValue | undefined)[], times?: readonly number[]): WindowPoint[] {
  return values.map((value, i): WindowPoint => ({ time: times?.[i] ?? i * 1000, fields: value === undefined ? { host: 'a' } : { host: 'a', value } }));
}

/** A result as the table writes it: `value kind @time`, time `window` when the result has none. */
function show(spec: Omit<AggregationSpec, 'field'>, points: readonly WindowPoint[]): string[] {
  return aggregate({ field: 'value', ...spec }, points).points.map((p) => `${String(p.value)} ${p.kind} @${p.time === undefined ? 'window' : String(p.time)}`);
}

interface Case {
  readonly name: string;
  readonly spec: Omit<AggregationSpec, 'field'>;
  readonly points: readonly WindowPoint[];
  readonly expected: readonly string[];
}

// TestStream_InfluxQL_Float, serverA's window: 98 91 95 93 92 95 92 96 93 95 at 0..9 s, floats in
// line protocol (written with a fraction here so that they type as floats).
const FLOAT_WINDOW = series(['98.0', '91.0', '95.0', '93.0', '92.0', '95.0', '92.0', '96.0', '93.0', '95.0']);

// TestStream_InfluxQL_Integer: the same values as integers (`98i` in line protocol).
const INTEGER_WINDOW = series([98, 91, 95, 93, 92, 95, 92, 96, 93, 95]);

const cases: Case[] = [
  // Kapacitor's expected results; sum 940, count 10.
  { name: 'kapacitor float window: sum', spec: { function: 'sum' }, points: FLOAT_WINDOW, expected: ['940 float @window'] },
  { name: 'kapacitor float window: count', spec: { function: 'count' }, points: FLOAT_WINDOW, expected: ['10 int @window'] },
  // First appearances in time order.
  { name: 'kapacitor float window: distinct', spec: { function: 'distinct' }, points: FLOAT_WINDOW, expected: ['98 float @0', '91 float @1000', '95 float @2000', '93 float @3000', '92 float @4000', '96 float @7000'] },
  { name: 'kapacitor float window: mean', spec: { function: 'mean' }, points: FLOAT_WINDOW, expected: ['94 float @window'] },
  // Sorted 91 92 92 93 93 | 95 95 95 96 98: (93 + 95) / 2.
  { name: 'kapacitor float window: median', spec: { function: 'median' }, points: FLOAT_WINDOW, expected: ['94 float @window'] },
  { name: 'kapacitor float window: mode', spec: { function: 'mode' }, points: FLOAT_WINDOW, expected: ['95 float @window'] },
  { name: 'kapacitor float window: min', spec: { function: 'min' }, points: FLOAT_WINDOW, expected: ['91 float @1000'] },
  { name: 'kapacitor float window: max', spec: { function: 'max' }, points: FLOAT_WINDOW, expected: ['98 float @0'] },
  { name: 'kapacitor float window: spread', spec: { function: 'spread' }, points: FLOAT_WINDOW, expected: ['7 float @window'] },
  // Squared deviations from 94 sum to 42; sqrt(42 / 9).
  { name: 'kapacitor float window: stddev', spec: { function: 'stddev' }, points: FLOAT_WINDOW, expected: ['2.160246899469287 float @window'] },
  { name: 'kapacitor float window: first', spec: { function: 'first' }, points: FLOAT_WINDOW, expected: ['98 float @0'] },
  { name: 'kapacitor float window: last', spec: { function: 'last' }, points: FLOAT_WINDOW, expected: ['95 float @9000'] },
  // Rank floor(10 × 0.5 + 0.5) = 5: sorted 91 92 92 93 93…, the fifth is the 93 of 8 s.
  { name: 'kapacitor float window: percentile 50', spec: { function: 'percentile', percentile: 50 }, points: FLOAT_WINDOW, expected: ['93 float @8000'] },

  // The same window as integers: Kapacitor's same values, typed as its integer reducers type them.
  { name: 'kapacitor integer window: sum stays an integer', spec: { function: 'sum' }, points: INTEGER_WINDOW, expected: ['940 int @window'] },
  { name: 'kapacitor integer window: mean is a float', spec: { function: 'mean' }, points: INTEGER_WINDOW, expected: ['94 float @window'] },
  { name: 'kapacitor integer window: median is a float', spec: { function: 'median' }, points: INTEGER_WINDOW, expected: ['94 float @window'] },
  { name: 'kapacitor integer window: mode stays an integer', spec: { function: 'mode' }, points: INTEGER_WINDOW, expected: ['95 int @window'] },
  { name: 'kapacitor integer window: spread stays an integer', spec: { function: 'spread' }, points: INTEGER_WINDOW, expected: ['7 int @window'] },
  { name: 'kapacitor integer window: stddev is a float', spec: { function: 'stddev' }, points: INTEGER_WINDOW, expected: ['2.160246899469287 float @window'] },
  { name: 'kapacitor integer window: min keeps its point', spec: { function: 'min' }, points: INTEGER_WINDOW, expected: ['91 int @1000'] },
  { name: 'kapacitor integer window: percentile 50 loses its point time', spec: { function: 'percentile', percentile: 50 }, points: INTEGER_WINDOW, expected: ['93 int @window'] },

  // Nearest rank on 15 20 35 40 50 (ranks: p30 → 2, p40 → 3 − 0.5 → 2, p50 → 3, p100 → 5, p5 → 0: none).
  { name: 'percentile 30 is the second value', spec: { function: 'percentile', percentile: 30 }, points: series([15, 20, 35, 40, 50]), expected: ['20 int @window'] },
  { name: 'percentile 40 rounds half up to the second value', spec: { function: 'percentile', percentile: 40 }, points: series([15, 20, 35, 40, 50]), expected: ['20 int @window'] },
  { name: 'percentile 50 of five values is the third', spec: { function: 'percentile', percentile: 50 }, points: series([50, 15, 40, 20, 35]), expected: ['35 int @window'] },
  { name: 'percentile 100 is the largest', spec: { function: 'percentile', percentile: 100 }, points: series([15, 20, 35, 40, 50]), expected: ['50 int @window'] },
  { name: 'percentile 5 of five values has no rank: no result', spec: { function: 'percentile', percentile: 5 }, points: series([15, 20, 35, 40, 50]), expected: [] },
  { name: 'percentile 95 of floats keeps the selected point time', spec: { function: 'percentile', percentile: 95 }, points: series([1.5, 9.5, 4.5]), expected: ['9.5 float @1000'] },

  // Empty windows: only count and sum have a value (0; a window without values is reduced as floats).
  { name: 'empty window: count is 0', spec: { function: 'count' }, points: [], expected: ['0 int @window'] },
  { name: 'empty window: sum is 0', spec: { function: 'sum' }, points: [], expected: ['0 float @window'] },
  { name: 'empty window: mean gives nothing', spec: { function: 'mean' }, points: [], expected: [] },
  { name: 'empty window: max gives nothing', spec: { function: 'max' }, points: [], expected: [] },
  { name: 'empty window: difference gives an empty batch', spec: { function: 'difference' }, points: [], expected: [] },
  { name: 'window without the field: count is 0', spec: { function: 'count' }, points: series([undefined, null]), expected: ['0 int @window'] },

  // One point, 5 at 1 s.
  { name: 'one point: count', spec: { function: 'count' }, points: series([5], [1000]), expected: ['1 int @window'] },
  { name: 'one point: sum keeps the integer type', spec: { function: 'sum' }, points: series([5], [1000]), expected: ['5 int @window'] },
  { name: 'one point: mean is a float', spec: { function: 'mean' }, points: series([5], [1000]), expected: ['5 float @window'] },
  { name: 'one point: median of an integer is a float without time', spec: { function: 'median' }, points: series([5], [1000]), expected: ['5 float @window'] },
  { name: 'one point: median of a float keeps its time', spec: { function: 'median' }, points: series([5.5], [1000]), expected: ['5.5 float @1000'] },
  { name: 'one point: mode keeps its time', spec: { function: 'mode' }, points: series([5], [1000]), expected: ['5 int @1000'] },
  { name: 'one point: stddev is 0', spec: { function: 'stddev' }, points: series([5], [1000]), expected: ['0 float @window'] },
  { name: 'one point: spread is 0', spec: { function: 'spread' }, points: series([5], [1000]), expected: ['0 int @window'] },
  { name: 'one point: max is the point', spec: { function: 'max' }, points: series([5], [1000]), expected: ['5 int @1000'] },
  { name: 'one point: percentile 50 of an integer loses its time', spec: { function: 'percentile', percentile: 50 }, points: series([5], [1000]), expected: ['5 int @window'] },
  { name: 'one point: elapsed gives an empty batch', spec: { function: 'elapsed', unitMs: 1000 }, points: series([5], [1000]), expected: [] },
  { name: 'one point: derivative gives an empty batch', spec: { function: 'derivative', unitMs: 1000 }, points: series([5], [1000]), expected: [] },
  { name: 'one point: moving_average over 2 gives an empty batch', spec: { function: 'moving_average', window: 2 }, points: series([5], [1000]), expected: [] },
  { name: 'one point: moving_average over 1 is the value', spec: { function: 'moving_average', window: 1 }, points: series([5], [1000]), expected: ['5 float @1000'] },
  { name: 'one point: cumulative_sum is the value', spec: { function: 'cumulative_sum' }, points: series([5], [1000]), expected: ['5 int @1000'] },

  // Equal values 7 7 7 at 0, 1, 2 s: ties go to the earliest point, last to the latest.
  { name: 'equal values: min is the earliest', spec: { function: 'min' }, points: series([7, 7, 7]), expected: ['7 int @0'] },
  { name: 'equal values: max is the earliest', spec: { function: 'max' }, points: series([7, 7, 7]), expected: ['7 int @0'] },
  { name: 'equal values: last is the latest', spec: { function: 'last' }, points: series([7, 7, 7]), expected: ['7 int @2000'] },
  { name: 'equal values: distinct is one value', spec: { function: 'distinct' }, points: series([7, 7, 7]), expected: ['7 int @0'] },
  { name: 'equal values: stddev is 0', spec: { function: 'stddev' }, points: series([7, 7, 7]), expected: ['0 float @window'] },
  { name: 'equal values: difference is 0 at each later point', spec: { function: 'difference' }, points: series([7, 7, 7]), expected: ['0 int @1000', '0 int @2000'] },
  // Two values twice each (5 at 0 and 3 s, 9 at 1 and 2 s): the later run replaces the mode (influxdb's tie rule).
  { name: 'mode tie: the larger value counted from an earlier point wins', spec: { function: 'mode' }, points: series([5, 9, 9, 5]), expected: ['9 int @window'] },
  { name: 'mode of all-distinct values is the smallest', spec: { function: 'mode' }, points: series([3, 1, 2]), expected: ['1 int @window'] },

  // Missing fields and NaN.
  { name: 'points without the field are skipped', spec: { function: 'mean' }, points: series([1, undefined, null, 3]), expected: ['2 float @window'] },
  { name: 'NaN makes the mean NaN', spec: { function: 'mean' }, points: series([1.5, NaN, 2.5]), expected: ['NaN float @window'] },
  // stddev leaves NaN out: values 1.5 and 2.5, mean 2, sqrt(0.5 / 1).
  { name: 'stddev leaves NaN out', spec: { function: 'stddev' }, points: series([1.5, NaN, 2.5]), expected: ['0.7071067811865476 float @window'] },
  { name: 'NaN never wins max', spec: { function: 'max' }, points: series([1.5, NaN, 2.5]), expected: ['2.5 float @2000'] },
  { name: 'NaN makes the spread NaN', spec: { function: 'spread' }, points: series([1.5, NaN, 2.5]), expected: ['NaN float @window'] },

  // Integer versus float typing.
  { name: 'integers: sum stays an integer', spec: { function: 'sum' }, points: series([1, 2]), expected: ['3 int @window'] },
  { name: 'integers: mean is a float', spec: { function: 'mean' }, points: series([1, 2]), expected: ['1.5 float @window'] },
  { name: 'integers: median of two is a float', spec: { function: 'median' }, points: series([1, 2]), expected: ['1.5 float @window'] },
  { name: 'one float makes the window float', spec: { function: 'sum' }, points: series([95, 95.5]), expected: ['190.5 float @window'] },
  { name: 'numeric strings are numbers', spec: { function: 'sum' }, points: series(['1', '2']), expected: ['3 int @window'] },
  { name: 'a decimal string is a float', spec: { function: 'spread' }, points: series(['1.0', '4']), expected: ['3 float @window'] },
  { name: 'strings: count', spec: { function: 'count' }, points: series(['a', 'b', 'a']), expected: ['3 int @window'] },
  { name: 'strings: distinct', spec: { function: 'distinct' }, points: series(['a', 'b', 'a']), expected: ['a string @0', 'b string @1000'] },
  { name: 'strings: last', spec: { function: 'last' }, points: series(['a', 'b', 'a']), expected: ['a string @2000'] },
  { name: 'booleans: first', spec: { function: 'first' }, points: series([false, true]), expected: ['false bool @0'] },
  { name: 'a value of another class than the first is skipped', spec: { function: 'count' }, points: series([1, 'x', 2]), expected: ['2 int @window'] },

  // Transformations: one result per point but the first, at that point's time.
  { name: 'elapsed counts whole units', spec: { function: 'elapsed', unitMs: 1000 }, points: series(['a', 'b', 'c'], [0, 1500, 4000]), expected: ['1 int @1500', '2 int @4000'] },
  { name: 'difference skips a point at the same time as the one before', spec: { function: 'difference' }, points: series([5, 3, 4, 10], [0, 1000, 1000, 2000]), expected: ['-2 int @1000', '7 int @2000'] },
  // 0 → 10 in 1 s, 10 → 5 in 1 s, 5 → 5 at the same time (nothing), 5 → 20 in 2 s.
  { name: 'derivative per second', spec: { function: 'derivative', unitMs: 1000 }, points: series([0, 10, 5, 5, 20], [0, 1000, 2000, 2000, 4000]), expected: ['10 float @1000', '-5 float @2000', '7.5 float @4000'] },
  { name: 'derivative per minute', spec: { function: 'derivative', unitMs: 60000 }, points: series([0, 10, 5, 5, 20], [0, 1000, 2000, 2000, 4000]), expected: ['600 float @1000', '-300 float @2000', '450 float @4000'] },
  { name: 'non-negative derivative drops the decrease', spec: { function: 'derivative', unitMs: 1000, nonNegative: true }, points: series([0, 10, 5, 5, 20], [0, 1000, 2000, 2000, 4000]), expected: ['10 float @1000', '7.5 float @4000'] },
  { name: 'moving_average over 2', spec: { function: 'moving_average', window: 2 }, points: series([1, 2, 3, 4]), expected: ['1.5 float @1000', '2.5 float @2000', '3.5 float @3000'] },
  { name: 'cumulative_sum', spec: { function: 'cumulative_sum' }, points: series([1, 2, 3]), expected: ['1 int @0', '3 int @1000', '6 int @2000'] },
  { name: 'cumulative_sum of floats', spec: { function: 'cumulative_sum' }, points: series([0.5, 2]), expected: ['0.5 float @0', '2.5 float @1000'] },
];

for (const { name, spec, points, expected } of cases) {
  test(name, () => {
    assert.deepEqual(show(spec, points), expected);
  });
}

test('selectors and derivative carry the fields of the point they come from', () => {
  const points: WindowPoint[] = [
    { time: 0, fields: { host: 'a', value: 3, core: 'cpu0' } },
    { time: 1000, fields: { host: 'a', value: 9, core: 'cpu1' } },
  ];
  assert.deepEqual(aggregate({ function: 'max', field: 'value' }, points).points[0]?.from, { host: 'a', value: 9, core: 'cpu1' });
  assert.deepEqual(aggregate({ function: 'derivative', field: 'value', unitMs: 1000 }, points).points[0]?.from, { host: 'a', value: 9, core: 'cpu1' });
  assert.equal(aggregate({ function: 'mean', field: 'value' }, points).points[0]?.from, undefined);
});

test('functions that need numbers refuse strings, as Kapacitor does', () => {
  assert.throws(() => aggregate({ function: 'max', field: 'value' }, series(['a', 'b'])), /cannot apply max to string field "value"/);
  assert.throws(() => aggregate({ function: 'mean', field: 'value' }, series([true])), /cannot apply mean to boolean field "value"/);
});

test('skipped points are counted', () => {
  assert.equal(aggregate({ function: 'count', field: 'value' }, series([1, undefined, 'x', 2])).skipped, 2);
});
