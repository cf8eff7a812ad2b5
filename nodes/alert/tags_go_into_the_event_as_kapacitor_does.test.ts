/**
 * A point's tags besides its group, named with `tags`, go into the event's `data.series[0].tags`
 * and `.Tags`, not its columns; `id_tag` and `level_tag` (Kapacitor's `.idTag()`, `.levelTag()`)
 * write the id and level into the tuple passed on and name them among its tags, in `_tags`. (Tags
 * listed in `_tags` by the line protocol codec: test/kapacitor/alert_duration_sigma_and_complex_where_replay_byte_for_byte.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startPunchline } from '../../test/support/run-punchline.js';
import { channelDir } from '../../test/support/temp-dir.js';

async function alertsOf(messages: string, fields: string, alertSettings: string, published: string): Promise<Record<string, unknown>[]> {
  const out = join(await channelDir(), 'alerts.jsonl');
  const { result } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "generator_input", component: "cpu", settings: { messages: [${messages}], count: 1, end_when_acked: true },
        publish: [{ stream: "cpu", fields: [${fields}] }] },
      { type: "alert", component: "cpu_alert", settings: { name: "cpu", group_by: ["host"], time_field: "t", crit: "\\"idle\\" < 10", ${alertSettings} },
        subscribe: [{ component: "cpu", stream: "cpu" }], publish: [{ stream: "alerts", fields: [${published}] }] },
      { type: "file_output", settings: { path: "${out}", flush_interval_ms: 1 }, subscribe: [{ component: "cpu_alert", stream: "alerts" }] },
    ],
  }`);
  assert.equal((await result).exitCode, 0);
  return (await readFile(out, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const SERIES = '"series":[{"name":"cpu","tags":{"cpu":"cpu-total","dc":"eu","host":"a"},"columns":["time","idle"],"values":[["1970-01-01T00:00:01Z",5]]}]';

test('tags named by the setting are tags of the event (sorted) and of its templates, not columns', async () => {
  const point = '{ host: "a", cpu: "cpu-total", dc: "eu", idle: 5, t: "1000" }';
  const [event] = await alertsOf(point, '"host", "cpu", "dc", "idle", "t"', 'tags: ["dc", "cpu"], message: "{{ index .Tags \\"dc\\" }}/{{ index .Tags \\"cpu\\" }}"', '"alert", "message"');
  assert.ok(String(event?.alert).includes(SERIES), String(event?.alert));
  assert.equal(event?.message, 'eu/cpu-total');
});

test('id_tag and level_tag write the id and the level into the tuple and name them among its tags', async () => {
  const [event] = await alertsOf('{ host: "a", idle: 5, t: "1000" }', '"host", "idle", "t"', 'id_tag: "alert_id", level_tag: "alert_level"', '"alert_id", "alert_level", "_tags"');
  assert.deepEqual(event, { alert_id: 'cpu:host=a', alert_level: 'CRITICAL', _tags: ['host', 'alert_level', 'alert_id'] });
});
