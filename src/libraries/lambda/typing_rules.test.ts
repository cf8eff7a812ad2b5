/**
 * The typing rules: ints and floats compare freely but do not mix in arithmetic (the error suggests
 * float() or int()), integer division truncates, % is for ints, strings concatenate and compare
 * lexicographically, durations combine with durations and numbers. A number read from a field is an
 * int when integral and then also acts as a float next to a float (JSON cannot tell 3 from 3.0).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda, LambdaEvaluationError } from './index.js';
import { PunchlineError } from '../../core/errors.js';

const evaluations: { expression: string; fields?: Record<string, number | string | boolean>; expected: boolean | number | string }[] = [
  { expression: '7 / 2', expected: 3 },
  { expression: '-7 / 2', expected: -3 },
  { expression: '7.0 / 2.0', expected: 3.5 },
  { expression: '7 % 3', expected: 1 },
  { expression: '-7 % 3', expected: -1 },
  { expression: '3 < 3.5', expected: true },
  { expression: '3 == 3.0', expected: true },
  { expression: '4.0 >= 4', expected: true },
  { expression: "'abc' < 'abd'", expected: true },
  { expression: "'Z' < 'a'", expected: true },
  { expression: "'a' + 'b'", expected: 'ab' },
  { expression: '90s == 1m + 30s', expected: true },
  { expression: '2 * 5s', expected: 10e9 },
  { expression: '5s * 2', expected: 10e9 },
  { expression: '1.5 * 2s', expected: 3e9 },
  { expression: '10s / 4', expected: 2.5e9 },
  { expression: '1m / 20s', expected: 3 },
  { expression: '1m > 59s', expected: true },
  { expression: '-5s', expected: -5e9 },
  { expression: 'TRUE == FALSE', expected: false },
  { expression: 'TRUE != FALSE', expected: true },
  { expression: '"n" / 2', fields: { n: 7 }, expected: 3 },
  { expression: '"n" / "d"', fields: { n: 7, d: 2 }, expected: 3 },
  { expression: '100.0 - "usage_idle"', fields: { usage_idle: 42 }, expected: 58 },
  { expression: '100.0 - "usage_idle"', fields: { usage_idle: 42.5 }, expected: 57.5 },
  { expression: '"usage_idle" * 1.5', fields: { usage_idle: 2 }, expected: 3 },
  { expression: '"x" > 2.5', fields: { x: 3 }, expected: true },
  { expression: '"x" > 2', fields: { x: 2.5 }, expected: true },
  { expression: '"x" + 1', fields: { x: 2 }, expected: 3 },
  { expression: '"flag" == TRUE', fields: { flag: true }, expected: true },
];

for (const { expression, fields = {}, expected } of evaluations) {
  test(`${expression} with ${JSON.stringify(fields)} gives ${JSON.stringify(expected)}`, () => {
    assert.equal(compileLambda(expression).evaluate(fields, 0), expected);
  });
}

/** Mistakes visible in the expression itself are rejected when the lambda is compiled. */
const compileErrors: { expression: string; message: RegExp }[] = [
  { expression: '1 + 2.5', message: /mismatched types int \+ float \(convert one side with float\(\) or int\(\)\)/ },
  { expression: '2.5 * 2', message: /mismatched types float \* int/ },
  { expression: '7.5 % 2.0', message: /% needs two ints/ },
  { expression: "'a' - 'b'", message: /mismatched types string - string/ },
  { expression: "'abc' > 1", message: /mismatched types string > int/ },
  { expression: '1 AND TRUE', message: /AND needs bools on both sides, got an int/ },
  { expression: '"x" > 1 OR 5s', message: /OR needs bools on both sides, got a duration/ },
  { expression: 'TRUE + 1', message: /mismatched types bool \+ int/ },
  { expression: '"x" =~ \'web\'', message: /the right side of =~ must be a regex literal/ },
  { expression: '5 =~ /x/', message: /=~ needs a string on its left, got an int/ },
  { expression: '!5', message: /! needs a bool, got an int/ },
  { expression: "-'abc'", message: /- needs a number or a duration, got a string/ },
  { expression: '1 / 0', message: /integer division by zero/ },
  { expression: '5s + 1', message: /mismatched types duration \+ int/ },
  { expression: 'TRUE + "x"', message: /\+ cannot apply to a bool/ },
];

for (const { expression, message } of compileErrors) {
  test(`${expression} is rejected at compile time`, () => {
    assert.throws(
      () => compileLambda(expression),
      (error: unknown) => error instanceof PunchlineError && error.code === 'E_LAMBDA' && message.test(error.message),
    );
  });
}

/** Mistakes that depend on field values fail the evaluation of that tuple only. */
const runtimeErrors: { expression: string; fields: Record<string, number | string | boolean>; failure: string; message: RegExp }[] = [
  { expression: '"x" * 2', fields: { x: 2.5 }, failure: 'type-mismatch', message: /mismatched types float \* int \(convert one side with float\(\) or int\(\)\)/ },
  { expression: 'count() + "x"', fields: { x: 1.5 }, failure: 'type-mismatch', message: /mismatched types int \+ float/ },
  { expression: '"x" % 2', fields: { x: 2.5 }, failure: 'type-mismatch', message: /mismatched types float % int/ },
  { expression: '"x" / 0', fields: { x: 3 }, failure: 'division-by-zero', message: /integer division by zero/ },
  { expression: '"x" % "y"', fields: { x: 3, y: 0 }, failure: 'division-by-zero', message: /integer modulo by zero/ },
  { expression: '"x" + 1', fields: { x: true }, failure: 'type-mismatch', message: /mismatched types bool \+ int/ },
  { expression: '"x" AND TRUE', fields: { x: 1 }, failure: 'type-mismatch', message: /AND needs bools, got int/ },
  { expression: '"s" =~ /a/', fields: { s: 3 }, failure: 'type-mismatch', message: /mismatched types int =~ regex/ },
  { expression: '"s" == 3', fields: { s: 'three' }, failure: 'type-mismatch', message: /mismatched types string == int/ },
];

for (const { expression, fields, failure, message } of runtimeErrors) {
  test(`${expression} with ${JSON.stringify(fields)} fails that evaluation (${failure})`, () => {
    const lambda = compileLambda(expression);
    assert.throws(
      () => lambda.evaluate(fields, 0),
      (error: unknown) => error instanceof LambdaEvaluationError && error.failure === failure && message.test(error.message),
    );
  });
}

test('a condition must give a bool: rejected at compile time when known, at evaluation otherwise', () => {
  assert.throws(() => compileLambda('1 + 1', { predicate: true }), /a condition must give TRUE or FALSE, this expression gives an int/);
  const lambda = compileLambda('"x"', { predicate: true });
  assert.equal(lambda.test({ x: true }, 0), true);
  assert.throws(() => lambda.test({ x: 3 }, 0), /a condition must give TRUE or FALSE, this one gives an int/);
});

test('the error of a failed evaluation names its column', () => {
  const lambda = compileLambda('"a" > 1 AND "b" * 2 > 1');
  assert.throws(() => lambda.evaluate({ a: 2, b: 0.5 }, 0), (error: unknown) => error instanceof LambdaEvaluationError && error.context.column === 17 && error.message.startsWith('at column 17: '));
});
