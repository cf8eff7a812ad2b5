/**
 * A published tuple carries exactly the fields its stream declares, in declaration order, a field
 * the node did not set being null. The runtime compiles that projection once per stream into an
 * object literal; whatever the field names, the result must be what picking them one by one gives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldValue, Fields } from './node-contract.js';
import { compileProjection } from './field-layouts.js';

/** The reference: key by key, each an own data property (so `__proto__` too). */
function pick(fields: Fields, declared: readonly string[]): Fields {
  const out: Record<string, FieldValue> = {};
  for (const name of declared) Object.defineProperty(out, name, { value: fields[name] ?? null, enumerable: true, writable: true, configurable: true });
  return out;
}

const NAMES: readonly (readonly string[])[] = [
  [],
  ['host', 'usage_idle', 'msg'],
  ['with "quotes"', 'back\\slash', "single'quote", 'new\nline', 'line\u2028separator', 'tab\there', '${template}', '`backtick`'],
  ['é', '日本語', '🙂', '', ' '],
  ['10', '1', 'b', 'a', '0'],
  ['constructor', 'toString', 'hasOwnProperty', 'valueOf'],
  ['__proto__', 'a'],
  ['dup', 'other', 'dup'],
  ['_ppf_id', '_ppf_partition_offset', 'f); process.exit(1); ({'],
];

test('the compiled projection gives the same object as picking the declared fields one by one', () => {
  const bytes = new Uint8Array([1, 2, 3]);
  const nested = { a: [1, 'x'] };
  for (const declared of NAMES) {
    const project = compileProjection(declared);
    const full: Record<string, FieldValue> = {};
    declared.forEach((name, i) => (full[name] = i % 3 === 0 ? `v${i}` : i % 3 === 1 ? bytes : nested));
    for (const fields of [full, {}, { unrelated: 'x' }, JSON.parse('{"__proto__": "own", "a": 0}') as Fields]) {
      const got = project(fields);
      const expected = pick(fields, declared);
      assert.deepStrictEqual(got, expected, `fields ${JSON.stringify(declared)}`);
      assert.deepStrictEqual(Object.keys(got), Object.keys(expected), `key order of ${JSON.stringify(declared)}`);
      for (const name of declared) assert.equal(got[name], expected[name], `the value of ${JSON.stringify(name)} is passed on as is`);
    }
  }
});

test('a declared field the node did not set, or set to undefined, is null', () => {
  const project = compileProjection(['a', 'b', 'c']);
  assert.deepStrictEqual(project({ a: 'x', b: undefined as unknown as FieldValue }), { a: 'x', b: null, c: null });
  assert.deepStrictEqual(project({ a: 0, b: false, c: '' }), { a: 0, b: false, c: '' }, 'falsy values are values');
});

test('a field named __proto__ is an ordinary field, not the prototype', () => {
  const fields = JSON.parse('{"__proto__": {"polluted": true}, "a": "1"}') as Fields;
  const got = compileProjection(['__proto__', 'a'])(fields);
  assert.equal(Object.getPrototypeOf(got), Object.prototype);
  assert.deepStrictEqual(Object.keys(got), ['__proto__', 'a']);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});
