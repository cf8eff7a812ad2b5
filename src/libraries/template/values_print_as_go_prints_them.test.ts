/**
 * Template output prints values as Go's fmt `%v` does, which is what Kapacitor users see in their
 * alert messages: times, durations, floats, maps, nil and missing values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoDuration, formatGoFloat, formatGoTime, formatGoValue, formatRfc3339Nano, GoDuration, GoMap, GoStruct, GoTime } from './index.js';

const floats: [number, string][] = [
  [10, '10'],
  [0.5, '0.5'],
  [-2.25, '-2.25'],
  [123456, '123456'],
  [123456.7, '123456.7'],
  [1234567, '1.234567e+06'],
  [1e6, '1e+06'],
  [1e21, '1e+21'],
  [1.5e300, '1.5e+300'],
  [0.0001, '0.0001'],
  [0.00001, '1e-05'],
  [1.5e-7, '1.5e-07'],
  [0.1 + 0.2, '0.30000000000000004'],
  [-0, '-0'],
  [NaN, 'NaN'],
  [Infinity, '+Inf'],
  [-Infinity, '-Inf'],
];

for (const [value, expected] of floats) {
  test(`the float ${String(value)} prints as ${expected}`, () => {
    assert.equal(formatGoFloat(value), expected);
  });
}

const durations: [bigint, string][] = [
  [0n, '0s'],
  [1n, '1ns'],
  [999n, '999ns'],
  [1_500n, '1.5µs'],
  [500_000_000n, '500ms'],
  [1_500_000n, '1.5ms'],
  [2_000_000_000n, '2s'],
  [1_500_000_000n, '1.5s'],
  [90_000_000_000n, '1m30s'],
  [3_600_000_000_000n, '1h0m0s'],
  [259_380_500_000_000n, '72h3m0.5s'],
  [-2_000_000_000n, '-2s'],
];

for (const [nanoseconds, expected] of durations) {
  test(`the duration of ${String(nanoseconds)}ns prints as ${expected}`, () => {
    assert.equal(formatGoDuration(nanoseconds), expected);
  });
}

const times: [bigint, string, string][] = [
  [0n, '1970-01-01 00:00:00 +0000 UTC', '1970-01-01T00:00:00Z'],
  [31_536_010_000_000_000n, '1971-01-01 00:00:10 +0000 UTC', '1971-01-01T00:00:10Z'],
  [1_709_647_629_500_000_000n, '2024-03-05 14:07:09.5 +0000 UTC', '2024-03-05T14:07:09.5Z'],
  [1_709_647_629_123_456_789n, '2024-03-05 14:07:09.123456789 +0000 UTC', '2024-03-05T14:07:09.123456789Z'],
  [1_709_647_629_000_001_000n, '2024-03-05 14:07:09.000001 +0000 UTC', '2024-03-05T14:07:09.000001Z'],
  [951_782_400_000_000_000n, '2000-02-29 00:00:00 +0000 UTC', '2000-02-29T00:00:00Z'],
  [-1_000_000_000n, '1969-12-31 23:59:59 +0000 UTC', '1969-12-31T23:59:59Z'],
];

for (const [epochNs, goString, rfc3339] of times) {
  test(`the time ${String(epochNs)}ns prints as ${goString} and encodes as ${rfc3339}`, () => {
    assert.equal(formatGoTime(epochNs), goString);
    assert.equal(formatRfc3339Nano(epochNs), rfc3339);
  });
}

const values: [string, Parameters<typeof formatGoValue>[0], string][] = [
  ['a string', 'server1', 'server1'],
  ['a bool', true, 'true'],
  ['an integral number', 42, '42'],
  ['a missing value', undefined, '<no value>'],
  ['nil', null, '<no value>'],
  ['a map, with sorted keys and nil inside', new GoMap({ b: 2, a: 'x', c: null, d: 1.5 }, null), 'map[a:x b:2 c:<nil> d:1.5]'],
  ['a nested object', { z: [1, 'two'], a: { k: true } }, 'map[a:map[k:true] z:[1 two]]'],
  ['bytes', new Uint8Array([1, 2, 255]), '[1 2 255]'],
  ['a time', new GoTime(0n), '1970-01-01 00:00:00 +0000 UTC'],
  ['a duration', new GoDuration(90_000_000_000n), '1m30s'],
  ['a struct with an embedded struct', new GoStruct([{ embedded: ['A', 'B'] }, 'C'], { A: 1, B: 'b', C: new GoDuration(0n) }), '{{1 b} 0s}'],
];

for (const [what, value, expected] of values) {
  test(`${what} prints as ${expected}`, () => {
    assert.equal(formatGoValue(value), expected);
  });
}
