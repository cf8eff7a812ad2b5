/**
 * Kapacitor's TestStream_Alert as a punchline: `window().period(10s).every(10s)`, `count('value')`
 * and an alert on the count, replayed from its `.srpl` data (serverA, one point a second from
 * 1971-01-01T00:00:00Z once Kapacitor's replay shifts it), gives Kapacitor's one alert, byte for byte.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startPunchline } from '../../test/support/run-punchline.js';
import { channelDir } from '../../test/support/temp-dir.js';

const YEAR_1971_MS = Date.UTC(1971, 0, 1);
/** serverA's values in integrations/testdata/TestStream_Alert.srpl. */
const VALUES = ['97.1', '92.6', '95.6', '93.1', '92.6', '95.8', '92.7', '96.0', '93.4', '95.3', '96.4', '95.1'];

test("TestStream_Alert: a 10 s window counted gives Kapacitor's single CRITICAL alert, with its id, details, time and data", async () => {
  const out = join(await channelDir(), 'alerts.log');
  const messages = VALUES.map((v, i) => `{ host: "serverA", value: "${v}", t: "${YEAR_1971_MS + i * 1000}" }`).join(', ');
  const { topology } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "generator_input", component: "cpu", settings: { messages: [${messages}], count: ${VALUES.length} },
        publish: [{ stream: "cpu", fields: ["host", "value", "t"] }] },
      { type: "window", component: "ten_seconds", settings: { period_ms: 10000, every_ms: 10000, group_by: ["host"], time_field: "t" },
        subscribe: [{ component: "cpu", stream: "cpu" }], publish: [{ stream: "windows", fields: ["host", "t", "points"] }] },
      { type: "aggregate", component: "count", settings: { function: "count", field: "value", time_field: "t" },
        subscribe: [{ component: "ten_seconds", stream: "windows" }], publish: [{ stream: "counts", fields: ["host", "t", "count"] }] },
      { type: "alert", component: "cpu_alert",
        settings: { name: "cpu", group_by: ["host"], time_field: "t", id: "kapacitor/{{ .Name }}/{{ index .Tags \\"host\\" }}", details: "details",
          info: "\\"count\\" > 6.0", warn: "\\"count\\" > 7.0", crit: "\\"count\\" > 8.0", id_field: "id", level_field: "level", message_field: "msg" },
        subscribe: [{ component: "count", stream: "counts" }], publish: [{ stream: "alerts", fields: ["alert", "id", "level", "msg"] }] },
      { type: "file_output", settings: { path: "${out}", raw_field: "alert", flush_interval_ms: 1 }, subscribe: [{ component: "cpu_alert", stream: "alerts" }] },
    ],
  }`);
  let text = '';
  for (let i = 0; i < 250 && text === ''; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    text = await readFile(out, 'utf8').catch(() => '');
  }
  // The points at 10 and 11 s wait for the next window: the stop fails them (the input would replay them).
  await topology.stop('test over');
  assert.equal(
    text,
    '{"id":"kapacitor/cpu/serverA","message":"kapacitor/cpu/serverA is CRITICAL","details":"details","time":"1971-01-01T00:00:10Z","duration":0,"level":"CRITICAL",' +
      '"data":{"series":[{"name":"cpu","tags":{"host":"serverA"},"columns":["time","count"],"values":[["1971-01-01T00:00:10Z",10]]}]},"previousLevel":"OK","recoverable":true}\n',
  );
});
