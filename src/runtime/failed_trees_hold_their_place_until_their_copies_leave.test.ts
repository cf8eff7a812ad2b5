/**
 * A failed or timed-out tuple tree keeps its place in its input's max pending until every copy of
 * it has left the nodes. Otherwise an output that has stopped would receive a new max pending's
 * worth of replays at each timeout, and memory would grow without bound.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PunchlineError } from '../core/errors.js';
import { DeliveryTracker, InFlightCounter } from './delivery-tracker.js';

/** The tracker, an input's counter, what its handles heard, and how many places the listener was told were released. */
function setUp(limit: number): { tracker: DeliveryTracker; counter: InFlightCounter; failures: string[]; released: { count: number } } {
  const failures: string[] = [];
  const released = { count: 0 };
  const tracker = new DeliveryTracker(1000, { acked: () => undefined, failed: () => undefined, released: () => released.count++ });
  tracker.stop();
  return { tracker, counter: new InFlightCounter(limit), failures, released };
}

test('a timed-out tree is failed at once, and its place is given back when its last copy leaves', async () => {
  const { tracker, counter, failures, released } = setUp(1);
  const tree = tracker.begin({ ack: () => assert.fail('not acked'), fail: (error) => failures.push(error.code) }, 0, counter, 2, 0);
  tracker.failExpired(1000);
  assert.deepEqual(failures, ['E_TUPLE_TIMEOUT'], 'the input hears of the timeout at once (and replays)');
  assert.equal(tracker.size, 0, 'the tree is no longer open');
  assert.equal(counter.count, 1, 'but both copies are still in the nodes');
  assert.equal(released.count, 0, 'so the input node still counts it in flight');
  let freed = false;
  void counter.capacity().then(() => (freed = true));
  tracker.resolve(tree, 1001);
  await Promise.resolve();
  assert.equal(freed, false, 'one copy is still in a node');
  tracker.resolve(tree, 1002);
  await Promise.resolve();
  assert.equal(counter.count, 0);
  assert.equal(released.count, 1, 'the metrics hear the place is free');
  assert.equal(freed, true, 'the input may emit again');
  assert.deepEqual(failures, ['E_TUPLE_TIMEOUT'], 'and the tree failed only once');
});

test('a tree failed by one copy frees its place when the other copies end, whether they fail or not', () => {
  const { tracker, counter, failures, released } = setUp(10);
  const tree = tracker.begin({ ack: () => assert.fail('not acked'), fail: (error) => failures.push(error.message) }, 0, counter, 3, 0);
  tracker.fail(tree, new PunchlineError('E_TUPLE_FAILED', 'first'));
  assert.equal(counter.count, 1);
  tracker.fail(tree, new PunchlineError('E_TUPLE_FAILED', 'second'));
  assert.equal(counter.count, 1);
  tracker.resolve(tree, 1);
  assert.equal(counter.count, 0);
  assert.equal(released.count, 1);
  assert.deepEqual(failures, ['first']);
});

test('an acked tree frees its place at once, as before', () => {
  const { tracker, counter, released } = setUp(10);
  let acked = 0;
  const tree = tracker.begin({ ack: () => acked++, fail: () => assert.fail('not failed') }, 0, counter, 1, 0);
  tracker.resolve(tree, 1);
  assert.equal(acked, 1);
  assert.equal(counter.count, 0);
  tracker.resolve(tree, 2);
  assert.equal(counter.count, 0, 'a late resolve of a settled tree changes nothing');
  assert.equal(released.count, 0, 'an acked tree is reported as acked, not released');
});

test('a tree that fails with no copy left in the nodes is released at once', () => {
  const { tracker, counter, released } = setUp(10);
  const tree = tracker.begin({ ack: () => assert.fail('not acked'), fail: () => undefined }, 0, counter, 1, 0);
  tracker.fail(tree, new PunchlineError('E_TUPLE_FAILED', 'the only copy failed'));
  assert.equal(counter.count, 0);
  assert.equal(released.count, 1);
});
