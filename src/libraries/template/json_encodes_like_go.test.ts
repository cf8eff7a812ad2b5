/**
 * JSON is written as Go's encoding/json writes it, since Kapacitor's events and default details are
 * produced by it: HTML characters and U+2028/U+2029 escaped, control characters as Go spells them,
 * floats without a useless fraction, map keys sorted, time as RFC 3339, durations as nanoseconds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeGoJson, escapeHtmlText, GoDuration, GoMap, GoStruct, GoTime, quoteGoJsonString } from './index.js';

const strings: [string, string][] = [
  ['plain', '"plain"'],
  ['<b>&</b>', '"\\u003cb\\u003e\\u0026\\u003c/b\\u003e"'],
  ['quote " and backslash \\', '"quote \\" and backslash \\\\"'],
  ['line\nfeed\r\ttab', '"line\\nfeed\\r\\ttab"'],
  ['\b\f', '"\\b\\f"'],
  ['\u0000\u001f\u007f', '"\\u0000\\u001f\u007f"'],
  ['sep\u2028par\u2029', '"sep\\u2028par\\u2029"'],
  ['é ü 日本 😀', '"é ü 日本 😀"'],
  ['lone \ud800 surrogate', '"lone \\ufffd surrogate"'],
  ["it's +1", '"it\'s +1"'],
];

for (const [text, expected] of strings) {
  test(`the string ${JSON.stringify(text)} encodes as ${expected}`, () => {
    assert.equal(quoteGoJsonString(text), expected);
  });
}

const numbers: [number, string][] = [
  [10, '10'],
  [10.5, '10.5'],
  [-0, '-0'],
  [1e20, '100000000000000000000'],
  [1e21, '1e+21'],
  [1e-6, '0.000001'],
  [1e-7, '1e-7'],
  [1.5e-10, '1.5e-10'],
  [123456789.125, '123456789.125'],
  [NaN, 'null'],
  [Infinity, 'null'],
];

for (const [value, expected] of numbers) {
  test(`the number ${String(value)} encodes as ${expected}`, () => {
    assert.equal(encodeGoJson(value), expected);
  });
}

test('maps sort their keys in byte order, structs keep their field order and flatten embedded structs', () => {
  const value = new GoStruct([{ embedded: ['Name', 'Tags'] }, 'Time', 'Duration', 'Extra'], {
    Name: 'cpu',
    Tags: new GoMap({ b: '2', a: '1', Z: '0' }, ''),
    Time: new GoTime(1_500_000_000n),
    Duration: new GoDuration(90_000_000_000n),
    Extra: { list: [1, 'x', null, true], bytes: new Uint8Array([104, 105]) },
  });
  assert.equal(
    encodeGoJson(value),
    '{"Name":"cpu","Tags":{"Z":"0","a":"1","b":"2"},"Time":"1970-01-01T00:00:01.5Z","Duration":90000000000,"Extra":{"bytes":"aGk=","list":[1,"x",null,true]}}',
  );
});

test('HTML text escaping replaces what Go html/template replaces', () => {
  assert.equal(escapeHtmlText(`<a href="x">'1+1' & \u0000</a>`), '&lt;a href=&#34;x&#34;&gt;&#39;1&#43;1&#39; &amp; \uFFFD&lt;/a&gt;');
});
