/**
 * The level of a point: crit, warn, info evaluated from CRITICAL down to the current level (first
 * true wins, lower ones not evaluated); then the current level's reset lambda, when false, keeps the
 * level; otherwise from the current level down to INFO, else OK. Failing lambdas count as not
 * matching and are reported.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda, type LambdaEvaluationError } from '../lambda/index.js';
import { AlertEngine, type AlertEngineOptions, type LevelLambdaRole } from './index.js';

const lambda = (source: string) => compileLambda(source, { predicate: true });

/** The level of every point (from the event, or the level the group stays at when no event is emitted). */
function levels(options: Partial<AlertEngineOptions>, values: number[]): string[] {
  const engine = new AlertEngine({ taskName: 't', lambdas: {}, ...options });
  let current = 'OK';
  return values.map((v, i) => {
    const event = engine.process({ name: 'm', time: BigInt(i) * 1_000_000_000n, tags: {}, fields: { v } });
    if (event !== undefined) current = event.level;
    return current;
  });
}

const THRESHOLDS = { crit: lambda('"v" > 90'), warn: lambda('"v" > 80'), info: lambda('"v" > 70') };

const cases: { name: string; lambdas: AlertEngineOptions['lambdas']; values: number[]; expected: string[] }[] = [
  {
    name: 'without resets, each point takes the highest level whose lambda is true',
    lambdas: THRESHOLDS,
    values: [95, 85, 75, 65, 85, 95],
    expected: ['CRITICAL', 'WARNING', 'INFO', 'OK', 'WARNING', 'CRITICAL'],
  },
  {
    name: 'a false crit_reset keeps CRITICAL until the reset is true',
    lambdas: { ...THRESHOLDS, crit_reset: lambda('"v" < 60') },
    values: [95, 85, 75, 65, 55, 85],
    expected: ['CRITICAL', 'CRITICAL', 'CRITICAL', 'CRITICAL', 'OK', 'WARNING'],
  },
  {
    name: 'once the reset is true, the level is chosen from the current level down',
    lambdas: { ...THRESHOLDS, crit_reset: lambda('"v" < 88') },
    values: [95, 89, 85],
    expected: ['CRITICAL', 'CRITICAL', 'WARNING'],
  },
  {
    name: 'a higher level still wins over a reset of the current level',
    lambdas: { ...THRESHOLDS, warn_reset: lambda('"v" < 50') },
    values: [85, 60, 95, 40],
    expected: ['WARNING', 'WARNING', 'CRITICAL', 'OK'],
  },
  {
    name: 'a reset only applies at its own level',
    lambdas: { ...THRESHOLDS, warn_reset: lambda('"v" < 50') },
    values: [95, 60],
    expected: ['CRITICAL', 'OK'],
  },
  {
    name: 'info_reset keeps INFO',
    lambdas: { info: lambda('"v" > 70'), info_reset: lambda('"v" < 20') },
    values: [75, 50, 10],
    expected: ['INFO', 'INFO', 'OK'],
  },
  {
    name: 'with only a warn lambda, points are WARNING or OK',
    lambdas: { warn: lambda('"v" > 80') },
    values: [95, 70],
    expected: ['WARNING', 'OK'],
  },
];

for (const { name, lambdas, values, expected } of cases) {
  test(name, () => {
    assert.deepEqual(levels({ lambdas }, values), expected);
  });
}

/** Runs points and records which lambdas failed (a failing lambda shows that it was evaluated). */
function failures(lambdas: AlertEngineOptions['lambdas'], points: Record<string, number>[]): LevelLambdaRole[][] {
  const evaluated: LevelLambdaRole[][] = [];
  let current: LevelLambdaRole[] = [];
  const engine = new AlertEngine({
    taskName: 't',
    lambdas,
    onLambdaFailure: (role: LevelLambdaRole, _error: LambdaEvaluationError) => current.push(role),
  });
  points.forEach((fields, i) => {
    current = [];
    engine.process({ name: 'm', time: BigInt(i), tags: {}, fields });
    evaluated.push(current);
  });
  return evaluated;
}

test('lower lambdas are not evaluated when a higher one matches', () => {
  const lambdas = { crit: lambda('"c" > 0'), warn: lambda('"missing" > 0'), info: lambda('"missing" > 0') };
  assert.deepEqual(failures(lambdas, [{ c: 1 }, { c: 0 }]), [[], ['warn', 'info']]);
});

test('lambdas below the current level are not evaluated before the reset, and the current one is evaluated again after it', () => {
  // Point 1 goes WARNING. Point 2: crit and warn fail (step 1), no reset, warn fails again and info fails (step 3).
  const lambdas = { crit: lambda('"c" > 0'), warn: lambda('"w" > 0'), info: lambda('"i" > 0') };
  assert.deepEqual(failures(lambdas, [{ c: 0, w: 1, i: 0 }, {}]), [[], ['crit', 'warn', 'warn', 'info']]);
});

test('with a true reset nothing below is evaluated before it; with a false one nothing after it', () => {
  const lambdas = { crit: lambda('"c" > 0'), warn: lambda('"w" > 0'), info: lambda('"i" > 0'), crit_reset: lambda('"r" > 0') };
  assert.deepEqual(failures(lambdas, [{ c: 1 }, { c: 0, r: 0 }, { c: 0, r: 1 }]), [[], [], ['warn', 'info']]);
});

test('a failing lambda counts as not matching and is reported with its role and reason', () => {
  const reported: string[] = [];
  const engine = new AlertEngine({
    taskName: 't',
    lambdas: { crit: lambda('"cpu" > 90'), warn: lambda('"cpu" * 2 > 100') },
    onLambdaFailure: (role, error) => reported.push(`${role}: ${error.failure}: ${error.message}`),
  });
  const event = engine.process({ name: 'm', time: 0n, tags: {}, fields: { cpu: 'high' } });
  assert.equal(event, undefined);
  assert.deepEqual(reported, ['crit: type-mismatch: at column 7: mismatched types string > int', 'warn: type-mismatch: at column 7: mismatched types string * int']);
});

test('a failing reset lambda counts as false: the level stays', () => {
  const lambdas = { crit: lambda('"v" > 90'), crit_reset: lambda('"r" < 10') };
  assert.deepEqual(levels({ lambdas }, [95, 50]), ['CRITICAL', 'CRITICAL']);
});

test('stateful lambdas keep their state per group', () => {
  const engine = new AlertEngine({ taskName: 't', groupBy: ['host'], lambdas: { crit: lambda('count() == 2') } });
  const at = (host: string) => engine.process({ name: 'm', time: 0n, tags: { host }, fields: {} })?.level;
  assert.deepEqual([at('a'), at('b'), at('a'), at('b'), at('a')], [undefined, undefined, 'CRITICAL', 'CRITICAL', 'OK']);
  assert.equal(engine.groupCount, 2);
});
