/**
 * Multi-anchoring (a window's batch): a tuple copy anchored to several trees counts in each of
 * them, so none completes before the copy ends, and the copy failing fails every one of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PunchlineError } from '../core/errors.js';
import { DeliveryTracker, InFlightCounter } from './delivery-tracker.js';
import type { TupleTree } from './delivery-tracker.js';

/**
 * Two records of one input, each with one copy delivered, and what their handle heard: one
 * handle for both, as kafka_input gives a partition's records, told apart by their tokens.
 */
function twoRecords(): { tracker: DeliveryTracker; first: TupleTree; second: TupleTree; heard: string[] } {
  const heard: string[] = [];
  const tracker = new DeliveryTracker(undefined, { acked: () => undefined, failed: () => undefined, released: () => undefined });
  const counter = new InFlightCounter(10);
  const names = ['', 'first', 'second'];
  const handle = { ack: (token: number) => heard.push(`ack:${names[token]}`), fail: (error: PunchlineError, token: number) => heard.push(`fail:${names[token]}:${error.message}`) };
  const first = tracker.begin(handle, 1, counter, 1, 0);
  const second = tracker.begin(handle, 2, counter, 1, 0);
  return { tracker, first, second, heard };
}

test('a copy anchored to two trees keeps both open until it ends, then both are acked', () => {
  const { tracker, first, second, heard } = twoRecords();
  const joint = [first, second];
  tracker.extend(joint, 1); // the batch, published to one subscriber
  tracker.resolve(second, 1); // the point carrying the batch
  tracker.resolve(first, 1); // the other point, acked right after
  assert.deepEqual(heard, [], 'the batch is still travelling');
  tracker.resolve(joint, 2);
  assert.deepEqual(heard, ['ack:first', 'ack:second']);
  assert.equal(tracker.size, 0);
});

test('a copy anchored to two trees that fails fails both, once each', () => {
  const { tracker, first, second, heard } = twoRecords();
  const joint = [first, second];
  tracker.extend(joint, 2);
  tracker.resolve(first, 1);
  tracker.resolve(second, 1);
  tracker.fail(joint, new PunchlineError('E_TUPLE_FAILED', 'the write failed'));
  tracker.resolve(joint, 2); // the other subscriber's copy ends later
  assert.deepEqual(heard, ['fail:first:the write failed', 'fail:second:the write failed']);
  assert.equal(tracker.failed(joint), true);
});
