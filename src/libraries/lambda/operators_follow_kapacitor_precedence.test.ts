/**
 * Operators bind as in Kapacitor: OR < AND < == != =~ !~ < > >= < <= < + - < * / %, all
 * left-associative; unary - and ! apply to the value right after them; AND/OR short-circuit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda, parseLambda } from './index.js';

const cases: { expression: string; expected: boolean | number | string }[] = [
  { expression: '2 + 3 * 4', expected: 14 },
  { expression: '(2 + 3) * 4', expected: 20 },
  { expression: '10 - 4 - 3', expected: 3 },
  { expression: '100 / 10 / 5', expected: 2 },
  { expression: '7 % 4 * 2', expected: 6 },
  { expression: '2 * 7 % 4', expected: 2 },
  { expression: '-2 * 3', expected: -6 },
  { expression: '- 2 + 5', expected: 3 },
  { expression: '--3', expected: 3 },
  { expression: '1 + 2 > 2', expected: true },
  { expression: '1 < 2 == TRUE', expected: true },
  { expression: 'TRUE OR FALSE AND FALSE', expected: true },
  { expression: '(TRUE OR FALSE) AND FALSE', expected: false },
  { expression: 'FALSE AND FALSE OR TRUE', expected: true },
  { expression: '!FALSE AND FALSE', expected: false },
  { expression: '!(FALSE AND FALSE)', expected: true },
  { expression: "'a' + 'b' + 'c'", expected: 'abc' },
  { expression: "'ab' < 'b' AND 'b' > 'ab'", expected: true },
  { expression: '3 > 2 AND 2 > 1 OR 1 > 2', expected: true },
];

for (const { expression, expected } of cases) {
  test(`${expression} gives ${JSON.stringify(expected)}`, () => {
    assert.equal(compileLambda(expression).evaluate({}, 0), expected);
  });
}

test('a chain of the same operator nests to the left', () => {
  const tree = parseLambda('1 - 2 - 3');
  assert.equal(tree.kind, 'binary');
  if (tree.kind !== 'binary') return;
  assert.equal(tree.left.kind, 'binary');
  assert.equal(tree.right.kind, 'int');
  assert.deepEqual({ line: tree.position.line, column: tree.position.column }, { line: 1, column: 7 });
});

test('AND does not evaluate its right side when the left is false, so a missing field there does not fail', () => {
  const lambda = compileLambda('isPresent("cpu") AND "cpu" > 80');
  assert.equal(lambda.test({}, 0), false);
  assert.equal(lambda.test({ cpu: 90 }, 0), true);
});

test('OR does not evaluate its right side when the left is true', () => {
  const lambda = compileLambda('"host" == \'a\' OR "cpu" > 80');
  assert.equal(lambda.test({ host: 'a' }, 0), true);
  assert.throws(() => lambda.test({ host: 'b' }, 0), /field "cpu" is missing/);
});
