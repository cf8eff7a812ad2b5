/**
 * `topology.max.spout.pending` is the back-pressure: however slow an output is, an input never
 * has more tuples in flight than the limit, so memory stays flat over any number of tuples.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recorder } from '../support/test-nodes.js';
import { startPunchline } from '../support/run-punchline.js';

const TUPLES = 1_000_000;

test('with a slow output and max pending 1000, the input never has more than 1000 in flight and the heap stays flat over 1M tuples', async () => {
  const { result } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "recording_input", component: "in", settings: { recorder: "backpressure", count: ${TUPLES}, record_ids: false, heap_sample_every: 100000 },
        publish: [{ stream: "s", fields: ["id"] }] },
      { type: "slow_output", component: "out", settings: { recorder: "backpressure-out", batch_size: 250, delay_ms: 1 }, subscribe: [{ component: "in", stream: "s" }] },
    ],
    settings: { "topology.max.spout.pending": 1000 },
  }`);
  assert.equal((await result).exitCode, 0);
  const seen = recorder('backpressure');
  assert.equal(seen.ackedCount, TUPLES);
  assert.equal(recorder('backpressure-out').written, TUPLES);
  assert.ok(seen.maxPending <= 1000, `in flight reached ${seen.maxPending}`);
  assert.ok(seen.maxPending >= 900, `the output was slow enough to hit the limit (max in flight ${seen.maxPending})`);
  const [, baseline, ...later] = seen.heapSamples;
  assert.ok(baseline !== undefined && later.length >= 7, `heap sampled ${seen.heapSamples.length} times`);
  const growth = Math.max(...later) - baseline;
  assert.ok(growth < 16 * 1024 * 1024, `heap grew by ${(growth / 1048576).toFixed(1)} MiB between 100k and 1M tuples`);
});
