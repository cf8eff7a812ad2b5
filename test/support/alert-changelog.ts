/**
 * The punchline of the alert changelog tests (`nodes/alert/*changelog*`, `*rebalance*`,
 * `*two_processes*`), against the real broker: kafka_input (one group) → an alert of host CPU with
 * `changelog` → kafka_output writing its states to the changelog topic, and, when asked, its
 * events to the file `${OUT}` names. The processes are started with `punchline run`; those left
 * running at the end of the test file are killed.
 */
import { after, before } from 'node:test';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startCli } from './cli.js';
import type { CliRun } from './cli.js';
import { createTopic, openKafkaTestKit, uniqueName } from './kafka-input-kit.js';
import type { KafkaTestKit, TestRecord } from './kafka-input-kit.js';

/** An event of the alert as file_output writes it (its `alert` field). */
export interface AlertEvent {
  level: string;
  previousLevel: string;
  duration: number;
  time: string;
}

/** What a test chooses of the punchline. */
export interface ChangelogPunchlineOptions {
  /** Partitions of the input topic (1 when not given). */
  readonly partitions?: number;
  /** Whether the alert's events (state changes only) are written to the file `${OUT}` names. */
  readonly events: boolean;
}

/** A written punchline with its topics. */
export interface ChangelogPunchline {
  /** The channel folder holding the punchline file. */
  readonly dir: string;
  readonly input: string;
  readonly changelog: string;
  /** Starts `punchline run` of it, its events going to `out` when the punchline writes them. */
  readonly start: (out?: string) => CliRun;
}

/** A point of host a: its CPU idle percentage at a second of the alert's time (`t`, in ms). */
export const point = (second: number, idle: number): TestRecord => ({ fields: { host: 'a', usage_idle: String(idle), t: String(second * 1000) } });

/** The events file_output wrote to `out` so far (none while it does not exist). */
export async function readEvents(out: string): Promise<AlertEvent[]> {
  return existsSync(out) ? (await readFile(out, 'utf8')).split('\n').filter((l) => l.endsWith('}')).map((l) => JSON.parse(l) as AlertEvent) : [];
}

/**
 * Opens the broker's test kit for the test file (call at its top level) and gives what writes the
 * punchline, named `name` (its topics, group and channel folder), as `options` say.
 */
export function alertChangelogKit(): { kit: () => KafkaTestKit; punchline: (name: string, options: ChangelogPunchlineOptions) => Promise<ChangelogPunchline> } {
  let kit: KafkaTestKit | undefined;
  const runs: CliRun[] = [];
  before(async () => {
    kit = await openKafkaTestKit();
  });
  after(async () => {
    for (const run of runs) run.child.kill('SIGKILL');
    await kit?.close();
  });
  const opened = (): KafkaTestKit => {
    if (kit === undefined) throw new Error('the Kafka test kit opens in before()');
    return kit;
  };

  const punchline = async (name: string, options: ChangelogPunchlineOptions): Promise<ChangelogPunchline> => {
    const k = opened();
    const input = await createTopic(k, `alert-${name}-in`, options.partitions ?? 1);
    const changelog = await createTopic(k, `alert-${name}-changelog`);
    const group = uniqueName(`alert-${name}`);
    const dir = join(k.dir, 'acme', name);
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'cpu_alert.json5');
    const events = options.events;
    await writeFile(
      file,
      `{
      version: "1", type: "punchline",
      dag: [
        { type: "kafka_input", component: "input",
          settings: { brokers: "test", topic: "${input}", "group.id": "${group}", session_timeout_ms: 6000 },
          publish: [{ stream: "cpu", fields: ["host", "usage_idle", "t"] }] },
        { type: "alert", component: "cpu_alert",
          settings: { name: "cpu", group_by: ["host"], time_field: "t", crit: "\\"usage_idle\\" < 10",${events ? ' state_changes_only: true,' : ''} changelog: { topic: "${changelog}" } },
          subscribe: [{ component: "input", stream: "cpu" }],
          publish: [${events ? '{ stream: "alerts", fields: ["alert"] }, ' : ''}{ stream: "alert_state", fields: ["state_key", "state"] }] },${
            events
              ? `
        { type: "file_output", component: "events", settings: { path: "\${OUT}", raw_field: "alert", flush_interval_ms: 1 },
          subscribe: [{ component: "cpu_alert", stream: "alerts" }] },`
              : ''
          }
        { type: "kafka_output", component: "state", settings: { cluster: "test", topic: "${changelog}", key_fields: ["state_key"], value_format: "string", value_field: "state" },
          subscribe: [{ component: "cpu_alert", stream: "alert_state" }] },
      ],
    }`,
    );
    const start = (out?: string): CliRun => {
      const run = startCli(['run', file, '--config', k.platformFile], out === undefined ? {} : { OUT: out });
      runs.push(run);
      return run;
    };
    return { dir, input, changelog, start };
  };
  return { kit: opened, punchline };
}
