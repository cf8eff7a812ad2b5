/**
 * The built-in functions give what Kapacitor's (Go) implementations give: conversions with Go's
 * parsing and formatting, math on floats, string functions counting UTF-8 bytes, time parts in UTC,
 * if(), isPresent(), humanBytes().
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda } from './index.js';

/** 2024-03-05T14:07:09.5Z, a Tuesday. */
const TIME_MS = Date.UTC(2024, 2, 5, 14, 7, 9, 500);

const cases: { expression: string; fields?: Record<string, number | string | boolean>; expected: boolean | number | string }[] = [
  { expression: "bool('true')", expected: true },
  { expression: "bool('F')", expected: false },
  { expression: 'bool(1)', expected: true },
  { expression: 'bool(0.0)', expected: false },
  { expression: 'int(3.9)', expected: 3 },
  { expression: 'int(-3.9)', expected: -3 },
  { expression: "int('-42')", expected: -42 },
  { expression: 'int(TRUE)', expected: 1 },
  { expression: 'int(1500ms)', expected: 1.5e9 },
  { expression: 'float(3) / 2.0', expected: 1.5 },
  { expression: "float('2.5e3')", expected: 2500 },
  { expression: 'string(42)', expected: '42' },
  { expression: 'string(2.50)', expected: '2.5' },
  { expression: 'string(1.0)', expected: '1' },
  { expression: 'string(0.000001)', expected: '0.000001' },
  { expression: 'string(1000000000000000000000.0)', expected: '1000000000000000000000' },
  { expression: 'string(TRUE)', expected: 'true' },
  { expression: 'string(90s)', expected: '90s' },
  { expression: 'string(2h)', expected: '2h' },
  { expression: 'string(1500ms)', expected: '1500ms' },
  { expression: 'string(7d)', expected: '1w' },
  { expression: "duration('1h30m') == 90m", expected: true },
  { expression: 'duration(5, 1s) == 5s', expected: true },
  { expression: 'duration(1.5, 1s) == 1500ms', expected: true },
  { expression: 'abs(-2.5)', expected: 2.5 },
  { expression: 'sqrt(16.0)', expected: 4 },
  { expression: 'pow(2.0, 10.0)', expected: 1024 },
  { expression: 'pow(1.0, 0.0 / 0.0)', expected: 1 },
  { expression: 'floor(-1.5)', expected: -2 },
  { expression: 'ceil(1.2)', expected: 2 },
  { expression: 'trunc(-1.7)', expected: -1 },
  { expression: 'max(1.0, 2.0)', expected: 2 },
  { expression: 'min(1.0, 2.0)', expected: 1 },
  { expression: 'mod(7.5, 2.0)', expected: 1.5 },
  { expression: 'mod(-7.5, 2.0)', expected: -1.5 },
  { expression: 'log10(1000.0)', expected: 3 },
  { expression: 'exp2(10.0)', expected: 1024 },
  { expression: 'logb(8.0)', expected: 3 },
  { expression: 'logb(0.75)', expected: -1 },
  { expression: 'pow10(3)', expected: 1000 },
  { expression: 'abs("x")', fields: { x: -3 }, expected: 3 },
  { expression: 'abs("x")', fields: { x: '-3.5' }, expected: 3.5 },
  { expression: "strContains('hello', 'ell')", expected: true },
  { expression: "strContainsAny('hello', 'xyz')", expected: false },
  { expression: "strCount('cheese', 'e')", expected: 3 },
  { expression: "strCount('five', '')", expected: 5 },
  { expression: "strHasPrefix('web01', 'web')", expected: true },
  { expression: "strHasSuffix('web01', '01')", expected: true },
  { expression: "strIndex('chicken', 'ken')", expected: 4 },
  { expression: "strIndex('héllo', 'l')", expected: 3 },
  { expression: "strLastIndex('go gopher', 'go')", expected: 3 },
  { expression: "strIndexAny('chicken', 'kmr')", expected: 4 },
  { expression: "strLastIndexAny('golang', 'ng')", expected: 5 },
  { expression: "strLength('héllo')", expected: 6 },
  { expression: "strReplace('oink oink oink', 'k', 'ky', 2)", expected: 'oinky oinky oink' },
  { expression: "strReplace('oink oink oink', 'oink', 'moo', -1)", expected: 'moo moo moo' },
  { expression: "strSubstring('hello', 1, 3)", expected: 'el' },
  { expression: "strSubstring('hello', 0, 5)", expected: 'hello' },
  { expression: "strToLower('WeB')", expected: 'web' },
  { expression: "strToUpper('WeB')", expected: 'WEB' },
  { expression: "strTrim('xxhixx', 'x')", expected: 'hi' },
  { expression: "strTrimLeft('xxhixx', 'x')", expected: 'hixx' },
  { expression: "strTrimRight('xxhixx', 'x')", expected: 'xxhi' },
  { expression: "strTrimPrefix('web01', 'web')", expected: '01' },
  { expression: "strTrimSuffix('web01', '01')", expected: 'web' },
  { expression: "strTrimSpace('  \t hi \n')", expected: 'hi' },
  { expression: "regexReplace(/a(b*)c/, 'abbbc', 'group is $1')", expected: 'group is bbb' },
  { expression: "regexReplace(/a(b*)c/, 'xyz', '$1')", expected: 'xyz' },
  { expression: "regexReplace(/(b)/, 'abc', '$1x')", expected: 'ac' },
  { expression: "regexReplace(/(b)/, 'abc', '${1}x')", expected: 'abxc' },
  { expression: "regexReplace(/a*/, 'baaac', '-')", expected: '-b-c-' },
  { expression: "regexReplace(/b/, 'abc', '$$')", expected: 'a$c' },
  { expression: 'hour("time")', expected: 14 },
  { expression: 'minute("time")', expected: 7 },
  { expression: 'weekday("time")', expected: 2 },
  { expression: 'day("time")', expected: 5 },
  { expression: 'month("time")', expected: 3 },
  { expression: 'year("time")', expected: 2024 },
  { expression: 'unixNano("time") / 1000000', expected: 1709647629500 },
  { expression: 'hour("time") >= 9 AND hour("time") < 19', expected: true },
  { expression: "if(\"x\" > 1, 'big', 'small')", fields: { x: 5 }, expected: 'big' },
  { expression: "if(\"x\" > 1, 'big', 'small')", fields: { x: 0 }, expected: 'small' },
  { expression: 'if("x" > 1, "x", 0.5)', fields: { x: 3 }, expected: 3 },
  { expression: 'humanBytes(82854982)', expected: '83 MB' },
  { expression: 'humanBytes(8285498.0)', expected: '8.3 MB' },
  { expression: 'humanBytes(9)', expected: '9 B' },
  { expression: 'humanBytes(10500)', expected: '10 kB' },
];

