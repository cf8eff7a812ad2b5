/**
 * The reference's own alert examples, as punchlines: `crit: "usage_idle" < 70` logging the exact
 * Kapacitor JSON to a file, and the `sigma("usage_idle") > 3` variant.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startPunchline } from '../../test/support/run-punchline.js';
import { channelDir } from '../../test/support/temp-dir.js';

/** generator_input messages for one host's CPU samples, 10 s apart from t = 0. */
function samples(host: string, idle: readonly number[], startIndex = 0): string {
  return idle.map((v, i) => `{ host: "${host}", usage_idle: "${v}", t: "${(startIndex + i) * 10000}" }`).join(', ');
}

function alertPunchline(messages: string, count: number, alertSettings: string, out: string): string {
  return `{
    version: "1", type: "punchline",
    dag: [
      { type: "generator_input", component: "cpu", settings: { messages: [${messages}], count: ${count}, end_when_acked: true },
        publish: [{ stream: "cpu", fields: ["host", "usage_idle", "t"] }] },
      { type: "alert", component: "cpu_alert", settings: { ${alertSettings} },
        subscribe: [{ component: "cpu", stream: "cpu" }], publish: [{ stream: "alerts", fields: ["alert", "level", "id"] }] },
      { type: "file_output", settings: { path: "${out}", raw_field: "alert", flush_interval_ms: 1 }, subscribe: [{ component: "cpu_alert", stream: "alerts" }] },
    ],
  }`;
}

test('crit "usage_idle" < 70 logs CRITICAL, CRITICAL, then the recovery, as Kapacitor JSON lines', async () => {
  const out = join(await channelDir(), 'alerts.log');
  const { result } = await startPunchline(
    alertPunchline(samples('serverA', [80, 65, 60, 75]), 4, `name: "cpu", group_by: ["host"], time_field: "t", crit: "\\"usage_idle\\" < 70", details: "{{ .Level }} on {{ index .Tags \\"host\\" }}"`, out),
  );
  assert.equal((await result).exitCode, 0);
  const series = (time: string, idle: string): string =>
    `"data":{"series":[{"name":"cpu","tags":{"host":"serverA"},"columns":["time","usage_idle"],"values":[["${time}","${idle}"]]}]}`;
  assert.equal(
    await readFile(out, 'utf8'),
    [
      `{"id":"cpu:host=serverA","message":"cpu:host=serverA is CRITICAL","details":"CRITICAL on serverA","time":"1970-01-01T00:00:10Z","duration":0,"level":"CRITICAL",${series('1970-01-01T00:00:10Z', '65')},"previousLevel":"OK","recoverable":true}\n`,
      `{"id":"cpu:host=serverA","message":"cpu:host=serverA is CRITICAL","details":"CRITICAL on serverA","time":"1970-01-01T00:00:20Z","duration":10000000000,"level":"CRITICAL",${series('1970-01-01T00:00:20Z', '60')},"previousLevel":"CRITICAL","recoverable":true}\n`,
      `{"id":"cpu:host=serverA","message":"cpu:host=serverA is OK","details":"OK on serverA","time":"1970-01-01T00:00:30Z","duration":20000000000,"level":"OK",${series('1970-01-01T00:00:30Z', '75')},"previousLevel":"CRITICAL","recoverable":true}\n`,
    ].join(''),
  );
});

test('sigma("usage_idle") > 3 fires on the spike only, with the statistics kept per host', async () => {
  const out = join(await channelDir(), 'sigma.log');
  // Host a: 19 steady samples then a spike; host b: steady all along. Interleaved a, b, a, b…
  const steady = Array.from({ length: 19 }, (_, i) => 50 + (i % 2));
  const a = [...steady, 95];
  const b = Array.from({ length: 20 }, (_, i) => 50 + (i % 2));
  const messages = a.flatMap((v, i) => [`{ host: "a", usage_idle: "${v}", t: "${i * 10000}" }`, `{ host: "b", usage_idle: "${b[i] ?? 0}", t: "${i * 10000}" }`]).join(', ');
  const { result } = await startPunchline(alertPunchline(messages, 40, `name: "cpu", group_by: ["host"], time_field: "t", crit: "sigma(\\"usage_idle\\") > 3.0", state_changes_only: true`, out));
  assert.equal((await result).exitCode, 0);
  const events = (await readFile(out, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { id: string; level: string; time: string });
  assert.deepEqual(events.map((e) => [e.id, e.level, e.time]), [['cpu:host=a', 'CRITICAL', '1970-01-01T00:03:10Z']]);
});

test('an event tuple carries the point, the event fields, and the copies asked for with *_field', async () => {
  const out = join(await channelDir(), 'events.jsonl');
  const { result } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "generator_input", component: "cpu", settings: { messages: [${samples('serverA', [65, 60])}], count: 2, end_when_acked: true },
        publish: [{ stream: "cpu", fields: ["host", "usage_idle", "t"] }] },
      { type: "alert", component: "cpu_alert",
        settings: { name: "cpu", group_by: ["host"], time_field: "t", crit: "\\"usage_idle\\" < 70", details: "", level_field: "severity", duration_field: "usage_idle", id_field: "level" },
        subscribe: [{ component: "cpu", stream: "cpu" }],
        publish: [{ stream: "alerts", fields: ["host", "t", "usage_idle", "id", "message", "details", "time", "duration", "level", "previousLevel", "recoverable", "severity", "alert"] }] },
      { type: "file_output", settings: { path: "${out}", flush_interval_ms: 1 }, subscribe: [{ component: "cpu_alert", stream: "alerts" }] },
    ],
  }`);
  assert.equal((await result).exitCode, 0);
  const [first, second] = (await readFile(out, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  // duration_field replaces the point's usage_idle; id_field puts the id into "level" (the last copy wins over the level itself).
  assert.deepEqual(Object.keys(first ?? {}), ['host', 't', 'usage_idle', 'id', 'message', 'details', 'time', 'duration', 'level', 'previousLevel', 'recoverable', 'severity', 'alert']);
  assert.deepEqual({ ...second, alert: undefined }, {
    host: 'serverA',
    t: '10000',
    usage_idle: 10_000_000_000,
    id: 'cpu:host=serverA',
    message: 'cpu:host=serverA is CRITICAL',
    details: '',
    time: '1970-01-01T00:00:10Z',
    duration: 10_000_000_000,
    level: 'cpu:host=serverA',
    previousLevel: 'CRITICAL',
    recoverable: true,
    severity: 'CRITICAL',
    alert: undefined,
  });
  assert.equal((JSON.parse(String(second?.alert)) as { level: string }).level, 'CRITICAL');
});
