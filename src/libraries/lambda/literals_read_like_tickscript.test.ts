/**
 * Every literal of TICKscript lambdas reads as Kapacitor reads it: ints (octal with a leading 0),
 * floats (with a .), single and triple-quoted strings, durations, regexes, TRUE/FALSE, and double
 * quotes as field references.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda } from './index.js';

const values: { expression: string; expected: boolean | number | string; type: string }[] = [
  { expression: '42', expected: 42, type: 'int' },
  { expression: '010', expected: 8, type: 'int' },
  { expression: '0', expected: 0, type: 'int' },
  { expression: '4.5', expected: 4.5, type: 'float' },
  { expression: '.5', expected: 0.5, type: 'float' },
  { expression: '3.', expected: 3, type: 'float' },
  { expression: "'it\\'s'", expected: "it's", type: 'string' },
  { expression: "'a\\nb'", expected: 'a\\nb', type: 'string' },
  { expression: "''", expected: '', type: 'string' },
  { expression: "'''he said 'hi'\nbye'''", expected: "he said 'hi'\nbye", type: 'string' },
  { expression: 'TRUE', expected: true, type: 'bool' },
  { expression: 'FALSE', expected: false, type: 'bool' },
  { expression: '5u', expected: 5_000, type: 'duration' },
  { expression: '5µ', expected: 5_000, type: 'duration' },
  { expression: '5ms', expected: 5_000_000, type: 'duration' },
  { expression: '5s', expected: 5e9, type: 'duration' },
  { expression: '5m', expected: 300e9, type: 'duration' },
  { expression: '2h', expected: 7200e9, type: 'duration' },
  { expression: '1d', expected: 86400e9, type: 'duration' },
  { expression: '1w', expected: 604800e9, type: 'duration' },
  { expression: 'lambda: 1 + 1', expected: 2, type: 'int' },
];

for (const { expression, expected, type } of values) {
  test(`${JSON.stringify(expression)} is the ${type} ${JSON.stringify(expected)}`, () => {
    const lambda = compileLambda(expression);
    assert.equal(lambda.evaluate({}, 0), expected);
    assert.equal(lambda.resultType, type);
  });
}

test('double quotes read a field, with \\" escaping a quote in its name', () => {
  assert.equal(compileLambda('"usage_idle"').evaluate({ usage_idle: 12.5 }, 0), 12.5);
  assert.equal(compileLambda('"say \\"hi\\""').evaluate({ 'say "hi"': 'x' }, 0), 'x');
});

test('a regex literal matches anywhere in the string, with \\/ as an escaped slash', () => {
  const lambda = compileLambda('"path" =~ /^\\/var\\/log/');
  assert.equal(lambda.test({ path: '/var/log/syslog' }, 0), true);
  assert.equal(lambda.test({ path: '/tmp/var/log' }, 0), false);
  assert.equal(compileLambda('"host" =~ /web/').test({ host: 'prod-web-01' }, 0), true);
  assert.equal(compileLambda('"host" !~ /web/').test({ host: 'prod-web-01' }, 0), false);
});

test('Go regex spellings keep their meaning: (?i), (?P<name>), [[:digit:]]', () => {
  assert.equal(compileLambda('"host" =~ /(?i)^WEB/').test({ host: 'web01' }, 0), true);
  assert.equal(compileLambda('"v" =~ /^[[:digit:]]+$/').test({ v: '123' }, 0), true);
  assert.equal(compileLambda('"v" =~ /^[[:digit:]]+$/').test({ v: '12a' }, 0), false);
  assert.equal(compileLambda("regexReplace(/(?P<first>\\w+) (?P<last>\\w+)/, \"name\", '${last} $first')").evaluate({ name: 'Ada Lovelace' }, 0), 'Lovelace Ada');
});

test('a // comment runs to the end of the line', () => {
  assert.equal(compileLambda('1 + // one\n 2').evaluate({}, 0), 3);
});
