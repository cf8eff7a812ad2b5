/**
 * A field the tuple does not have (absent, or null as the runtime sets undeclared fields) makes the
 * evaluation fail with a typed error the caller counts, except inside isPresent().
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda, LambdaEvaluationError } from './index.js';

const tuples: { name: string; fields: Record<string, unknown> }[] = [
  { name: 'absent', fields: { other: 1 } },
  { name: 'null', fields: { cpu: null } },
];

for (const { name, fields } of tuples) {
  test(`a field that is ${name} is missing: the evaluation fails with failure "missing-field"`, () => {
    const lambda = compileLambda('"cpu" > 80');
    assert.throws(
      () => lambda.test(fields as never, 0),
      (error: unknown) =>
        error instanceof LambdaEvaluationError &&
        error.code === 'E_LAMBDA' &&
        error.failure === 'missing-field' &&
        error.field === 'cpu' &&
        error.message === 'at column 1: field "cpu" is missing',
    );
  });
}

test('a field named like an Object method is missing unless the tuple has it', () => {
  const lambda = compileLambda('"constructor" == \'x\'');
  assert.throws(() => lambda.test({}, 0), /field "constructor" is missing/);
  assert.equal(lambda.test({ constructor: 'x' }, 0), true);
});

test('isPresent() tests a field without failing', () => {
  const lambda = compileLambda('isPresent("cpu")');
  assert.equal(lambda.test({ cpu: 0 }, 0), true);
  assert.equal(lambda.test({ cpu: '' }, 0), true);
  assert.equal(lambda.test({ cpu: false }, 0), true);
  assert.equal(lambda.test({ cpu: null }, 0), false);
  assert.equal(lambda.test({}, 0), false);
});

test('a structured value cannot be read by a lambda', () => {
  assert.throws(() => compileLambda('"tags" == 1').evaluate({ tags: ['a'] }, 0), /field "tags" holds an array, which lambdas cannot read/);
  assert.throws(() => compileLambda('"m" == 1').evaluate({ m: { a: 1 } }, 0), /field "m" holds an object/);
});

test('the fields a lambda reads are listed once each, with their positions; "time" is not a field', () => {
  const lambda = compileLambda('"cpu" > 80 AND hour("time") > 8 AND ("cpu" < 95 OR isPresent("host"))');
  assert.deepEqual(lambda.fields, ['cpu', 'host']);
  assert.deepEqual(
    lambda.references.map((r) => [r.field, r.position.column, r.presenceOnly]),
    [
      ['cpu', 1, false],
      ['cpu', 38, false],
      ['host', 62, true],
    ],
  );
});
