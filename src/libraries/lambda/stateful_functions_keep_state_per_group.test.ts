/**
 * sigma, count and spread remember the values they saw, in a state the caller keeps per group.
 * sigma is the distance of the current value from the running mean in sample standard deviations
 * (n - 1), the current value included; expected values here come from a plain two-pass computation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda } from './index.js';

/** sigma of the last value of `values`, computed the obvious way: mean, then sample deviation. */
function twoPassSigma(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (n - 1);
  if (variance === 0) return 0;
  return Math.abs((values[n - 1] ?? 0) - mean) / Math.sqrt(variance);
}

const series: { name: string; values: number[] }[] = [
  { name: 'a steady series with one spike', values: [10, 10, 10, 10, 50] },
  { name: 'a ramp', values: [1, 2, 3, 4, 5, 6, 7, 8] },
  { name: 'floats around a mean', values: [99.5, 98.25, 101.75, 100, 97.5, 103.125] },
  { name: 'two values', values: [1, 3] },
  { name: 'large values with small spread', values: [1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 10] },
];

for (const { name, values } of series) {
  test(`sigma() over ${name} matches the two-pass computation at every step`, () => {
    const lambda = compileLambda('sigma("v")');
    const state = lambda.newState();
    values.forEach((v, i) => {
      const expected = twoPassSigma(values.slice(0, i + 1));
      const actual = lambda.evaluate({ v }, 0, state) as number;
      assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, expected), `step ${i + 1}: ${actual} vs ${expected}`);
    });
  });
}

test('sigma() is 0 on the first value and while all values are equal', () => {
  const lambda = compileLambda('sigma("v")');
  const state = lambda.newState();
  assert.deepEqual([5, 5, 5].map((v) => lambda.evaluate({ v }, 0, state)), [0, 0, 0]);
  assert.ok((lambda.evaluate({ v: 6 }, 0, state) as number) > 0);
});

test('count() counts evaluations and spread() gives max - min so far', () => {
  const count = compileLambda('count()');
  const spread = compileLambda('spread("v")');
  const countState = count.newState();
  const spreadState = spread.newState();
  const counts = [3, 7, 1, 4].map(() => count.evaluate({}, 0, countState));
  const spreads = [3, 7, 1, 4].map((v) => spread.evaluate({ v }, 0, spreadState));
  assert.deepEqual(counts, [1, 2, 3, 4]);
  assert.deepEqual(spreads, [0, 4, 6, 6]);
  assert.equal(count.resultType, 'int');
  assert.equal(spread.resultType, 'float');
});

test('each group has its own state: sigma grouped by host tracks each host separately', () => {
  const lambda = compileLambda('sigma("cpu") > 3');
  const states = new Map([
    ['a', lambda.newState()],
    ['b', lambda.newState()],
  ]);
  // Twenty points per host, around 10 for host a and around 90 for host b, interleaved.
  const points: [string, number][] = Array.from({ length: 40 }, (_, i) => [i % 2 === 0 ? 'a' : 'b', (i % 2 === 0 ? 10 : 90) + (i % 4 < 2 ? 0 : 1)]);
  for (const [host, cpu] of points) assert.equal(lambda.test({ cpu }, 0, states.get(host)), false);
  // A value normal for host b is an outlier for host a, and only host a's state says so.
  assert.equal(lambda.test({ cpu: 90 }, 0, states.get('a')), true);
  assert.equal(lambda.test({ cpu: 90 }, 0, states.get('b')), false);
});

test('two stateful calls in one lambda keep separate slots', () => {
  const lambda = compileLambda('count() + count() * 10');
  const state = lambda.newState();
  assert.deepEqual([1, 2, 3].map(() => lambda.evaluate({}, 0, state)), [11, 22, 33]);
});

test('without an explicit state a lambda uses one default state; a stateless lambda shares one empty state', () => {
  const count = compileLambda('count()');
  assert.deepEqual([count.evaluate({}, 0), count.evaluate({}, 0)], [1, 2]);
  assert.equal(count.stateful, true);
  const plain = compileLambda('"x" > 1');
  assert.equal(plain.stateful, false);
  assert.equal(plain.newState(), plain.newState());
});

test('a failed evaluation of the argument leaves the state untouched', () => {
  const lambda = compileLambda('count() > 0 AND sigma("v") >= 0');
  const state = lambda.newState();
  assert.throws(() => lambda.evaluate({}, 0, state), /field "v" is missing/);
  const sigmaOnly = compileLambda('sigma("v")');
  const sigmaState = sigmaOnly.newState();
  sigmaOnly.evaluate({ v: 1 }, 0, sigmaState);
  assert.throws(() => sigmaOnly.evaluate({}, 0, sigmaState));
  assert.equal(sigmaOnly.evaluate({ v: 3 }, 0, sigmaState), twoPassSigma([1, 3]));
});
