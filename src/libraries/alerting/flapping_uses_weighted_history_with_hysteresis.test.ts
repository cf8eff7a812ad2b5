/**
 * Flapping: over the ring of the last `l` levels, the `l - 1` consecutive pairs from oldest to
 * newest weigh 0.8, 0.8 + 0.4/(l-1), ... ; the weights of the pairs that differ, summed and divided
 * by `l - 1`, give the flapping percentage. A group starts flapping above `high`, stops below `low`,
 * and emits nothing while flapping.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda } from '../lambda/index.js';
import { AlertGroupState } from './group-state.js';
import { AlertEngine } from './index.js';

/** The percentage from the definition, on the chronological list of the last `l` levels. */
function expectedPercent(chronological: readonly number[]): number {
  const l = chronological.length;
  let sum = 0;
  for (let k = 0; k < l - 1; k++) {
    if (chronological[k] !== chronological[k + 1]) sum += 0.8 + (k * 0.4) / (l - 1);
  }
  return sum / (l - 1);
}

/** The ring's content after recording `levels` into a ring of `size` initially all OK. */
function lastEntries(levels: readonly number[], size: number): number[] {
  return [...new Array<number>(size).fill(0), ...levels].slice(-size);
}

const sequences: { name: string; size: number; levels: number[] }[] = [
  { name: 'one change, newest pair', size: 5, levels: [3] },
  { name: 'one change, oldest pair', size: 5, levels: [3, 3, 3, 3] },
  { name: 'alternating', size: 5, levels: [3, 0, 3, 0, 3, 0] },
  { name: 'mixed levels', size: 21, levels: [1, 2, 3, 3, 0, 0, 2, 2, 2, 1, 0, 3, 0, 3, 3, 3, 1, 1, 0, 2, 2, 2, 3] },
  { name: 'two entries', size: 2, levels: [0, 2] },
];

for (const { name, size, levels } of sequences) {
  test(`the flapping percentage of ${name} follows the weighted definition after each point`, () => {
    const state = new AlertGroupState(size, []);
    levels.forEach((level, i) => {
      state.record(level);
      const expected = expectedPercent(lastEntries(levels.slice(0, i + 1), size));
      assert.ok(Math.abs(state.flappingPercent() - expected) < 1e-12, `after point ${i + 1}: ${state.flappingPercent()} vs ${expected}`);
    });
  });
}

test('the newest change weighs more than the oldest one', () => {
  const newest = new AlertGroupState(5, []);
  newest.record(3);
  const oldest = new AlertGroupState(5, []);
  for (let i = 0; i < 4; i++) oldest.record(3);
  assert.ok(Math.abs(newest.flappingPercent() - 1.1 / 4) < 1e-15);
  assert.ok(Math.abs(oldest.flappingPercent() - 0.8 / 4) < 1e-15);
});

test('a flapping group emits nothing, and hysteresis keeps it flapping between low and high', () => {
  const engine = new AlertEngine({ taskName: 't', history: 5, flapping: { low: 0.25, high: 0.5 }, lambdas: { crit: compileLambda('"v" > 90') } });
  const values = [95, 50, 95, 95, 95, 95, 95];
  // Percentages after each point: 0.275, 0.525 (starts), 0.75, 0.675, 0.425 (still above low), 0.2 (stops), 0.
  const emitted = values.map((v, i) => {
    const event = engine.process({ name: 'm', time: BigInt(i) * 1_000_000_000n, tags: {}, fields: { v } });
    return event === undefined ? '-' : `${event.level} ${String(event.duration / 1_000_000_000n)}s`;
  });
  // The first CRITICAL opens the episode; the point where flapping stops emits CRITICAL with the episode's duration.
  assert.deepEqual(emitted, ['CRITICAL 0s', '-', '-', '-', '-', 'CRITICAL 5s', 'CRITICAL 6s']);
});

test('without flapping detection the same points all emit', () => {
  const engine = new AlertEngine({ taskName: 't', history: 5, lambdas: { crit: compileLambda('"v" > 90') } });
  const emitted = [95, 50, 95].map((v, i) => engine.process({ name: 'm', time: BigInt(i), tags: {}, fields: { v } })?.level);
  assert.deepEqual(emitted, ['CRITICAL', 'OK', 'CRITICAL']);
});
