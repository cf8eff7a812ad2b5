/**
 * The task Kapacitor's getting-started guide ends with, as a punchline: per service and
 * datacenter, the 95th percentile of `used` over 1-minute windows, its sigma, and an alert that
 * warns above 2.5 sigmas and goes critical above 3. Twenty quiet minutes (p95 60, 61, 60…), then
 * a deviation (62.5, then 64) raise a WARNING, then a CRITICAL for web/eu, while db/us stays
 * quiet. Written with group_by on every node, and with the grouping declared once on the input's
 * stream (Kapacitor's `from().groupBy(…)`) and inherited by the window, eval and alert: the same
 * events (a window, eval or alert that did not inherit it would mix db/us's points into web/eu's
 * windows and sigma, and the window could not publish the group fields).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startPunchline } from '../../test/support/run-punchline.js';
import { channelDir } from '../../test/support/temp-dir.js';

/** The p95 wanted for each minute: every point of the minute holds that value. Sigmas: …0.98, 2.87, 3.34. */
const MINUTES = [...Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? '60' : '61')), '62.5', '64'];

/** Where the group fields are named: on every node that keeps groups, or once on the input's stream. */
type Grouping = 'each node' | 'stream';

async function events(grouping: Grouping): Promise<string[]> {
  const out = join(await channelDir(), 'cpu_p95.log');
  // One point a second per group; the point after the last minute closes it. db/us: 30 then 40, alternating minutes.
  const used = [...MINUTES.flatMap((value) => Array.from({ length: 60 }, () => value)), '60'];
  const messages = used.flatMap((v, i) => [`{ service: "web", datacenter: "eu", used: "${v}", time: "${i * 1000}" }`, `{ service: "db", datacenter: "us", used: "${Math.floor(i / 60) % 2 === 0 ? 30 : 40}", time: "${i * 1000}" }`]).join(', ');
  const own = grouping === 'each node' ? 'group_by: ["service", "datacenter"], ' : '';
  const stream = grouping === 'stream' ? ', group_by: ["service", "datacenter"]' : '';
  const { topology } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "generator_input", component: "cpu_usage", settings: { messages: [${messages}], count: ${used.length * 2} },
        publish: [{ stream: "cpu_usage", fields: ["service", "datacenter", "used", "time"]${stream} }] },
      { type: "window", component: "minute", settings: { ${own}period_ms: 60000, every_ms: 60000, time_field: "time" },
        subscribe: [{ component: "cpu_usage", stream: "cpu_usage" }], publish: [{ stream: "windows", fields: ["service", "datacenter", "time", "points"] }] },
      { type: "aggregate", component: "p95", settings: { function: "percentile", field: "used", percentile: 95 },
        subscribe: [{ component: "minute", stream: "windows" }], publish: [{ stream: "p95", fields: ["service", "datacenter", "time", "percentile"] }] },
      { type: "eval", component: "sigma", settings: { ${own}expressions: [{ as: "sigma", lambda: "sigma(\\"percentile\\")" }], keep: ["service", "datacenter", "time", "percentile"] },
        subscribe: [{ component: "p95", stream: "p95" }], publish: [{ stream: "scored", fields: ["service", "datacenter", "time", "percentile", "sigma"] }] },
      { type: "alert", component: "cpu_alert",
        settings: { ${own}name: "cpu_usage", time_field: "time", data_fields: ["percentile", "sigma"],
          id: "{{ .Name }}/{{ index .Tags \\"service\\" }}/{{ index .Tags \\"datacenter\\"}}",
          message: "{{ .ID }} is {{ .Level }} cpu-95th:{{ index .Fields \\"percentile\\" }}",
          warn: "\\"sigma\\" > 2.5", crit: "\\"sigma\\" > 3.0" },
        subscribe: [{ component: "sigma", stream: "scored" }], publish: [{ stream: "alerts", fields: ["alert", "time", "message"] }] },
      { type: "file_output", settings: { path: "${out}", flush_interval_ms: 1 }, subscribe: [{ component: "cpu_alert", stream: "alerts" }] },
    ],
  }`);
  let lines: string[] = [];
  // The last minute's window closes with the last points: once the generator's points are all through, every event is written.
  for (let i = 0; i < 500 && lines.length < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    lines = (await readFile(out, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  lines = (await readFile(out, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
  await topology.stop('test over');
  return lines.map((line) => JSON.parse(line) as { message: string; time: string }).map((e) => `${e.time} ${e.message}`);
}

const EXPECTED = ['1970-01-01T00:21:00Z cpu_usage/web/eu is WARNING cpu-95th:62.5', '1970-01-01T00:22:00Z cpu_usage/web/eu is CRITICAL cpu-95th:64'];

test('window(1m) | percentile(used, 95) | eval(sigma) | alert raises WARNING then CRITICAL on web/eu\'s deviation, group_by on each node', async () => {
  assert.deepEqual(await events('each node'), EXPECTED);
});

test('the same task with the grouping declared once on the input stream gives the same events', async () => {
  assert.deepEqual(await events('stream'), EXPECTED);
});
