/**
 * An alert keeps each group's levels, history and lambda state: with `executors: 2` the runtime
 * sends each group to one executor (fields grouping on `group_by`), so the events are exactly
 * those of one executor (round robin would split every host's history: a second CRITICAL would
 * meet an executor that saw the host OK). The same when the alert inherits its grouping from a
 * `group_by` on its input stream instead of naming it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startPunchline } from '../../test/support/run-punchline.js';
import { channelDir } from '../../test/support/temp-dir.js';

/** For each of 5 hosts (an odd number: round robin deals each host to both executors in turn), idle CPU going 50, 5, 4, 50, 3, 60 at t = 0…5 s. */
const MESSAGES = [50, 5, 4, 50, 3, 60].flatMap((idle, second) => Array.from({ length: 5 }, (_, h) => `{ host: "h${h}", usage_idle: ${idle}, t: ${second * 1000} }`));

/** Where `host` is named as the group: the alert's group_by, or the input stream's (inherited). */
async function events(executors: number, grouping: 'alert' | 'stream' = 'alert'): Promise<string[]> {
  const out = join(await channelDir(), `alerts-${executors}-${grouping}.jsonl`);
  const { result } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "generator_input", component: "cpu", settings: { messages: [${MESSAGES.join(', ')}], count: ${MESSAGES.length}, end_when_acked: true },
        publish: [{ stream: "cpu", fields: ["host", "usage_idle", "t"]${grouping === 'stream' ? ', group_by: ["host"]' : ''} }] },
      { type: "alert", component: "cpu_alert", executors: ${executors},
        settings: { ${grouping === 'alert' ? 'group_by: ["host"], ' : ''}time_field: "t", crit: "\\"usage_idle\\" < 10", id: "{{ index .Tags \\"host\\" }}", message: "{{ .ID }} {{ .Level }}" },
        subscribe: [{ component: "cpu", stream: "cpu" }], publish: [{ stream: "alerts", fields: ["alert"] }] },
      { type: "file_output", settings: { path: "${out}", flush_interval_ms: 1 }, subscribe: [{ component: "cpu_alert", stream: "alerts" }] },
    ],
  }`);
  assert.equal((await result).exitCode, 0);
  return (await readFile(out, 'utf8')).trim().split('\n').map((line) => String((JSON.parse(line) as { alert: string }).alert).trim()).sort();
}

test('with executors 2 each host stays in one executor: the events, previous levels and durations are those of one executor', async () => {
  const one = await events(1);
  assert.ok(one.some((e) => e.includes('"previousLevel":"CRITICAL"')), 'some events follow a CRITICAL of the same host');
  assert.deepEqual(await events(2), one);
});

test('with executors 2 and the grouping inherited from the input stream, each host stays in one executor too', async () => {
  assert.deepEqual(await events(2, 'stream'), await events(1));
});
