/**
 * A punchline run as a user runs it: `node --import tsx src/cli/main.ts run <file>`, in a child
 * process of its own (from the sources, as `bench/runtime-throughput.ts` always did: no build
 * step, and the tsx compile happens at start-up, outside every measured window). Its progress is
 * read from its Prometheus endpoint, its outcome from its JSON log lines.
 */
import { fileURLToPath } from 'node:url';
import { startChild } from './child.js';
import type { Child } from './child.js';
import { sleep } from './watch.js';

const CLI_MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** How to run a punchline. */
export interface PunchlineRun {
  readonly file: string;
  readonly config?: string;
  readonly metricsPort?: number;
  /** Extra node flags, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  /** The punchline prints every tuple (print_output): send stdout to /dev/null. */
  readonly discardStdout?: boolean;
}

/** Starts `punchline run` with JSON logs at info level on stderr. */
export function startPunchline(run: PunchlineRun): Child {
  const args = [...(run.nodeArgs ?? []), '--import', 'tsx', CLI_MAIN, 'run', run.file, '--log-level', 'info'];
  if (run.config !== undefined) args.push('--config', run.config);
  if (run.metricsPort !== undefined) args.push('--metrics-port', String(run.metricsPort));
  return startChild(process.execPath, args, { cwd: REPO_ROOT, discardStdout: run.discardStdout === true, env: { NO_COLOR: '1' } });
}

interface LogLine {
  readonly msg?: string;
  readonly time?: string | number;
  readonly inputs?: Record<string, { readonly acked: number; readonly failed: number }>;
}

function logLines(stderr: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const text of stderr.split('\n')) {
    if (!text.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(text) as LogLine);
    } catch {
      // A line cut by the tail: not one we need.
    }
  }
  return lines;
}

/** The time (epoch ms) of the first log line with message `msg`, `undefined` when there is none. */
export function logTime(stderr: string, msg: string): number | undefined {
  const line = logLines(stderr).find((l) => l.msg === msg);
  if (line?.time === undefined) return undefined;
  return typeof line.time === 'number' ? line.time : Date.parse(line.time);
}

/** Acked and failed totals per input, from the `stopped` log line of a graceful stop. */
export function stoppedTotals(stderr: string): Record<string, { readonly acked: number; readonly failed: number }> | undefined {
  return logLines(stderr).find((l) => l.msg === 'stopped')?.inputs;
}

/** The `/metrics` text of a running punchline. */
export async function scrape(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  return response.text();
}

/** The value of one series of a Prometheus text exposition: `name{…labels…} value`; summed over matching series. */
export function metricValue(text: string, name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) sum = (sum ?? 0) + value;
  }
  return sum;
}

/** Waits until the punchline answers `/healthz` with 200 (every node started); throws if it exits first or after `timeoutMs`. */
export async function waitReady(child: Child, port: number, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.hasExited()) throw new Error(`the punchline exited with ${String(await child.exited)} before it was ready:\n${child.tail()}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`the punchline was not ready after ${timeoutMs / 1000} s:\n${child.tail()}`);
}
