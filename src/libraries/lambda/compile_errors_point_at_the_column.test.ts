/**
 * A lambda that cannot be compiled raises PunchlineError('E_LAMBDA') whose message names the column
 * (and the line, for multi-line lambdas) and shows the expression with a caret under the spot.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda } from './index.js';
import { PunchlineError } from '../../core/errors.js';

const cases: { expression: string; message: string; column: number; hint?: string }[] = [
  {
    expression: '"usage_idle" < ',
    message: 'at column 16: the expression ends where a value is expected\n    "usage_idle" < \n                   ^',
    column: 16,
  },
  {
    expression: '"host" = \'a\'',
    message: 'at column 8: unexpected "="\n    "host" = \'a\'\n           ^',
    column: 8,
    hint: 'compare with == (a single = is not an operator)',
  },
  {
    expression: '"cpu" > 80 && "mem" > 90',
    message: 'at column 12: unexpected "&&"\n    "cpu" > 80 && "mem" > 90\n               ^',
    column: 12,
    hint: 'write AND instead',
  },
  {
    expression: "\"host\" == 'server1",
    message: "at column 11: unterminated string\n    \"host\" == 'server1\n              ^",
    column: 11,
    hint: "close the string with a single quote (write \\' for a quote inside)",
  },
  {
    expression: '("a" > 1',
    message: 'at column 9: expected ")" to close the "(" at column 1, found the end of the expression\n    ("a" > 1\n            ^',
    column: 9,
  },
  {
    expression: '"a" > 1 "b"',
    message: 'at column 9: unexpected field reference "b" after a complete expression\n    "a" > 1 "b"\n            ^',
    column: 9,
    hint: 'is an operator missing before it?',
  },
  {
    expression: 'host == \'a\'',
    message: "at column 1: unexpected name host\n    host == 'a'\n    ^",
    column: 1,
    hint: `write "host" for the field named host, or 'host' for the text host`,
  },
  {
    expression: '"a" > 1 and "b" > 2',
    message: 'at column 9: unexpected "and" after a complete expression\n    "a" > 1 and "b" > 2\n            ^',
    column: 9,
    hint: 'keywords are upper case: write AND',
  },
  { expression: '09 > 1', message: 'at column 1: invalid number 09\n    09 > 1\n    ^', column: 1, hint: 'an integer starting with 0 is octal (as in Kapacitor): drop the leading zeros' },
  { expression: '1.5s', message: 'at column 1: invalid number "1.5s"\n    1.5s\n    ^', column: 1, hint: 'durations take no decimals: write 1500ms for 1.5s' },
  { expression: '"x" =~ /a(/', message: 'at column 8: invalid regex /a(/: ', column: 8 },
  { expression: '', message: 'at column 1: the expression is empty\n    \n    ^', column: 1 },
  { expression: '"a" > 1 # comment', message: 'at column 9: unexpected character "#"\n    "a" > 1 # comment\n            ^', column: 9 },
];

for (const { expression, message, column, hint } of cases) {
  test(`${JSON.stringify(expression)} is reported at column ${column}`, () => {
    assert.throws(
      () => compileLambda(expression),
      (error: unknown) => {
        assert.ok(error instanceof PunchlineError);
        assert.equal(error.code, 'E_LAMBDA');
        assert.ok(error.message.startsWith(message), `message was:\n${error.message}`);
        assert.equal(error.context.column, column);
        assert.equal(error.hint, hint);
        return true;
      },
    );
  });
}

test('a multi-line lambda is reported with its line, and the caret is under the right line', () => {
  const expression = '"cpu" > 80\n  AND "mem" >< 90';
  assert.throws(
    () => compileLambda(expression),
    (error: unknown) =>
      error instanceof PunchlineError &&
      error.message === 'at line 2, column 14: expected a value, found "<"\n      AND "mem" >< 90\n                 ^' &&
      error.context.line === 2 &&
      error.context.column === 14,
  );
});

test('the caret keeps tabs so it stays aligned', () => {
  assert.throws(() => compileLambda('\t"a" >'), (error: unknown) => error instanceof PunchlineError && error.message.endsWith('\n    \t"a" >\n    \t     ^'));
});
