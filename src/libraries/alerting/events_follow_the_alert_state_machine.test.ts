/**
 * Which points emit an event, with which duration and previous level: state changes only (with and
 * without a max interval), recoveries and no_recoveries, durations across an episode, previousLevel
 * per alert id. Table-driven: each case is a sequence of (second, value) points and the events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda } from '../lambda/index.js';
import { AlertEngine, type AlertEngineOptions } from './index.js';

const SECOND = 1_000_000_000n;

const LAMBDAS = {
  crit: compileLambda('"v" > 90', { predicate: true }),
  warn: compileLambda('"v" > 80', { predicate: true }),
};

/** `second level duration-in-seconds previousLevel recoverable?` for each event. */
function events(options: Partial<AlertEngineOptions>, points: [number, number][], host = 'a'): string[] {
  const engine = new AlertEngine({ taskName: 't', lambdas: LAMBDAS, groupBy: ['host'], ...options });
  const out: string[] = [];
  for (const [second, v] of points) {
    const event = engine.process({ name: 'm', time: BigInt(second) * SECOND, tags: { host }, fields: { v } });
    if (event !== undefined) {
      out.push(`${second}s ${event.level} ${String(event.duration / SECOND)}s prev=${event.previousLevel}${event.recoverable ? '' : ' unrecoverable'}`);
    }
  }
  return out;
}

const cases: { name: string; options?: Partial<AlertEngineOptions>; points: [number, number][]; expected: string[] }[] = [
  {
    name: 'every non-OK point emits; the first OK after them emits a recovery; later OK points emit nothing',
    points: [
      [0, 50],
      [10, 85],
      [20, 95],
      [30, 95],
      [40, 50],
      [50, 50],
      [60, 85],
    ],
    expected: ['10s WARNING 0s prev=OK', '20s CRITICAL 10s prev=WARNING', '30s CRITICAL 20s prev=CRITICAL', '40s OK 30s prev=CRITICAL', '60s WARNING 0s prev=OK'],
  },
  {
    name: 'state_changes_only emits only when the level changes',
    options: { stateChangesOnly: true },
    points: [
      [0, 95],
      [10, 95],
      [20, 95],
      [30, 85],
      [40, 85],
      [50, 50],
      [60, 50],
    ],
    expected: ['0s CRITICAL 0s prev=OK', '30s WARNING 30s prev=CRITICAL', '50s OK 50s prev=WARNING'],
  },
  {
    name: 'state_changes_only with a max interval also emits when the interval since the last trigger elapsed',
    options: { stateChangesOnly: true, stateChangesOnlyMaxIntervalNs: 10n * SECOND },
    points: [
      [0, 95],
      [5, 95],
      [10, 95],
      [15, 95],
      [20, 95],
      [25, 50],
      [40, 50],
    ],
    expected: ['0s CRITICAL 0s prev=OK', '10s CRITICAL 10s prev=CRITICAL', '20s CRITICAL 20s prev=CRITICAL', '25s OK 25s prev=CRITICAL'],
  },
  {
    name: 'a suppressed point does not move the last trigger time: the interval counts from the last event',
    options: { stateChangesOnly: true, stateChangesOnlyMaxIntervalNs: 15n * SECOND },
    points: [
      [0, 95],
      [10, 95],
      [20, 95],
    ],
    expected: ['0s CRITICAL 0s prev=OK', '20s CRITICAL 20s prev=CRITICAL'],
  },
  {
    name: 'an unchanged OK level emits nothing, even when the max interval elapsed',
    options: { stateChangesOnly: true, stateChangesOnlyMaxIntervalNs: 10n * SECOND },
    points: [
      [0, 50],
      [20, 50],
    ],
    expected: [],
  },
  {
    name: 'no_recoveries never emits OK, and marks events unrecoverable',
    options: { noRecoveries: true },
    points: [
      [0, 95],
      [10, 50],
      [20, 50],
      [30, 85],
    ],
    expected: ['0s CRITICAL 0s prev=OK unrecoverable', '30s WARNING 0s prev=CRITICAL unrecoverable'],
  },
  {
    name: 'no_recoveries with state_changes_only',
    options: { noRecoveries: true, stateChangesOnly: true },
    points: [
      [0, 95],
      [10, 95],
      [20, 50],
      [30, 95],
    ],
    expected: ['0s CRITICAL 0s prev=OK unrecoverable', '30s CRITICAL 0s prev=CRITICAL unrecoverable'],
  },
];

for (const { name, options = {}, points, expected } of cases) {
  test(name, () => {
    assert.deepEqual(events(options, points), expected);
  });
}

test('previousLevel is kept per alert id: two ids do not share it, two groups with the same id do', () => {
  const perGroup = new AlertEngine({ taskName: 't', lambdas: LAMBDAS, groupBy: ['host'] });
  const sameId = new AlertEngine({ taskName: 't', lambdas: LAMBDAS, groupBy: ['host'], id: 'cpu' });
  const run = (engine: AlertEngine) =>
    (
      [
        ['a', 95],
        ['b', 85],
        ['a', 85],
      ] as const
    ).map(([host, v], i) => {
      const event = engine.process({ name: 'm', time: BigInt(i), tags: { host }, fields: { v } });
      return `${event?.id ?? ''} ${event?.level ?? ''} prev=${event?.previousLevel ?? ''}`;
    });
  assert.deepEqual(run(perGroup), ['m:host=a CRITICAL prev=OK', 'm:host=b WARNING prev=OK', 'm:host=a WARNING prev=CRITICAL']);
  assert.deepEqual(run(sameId), ['cpu CRITICAL prev=OK', 'cpu WARNING prev=CRITICAL', 'cpu WARNING prev=WARNING']);
});

test('a point with a nanosecond time keeps it in the event and its duration', () => {
  const engine = new AlertEngine({ taskName: 't', lambdas: LAMBDAS });
  engine.process({ name: 'm', time: 1_700_000_000_000_000_001n, tags: {}, fields: { v: 95 } });
  const event = engine.process({ name: 'm', time: 1_700_000_000_123_456_789n, tags: {}, fields: { v: 95 } });
  assert.equal(event?.time, 1_700_000_000_123_456_789n);
  assert.equal(event?.duration, 123_456_788n);
});

test('history is at least 2 and flapping thresholds must be within 0..1', () => {
  assert.throws(() => new AlertEngine({ taskName: 't', lambdas: LAMBDAS, flapping: { low: 0.5, high: 1.5 } }), /flapping thresholds must satisfy 0 <= low <= high <= 1/);
  // With 2 entries there is one pair, weighing 0.8: OK -> CRITICAL gives 0.8, above 0.7, so the group flaps.
  const engine = new AlertEngine({ taskName: 't', lambdas: LAMBDAS, history: 0, flapping: { low: 0.1, high: 0.7 } });
  assert.equal(engine.process({ name: 'm', time: 0n, tags: {}, fields: { v: 95 } }), undefined);
});

test('a first trigger that does not follow an OK entry has no episode start: its duration saturates as in Go', () => {
  // History 2 with a low flapping threshold: the first CRITICAL flaps (suppressed, no trigger), the
  // second stops flapping and triggers right after a CRITICAL entry, so no episode start was recorded.
  const engine = new AlertEngine({ taskName: 't', lambdas: LAMBDAS, history: 2, flapping: { low: 0.1, high: 0.7 } });
  assert.equal(engine.process({ name: 'm', time: 0n, tags: {}, fields: { v: 95 } }), undefined);
  assert.equal(engine.process({ name: 'm', time: SECOND, tags: {}, fields: { v: 95 } })?.duration, 9_223_372_036_854_775_807n);
});
