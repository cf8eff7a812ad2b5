/**
 * An alert with `changelog` against the real broker: the punchline raises CRITICAL for host a, is
 * killed with SIGKILL mid-episode, and restarted. It restores the group from the changelog topic
 * before its first point: no second CRITICAL with state_changes_only, and the OK that follows
 * spans the whole episode with previousLevel CRITICAL (an empty state would give a CRITICAL again
 * and an OK of 10 s).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startCli, waitFor } from '../../test/support/cli.js';
import type { CliRun } from '../../test/support/cli.js';
import { createTopic, openKafkaTestKit, produce, uniqueName } from '../../test/support/kafka-input-kit.js';
import { readTopic } from '../../test/support/kafka-output-kit.js';
import type { KafkaTestKit } from '../../test/support/kafka-input-kit.js';

let kit: KafkaTestKit;
const runs: CliRun[] = [];
before(async () => {
  kit = await openKafkaTestKit();
});
after(async () => {
  for (const run of runs) run.child.kill('SIGKILL');
  await kit.close();
});

interface Event {
  level: string;
  previousLevel: string;
  duration: number;
  time: string;
}

const point = (second: number, idle: number): { fields: Record<string, string> } => ({ fields: { host: 'a', usage_idle: String(idle), t: String(second * 1000) } });

test('killed -9 mid-episode and restarted, the alert restores its group from the changelog: no second CRITICAL, the OK spans the episode with previousLevel CRITICAL', async () => {
  const input = await createTopic(kit, 'alert-state-in');
  // Compaction (cleanup.policy=compact, as a channel declares it) changes nothing to what is read.
  const changelog = await createTopic(kit, 'alert-state-changelog');
  const group = uniqueName('alert-state');
  const dir = join(kit.dir, 'acme', 'alerting');
  await mkdir(dir, { recursive: true });
  const out = join(dir, 'events.jsonl');
  const file = join(dir, 'cpu_alert.json5');
  await writeFile(
    file,
    `{
      version: "1", type: "punchline",
      dag: [
        { type: "kafka_input", component: "input",
          settings: { brokers: "test", topic: "${input}", "group.id": "${group}", session_timeout_ms: 6000 },
          publish: [{ stream: "cpu", fields: ["host", "usage_idle", "t"] }] },
        { type: "alert", component: "cpu_alert",
          settings: { name: "cpu", group_by: ["host"], time_field: "t", crit: "\\"usage_idle\\" < 10", state_changes_only: true, changelog: { topic: "${changelog}" } },
          subscribe: [{ component: "input", stream: "cpu" }],
          publish: [{ stream: "alerts", fields: ["alert"] }, { stream: "alert_state", fields: ["state_key", "state"] }] },
        { type: "file_output", component: "events", settings: { path: "${out}", raw_field: "alert", flush_interval_ms: 1 },
          subscribe: [{ component: "cpu_alert", stream: "alerts" }] },
        { type: "kafka_output", component: "state", settings: { cluster: "test", topic: "${changelog}", key_fields: ["state_key"], value_format: "string", value_field: "state" },
          subscribe: [{ component: "cpu_alert", stream: "alert_state" }] },
      ],
    }`,
  );
  const events = async (): Promise<Event[]> => (existsSync(out) ? (await readFile(out, 'utf8')).split('\n').filter((l) => l.endsWith('}')).map((l) => JSON.parse(l) as Event) : []);
  const start = (): CliRun => {
    const run = startCli(['run', file, '--config', kit.platformFile]);
    runs.push(run);
    return run;
  };

  await produce(kit, input, [point(0, 50), point(10, 5), point(20, 5)]);
  const first = start();
  await waitFor(async () => (await events()).length === 1 && (await readTopic(kit.cluster, changelog, 1000, 0)).length >= 3, 60_000, 'the CRITICAL and three states in the changelog');
  first.child.kill('SIGKILL');
  await first.exit;

  await produce(kit, input, [point(30, 5), point(40, 50)]);
  const second = start();
  await waitFor(async () => (await events()).some((e) => e.level === 'OK'), 60_000, 'the recovery');
  second.child.kill('SIGTERM');
  const { code, stderr } = await second.exit;
  assert.equal(code, 0, stderr.slice(-2000));
  assert.match(stderr, /alert state restored from/);

  assert.deepEqual(
    (await events()).map((e) => `${e.time} ${e.previousLevel}->${e.level} ${e.duration / 1e9}s`),
    ['1970-01-01T00:00:10Z OK->CRITICAL 0s', '1970-01-01T00:00:40Z CRITICAL->OK 30s'],
  );
});
