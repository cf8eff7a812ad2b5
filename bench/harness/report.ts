/**
 * What a benchmark run found, and where it goes: a table on the console, `latest.json` and
 * `latest.md` under `bench/results/` (or `bench/results/tmp/` for quick and partial runs), and for
 * a full run one more line in `bench/results/history.jsonl`, compared with the line before it so a
 * regression shows.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import type { CaseId } from './options.js';

/** A throughput case: records/s over its steady window. */
export interface ThroughputResult {
  readonly kind: 'throughput';
  readonly id: CaseId;
  readonly name: string;
  /** The case whose rate this one is compared with (`a` or `b`), if any. */
  readonly baseline?: CaseId;
  readonly recordsPerSecond: number;
  /** CPU microseconds per record (the case's process: user + system, every thread). */
  readonly cpuUsPerRecord?: number;
  /** Cores the case's process kept busy over the window. */
  readonly cores?: number;
  readonly peakRssMb: number;
  /** Records in the steady window, and its length. */
  readonly windowRecords: number;
  readonly windowSeconds: number;
  /** Records processed in all, and whether the group's committed offsets say the same. */
  readonly processed: number;
  readonly committed?: number;
  /** One-minute load average of the machine at the end of the case. */
  readonly loadAverage: number;
  readonly notes: readonly string[];
}

/** End-to-end latency of (d) at a fixed offered load. */
export interface LatencyResult {
  readonly kind: 'latency';
  readonly id: 'latency';
  readonly name: string;
  readonly offeredPerSecond: number;
  readonly achievedPerSecond: number;
  readonly samples: number;
  /** Records produced after the warm-up that never came back within the wait. */
  readonly missing: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  readonly peakRssMb: number;
  readonly loadAverage: number;
  readonly notes: readonly string[];
}

/** Memory of (c) behind an output that never confirms a write, with a backlog to read. */
export interface StalledResult {
  readonly kind: 'stalled';
  readonly id: 'stalled';
  readonly name: string;
  readonly backlog: number;
  readonly seconds: number;
  readonly peakRssMb: number;
  /** Median RSS from 10% to 30% of the run (the in-flight window is full by then). */
  readonly rssEarlyMb: number;
  /** Median RSS over the last 20% of the run. */
  readonly rssEndMb: number;
  /** (late − early) per minute between the two windows: flat ≈ 0. */
  readonly growthMbPerMin: number;
  /** Tuple trees acked (before the FIFO filled) and failed (timeouts, then replayed). */
  readonly acked: number;
  readonly failed: number;
  /** Tuple trees in flight for the input at the end: bounded by `topology.max.spout.pending`. */
  readonly pendingAtEnd: number;
  /**
   * Tuples the stalled output received and never answered for, at the end: the in-flight ones,
   * plus the copies of trees that timed out while queued there (replays add new copies).
   */
  readonly outputQueuedAtEnd: number;
  readonly loadAverage: number;
  readonly notes: readonly string[];
}

/** A case that could not run. */
export interface FailedResult {
  readonly kind: 'failed';
  readonly id: CaseId;
  readonly name: string;
  readonly error: string;
}

/** Anything a case gives. */
export type CaseResult = ThroughputResult | LatencyResult | StalledResult | FailedResult;

/** The machine and the code a run measured. */
export interface MachineDescription {
  readonly cpuModel: string;
  readonly cpus: number;
  readonly memoryGb: number;
  readonly kernel: string;
  readonly node: string;
  readonly java: string;
  readonly kafka: string;
  readonly commit: string;
  /** Files changed since the commit (the figures are of the working tree). */
  readonly dirty: boolean;
}

/** One run. */
export interface RunReport {
  readonly date: string;
  readonly mode: 'full' | 'quick' | 'partial';
  readonly machine: MachineDescription;
  readonly settings: Readonly<Record<string, number | string>>;
  readonly loadAverageStart: readonly number[];
  readonly loadAverageEnd: readonly number[];
  readonly durationS: number;
  readonly results: readonly CaseResult[];
  /** The targets of the issue, as measured (printed, never asserted). */
  readonly targets: readonly TargetCheck[];
}

/** One target of the issue. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  /** `undefined` when a case it needs did not run. */
  readonly holds: boolean | undefined;
}

/** What a command prints (stdout, else stderr: `java -version` prints there), `unknown` when it cannot run. */
function commandOutput(command: string, args: readonly string[]): string {
  const run = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (run.error !== undefined) return 'unknown';
  return (run.stdout.trim() || run.stderr.trim()).trim();
}

/** Describes this machine and the checked-out code. */
export function describeMachine(kafkaVersion: string): MachineDescription {
  const java = commandOutput('java', ['-version']).split('\n')[0] ?? 'unknown';
  const commit = commandOutput('git', ['rev-parse', '--short', 'HEAD']);
  const status = commandOutput('git', ['status', '--porcelain', '--untracked-files=no']);
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    java,
    kafka: kafkaVersion,
    commit,
    dirty: status !== '',
  };
}

