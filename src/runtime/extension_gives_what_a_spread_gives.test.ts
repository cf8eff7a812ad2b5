/**
 * Bolts that add fields to a tuple's (the alert's event fields) build the result with a compiled
 * object literal rather than a spread and assignments. Whatever the names, the result must be what
 * the spread followed by the assignments gives: same keys, same order, same values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldValue, Fields } from './node-contract.js';
import { compileExtension } from './field-layouts.js';

/** The reference: copy, then assign each added field in turn, each an own data property (so `__proto__` too). */
function extend(fields: Fields, added: readonly string[], values: readonly FieldValue[]): Fields {
  const out: Record<string, FieldValue> = {};
  const define = (name: string, value: FieldValue): void => void Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  for (const name of Object.keys(fields)) define(name, fields[name] as FieldValue);
  added.forEach((name, i) => define(name, values[i] as FieldValue));
  return out;
}

const CASES: readonly { readonly base: readonly string[]; readonly added: readonly string[] }[] = [
  { base: [], added: [] },
  { base: ['host', 'usage_idle'], added: [] },
  { base: [], added: ['id', 'message'] },
  { base: ['id', 'host', 'msg'], added: ['message', 'id', 'level'] },
  { base: ['level'], added: ['level', 'alert', 'level'] },
  { base: ['__proto__', 'a'], added: ['b', '__proto__'] },
  { base: ['10', 'b', '1'], added: ['0', 'a', '10'] },
  { base: ['with "quotes"', 'new\nline'], added: ['f, v) => process.exit(1); ((', '`tick`', 'line\u2028sep'] },
];

test('the compiled extension gives the keys, order and values of a spread followed by assignments', () => {
  const bytes = new Uint8Array([1, 2, 3]);
  for (const { base, added } of CASES) {
    const build = compileExtension(base, added);
    const fields: Record<string, FieldValue> = {};
    base.forEach((name, i) => Object.defineProperty(fields, name, { value: i % 2 === 0 ? `f${i}` : bytes, enumerable: true, writable: true, configurable: true }));
    const values = added.map((_, i) => (i % 2 === 0 ? i : { nested: [i] }));
    const got = build(fields, values);
    const expected = extend(fields, added, values);
    const label = `${JSON.stringify(base)} + ${JSON.stringify(added)}`;
    assert.deepStrictEqual(Object.keys(got), Object.keys(expected), `key order of ${label}`);
    for (const name of Object.keys(expected)) assert.equal(got[name], expected[name], `value of ${JSON.stringify(name)} in ${label}`);
    assert.equal(Object.getPrototypeOf(got), Object.prototype, `no prototype set by ${label}`);
  }
});

test('the tuple passed in is left as it was', () => {
  const fields = { id: 'e1', host: 'web-1' };
  const got = compileExtension(['id', 'host'], ['id', 'level'])(fields, ['host:web-1', 'CRITICAL']);
  assert.deepStrictEqual(fields, { id: 'e1', host: 'web-1' });
  assert.deepStrictEqual(got, { id: 'host:web-1', host: 'web-1', level: 'CRITICAL' });
});
