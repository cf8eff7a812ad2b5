/**
 * The alert bolt on a window's batch tuples (`points_field`), in a punchline: Kapacitor's
 * TestBatch_AlertLevelField data for cpu1 (points every 2 s, 10 s batches) through window(10s)
 * raises one CRITICAL event per batch, at the first critical point's time, whose series is the
 * whole batch; the batch passes on with the level and id written into every point, as Kapacitor
 * writes them. A tuple without a points array is rejected.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startPunchline } from '../../test/support/run-punchline.js';
import { channelDir } from '../../test/support/temp-dir.js';

const YEAR_1971_MS = Date.UTC(1971, 0, 1);
// cpu1's means in integrations/testdata/TestBatch_SimpleMR.0.brpl, 2 s apart once Kapacitor's replay shifts them to 1971.
const CPU1 = [
  93.49999999999409, 91.44444444443974, 93.44897959187637, 95.99999999995998, 97.00970097012197, 95.98484848485191, 92.098039215696, 92.99999999998363, 86.54015887023496, 95.48979591840603,
  96.49999999996908, 93.46464646468584, 95.00950095007724, 92.99999999998636, 90.99999999998545,
];

function punchline(out: string, alertSettings: string, values: readonly number[]): string {
  // A last point at 30 s closes the third window.
  const messages = [...values, 50].map((mean, i) => `{ cpu: "cpu1", mean: ${mean}, t: ${YEAR_1971_MS + i * 2000} }`).join(', ');
  return `{
    version: "1", type: "punchline",
    dag: [
      { type: "generator_input", component: "query", settings: { messages: [${messages}], count: ${values.length + 1} },
        publish: [{ stream: "cpu", fields: ["cpu", "mean", "t"] }] },
      { type: "window", component: "ten_seconds", settings: { period_ms: 10000, every_ms: 10000, group_by: ["cpu"], time_field: "t" },
        subscribe: [{ component: "query", stream: "cpu" }], publish: [{ stream: "batches", fields: ["cpu", "t", "points"] }] },
      { type: "alert", component: "cpu_alert", settings: { name: "cpu_usage_idle", group_by: ["cpu"], time_field: "t", points_field: "points", ${alertSettings} },
        subscribe: [{ component: "ten_seconds", stream: "batches" }],
        publish: [{ stream: "alerts", fields: ["cpu", "t", "points", "alert", "level"] }, { stream: "_ppf_errors", fields: ["_ppf_error_message"] }] },
      { type: "file_output", settings: { path: "${out}", flush_interval_ms: 1 }, subscribe: [{ component: "cpu_alert", stream: "alerts" }, { component: "cpu_alert", stream: "_ppf_errors" }] },
    ],
  }`;
}

async function linesOf(text: string, file: string, lines: number): Promise<string[]> {
  const { topology } = await startPunchline(text);
  let got: string[] = [];
  for (let i = 0; i < 250 && got.length < lines; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    got = (await readFile(file, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
  }
  // The point that closed the last window is still held: the stop fails it.
  await topology.stop('test over');
  return got;
}

interface Out {
  cpu: string;
  t: number;
  level: string;
  alert: string;
  points: { mean: number; t: number; level: string; id: string }[];
}

test("TestBatch_AlertLevelField: each batch of cpu1 is CRITICAL at its first critical point, its series the whole batch, every point carrying the level and id", async () => {
  const out = join(await channelDir(), 'alerts.jsonl');
  const lines = await linesOf(punchline(out, 'crit: "\\"mean\\" > 95", level_field: "level", id_field: "id", details: ""', CPU1), out, 3);
  const events = lines.map((line) => JSON.parse(line) as Out);
  assert.deepEqual(
    events.map((e) => `${e.level} ${(JSON.parse(e.alert) as { time: string }).time}`),
    ['CRITICAL 1971-01-01T00:00:06Z', 'CRITICAL 1971-01-01T00:00:10Z', 'CRITICAL 1971-01-01T00:00:20Z'],
  );
  const third = events[2] as Out;
  // Kapacitor's expected rows of the last batch: time, id, level, mean.
  assert.deepEqual(
    third.points.map((p) => [new Date(p.t).toISOString(), p.id, p.level, p.mean]),
    CPU1.slice(10).map((mean, i) => [new Date(YEAR_1971_MS + 20000 + i * 2000).toISOString(), 'cpu_usage_idle:cpu=cpu1', 'CRITICAL', mean]),
  );
  assert.equal(
    third.alert,
    '{"id":"cpu_usage_idle:cpu=cpu1","message":"cpu_usage_idle:cpu=cpu1 is CRITICAL","details":"","time":"1971-01-01T00:00:20Z","duration":14000000000,"level":"CRITICAL",' +
      '"data":{"series":[{"name":"cpu_usage_idle","tags":{"cpu":"cpu1"},"columns":["time","mean"],"values":[' +
      '["1971-01-01T00:00:20Z",96.49999999996908],["1971-01-01T00:00:22Z",93.46464646468584],["1971-01-01T00:00:24Z",95.00950095007724],["1971-01-01T00:00:26Z",92.99999999998636],["1971-01-01T00:00:28Z",90.99999999998545]]}]},' +
      '"previousLevel":"CRITICAL","recoverable":true}\n',
  );
});

test('TestBatch_AlertAll: with all, a batch is CRITICAL only when every point is, at the batch time; a batch with one point below recovers', async () => {
  const out = join(await channelDir(), 'all.jsonl');
  const lines = await linesOf(punchline(out, 'crit: "\\"mean\\" > 90", all: true', CPU1), out, 3);
  assert.deepEqual(
    lines.map((line) => JSON.parse(line) as Out).map((e) => `${e.level} ${(JSON.parse(e.alert) as { time: string }).time}`),
    ['CRITICAL 1971-01-01T00:00:10Z', 'OK 1971-01-01T00:00:20Z', 'CRITICAL 1971-01-01T00:00:30Z'],
  );
});

test('an alert with points_field rejects a tuple that holds no points array', async () => {
  const out = join(await channelDir(), 'rejected.jsonl');
  const { result } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "generator_input", component: "query", settings: { messages: [{ cpu: "cpu1", points: "none", t: 0 }], count: 1, end_when_acked: true },
        publish: [{ stream: "cpu", fields: ["cpu", "points", "t"] }] },
      { type: "alert", component: "cpu_alert", settings: { group_by: ["cpu"], time_field: "t", points_field: "points", crit: "\\"mean\\" > 95" },
        subscribe: [{ component: "query", stream: "cpu" }], publish: [{ stream: "alerts", fields: ["alert"] }, { stream: "_ppf_errors", fields: ["_ppf_error_message"] }] },
      { type: "file_output", settings: { path: "${out}", flush_interval_ms: 1 }, subscribe: [{ component: "cpu_alert", stream: "_ppf_errors" }] },
    ],
  }`);
  assert.equal((await result).exitCode, 0);
  assert.match(await readFile(out, 'utf8'), /alert\[cpu_alert\]: field \\"points\\" is not an array of points/);
});