/** The 1-minute load average now. */
export function loadAverageNow(): number {
  return round(loadavg()[0] ?? 0, 2);
}

/** Rounds to `digits` decimals. */
export function round(value: number, digits = 0): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const mb = (n: number): string => `${Math.round(n)} MB`;

/** The rate of the baseline a throughput result is compared with. */
function baselineRate(report: RunReport, result: ThroughputResult): number | undefined {
  if (result.baseline === undefined) return undefined;
  const base = report.results.find((r): r is ThroughputResult => r.kind === 'throughput' && r.id === result.baseline);
  return base?.recordsPerSecond;
}

/** The issue's targets, from the results (a case that did not run leaves its target undecided). */
export function checkTargets(results: readonly CaseResult[]): TargetCheck[] {
  const rate = (id: CaseId): number | undefined => results.find((r): r is ThroughputResult => r.kind === 'throughput' && r.id === id)?.recordsPerSecond;
  const ratio = (num: CaseId, den: CaseId, min: number, label: string): TargetCheck => {
    const n = rate(num);
    const d = rate(den);
    if (n === undefined || d === undefined) return { target: label, measured: 'not measured', holds: undefined };
    return { target: label, measured: `${(100 * (n / d)).toFixed(0)}%`, holds: n / d >= min };
  };
  const stalled = results.find((r): r is StalledResult => r.kind === 'stalled');
  return [
    ratio('c', 'a', 0.8, '(c) ≥ 80% of (a)'),
    ratio('c_tuned', 'a', 0.8, '(c) tuned ≥ 80% of (a)'),
    ratio('d', 'b', 0.7, '(d) ≥ 70% of (b)'),
    ratio('d_tuned', 'b', 0.7, '(d) tuned ≥ 70% of (b)'),
    stalled === undefined
      ? { target: 'RSS of (c) under back-pressure ≤ 300 MB', measured: 'not measured', holds: undefined }
      : { target: 'RSS of (c) under back-pressure ≤ 300 MB', measured: `peak ${mb(stalled.peakRssMb)}, ${stalled.growthMbPerMin >= 0 ? '+' : ''}${stalled.growthMbPerMin.toFixed(1)} MB/min`, holds: stalled.peakRssMb <= 300 },
  ];
}

