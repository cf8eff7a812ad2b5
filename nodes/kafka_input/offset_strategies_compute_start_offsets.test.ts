/**
 * Start offsets of the strategies that commit nothing (pure): where each partition starts, and
 * requested offsets outside a partition moved into it.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { commitsOffsets, ephemeralStartOffsets } from './offset-strategies.js';

const bounds = [
  { partition: 0, low: 0, high: 100 },
  { partition: 1, low: 50, high: 60 },
  { partition: 2, low: 0, high: 0 },
];

it('computes each strategy start and clamps what falls outside a partition', () => {
  const starts = (strategy: Parameters<typeof ephemeralStartOffsets>[0], options = {}): number[] => [...ephemeralStartOffsets(strategy, bounds, options).starts.values()];
  assert.deepEqual(starts('earliest'), [0, 50, 0]);
  assert.deepEqual(starts('latest'), [100, 60, 0]);
  assert.deepEqual(starts('from_offset', { offset: 55 }), [55, 55, 0]);
  assert.deepEqual(ephemeralStartOffsets('from_offset', bounds, { offset: 55 }).clamped, [{ partition: 2, requested: 55, start: 0 }]);
  assert.deepEqual(ephemeralStartOffsets('from_offset', bounds, { offset: 10 }).clamped, [{ partition: 1, requested: 10, start: 50 }, { partition: 2, requested: 10, start: 0 }]);
  // Kafka answers the next offset when no record is at or after the date.
  assert.deepEqual(starts('from_datetime', { fromDatetime: new Map([[0, 42], [1, 60]]) }), [42, 60, 0]);
});

it('commits offsets only with last_committed', () => {
  assert.deepEqual((['last_committed', 'earliest', 'latest', 'from_offset', 'from_datetime'] as const).map(commitsOffsets), [true, false, false, false, false]);
});
