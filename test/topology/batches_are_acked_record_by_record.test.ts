/**
 * Batch-at-a-time execution keeps the delivery contract per record: an input that emits several
 * records in one turn of its loop (as kafka_input emits a fetch) sends them down the DAG as one
 * array, and yet each record is acked, failed, replayed and timed out on its own, and max pending
 * counts records, not arrays.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recorder } from '../support/test-nodes.js';
import { metricValue, startPunchline } from '../support/run-punchline.js';

const ids = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const sorted = (values: readonly number[]): number[] => [...values].sort((x, y) => x - y);

test('records emitted in one turn travel as one array, and a failure in the middle of it, on one branch of a fan-out, fails that record alone', async () => {
  const { result, registry } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "recording_input", component: "in", settings: { recorder: "batch-fanout", count: 40, batch: 10 }, publish: [{ stream: "s", fields: ["id"] }] },
      { type: "scripted_bolt", component: "batched", settings: { batch_form: true, recorder: "batch-fanout-bolt" }, subscribe: [{ component: "in", stream: "s" }], publish: [{ stream: "s", fields: ["id"] }] },
      { type: "scripted_bolt", component: "flaky", settings: { fail_ids: [13] }, subscribe: [{ component: "batched", stream: "s" }], publish: [{ stream: "s", fields: ["id"] }] },
      { type: "slow_output", component: "a", settings: { recorder: "batch-fanout", batch_size: 1 }, subscribe: [{ component: "batched", stream: "s" }] },
      { type: "slow_output", component: "b", settings: { recorder: "batch-fanout", batch_size: 1, delay_ms: 20 }, subscribe: [{ component: "flaky", stream: "s" }] },
    ],
  }`);
  assert.equal((await result).exitCode, 0);
  assert.deepEqual(recorder('batch-fanout-bolt').batchSizes, [10, 10, 10, 10], 'the bolt in the batch form received each turn of the input as one array');
  const seen = recorder('batch-fanout');
  assert.deepEqual(seen.failed.map((f) => f.id), [13], 'only the record that failed in the middle of its array fails');
  assert.deepEqual(sorted(seen.acked), ids(40).filter((id) => id !== 13));
  const at = (event: string): number => seen.events.indexOf(event);
  for (const id of seen.acked) {
    assert.ok(at(`ack:${id}`) > at(`write:a:${id}`) && at(`ack:${id}`) > at(`write:b:${id}`), `record ${id} acked only after both branches wrote it`);
  }
  assert.ok(at('write:a:13') >= 0, 'the branch that did not fail still wrote the failed record');
  assert.equal(await metricValue(registry, 'punchline_node_tuples_emitted_total', 'batched'), 80, 'each record counts once per branch');
  assert.equal(await metricValue(registry, 'punchline_node_tuples_failed_total', 'flaky'), 1);
});

test('a fan-out keeps the order of records across its receivers: each gets record n before any gets record n + 1', async () => {
  const { result } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "recording_input", component: "in", settings: { recorder: "batch-order", count: 10, batch: 10 }, publish: [{ stream: "s", fields: ["id"] }] },
      { type: "scripted_bolt", component: "a", settings: { batch_form: true, recorder: "batch-order" }, subscribe: [{ component: "in", stream: "s" }] },
      { type: "scripted_bolt", component: "b", settings: { batch_form: true, recorder: "batch-order" }, subscribe: [{ component: "in", stream: "s" }] },
    ],
  }`);
  assert.equal((await result).exitCode, 0);
  const received = recorder('batch-order').events.filter((event) => event.startsWith('receive:'));
  assert.deepEqual(received, ids(10).flatMap((id) => [`receive:a:${id}`, `receive:b:${id}`]), 'as when records travelled one by one (alert inhibitions depend on it)');
});

test('a record failed in the middle of an array is replayed alone: the others of its array are written once', async () => {
  const { result } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "recording_input", component: "in", settings: { recorder: "batch-replay", count: 20, batch: 20, replay_failed: true }, publish: [{ stream: "s", fields: ["id"] }] },
      { type: "scripted_bolt", component: "flaky", settings: { batch_form: true, fail_ids: [7], times: 1 }, subscribe: [{ component: "in", stream: "s" }], publish: [{ stream: "s", fields: ["id"] }] },
      { type: "slow_output", component: "out", settings: { recorder: "batch-replay", batch_size: 1 }, subscribe: [{ component: "flaky", stream: "s" }] },
    ],
  }`);
  assert.equal((await result).exitCode, 0);
  const seen = recorder('batch-replay');
  assert.deepEqual(seen.failed.map((f) => f.id), [7]);
  assert.deepEqual(sorted(seen.acked), ids(20), 'the replayed record was acked the second time');
  const writes = seen.events.filter((event) => event.startsWith('write:'));
  assert.deepEqual(sorted(writes.map((event) => Number(event.split(':')[2]))), ids(20), 'every record written exactly once, the replayed one included');
  assert.ok(seen.events.indexOf('write:out:7') > seen.events.indexOf('fail:7'), 'record 7 was written by its replay');
});

test('a record stuck in the middle of an array times out alone; the others of its array are acked', async () => {
  const { result } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "recording_input", component: "in", settings: { recorder: "batch-timeout", count: 10, batch: 10 }, publish: [{ stream: "s", fields: ["id"] }] },
      { type: "scripted_bolt", component: "black_hole", settings: { batch_form: true, stall_ids: [4] }, subscribe: [{ component: "in", stream: "s" }], publish: [{ stream: "s", fields: ["id"] }] },
      { type: "slow_output", component: "out", settings: { batch_size: 1 }, subscribe: [{ component: "black_hole", stream: "s" }] },
    ],
    settings: { "topology.message.timeout.secs": 0.3 },
  }`);
  assert.equal((await result).exitCode, 0);
  const seen = recorder('batch-timeout');
  assert.deepEqual(seen.failed.map((f) => [f.id, f.code]), [[4, 'E_TUPLE_TIMEOUT']]);
  assert.deepEqual(sorted(seen.acked), ids(10).filter((id) => id !== 4));
});

test('max pending counts records across arrays: an input emitting arrays of 10 stops at 25 records in flight', async () => {
  const { result } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "recording_input", component: "in", settings: { recorder: "batch-pending", count: 200, batch: 10 }, publish: [{ stream: "s", fields: ["id"] }] },
      { type: "slow_output", component: "out", settings: { batch_size: 5, delay_ms: 2 }, subscribe: [{ component: "in", stream: "s" }] },
    ],
    settings: { "topology.max.spout.pending": 25 },
  }`);
  assert.equal((await result).exitCode, 0);
  const seen = recorder('batch-pending');
  assert.equal(seen.maxPending, 25, 'never more than max pending records in flight, and the third array of a turn was cut at the limit');
  assert.equal(seen.ackedCount, 200);
});