/** The report as Markdown (also what the console shows). */
export function formatMarkdown(report: RunReport, previous?: RunReport): string {
  const m = report.machine;
  const out: string[] = [];
  out.push(`# Benchmark results (${report.mode} run)`, '');
  out.push(`${report.date} · ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, Linux ${m.kernel} · Node ${m.node} · ${m.java} · Kafka ${m.kafka} (one local broker) · commit ${m.commit}${m.dirty ? ' + uncommitted changes' : ''}`);
  out.push(`load average at start ${report.loadAverageStart.join(' ')}, at end ${report.loadAverageEnd.join(' ')} · ${Math.round(report.durationS)} s in all`);
  out.push(`settings: ${Object.entries(report.settings).map(([k, v]) => `${k} ${typeof v === 'number' ? int(v) : v}`).join(', ')}`, '');

  const throughput = report.results.filter((r): r is ThroughputResult => r.kind === 'throughput');
  if (throughput.length > 0) {
    out.push('| case | records/s | vs baseline | CPU µs/record | cores | peak RSS | load avg | checked |', '|---|---:|---:|---:|---:|---:|---:|---|');
    for (const r of throughput) {
      const base = baselineRate(report, r);
      const versus = base === undefined ? (r.id === 'a' || r.id === 'b' ? 'baseline' : '') : `${((100 * r.recordsPerSecond) / base).toFixed(0)}% of (${r.baseline ?? ''})`;
      const checked = r.committed === undefined ? '' : r.committed === r.processed ? `${int(r.processed)} committed` : `**${int(r.committed)} committed of ${int(r.processed)}**`;
      out.push(
        `| ${r.name} | ${int(r.recordsPerSecond)} | ${versus} | ${r.cpuUsPerRecord === undefined ? '' : r.cpuUsPerRecord.toFixed(2)} | ${r.cores === undefined ? '' : r.cores.toFixed(2)} | ${mb(r.peakRssMb)} | ${r.loadAverage.toFixed(2)} | ${checked} |`,
      );
    }
    out.push('');
  }
  const latency = report.results.find((r): r is LatencyResult => r.kind === 'latency');
  if (latency !== undefined) {
    out.push(`| ${latency.name} | offered/s | achieved/s | p50 | p90 | p99 | p99.9 | max | peak RSS | load avg |`, '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    out.push(
      `| ${int(latency.samples)} records${latency.missing > 0 ? `, **${int(latency.missing)} missing**` : ''} | ${int(latency.offeredPerSecond)} | ${int(latency.achievedPerSecond)} | ${latency.p50Ms.toFixed(1)} ms | ${latency.p90Ms.toFixed(1)} ms | ${latency.p99Ms.toFixed(1)} ms | ${latency.p999Ms.toFixed(1)} ms | ${latency.maxMs.toFixed(1)} ms | ${mb(latency.peakRssMb)} | ${latency.loadAverage.toFixed(2)} |`,
      '',
    );
  }
  const stalled = report.results.find((r): r is StalledResult => r.kind === 'stalled');
  if (stalled !== undefined) {
    out.push(
      `| ${stalled.name} | backlog | watched | RSS early | RSS late | peak RSS | growth | acked | failed (timeouts) | input in flight | queued in the output | load avg |`,
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    out.push(
      `| FIFO nobody reads | ${int(stalled.backlog)} | ${Math.round(stalled.seconds)} s | ${mb(stalled.rssEarlyMb)} | ${mb(stalled.rssEndMb)} | ${mb(stalled.peakRssMb)} | ${stalled.growthMbPerMin >= 0 ? '+' : ''}${stalled.growthMbPerMin.toFixed(1)} MB/min | ${int(stalled.acked)} | ${int(stalled.failed)} | ${int(stalled.pendingAtEnd)} | ${int(stalled.outputQueuedAtEnd)} | ${stalled.loadAverage.toFixed(2)} |`,
      '',
    );
  }
  const failed = report.results.filter((r): r is FailedResult => r.kind === 'failed');
  for (const f of failed) out.push(`**${f.name} failed:** ${f.error.split('\n')[0] ?? ''}`, '');

  out.push('| target | measured | holds |', '|---|---|---|');
  for (const t of report.targets) out.push(`| ${t.target} | ${t.measured} | ${t.holds === undefined ? '—' : t.holds ? 'yes' : '**no**'} |`);
  out.push('');
  const notes = report.results.flatMap((r) => ('notes' in r ? r.notes.map((n) => `- ${r.name}: ${n}`) : []));
  if (notes.length > 0) out.push('Notes:', ...notes, '');
  if (previous !== undefined) out.push(...compareWithPrevious(report, previous), '');
  return out.join('\n');
}

/** Changes since the previous full run: records/s, latency p99 and peak RSS, ±10% flagged. */
export function compareWithPrevious(report: RunReport, previous: RunReport): string[] {
  const lines = [`Compared with the previous full run (${previous.date}, commit ${previous.machine.commit}, load average at start ${previous.loadAverageStart.join(' ')}):`, ''];
  const change = (now: number, before: number, higherIsBetter: boolean): string => {
    const delta = (now - before) / before;
    const flag = Math.abs(delta) >= 0.1 ? ((delta > 0) === higherIsBetter ? ' (better)' : ' **(worse)**') : '';
    return `${delta >= 0 ? '+' : ''}${(100 * delta).toFixed(0)}%${flag}`;
  };
  for (const r of report.results) {
    const before = previous.results.find((p) => p.name === r.name && p.kind === r.kind);
    if (before === undefined) continue;
    if (r.kind === 'throughput' && before.kind === 'throughput') {
      lines.push(`- ${r.name}: ${int(r.recordsPerSecond)} records/s, ${change(r.recordsPerSecond, before.recordsPerSecond, true)}; peak RSS ${change(r.peakRssMb, before.peakRssMb, false)}`);
    } else if (r.kind === 'latency' && before.kind === 'latency') {
      lines.push(`- ${r.name}: p99 ${r.p99Ms.toFixed(1)} ms, ${change(r.p99Ms, before.p99Ms, false)}`);
    } else if (r.kind === 'stalled' && before.kind === 'stalled') {
      lines.push(`- ${r.name}: peak RSS ${mb(r.peakRssMb)}, ${change(r.peakRssMb, before.peakRssMb, false)}`);
    }
  }
  lines.push('', 'The machine is shared: compare load averages before reading a change of a few percent as a regression.');
  return lines;
}

/** The last full run recorded in the history, if any. */
export function previousRun(historyFile: string): RunReport | undefined {
  if (!existsSync(historyFile)) return undefined;
  const lines = readFileSync(historyFile, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const last = lines[lines.length - 1];
  return last === undefined ? undefined : (JSON.parse(last) as RunReport);
}

/** Where the files of a run go. */
export function resultsDir(root: string, mode: RunReport['mode']): string {
  return mode === 'full' ? root : join(root, 'tmp');
}

/** Writes `latest.json` and `latest.md` in `dir`, and appends the run to `history` when given. */
export function writeReport(dir: string, report: RunReport, markdown: string, history?: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, 'latest.md'), `${markdown}\n`);
  if (history !== undefined) appendFileSync(history, `${JSON.stringify(report)}\n`);
}
