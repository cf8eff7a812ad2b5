/**
 * `stateDuration` and `stateCount`: Kapacitor's StateDurationNode and StateCountNode as stateful
 * functions. Replayed on Kapacitor's TestStream_StateTracking.srpl (points one second apart from
 * 1971-01-01T00:00:00Z once replayed, state per host), they give the rows TestStream_StateDuration
 * and TestStream_StateCount expect; the point of serverB without "value" fails and leaves the state
 * as it was (Kapacitor drops it and goes on counting from the state's start).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda } from './index.js';
import type { LambdaState } from './index.js';

const T0 = Date.UTC(1971, 0, 1);
// integrations/testdata/TestStream_StateTracking.srpl, up to the point that closes Kapacitor's 4 s window.
const POINTS: readonly { host: string; second: number; fields: Record<string, number> }[] = [
  { host: 'serverA', second: 0, fields: { value: 97.1 } },
  { host: 'serverB', second: 0, fields: { value: 47.0 } },
  { host: 'serverA', second: 1, fields: { value: 96.6 } },
  { host: 'serverB', second: 1, fields: { value: 95.1 } },
  { host: 'serverA', second: 2, fields: { value: 83.6 } },
  { host: 'serverB', second: 2, fields: { x: 95.6 } },
  { host: 'serverA', second: 3, fields: { value: 99.1 } },
  { host: 'serverB', second: 3, fields: { value: 96.1 } },
];

/** `host second result` for each point, per-host state, `dropped` where the evaluation fails. */
function replay(source: string): string[] {
  const lambda = compileLambda(source);
  const states = new Map<string, LambdaState>();
  return POINTS.map(({ host, second, fields }) => {
    const state = states.get(host) ?? lambda.newState();
    states.set(host, state);
    try {
      return `${host} ${second}s ${String(lambda.evaluate(fields, T0 + second * 1000, state))}`;
    } catch {
      return `${host} ${second}s dropped`;
    }
  });
}

test("TestStream_StateDuration: stateDuration(\"value\" > 95, 1ms) gives Kapacitor's durations per host", () => {
  assert.deepEqual(replay('stateDuration("value" > 95, 1ms)'), [
    'serverA 0s 0',
    'serverB 0s -1',
    'serverA 1s 1000',
    'serverB 1s 0',
    'serverA 2s -1',
    'serverB 2s dropped',
    'serverA 3s 0',
    'serverB 3s 2000',
  ]);
});

test("TestStream_StateCount: stateCount(\"value\" > 95) gives Kapacitor's counts per host", () => {
  assert.deepEqual(replay('stateCount("value" > 95)'), [
    'serverA 0s 1',
    'serverB 0s -1',
    'serverA 1s 2',
    'serverB 1s 1',
    'serverA 2s -1',
    'serverB 2s dropped',
    'serverA 3s 1',
    'serverB 3s 2',
  ]);
});

const cases: { name: string; source: string; points: [second: number, value: number][]; expected: number[] }[] = [
  { name: 'the unit defaults to one second, as Kapacitor\'s', source: 'stateDuration("v" > 0)', points: [[0, 1], [1.5, 1], [4, 1]], expected: [0, 1.5, 4] },
  { name: 'a unit of one minute gives fractions of minutes', source: 'stateDuration("v" > 0, 1m)', points: [[0, 1], [30, 1], [90, 1]], expected: [0, 0.5, 1.5] },
  { name: 'leaving the state gives -1 and the next state starts afresh', source: 'stateDuration("v" > 0, 1s)', points: [[0, 1], [5, 1], [6, 0], [7, 0], [8, 1], [10, 1]], expected: [0, 5, -1, -1, 0, 2] },
  { name: 'stateCount starts at 1 again after a break', source: 'stateCount("v" > 0)', points: [[0, 1], [1, 1], [2, 0], [3, 1]], expected: [1, 2, -1, 1] },
  { name: 'a condition false from the start stays at -1', source: 'stateCount("v" > 10)', points: [[0, 1], [1, 2]], expected: [-1, -1] },
  { name: 'a state starting at the epoch (time 0) is still a state', source: 'stateDuration("v" > 0, 1ms)', points: [[-T0 / 1000, 1], [-T0 / 1000 + 1, 1]], expected: [0, 1000] },
];

for (const { name, source, points, expected } of cases) {
  test(`${source}: ${name}`, () => {
    const lambda = compileLambda(source);
    const state = lambda.newState();
    assert.deepEqual(points.map(([second, v]) => lambda.evaluate({ v }, T0 + second * 1000, state)), expected);
  });
}

test('stateDuration gives a float and stateCount an int; a condition that is not a bool does not compile', () => {
  assert.equal(compileLambda('stateDuration("v" > 0)').resultType, 'float');
  assert.equal(compileLambda('stateCount("v" > 0)').resultType, 'int');
  assert.throws(() => compileLambda('stateCount(1.5)'), /stateCount\(\) argument 1 must be a bool, got a float/);
  assert.throws(() => compileLambda('stateDuration("v" > 0, 5)'), /stateDuration\(\) argument 2 must be a duration/);
  assert.equal(compileLambda('stateCount("v" > 0) >= 3').stateful, true);
});
