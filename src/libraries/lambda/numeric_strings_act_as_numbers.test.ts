/**
 * Our decision for Punch tuples, whose values are often strings: a string that is a complete finite
 * number acts as that number when the other operand is a number. Strings against strings stay
 * strings (lexicographic), and a non-numeric string against a number is a type mismatch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda } from './index.js';

const cases: { expression: string; value: string; expected: boolean | number }[] = [
  { expression: '"v" > 70', value: '80', expected: true },
  { expression: '"v" > 70', value: '8', expected: false },
  { expression: '"v" == 42', value: '42', expected: true },
  { expression: '"v" == 42', value: '42.0', expected: true },
  { expression: '"v" < 1.5', value: '-3', expected: true },
  { expression: '"v" >= 100', value: '1e2', expected: true },
  { expression: '"v" > 0', value: '.5', expected: true },
  { expression: '"v" > 0', value: '+7', expected: true },
  { expression: '"v" + 1', value: '41', expected: 42 },
  { expression: '"v" / 2', value: '7', expected: 3 },
  { expression: '"v" * 2.0', value: '7', expected: 14 },
  { expression: '"v" * 2.0', value: '3.5', expected: 7 },
  { expression: '1 + "v"', value: '2', expected: 3 },
  { expression: '-"v"', value: '5', expected: -5 },
  { expression: 'sigma("v") == 0', value: '5', expected: true },
];

for (const { expression, value, expected } of cases) {
  test(`${expression} with v = ${JSON.stringify(value)} gives ${JSON.stringify(expected)}`, () => {
    assert.equal(compileLambda(expression).evaluate({ v: value }, 0), expected);
  });
}

const notNumbers = ['', ' 42', '42 ', '0x10', 'NaN', 'Infinity', '1e999', '4,2', '1_000', 'forty'];

for (const value of notNumbers) {
  test(`${JSON.stringify(value)} is not a number: comparing it with a number fails`, () => {
    assert.throws(() => compileLambda('"v" > 1').evaluate({ v: value }, 0), /mismatched types string > int/);
  });
}

test('two numeric strings compare as strings, as the rule only applies next to a number', () => {
  const lambda = compileLambda('"a" < "b"');
  assert.equal(lambda.evaluate({ a: '10', b: '9' }, 0), true);
  assert.equal(lambda.evaluate({ a: 10, b: 9 }, 0), false);
});

test('a numeric string with a decimal part acts as a float, so it does not mix with an int in arithmetic', () => {
  assert.throws(() => compileLambda('"v" * 2').evaluate({ v: '3.5' }, 0), /mismatched types float \* int/);
});

test('a numeric string literal compares with a number too', () => {
  assert.equal(compileLambda("'10' > 9").evaluate({}, 0), true);
});
