import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tupleTimeNs } from './tuple-time.js';

test('epoch milliseconds, numbers or numeric text, become exact nanoseconds, fractions included', () => {
  // 1709647629501 ms × 10^6 is not a double: computed in one multiplication it comes out 64 ns off.
  assert.equal(tupleTimeNs({ t: 1_709_647_629_501 }, 't'), 1_709_647_629_501_000_000n);
  assert.equal(tupleTimeNs({ t: '1709647629501' }, 't'), 1_709_647_629_501_000_000n);
  assert.equal(tupleTimeNs({ t: 1.5 }, 't'), 1_500_000n);
  assert.equal(tupleTimeNs({ t: -1 }, 't'), -1_000_000n);
});

test('RFC 3339 text keeps its nine fractional digits, with any offset; further digits are cut', () => {
  assert.equal(tupleTimeNs({ t: '2023-11-14T22:13:30.123456789Z' }, 't'), 1_700_000_010_123_456_789n);
  assert.equal(tupleTimeNs({ t: '2023-11-14T23:13:30.123456789+01:00' }, 't'), tupleTimeNs({ t: '2023-11-14T22:13:30.123456789Z' }, 't'));
  assert.equal(tupleTimeNs({ t: '1970-01-01T00:00:00.0000000019Z' }, 't'), 1n);
  assert.equal(tupleTimeNs({ t: '1970-01-01T00:00:01Z' }, 't'), 1_000_000_000n);
});

test('a missing field or text that is no time gives no time', () => {
  assert.equal(tupleTimeNs({}, 't'), undefined);
  assert.equal(tupleTimeNs({ t: 'yesterday' }, 't'), undefined);
  assert.equal(tupleTimeNs({ t: '2023-13-45T99:00:00.5Z' }, 't'), undefined);
});
