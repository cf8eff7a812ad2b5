/**
 * Runtime overhead without Kafka, each case in a fresh `punchline run` process, timed from the
 * "running" to the "stopped" log line (startup excluded):
 * - generator_input → print_output (stdout to /dev/null), acking on, then off
 *   (`topology.acker.executors: 0`);
 * - generator_input → alert (two lambdas, a message template) → print_output.
 * Usage: node --import tsx bench/runtime-throughput.ts [tuples]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'punchline-bench-'));

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

function logTime(stderr: string, msg: string): number {
  const line = stderr.split('\n').find((l) => l.includes(`"msg":"${msg}"`));
  if (line === undefined) throw new Error(`no "${msg}" log line in:\n${stderr}`);
  return Date.parse((JSON.parse(line) as { time: string }).time);
}

/** Runs one punchline in a fresh process; returns tuples/s. */
export function measure(name: string, text: string, tuples: number): number {
  const file = join(dir, `${name.replace(/\W+/g, '-')}.json5`);
  writeFileSync(file, text);
  const run = spawnSync(process.execPath, ['--import', 'tsx', main, 'run', file, '--log-level', 'info'], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`bench run "${name}" exited ${run.status}: ${run.stderr}`);
  return tuples / ((logTime(run.stderr, 'stopped') - logTime(run.stderr, 'running')) / 1000);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const tuples = Number(process.argv[2] ?? 1_000_000);
  for (const { name, punchline } of CASES) {
    process.stdout.write(`${name}: ${Math.round(measure(name, punchline(tuples), tuples)).toLocaleString('en')} tuples/s over ${tuples.toLocaleString('en')}\n`);
  }
}
