/**
 * A group's state written as a snapshot (JSON, as a changelog record holds it) and restored into a
 * new engine (a restart, or the process a rebalance moved the group to) continues the episode as
 * if nothing had stopped: no second CRITICAL with state_changes_only, the recovery's duration the
 * whole episode and its previousLevel CRITICAL; flapping history and sigma's statistics carry on.
 * A snapshot of another alert's shape is refused, leaving the group fresh.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda } from '../lambda/index.js';
import { AlertEngine, type AlertEngineOptions } from './index.js';

const SECOND = 1_000_000_000n;
const options = (extra: Partial<AlertEngineOptions> = {}): AlertEngineOptions => ({
  taskName: 't',
  groupBy: ['host'],
  lambdas: { crit: compileLambda('"v" > 90', { predicate: true }) },
  stateChangesOnly: true,
  ...extra,
});

/** Feeds `[second, v]` points of host a; the events as `second level duration prev`. */
function feed(engine: AlertEngine, points: readonly [number, number][]): string[] {
  const out: string[] = [];
  for (const [second, v] of points) {
    const event = engine.process({ name: 'cpu', time: BigInt(second) * SECOND, tags: { host: 'a' }, fields: { v } });
    if (event !== undefined) out.push(`${second}s ${event.level} ${String(event.duration / SECOND)}s prev=${event.previousLevel}`);
  }
  return out;
}

/** What a restart with the changelog gives: the snapshot through JSON into a new engine. */
function restarted(before: AlertEngine, extra: Partial<AlertEngineOptions> = {}): AlertEngine {
  const group = before.groupIdOf({ host: 'a' });
  const after = new AlertEngine(options(extra));
  assert.equal(after.restore(group, JSON.parse(JSON.stringify(before.snapshot(group)))), undefined);
  return after;
}

test('restored mid-episode: no second CRITICAL, and the OK spans the whole episode with previousLevel CRITICAL', () => {
  const first = new AlertEngine(options());
  assert.deepEqual(feed(first, [[0, 50], [10, 95], [20, 95]]), ['10s CRITICAL 0s prev=OK']);
  const second = restarted(first);
  assert.deepEqual(feed(second, [[30, 95], [40, 95], [50, 50]]), ['50s OK 40s prev=CRITICAL']);
  assert.deepEqual(feed(new AlertEngine(options()), [[30, 95], [40, 95], [50, 50]]), ['30s CRITICAL 0s prev=OK', '50s OK 20s prev=CRITICAL'], 'what an empty state gives instead');
});

test("restored state keeps flapping's history and sigma's statistics", () => {
  const flappy = { flapping: { low: 0.25, high: 0.5 }, history: 6, stateChangesOnly: false };
  const points: [number, number][] = [[0, 95], [10, 50], [20, 95], [30, 50], [40, 95], [50, 50], [60, 95], [70, 50]];
  const whole = feed(new AlertEngine(options(flappy)), points);
  const first = new AlertEngine(options(flappy));
  const split = [...feed(first, points.slice(0, 4)), ...feed(restarted(first, flappy), points.slice(4))];
  assert.deepEqual(split, whole);
  const fresh = [...feed(new AlertEngine(options(flappy)), points.slice(0, 4)), ...feed(new AlertEngine(options(flappy)), points.slice(4))];
  assert.notDeepEqual(fresh, whole, 'without the state the flapping group would not be suppressed');

  const sigma = { lambdas: { crit: compileLambda('sigma("v") > 2.0', { predicate: true }) } };
  const steady: [number, number][] = Array.from({ length: 10 }, (_, i) => [i * 10, 50 + (i % 2)]);
  const spike: [number, number][] = [[100, 90]];
  const early = new AlertEngine(options(sigma));
  feed(early, steady);
  assert.deepEqual(feed(restarted(early, sigma), spike), ['100s CRITICAL 0s prev=OK']);
  assert.deepEqual(feed(new AlertEngine(options(sigma)), spike), [], 'a fresh sigma has no statistics yet');
});

test('a snapshot of another alert shape is refused and the group starts afresh', () => {
  const first = new AlertEngine(options());
  feed(first, [[0, 95]]);
  const snapshot = JSON.parse(JSON.stringify(first.snapshot('host=a'))) as unknown;
  const other = new AlertEngine(options({ history: 5 }));
  assert.equal(other.restore('host=a', snapshot), 'its history holds 21 levels, this alert 5 (history changed)');
  assert.equal(other.restore('host=a', { v: 2 }), 'version 2, this alert reads version 1');
  assert.deepEqual(feed(other, [[10, 95]]), ['10s CRITICAL 0s prev=OK']);
});
