/**
 * The delivery contract of the spec, seen from the input that emitted the tuples: acked only once
 * every branch resolved, deliberate drops ack, failures reach the input with the tuple's id, and
 * a tuple stuck in a node fails after `topology.message.timeout.secs`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recorder } from '../support/test-nodes.js';
import { metricValue, startPunchline } from '../support/run-punchline.js';

const ids = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

test('a tuple fanned out to two branches is acked only after both resolved, and failed if one fails', async () => {
  const { result, registry } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "recording_input", component: "in", settings: { recorder: "fanout", count: 20 }, publish: [{ stream: "s", fields: ["id"] }] },
      { type: "scripted_bolt", component: "fast", settings: {}, subscribe: [{ component: "in", stream: "s" }], publish: [{ stream: "s", fields: ["id"] }] },
      { type: "scripted_bolt", component: "flaky", settings: { fail_ids: [7] }, subscribe: [{ component: "in", stream: "s" }], publish: [{ stream: "s", fields: ["id"] }] },
      { type: "slow_output", component: "a", settings: { recorder: "fanout", batch_size: 5, delay_ms: 5 }, subscribe: [{ component: "fast", stream: "s" }] },
      { type: "slow_output", component: "b", settings: { recorder: "fanout", batch_size: 20, delay_ms: 50 }, subscribe: [{ component: "flaky", stream: "s" }] },
    ],
  }`);
  assert.equal((await result).exitCode, 0);
  const seen = recorder('fanout');
  assert.deepEqual(seen.failed.map((f) => f.id), [7], 'the tuple failed by one branch fails even though the other acked it');
  assert.deepEqual([...seen.acked].sort((x, y) => x - y), ids(20).filter((i) => i !== 7));
  // Branch a writes in batches of 5 every 5 ms; branch b writes everything at the end, 50 ms later.
  // Every ack must come after the write of its tuple by *both* outputs.
  const at = (event: string): number => seen.events.indexOf(event);
  for (const id of seen.acked) {
    assert.ok(at(`write:a:${id}`) >= 0 && at(`write:b:${id}`) >= 0, `tuple ${id} written by both branches`);
    assert.ok(at(`ack:${id}`) > at(`write:a:${id}`) && at(`ack:${id}`) > at(`write:b:${id}`), `tuple ${id} acked after both branches wrote it`);
  }
  assert.ok(at(`write:a:0`) < at(`write:b:0`), 'branch a was the faster one');
  assert.equal(await metricValue(registry, 'punchline_node_tuples_acked_total', 'in'), 19);
  assert.equal(await metricValue(registry, 'punchline_node_tuples_failed_total', 'in'), 1);
  assert.equal(await metricValue(registry, 'punchline_node_tuples_emitted_total', 'in'), 40, 'each tuple is delivered to both branches');
});

test('a tuple a bolt deliberately drops is acked, and counted as dropped by that bolt', async () => {
  const { result, registry } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "recording_input", component: "in", settings: { recorder: "drops", count: 10 }, publish: [{ stream: "s", fields: ["id"] }] },
      { type: "scripted_bolt", component: "filter", settings: { drop_ids: [2, 3, 5] }, subscribe: [{ component: "in", stream: "s" }], publish: [{ stream: "s", fields: ["id"] }] },
      { type: "slow_output", component: "out", settings: { recorder: "drops-out", batch_size: 1 }, subscribe: [{ component: "filter", stream: "s" }] },
    ],
  }`);
  assert.equal((await result).exitCode, 0);
  assert.deepEqual([...recorder('drops').acked].sort((x, y) => x - y), ids(10));
  assert.equal(recorder('drops').failed.length, 0);
  assert.equal(recorder('drops-out').written, 7, 'dropped tuples never reach the output');
  assert.equal(await metricValue(registry, 'punchline_node_tuples_dropped_total', 'filter'), 3);
});

test('a failed tuple reaches the fail handler of its input with its id and the failing node', async () => {
  const { result } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "recording_input", component: "in", settings: { recorder: "fails", count: 10 }, publish: [{ stream: "s", fields: ["id"] }] },
      { type: "scripted_bolt", component: "checker", settings: { fail_ids: [4, 8] }, subscribe: [{ component: "in", stream: "s" }], publish: [{ stream: "s", fields: ["id"] }] },
      { type: "slow_output", component: "out", settings: { batch_size: 1 }, subscribe: [{ component: "checker", stream: "s" }] },
    ],
  }`);
  assert.equal((await result).exitCode, 0);
  const failed = recorder('fails').failed;
  assert.deepEqual(failed.map((f) => f.id), [4, 8]);
  assert.equal(failed[0]?.code, 'E_TUPLE_FAILED');
  assert.match(failed[0]?.message ?? '', /^scripted_bolt\[checker\]: scripted failure of 4$/);
});

test('a tuple stuck in a node is failed by topology.message.timeout.secs, the others are acked', async () => {
  const { result } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "recording_input", component: "in", settings: { recorder: "stuck", count: 5 }, publish: [{ stream: "s", fields: ["id"] }] },
      { type: "scripted_bolt", component: "black_hole", settings: { stall_ids: [1] }, subscribe: [{ component: "in", stream: "s" }], publish: [{ stream: "s", fields: ["id"] }] },
      { type: "slow_output", component: "out", settings: { batch_size: 1 }, subscribe: [{ component: "black_hole", stream: "s" }] },
    ],
    settings: { "topology.message.timeout.secs": 0.3 },
  }`);
  assert.equal((await result).exitCode, 0);
  const seen = recorder('stuck');
  assert.deepEqual(seen.failed.map((f) => [f.id, f.code]), [[1, 'E_TUPLE_TIMEOUT']]);
  assert.deepEqual([...seen.acked].sort(), [0, 2, 3, 4]);
});

test('behind an output that is stuck, timed-out tuples keep their places: the input emits nothing more and shows them in flight', async () => {
  const { topology, registry } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "recording_input", component: "in", settings: { recorder: "stuck-output", count: 50 }, publish: [{ stream: "s", fields: ["id"] }] },
      { type: "slow_output", component: "out", settings: { batch_size: 1, delay_ms: 60000 }, subscribe: [{ component: "in", stream: "s" }] },
    ],
    settings: { "topology.max.spout.pending": 5, "topology.message.timeout.secs": 0.2, "topology.drain.timeout.secs": 0.2 },
  }`);
  // Five timeouts' worth of time: before, each timeout let the input emit five more tuples behind the stuck write.
  await new Promise((resolve) => setTimeout(resolve, 1200));
  const seen = recorder('stuck-output');
  assert.deepEqual(seen.failed.map((f) => [f.id, f.code]), ids(5).map((id) => [id, 'E_TUPLE_TIMEOUT']), 'the first five timed out, and no other tuple was emitted');
  assert.equal(seen.maxPending, 5);
  assert.equal(await metricValue(registry, 'punchline_node_tuples_pending', 'in'), 5, 'the input shows them in flight');
  assert.equal(await metricValue(registry, 'punchline_node_tuples_pending', 'out'), 5, 'where they are: in the output');
  await topology.stop('test over');
});