for (const { expression, fields = {}, expected } of cases) {
  test(`${expression}${Object.keys(fields).length > 0 ? ` with ${JSON.stringify(fields)}` : ''} gives ${JSON.stringify(expected)}`, () => {
    assert.equal(compileLambda(expression).evaluate(fields, TIME_MS), expected);
  });
}

const failures: { expression: string; fields?: Record<string, number | string>; message: RegExp }[] = [
  { expression: "int('abc')", message: /int\(\): cannot convert "abc" to an int/ },
  { expression: "bool('yes')", message: /bool\(\): cannot convert "yes" to a bool/ },
  { expression: 'bool(2)', message: /bool\(\): cannot convert int 2 to a bool/ },
  { expression: 'duration(5)', message: /a number needs a unit/ },
  { expression: "duration('5 minutes')", message: /invalid duration string/ },
  { expression: "strSubstring('hello', 3, 9)", message: /strSubstring\(\): indexes 3:9 are out of range for a string of 5 bytes/ },
  { expression: 'abs("x")', fields: { x: 'abc' }, message: /abs\(\) argument 1 must be a float, got a string/ },
  { expression: 'if("x" > 1, \'a\', 1)', fields: { x: 2 }, message: /if\(\) needs both results of the same type, got string and int/ },
];

for (const { expression, fields = {}, message } of failures) {
  test(`${expression} fails its evaluation: ${message.source}`, () => {
    assert.throws(() => compileLambda(expression).evaluate(fields, TIME_MS), message);
  });
}

const compileErrors: { expression: string; message: RegExp; hint?: RegExp }[] = [
  { expression: 'abs(3)', message: /abs\(\) argument 1 must be a float, got an int/, hint: /convert it with float\(\)/ },
  { expression: 'pow10(2.0)', message: /pow10\(\) argument 1 must be an int, got a float/, hint: /int\(\)/ },
  { expression: "strLength(5)", message: /strLength\(\) argument 1 must be a string, got an int/ },
  { expression: 'sqrt(1.0, 2.0)', message: /sqrt\(\) takes 1 argument, got 2/ },
  { expression: 'count(1)', message: /count\(\) takes 0 arguments, got 1/ },
  { expression: 'hour("h")', message: /hour\(\) takes the point time/, hint: /hour\("time"\)/ },
  { expression: "isPresent('cpu')", message: /isPresent\(\) takes a field reference/ },
  { expression: "regexReplace('a', 'b', 'c')", message: /regexReplace\(\) takes a regex literal/ },
  { expression: "if(TRUE, 'a', 1)", message: /if\(\) needs both results of the same type, got string and int/ },
  { expression: 'gamma(1.0)', message: /function gamma\(\) is not available in punchline lambdas/ },
  { expression: 'strlength(\'a\')', message: /unknown function strlength\(\)/, hint: /did you mean strLength\(\)\?/ },
];

for (const { expression, message, hint } of compileErrors) {
  test(`${expression} is rejected at compile time`, () => {
    assert.throws(
      () => compileLambda(expression),
      (error: unknown) => error instanceof Error && message.test(error.message) && (hint === undefined || hint.test((error as { hint?: string }).hint ?? '')),
    );
  });
}

test('if() evaluates both branches, as Kapacitor does, so a stateful function counts every point', () => {
  const lambda = compileLambda("if(\"x\" > 1, count(), 0) + count() * 0");
  const state = lambda.newState();
  assert.deepEqual([0, 0, 5].map((x) => lambda.evaluate({ x }, 0, state)), [0, 0, 3]);
});
