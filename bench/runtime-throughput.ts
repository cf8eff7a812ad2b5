/**
 * Runtime overhead without Kafka: generator_input → print_output to /dev/null over N tuples,
 * with end-to-end acking and with `topology.acker.executors: 0`. Prints tuples/s.
 * Usage: node --import tsx bench/runtime-throughput.ts [tuples]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const tuples = Number(process.argv[2] ?? 1_000_000);
const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'punchline-bench-'));

function punchline(ackers: number): string {
  return `{ version: "1", type: "punchline",
    dag: [
      { type: "generator_input", component: "gen", settings: { messages: [{ host: "server-%{cycle:a|b|c}", usage_idle: "%{random:0:100}", msg: "cpu sample %{counter}" }], count: ${tuples}, end_when_acked: ${ackers > 0} },
        publish: [{ stream: "s", fields: ["host", "usage_idle", "msg", "_ppf_id"] }] },
      { type: "print_output", subscribe: [{ component: "gen", stream: "s" }] },
    ],
    settings: { "topology.acker.executors": ${ackers} } }`;
}

/** The time of the first log line with message `msg`. */
function logTime(stderr: string, msg: string): number {
  const line = stderr.split('\n').find((l) => l.includes(`"msg":"${msg}"`));
  if (line === undefined) throw new Error(`no "${msg}" log line in:\n${stderr}`);
  return Date.parse((JSON.parse(line) as { time: string }).time);
}

/** Runs one case in a fresh process; returns tuples/s from "running" to "stopped" (startup excluded). */
export function measure(ackers: number): number {
  const file = join(dir, `bench-${ackers}.json5`);
  writeFileSync(file, punchline(ackers));
  const run = spawnSync(process.execPath, ['--import', 'tsx', main, 'run', file, '--log-level', 'info'], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  if (run.status !== 0) throw new Error(`bench run exited ${run.status}: ${run.stderr}`);
  const seconds = (logTime(run.stderr, 'stopped') - logTime(run.stderr, 'running')) / 1000;
  return tuples / seconds;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const ackers of [1, 0]) {
    const rate = measure(ackers);
    process.stdout.write(`generator → print_output(/dev/null), ${tuples} tuples, acking ${ackers > 0 ? 'on ' : 'off'}: ${Math.round(rate).toLocaleString('en')} tuples/s \n`);
  }
}
