/**
 * The window bolt in a punchline: per-host tumbling windows written as batch tuples, tuples held
 * (in flight) until their window is emitted, the idle timeout closing the last windows so that a
 * bounded run ends, held tuples failed at a stop, a batch anchored to all its points, and the
 * settings mistakes refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { metricValue, startPunchline } from '../../test/support/run-punchline.js';
import { channelDir } from '../../test/support/temp-dir.js';
import { recorder } from '../../test/support/test-nodes.js';

/** generator_input messages: for each second in `seconds`, one point per host, `value` = the second. */
function points(hosts: readonly string[], seconds: readonly number[]): string {
  return seconds.flatMap((s) => hosts.map((host) => `{ host: "${host}", value: "${s}", t: "${s * 1000}" }`)).join(', ');
}

function windowPunchline(messages: string, count: number, windowSettings: string, out: string, executors = 1): string {
  return `{
    version: "1", type: "punchline",
    dag: [
      { type: "generator_input", component: "cpu", settings: { messages: [${messages}], count: ${count}, end_when_acked: true },
        publish: [{ stream: "cpu", fields: ["host", "value", "t"] }] },
      { type: "window", component: "tumbling", executors: ${executors}, settings: { ${windowSettings} },
        subscribe: [{ component: "cpu", stream: "cpu" }], publish: [{ stream: "windows", fields: ["host", "t", "points"] }] },
      { type: "file_output", settings: { path: "${out}", flush_interval_ms: 1 }, subscribe: [{ component: "tumbling", stream: "windows" }] },
    ],
  }`;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

interface BatchLine {
  host: string;
  t: number;
  points: { host: string; value: string; t: number }[];
}

test('per-host windows of 10 s are written as batch tuples, and the idle timeout closes the last ones so the run ends', async () => {
  const out = join(await channelDir(), 'windows.jsonl');
  const seconds = range(0, 29);
  const { result } = await startPunchline(windowPunchline(points(['a', 'b'], seconds), seconds.length * 2, 'period_ms: 10000, every_ms: 10000, group_by: ["host"], time_field: "t", idle_timeout_ms: 1000', out));
  // end_when_acked: the run ends only once every point was acked, the last window's too.
  assert.equal((await result).exitCode, 0);
  const lines = (await readFile(out, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as BatchLine);
  const summary = lines.map((l) => `${l.host}@${l.t}: ${l.points.map((p) => p.value).join(' ')}`);
  assert.deepEqual(summary.sort(), [
    'a@10000: 0 1 2 3 4 5 6 7 8 9',
    'a@20000: 10 11 12 13 14 15 16 17 18 19',
    'a@30000: 20 21 22 23 24 25 26 27 28 29',
    'b@10000: 0 1 2 3 4 5 6 7 8 9',
    'b@20000: 10 11 12 13 14 15 16 17 18 19',
    'b@30000: 20 21 22 23 24 25 26 27 28 29',
  ]);
  assert.deepEqual(lines[0]?.points[0], { host: lines[0]?.host, value: '0', t: 0 }, "a point keeps its fields, its time as epoch ms");
});

test('tuples stay in flight until their window is emitted, and are failed at a stop so that the input replays them', async () => {
  const out = join(await channelDir(), 'none.jsonl');
  const { topology, registry, result } = await startPunchline(windowPunchline(points(['a'], range(0, 4)), 5, 'period_ms: 10000, every_ms: 10000, group_by: ["host"], time_field: "t"', out));
  let pending: number | undefined;
  for (let i = 0; i < 100 && pending !== 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    pending = await metricValue(registry, 'punchline_node_tuples_pending', 'tumbling');
  }
  assert.equal(pending, 5, 'the window holds the five points of its open window');
  assert.equal(await metricValue(registry, 'punchline_node_tuples_acked_total', 'tumbling'), 0);
  await topology.stop('test over');
  assert.equal((await result).exitCode, 0);
  assert.equal(await metricValue(registry, 'punchline_node_tuples_failed_total', 'tumbling'), 5);
  assert.equal(await readFile(out, 'utf8').catch(() => ''), '', 'an open window is not emitted at a stop');
});

test('with executors 2 each host goes to one executor, and its windows are the same as with one', async () => {
  const out = join(await channelDir(), 'two-executors.jsonl');
  const seconds = range(0, 19);
  const hosts = ['a', 'b', 'c', 'd', 'e'];
  const { result } = await startPunchline(windowPunchline(points(hosts, seconds), seconds.length * hosts.length, 'period_ms: 10000, every_ms: 10000, group_by: ["host"], time_field: "t", idle_timeout_ms: 1000', out, 2));
  assert.equal((await result).exitCode, 0);
  const lines = (await readFile(out, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as BatchLine);
  const summary = lines.map((l) => `${l.host}@${l.t}: ${l.points.map((p) => p.value).join(' ')}`);
  assert.deepEqual(summary.sort(), hosts.flatMap((h) => [`${h}@10000: 0 1 2 3 4 5 6 7 8 9`, `${h}@20000: 10 11 12 13 14 15 16 17 18 19`]));
});

test('a window without every_ms, or with both kinds of period, is refused at validation', async () => {
  const out = join(await channelDir(), 'invalid.jsonl');
  await assert.rejects(startPunchline(windowPunchline(points(['a'], [0]), 1, 'period_ms: 10000, time_field: "t"', out)), /period_ms needs every_ms/);
  await assert.rejects(startPunchline(windowPunchline(points(['a'], [0]), 1, 'period_ms: 10000, every_ms: 0, period_count: 3, every_count: 1', out)), /either period_ms \(with every_ms\) or period_count/);
  await assert.rejects(startPunchline(windowPunchline(points(['a'], [0]), 1, 'period_count: 3, every_count: 1, align: true', out)), /only time windows can be aligned/);
});

/** recording_input ids 0…n-1 → count windows of 3, every `every` points (the batch's `id` is its newest point's) → scripted_bolt → slow_output. */
function anchoringPunchline(recorderName: string, count: number, failIds: readonly number[], every = 3): string {
  return `{
    version: "1", type: "punchline",
    settings: { "topology.max.spout.pending": 100 },
    dag: [
      { type: "recording_input", component: "in", settings: { recorder: "${recorderName}", count: ${count} }, publish: [{ stream: "s", fields: ["id"] }] },
      { type: "window", component: "threes", settings: { period_count: 3, every_count: ${every}, time_field: "id" },
        subscribe: [{ component: "in", stream: "s" }], publish: [{ stream: "batches", fields: ["id", "points"] }] },
      { type: "scripted_bolt", component: "check", settings: { fail_ids: [${failIds.join(', ')}] },
        subscribe: [{ component: "threes", stream: "batches" }], publish: [{ stream: "checked", fields: ["id", "points"] }] },
      { type: "slow_output", component: "out", settings: { recorder: "${recorderName}", batch_size: 1, delay_ms: 5 }, subscribe: [{ component: "check", stream: "checked" }] },
    ],
  }`;
}

test('a batch is anchored to every point it holds: a failure downstream fails them all, and none is acked before the batch is written', async () => {
  const name = `window-anchors-${process.pid}-${Date.now()}`;
  const { topology, result } = await startPunchline(anchoringPunchline(name, 9, [5]));
  const seen = recorder(name);
  for (let i = 0; i < 200 && seen.ackedCount + seen.failed.length < 9; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  await topology.stop('test over');
  assert.equal((await result).exitCode, 0);
  assert.deepEqual(seen.failed.map((f) => f.id).sort((a, b) => a - b), [3, 4, 5], 'the batch of points 3, 4, 5 failed: all three are replayed, not only the one carrying it');
  assert.deepEqual([...seen.acked].sort((a, b) => a - b), [0, 1, 2, 6, 7, 8]);
  for (const [batch, points] of [[2, [0, 1, 2]], [8, [6, 7, 8]]] as const) {
    const written = seen.events.indexOf(`write:out:${batch}`);
    assert.ok(written >= 0, `batch ${batch} written`);
    for (const point of points) assert.ok(seen.events.indexOf(`ack:${point}`) > written, `point ${point} acked after its batch was written: ${seen.events.join(' ')}`);
  }
});

test('a point in several sliding windows is acked only once every batch holding it is: a later batch failing fails it too', async () => {
  const name = `window-sliding-anchors-${process.pid}-${Date.now()}`;
  // Windows of 3 every point: [0] [0 1] [0 1 2] [1 2 3] [2 3 4]; the one ending at 2 fails downstream.
  const { topology, result } = await startPunchline(anchoringPunchline(name, 5, [2], 1));
  const seen = recorder(name);
  for (let i = 0; i < 200 && seen.ackedCount + seen.failed.length < 5; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  await topology.stop('test over');
  assert.equal((await result).exitCode, 0);
  // 0 and 1 were in the windows written before (each closed by it): they are not acked with those, but failed with this one.
  const failed = (ids: readonly number[]): string[] => seen.failed.filter((f) => ids.includes(f.id)).map((f) => `${f.id} ${/still open at the stop/.test(f.message) ? 'at the stop' : 'downstream'}`).sort();
  assert.deepEqual(failed([0, 1, 2]), ['0 downstream', '1 downstream', '2 downstream'], 'every point of the failed batch is replayed');
  // 3 and 4 belong to windows that no point closed yet: held, failed at the stop so that the next run rebuilds them.
  assert.deepEqual(failed([3, 4]), ['3 at the stop', '4 at the stop']);
  assert.deepEqual([...seen.acked], [], `no point acked: ${seen.events.join(' ')}`);
  assert.ok(seen.events.includes('write:out:4'), 'the later windows were written');
});
