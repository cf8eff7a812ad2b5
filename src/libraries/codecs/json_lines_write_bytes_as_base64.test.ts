/** Byte fields (Buffer or Uint8Array, top-level or nested) are written as base64 in JSON lines. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toJsonLine } from './json-lines.js';

test('Buffer and Uint8Array fields, top-level and nested, become base64 strings', () => {
  const line = toJsonLine({ a: Buffer.from('hi'), b: new Uint8Array([1, 2, 3]), nested: { c: Buffer.from('x') }, d: 'text' });
  assert.equal(line, '{"a":"aGk=","b":"AQID","nested":{"c":"eA=="},"d":"text"}\n');
});

test('a byte value nested in an object is found and written as base64 too', () => {
  assert.equal(toJsonLine({ d: 'text', nested: { list: [Buffer.from('x')] } }), '{"d":"text","nested":{"list":["eA=="]}}\n');
});
