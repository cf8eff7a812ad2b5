/**
 * The aggregate bolt behind a window, in punchlines: Kapacitor's TestStream_InfluxQL_Float window
 * gives Kapacitor's percentile, mean and max (with .usePointTimes()); derivative gives a batch of
 * rates; a function that refuses the field's type rejects the window; settings mistakes are
 * refused at validation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startPunchline } from '../../test/support/run-punchline.js';
import { channelDir } from '../../test/support/temp-dir.js';

/** generator_input messages for serverA, one a second from t = 0. */
function points(values: readonly string[]): string {
  return values.map((v, i) => `{ host: "serverA", type: "idle", value: "${v}", t: "${i * 1000}" }`).join(', ');
}

/** A generator and a 10 s window by host, then `rest` (nodes subscribing to `tumbling`). */
function punchline(values: readonly string[], rest: string): string {
  return `{
    version: "1", type: "punchline",
    dag: [
      { type: "generator_input", component: "cpu", settings: { messages: [${points(values)}], count: ${values.length} },
        publish: [{ stream: "cpu", fields: ["host", "type", "value", "t"] }] },
      { type: "window", component: "tumbling", settings: { period_ms: 10000, every_ms: 10000, group_by: ["host"], time_field: "t" },
        subscribe: [{ component: "cpu", stream: "cpu" }], publish: [{ stream: "windows", fields: ["host", "t", "points"] }] },
      ${rest}
    ],
  }`;
}

/** Runs until `file` has `lines` lines, then stops the punchline (the point that closed the window stays held: it is failed). */
async function linesOf(text: string, file: string, lines: number): Promise<string[]> {
  const { topology } = await startPunchline(text);
  let got: string[] = [];
  for (let i = 0; i < 250 && got.length < lines; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    got = (await readFile(file, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
  }
  await topology.stop('test over');
  return got;
}

// TestStream_InfluxQL_Float's serverA values over 0..9 s, then a point at 10 s that closes the window.
const KAPACITOR_FLOATS = ['98.0', '91.0', '95.0', '93.0', '92.0', '95.0', '92.0', '96.0', '93.0', '95.0', '97.0'];

test("Kapacitor's InfluxQL_Float window: percentile 50, mean, and max with use_point_times give Kapacitor's results", async () => {
  const out = join(await channelDir(), 'results.jsonl');
  const aggregate = (component: string, settings: string, as: string): string =>
    `{ type: "aggregate", component: "${component}", settings: { ${settings}, time_field: "t" }, subscribe: [{ component: "tumbling", stream: "windows" }], publish: [{ stream: "results", fields: ["host", "t", "${as}"] }] },`;
  const text = punchline(
    KAPACITOR_FLOATS,
    `${aggregate('p50', 'function: "percentile", field: "value", percentile: 50', 'percentile')}
     ${aggregate('avg', 'function: "mean", field: "value"', 'mean')}
     ${aggregate('top', 'function: "max", field: "value", use_point_times: true', 'max')}
     { type: "file_output", settings: { path: "${out}", flush_interval_ms: 1 },
       subscribe: [{ component: "p50", stream: "results" }, { component: "avg", stream: "results" }, { component: "top", stream: "results" }] },`,
  );
  const lines = await linesOf(text, out, 3);
  // Kapacitor: percentile 93 and mean 94 at the window's end (10 s); max 98 at its point's time (0 s).
  assert.deepEqual(lines.sort(), ['{"host":"serverA","t":0,"max":98}', '{"host":"serverA","t":10000,"mean":94}', '{"host":"serverA","t":10000,"percentile":93}']);
});

test('derivative gives a batch: the rate per second at each point but the first, the point fields kept', async () => {
  const out = join(await channelDir(), 'rates.jsonl');
  // 0 10 30 30 0 at 0..4 s, then 0s; the point at 10 s closes the window [0, 10).
  const closing = punchline(
    ['0', '10', '30', '30', '0', '0', '0', '0', '0', '0', '0'],
    `{ type: "aggregate", component: "rate", settings: { function: "derivative", field: "value", as: "rate", non_negative: true, time_field: "t" },
       subscribe: [{ component: "tumbling", stream: "windows" }], publish: [{ stream: "rates", fields: ["host", "t", "points"] }] },
     { type: "file_output", settings: { path: "${out}", flush_interval_ms: 1 }, subscribe: [{ component: "rate", stream: "rates" }] },`,
  );
  const [line] = await linesOf(closing, out, 1);
  const batch = JSON.parse(line ?? '{}') as { host: string; t: number; points: { rate: number; t: number; value: string; type: string }[] };
  assert.equal(batch.t, 10000);
  // 0 → 10 → 30 → 30 → 0 …: +10/s at 1 s, +20/s at 2 s, 0 at 3 s; the fall at 4 s is dropped (non_negative), then 0s.
  assert.deepEqual(batch.points.map((p) => `${p.t / 1000}s:${p.rate}`), ['1s:10', '2s:20', '3s:0', '5s:0', '6s:0', '7s:0', '8s:0', '9s:0']);
  assert.equal(batch.points[0]?.type, 'idle', "derivative keeps the point's other fields");
});

test('a function that refuses the field type rejects the window to _ppf_errors', async () => {
  const out = join(await channelDir(), 'errors.jsonl');
  const words = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'];
  const text = punchline(
    words,
    `{ type: "aggregate", component: "avg", settings: { function: "mean", field: "value", time_field: "t" },
       subscribe: [{ component: "tumbling", stream: "windows" }],
       publish: [{ stream: "means", fields: ["host", "mean"] }, { stream: "_ppf_errors", fields: ["host", "_ppf_error_message"] }] },
     { type: "file_output", settings: { path: "${out}", flush_interval_ms: 1 }, subscribe: [{ component: "avg", stream: "_ppf_errors" }] },
     { type: "file_output", component: "means_out", settings: { path: "${out}.means", flush_interval_ms: 1 }, subscribe: [{ component: "avg", stream: "means" }] },`,
  );
  const [line] = await linesOf(text, out, 1);
  assert.match(line ?? '', /aggregate\[avg\]: cannot apply mean to string field \\"value\\"/);
});

test('percentile without its rank, or a setting of another function, is refused at validation', async () => {
  const out = join(await channelDir(), 'invalid.jsonl');
  const node = (settings: string): string =>
    `{ type: "aggregate", component: "agg", settings: { ${settings}, time_field: "t" }, subscribe: [{ component: "tumbling", stream: "windows" }], publish: [{ stream: "r", fields: ["host"] }] },
     { type: "file_output", settings: { path: "${out}" }, subscribe: [{ component: "agg", stream: "r" }] },`;
  await assert.rejects(startPunchline(punchline(['1'], node('function: "percentile", field: "value"'))), /percentile needs its rank/);
  await assert.rejects(startPunchline(punchline(['1'], node('function: "mean", field: "value", window: 3'))), /window only applies to moving_average, not mean/);
  await assert.rejects(startPunchline(punchline(['1'], node('function: "median", field: "value", percentile: 95'))), /percentile only applies to the percentile function/);
});
