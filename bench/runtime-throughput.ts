/**
 * Runtime overhead without Kafka, each case in a fresh `punchline run` process, timed from the
 * "running" to the "stopped" log line (startup excluded):
 * - generator_input → print_output (stdout to /dev/null), acking on, then off
 *   (`topology.acker.executors: 0`);
 * - generator_input → alert (two lambdas, a message template) → print_output.
 *
 * `npm run bench` runs these as its `runtime` case; on its own:
 *   node --import tsx bench/runtime-throughput.ts [tuples]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logTime, startPunchline } from './harness/punchline-process.js';
import { Watch } from './harness/watch.js';

const GENERATOR = (tuples: number): string =>
  `{ type: "generator_input", component: "gen",
     settings: { messages: [{ host: "server-%{cycle:a|b|c|d}", usage_idle: "%{random:0:100}", msg: "cpu sample %{counter}" }], count: ${tuples}, end_when_acked: true },
     publish: [{ stream: "s", fields: ["host", "usage_idle", "msg", "_ppf_id"] }] }`;

/** The benchmark cases: a name and the punchline for N tuples. */
export const CASES: readonly { name: string; punchline: (tuples: number) => string }[] = [
  {
    name: 'generator → print_output, acking on',
    punchline: (n) => `{ version: "1", type: "punchline", dag: [${GENERATOR(n)}, { type: "print_output", subscribe: [{ component: "gen", stream: "s" }] }] }`,
  },
  {
    name: 'generator → print_output, acking off',
    punchline: (n) =>
      `{ version: "1", type: "punchline", dag: [${GENERATOR(n).replace('end_when_acked: true', 'end_when_acked: false')}, { type: "print_output", subscribe: [{ component: "gen", stream: "s" }] }],
         settings: { "topology.acker.executors": 0 } }`,
  },
  {
    name: 'generator → alert (2 lambdas, template) → print_output',
    punchline: (n) => `{ version: "1", type: "punchline", dag: [${GENERATOR(n)},
      { type: "alert", component: "cpu_alert", subscribe: [{ component: "gen", stream: "s" }], publish: [{ stream: "alerts", fields: ["alert"] }],
        settings: { name: "cpu", group_by: ["host"], crit: "\\"usage_idle\\" < 10", warn: "\\"usage_idle\\" < 30", message: "{{ index .Tags \\"host\\" }} is {{ .Level }}", details: "" } },
      { type: "print_output", subscribe: [{ component: "cpu_alert", stream: "alerts" }] }] }`,
  },
];

/** What one runtime case measured. */
export interface RuntimeMeasure {
  readonly tuplesPerSecond: number;
  /** Peak resident memory of the punchline process, bytes. */
  readonly peakRss: number;
  readonly seconds: number;
}

/** Runs one punchline in a fresh process (`dir` holds its file); resolves with tuples/s and its peak RSS. */
export async function measure(dir: string, name: string, text: string, tuples: number): Promise<RuntimeMeasure> {
  const file = join(dir, `${name.replace(/\W+/g, '-')}.json5`);
  writeFileSync(file, text);
  const child = startPunchline({ file, discardStdout: true });
  const watch = new Watch(child, () => undefined, 250);
  const code = await child.exited;
  watch.stop();
  const stderr = child.tail();
  if (code !== 0) throw new Error(`bench run "${name}" exited ${String(code)}: ${stderr}`);
  const running = logTime(stderr, 'running');
  const stopped = logTime(stderr, 'stopped');
  if (running === undefined || stopped === undefined) throw new Error(`bench run "${name}": no "running" and "stopped" log lines in:\n${stderr}`);
  const seconds = (stopped - running) / 1000;
  return { tuplesPerSecond: tuples / seconds, peakRss: watch.peakRss, seconds };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const tuples = Number(process.argv[2] ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'punchline-bench-'));
  try {
    for (const { name, punchline } of CASES) {
      const result = await measure(dir, name, punchline(tuples), tuples);
      process.stdout.write(`${name}: ${Math.round(result.tuplesPerSecond).toLocaleString('en')} tuples/s over ${tuples.toLocaleString('en')}, peak RSS ${Math.round(result.peakRss / 2 ** 20)} MB\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
