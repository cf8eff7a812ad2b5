// Interoperability with the `lumberjack-protocol` npm package, the encoder the spec names: what it
// writes we must read, and our default 1D frame must be the very bytes it writes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { LumberjackDecoder } from './lumberjack.js';
import { encodeCompressedFrame, encodeLumberjack } from './lumberjack-encode.js';

interface LumberjackProtocol {
  makeDataFrame(sequence: number, data: Readonly<Record<string, unknown>>): Buffer;
  makeWindowSizeFrame(size: number): Buffer;
}
const require = createRequire(import.meta.url);
const protocol = require('lumberjack-protocol/lib/lumberjack.js') as LumberjackProtocol;

/** Field maps as a producer would hand them to `makeDataFrame`, and what a D frame carries for them. */
const cases: readonly { name: string; input: Record<string, unknown>; fields: Record<string, string> }[] = [
  {
    name: 'the example event of the Punch docs',
    input: { id: 'ejKld9iwoo', data: 'hello world', something_else: 'you do not need this one' },
    fields: { id: 'ejKld9iwoo', data: 'hello world', something_else: 'you do not need this one' },
  },
  { name: 'an empty map', input: {}, fields: {} },
  { name: 'empty keys and values', input: { '': '', k: '' }, fields: { '': '', k: '' } },
  {
    name: 'multi-byte UTF-8 in keys and values',
    input: { 'clé': 'valeur éàü', 'emoji': '🚀 launch', '日本': '語' },
    fields: { 'clé': 'valeur éàü', 'emoji': '🚀 launch', '日本': '語' },
  },
  {
    name: 'numbers and booleans, which the encoder writes as text',
    input: { count: 42, ratio: 0.5, negative: -7, ok: true, off: false },
    fields: { count: '42', ratio: '0.5', negative: '-7', ok: 'true', off: 'false' },
  },
  { name: 'null and undefined values, which the encoder leaves out', input: { kept: 'x', gone: null, absent: undefined }, fields: { kept: 'x' } },
  {
    name: 'a long value and a key named like an Object.prototype member',
    input: { message: 'x'.repeat(70_000), constructor: 'c', toString: 't' },
    fields: { message: 'x'.repeat(70_000), constructor: 'c', toString: 't' },
  },
  {
    name: 'control characters and a NUL',
    input: { raw: 'line1\nline2\t\u0000end', quote: '"\\' },
    fields: { raw: 'line1\nline2\t\u0000end', quote: '"\\' },
  },
];

describe('lumberjack decoding reads frames written by lumberjack-protocol', () => {
  const decoder = new LumberjackDecoder();

  for (const { name, input, fields } of cases) {
    it(`reads a 1D frame of ${name}`, () => {
      assert.deepEqual({ ...decoder.decode(protocol.makeDataFrame(1, input)) }, fields);
    });
  }

  it('reads a frame whatever its sequence number', () => {
    for (const sequence of [0, 1, 2, 0x7fffffff, 0xffffffff]) {
      assert.deepEqual({ ...decoder.decode(protocol.makeDataFrame(sequence, { a: 'b' })) }, { a: 'b' });
    }
  });

  it('skips a window frame before the data frame, as a lumberjack stream starts', () => {
    const value = Buffer.concat([protocol.makeWindowSizeFrame(1), protocol.makeDataFrame(1, { a: 'b' })]);
    assert.deepEqual({ ...decoder.decode(value) }, { a: 'b' });
  });

  it('reads a 1D frame inside a compressed frame, with or without a window frame', () => {
    const data = protocol.makeDataFrame(1, { host: 'web-1', message: 'GET /' });
    for (const inner of [data, Buffer.concat([protocol.makeWindowSizeFrame(1), data])]) {
      for (const version of [1, 2] as const) {
        assert.deepEqual({ ...decoder.decode(encodeCompressedFrame(inner, version)) }, { host: 'web-1', message: 'GET /' });
      }
    }
  });

  it('returns a map that inherits nothing, so a "__proto__" key is an ordinary field', () => {
    const value = protocol.makeDataFrame(1, JSON.parse('{"__proto__":"polluted","a":"1"}') as Record<string, unknown>);
    const fields = decoder.decode(value);
    // Its prototype is an empty object without a prototype (not null: see FIELD_MAP_PROTOTYPE).
    const prototype = Object.getPrototypeOf(fields) as object | null;
    assert.ok(prototype === null || (Object.getPrototypeOf(prototype) === null && Reflect.ownKeys(prototype).length === 0));
    assert.ok(Object.hasOwn(fields, '__proto__'));
    assert.equal(fields['__proto__'], 'polluted');
    assert.deepEqual(Object.keys(fields), ['__proto__', 'a']);
    for (const member of ['toString', 'constructor', 'hasOwnProperty', 'valueOf']) assert.equal(fields[member], undefined, `${member} is not inherited`);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });
});

describe('lumberjack encoding writes the bytes lumberjack-protocol writes', () => {
  for (const { name, input } of cases) {
    it(`writes the same 1D frame for ${name}`, () => {
      const ours = encodeLumberjack(input as Parameters<typeof encodeLumberjack>[0]);
      assert.deepEqual(ours, protocol.makeDataFrame(1, input));
    });
  }

  it('writes the same frame for an explicit sequence number', () => {
    assert.deepEqual(encodeLumberjack({ a: 'b' }, { sequence: 77 }), protocol.makeDataFrame(77, { a: 'b' }));
  });
});
