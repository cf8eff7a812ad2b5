/**
 * Two processes of one consumer group run an alert with `changelog` on a one-partition input:
 * the one that owns the partition raises and recovers episodes for host a; it is killed with
 * SIGKILL mid-episode, the other takes the partition over and restores the group from the
 * changelog (written since it started): no CRITICAL at 40 s, and the OK spans the episode the other
 * process saw begin (20 s, where the state it could have read at its own start would give 40 s).
 * The points the killed owner had not committed are replayed: their events may come twice.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startCli, waitFor } from '../../test/support/cli.js';
import type { CliRun } from '../../test/support/cli.js';
import { createTopic, openKafkaTestKit, produce, uniqueName } from '../../test/support/kafka-input-kit.js';
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

test('the process that takes a partition over after a rebalance restores its groups as their last owner wrote them', async () => {
  const input = await createTopic(kit, 'alert-rebalance-in');
  const changelog = await createTopic(kit, 'alert-rebalance-changelog');
  const group = uniqueName('alert-rebalance');
  const dir = join(kit.dir, 'acme', 'rebalance');
  await mkdir(dir, { recursive: true });
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
        { type: "file_output", component: "events", settings: { path: "\${OUT}", raw_field: "alert", flush_interval_ms: 1 },
          subscribe: [{ component: "cpu_alert", stream: "alerts" }] },
        { type: "kafka_output", component: "state", settings: { cluster: "test", topic: "${changelog}", key_fields: ["state_key"], value_format: "string", value_field: "state" },
          subscribe: [{ component: "cpu_alert", stream: "alert_state" }] },
      ],
    }`,
  );
  const outs = { a: join(dir, 'a.jsonl'), b: join(dir, 'b.jsonl') };
  const eventsOf = async (out: string): Promise<Event[]> => (existsSync(out) ? (await readFile(out, 'utf8')).split('\n').filter((l) => l.endsWith('}')).map((l) => JSON.parse(l) as Event) : []);
  const all = async (): Promise<string[]> =>
    [...(await eventsOf(outs.a)), ...(await eventsOf(outs.b))].sort((x, y) => x.time.localeCompare(y.time)).map((e) => `${e.time} ${e.previousLevel}->${e.level} ${e.duration / 1e9}s`);
  const start = (out: string): CliRun => {
    const run = startCli(['run', file, '--config', kit.platformFile], { OUT: out });
    runs.push(run);
    return run;
  };

  await produce(kit, input, [point(0, 50), point(10, 5)]);
  const a = start(outs.a);
  await waitFor(async () => (await all()).length === 1, 60_000, 'the first CRITICAL');
  const b = start(outs.b);
  await waitFor(() => b.stderr().includes('"msg":"running"'), 30_000, 'the second process to run');
  await produce(kit, input, [point(20, 50), point(30, 5)]);
  await waitFor(async () => (await all()).length === 3, 60_000, 'the recovery and the second CRITICAL');

  // Whoever owns the partition now is killed; the other takes it over.
  const ownerIsB = (await eventsOf(outs.b)).some((e) => e.time === '1970-01-01T00:00:30Z');
  const [owner, survivor, survivorOut] = ownerIsB ? [b, a, outs.a] : [a, b, outs.b];
  owner.child.kill('SIGKILL');
  await owner.exit;
  await produce(kit, input, [point(40, 5), point(50, 50)]);
  await waitFor(async () => (await eventsOf(survivorOut)).some((e) => e.level === 'OK' && e.time === '1970-01-01T00:00:50Z'), 60_000, 'the recovery by the survivor');
  survivor.child.kill('SIGTERM');
  const { code, stderr } = await survivor.exit;
  assert.equal(code, 0, stderr.slice(-2000));

  // The killed owner's uncommitted points are replayed by the survivor: their events may come twice
  // (at-least-once), the same events; none at 40 s, where the episode only went on.
  assert.deepEqual([...new Set(await all())], [
    '1970-01-01T00:00:10Z OK->CRITICAL 0s',
    '1970-01-01T00:00:20Z CRITICAL->OK 10s',
    '1970-01-01T00:00:30Z OK->CRITICAL 0s',
    '1970-01-01T00:00:50Z CRITICAL->OK 20s',
  ]);
});
