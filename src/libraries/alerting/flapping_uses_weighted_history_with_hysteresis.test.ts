/**
 * Flapping as Kapacitor computes it (`percentChange` in alert.go): `l - 1` pairs of the ring of the
 * last `l` levels are visited from the newest slot on, each pair being a slot and the slot before
 * it, with weights 0.8, 0.8 + 0.4/(l-1), …; the weights of the pairs that differ, summed and divided
 * by `l - 1`, give the percentage. So the newest change weighs 0.8, the seam pair (newest, oldest)
 * comes next, and the pair just before the newest is never counted. A group starts flapping above
 * `high`, stops below `low`, and emits nothing while flapping.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda } from '../lambda/index.js';
import { AlertGroupState } from './group-state.js';
import { AlertEngine } from './index.js';

const SECOND = 1_000_000_000n;

/**
 * Percentages worked out by hand on the ring (initially all OK) after recording `levels`; the
 * comments number the ring's entries chronologically (0 = oldest) and give the weights of the
 * visited pairs that differ.
 */
const byHand: { name: string; size: number; levels: number[]; percent: number }[] = [
  // Ring oldest→newest 0 0 0 0 3: pair (3,4) weighs 0.8, seam (4,0) 0.9: 1.7 / 4.
  { name: 'one change, newest pair', size: 5, levels: [3], percent: 1.7 / 4 },
  // 0 3 3 3 3: seam (4,0) 0.9 and pair (0,1) 1.0 differ: 1.9 / 4.
  { name: 'one change, oldest pair', size: 5, levels: [3, 3, 3, 3], percent: 1.9 / 4 },
  // 3 3 3 3 3: nothing differs.
  { name: 'no change left in the ring', size: 5, levels: [3, 3, 3, 3, 3], percent: 0 },
  // 0 3 0 3 0: newest pair 0.8, seam (0 vs 0) same, pairs (1,2) 1.0 and (2,3) 1.1: 2.9 / 4; (0,1) is never visited.
  { name: 'alternating', size: 5, levels: [3, 0, 3, 0, 3, 0], percent: 2.9 / 4 },
  // 3 0: the only pair visited is the newest one, 0.8.
  { name: 'two entries', size: 2, levels: [3, 0], percent: 0.8 },
  // 0 0 0 3 0: newest pair 0.8; the change before it, (2,3), is the pair never visited.
  { name: 'a change just before the newest pair', size: 5, levels: [0, 0, 3, 0], percent: 0.8 / 4 },
];

for (const { name, size, levels, percent } of byHand) {
  test(`the flapping percentage of ${name} is Kapacitor's`, () => {
    const state = new AlertGroupState(size, []);
    for (const level of levels) state.record(level);
    assert.ok(Math.abs(state.flappingPercent() - percent) < 1e-12, `${state.flappingPercent()} vs ${percent}`);
  });
}

/** Kapacitor's TestStream_AlertFlapping points (integrations/testdata/TestStream_AlertFlapping.srpl), one a second from t = 1 s. */
const ALERT_FLAPPING_VALUES = [97.1, 92.6, 95.6, 93.1, 92.6, 95.8, 92.7, 96.0, 93.4, 95.3, 92.4, 95.1];

/** Its alert: info < 95, warn < 94, crit < 93, history 21; the events it emits, as `time level`. */
function replayAlertFlapping(flapping: { low: number; high: number }): string[] {
  const engine = new AlertEngine({
    taskName: 'TestStream_AlertFlapping',
    history: 21,
    flapping,
    lambdas: { info: compileLambda('"value" < 95', { predicate: true }), warn: compileLambda('"value" < 94', { predicate: true }), crit: compileLambda('"value" < 93', { predicate: true }) },
  });
  const events: string[] = [];
  ALERT_FLAPPING_VALUES.forEach((value, i) => {
    const event = engine.process({ name: 'cpu', time: BigInt(i + 1) * SECOND, tags: {}, fields: { value } });
    if (event !== undefined) events.push(`${i + 1}s ${event.level}`);
  });
  return events;
}

const KAPACITOR_EVENTS = ['2s CRITICAL', '3s OK', '4s WARNING', '5s CRITICAL', '6s OK', '7s CRITICAL', '8s OK', '9s WARNING', '10s OK'];

test("Kapacitor's AlertFlapping gives its 9 events with flapping(0.25, 0.50): the last two points flap", () => {
  assert.deepEqual(replayAlertFlapping({ low: 0.25, high: 0.5 }), KAPACITOR_EVENTS);
});

test('at the tenth AlertFlapping point the change share is 0.432, so flapping(0.25, 0.45) still emits its OK event', () => {
  const state = new AlertGroupState(21, []);
  const level = (v: number): number => (v < 93 ? 3 : v < 94 ? 2 : v < 95 ? 1 : 0);
  for (const value of ALERT_FLAPPING_VALUES.slice(0, 10)) state.record(level(value));
  assert.equal(state.flappingPercent().toFixed(3), '0.432');
  assert.deepEqual(replayAlertFlapping({ low: 0.25, high: 0.45 }), KAPACITOR_EVENTS);
});

test('a flapping group emits nothing, and hysteresis keeps it flapping between low and high', () => {
  const engine = new AlertEngine({ taskName: 't', history: 5, flapping: { low: 0.25, high: 0.5 }, lambdas: { crit: compileLambda('"v" > 90') } });
  const values = [95, 50, 95, 95, 95, 95, 95];
  // Percentages after each point: 0.425, 0.2, 0.7 (starts), 0.75, 0.525, 0.475 (still above low), 0 (stops).
  const emitted = values.map((v, i) => {
    const event = engine.process({ name: 'm', time: BigInt(i) * SECOND, tags: {}, fields: { v } });
    return event === undefined ? '-' : `${event.level} ${String(event.duration / SECOND)}s`;
  });
  // The recovery at 1 s ends no episode start (the entry before it was CRITICAL); when flapping stops
  // the CRITICAL follows a CRITICAL entry, so its duration still counts from the first trigger.
  assert.deepEqual(emitted, ['CRITICAL 0s', 'OK 1s', '-', '-', '-', '-', 'CRITICAL 6s']);
});

test('without flapping detection the same points all emit', () => {
  const engine = new AlertEngine({ taskName: 't', history: 5, lambdas: { crit: compileLambda('"v" > 90') } });
  const emitted = [95, 50, 95].map((v, i) => engine.process({ name: 'm', time: BigInt(i), tags: {}, fields: { v } })?.level);
  assert.deepEqual(emitted, ['CRITICAL', 'OK', 'CRITICAL']);
});
