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

/** End-to-end latency at a fixed offered load: of (d) on one client, or of that client's raw pipe (`latency_b…`). */
export interface LatencyResult {
  readonly kind: 'latency';
  readonly id: 'latency' | 'latency_platformatic' | 'latency_b' | 'latency_b_platformatic';
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

/**
 * The raw client cases by client and path: what the "clients side by side" table shows, and the
 * same-client baselines the punchline cases are compared with.
 */
const CLIENT_CASES: readonly { readonly client: string; readonly consume: string; readonly pipe: string; readonly produce: string }[] = [
  { client: 'kafkajs', consume: 'a', pipe: 'b', produce: 'p' },
  { client: '@platformatic/kafka', consume: 'a_platformatic', pipe: 'b_platformatic', produce: 'p_platformatic' },
  { client: 'Java', consume: 'e', pipe: 'e_pipe', produce: 'e_produce' },
];
const RAW_CASE_IDS: ReadonlySet<string> = new Set(CLIENT_CASES.flatMap((c) => [c.consume, c.pipe, c.produce]));

/** The throughput result of case `id`, if it ran (ids as text: cases another branch adds are found once they exist). */
function throughputOf(results: readonly CaseResult[], id: string): ThroughputResult | undefined {
  return results.find((r): r is ThroughputResult => r.kind === 'throughput' && r.id === id);
}

/** The issue's targets, from the results (a case that did not run leaves its target undecided). */
export function checkTargets(results: readonly CaseResult[]): TargetCheck[] {
  const ratio = (num: string, den: string, min: number, label: string): TargetCheck => {
    const n = throughputOf(results, num)?.recordsPerSecond;
    const d = throughputOf(results, den)?.recordsPerSecond;
    if (n === undefined || d === undefined) return { target: label, measured: 'not measured', holds: undefined };
    // Rounded down, so a ratio just under its bound never reads as the bound itself.
    return { target: label, measured: `${Math.floor(100 * (n / d))}%`, holds: n / d >= min };
  };
  const fastest = (ids: readonly string[], min: number, label: string): TargetCheck => {
    const best = ids
      .map((id) => throughputOf(results, id))
      .filter((r): r is ThroughputResult => r !== undefined)
      .sort((x, y) => y.recordsPerSecond - x.recordsPerSecond)[0];
    if (best === undefined) return { target: label, measured: 'not measured', holds: undefined };
    return { target: label, measured: `${int(best.recordsPerSecond)} records/s (${best.id})`, holds: best.recordsPerSecond >= min };
  };
  const stalled = results.find((r): r is StalledResult => r.kind === 'stalled');
  return [
    ratio('c', 'a', 0.6, '(c) ≥ 60% of the raw consumer of its client: kafkajs, (c) / (a)'),
    ratio('c_platformatic', 'a_platformatic', 0.6, '(c) ≥ 60% of the raw consumer of its client: @platformatic/kafka, c_platformatic / a_platformatic'),
    ratio('c_semispace', 'a', 0.6, '(c) as the installed punchline run starts it (young generation 64 MB): kafkajs, c_semispace / (a)'),
    ratio('c_platformatic_semispace', 'a_platformatic', 0.6, '(c) as the installed punchline run starts it: @platformatic/kafka, c_platformatic_semispace / a_platformatic'),
    fastest(['c', 'c_platformatic', 'c_semispace', 'c_platformatic_semispace'], 350_000, '(c) ≥ 350,000 records/s with the faster client'),
    ratio('c_tuned', 'a', 0.6, '(c) tuned ≥ 60% of (a)'),
    ratio('d', 'b', 0.5, '(d) ≥ 50% of the raw pipe of its client: kafkajs, (d) / (b)'),
    ratio('d_platformatic_both', 'b_platformatic', 0.5, '(d) ≥ 50% of the raw pipe of its client: @platformatic/kafka, d_platformatic_both / b_platformatic'),
    fastest(['d', 'd_platformatic_both'], 100_000, '(d) ≥ 100,000 records/s with the faster client'),
    ratio('d_tuned', 'b', 0.5, '(d) tuned ≥ 50% of (b)'),
    latencyTarget(results),
    stalled === undefined
      ? { target: 'RSS of (c) under back-pressure ≤ 300 MB', measured: 'not measured', holds: undefined }
      : { target: 'RSS of (c) under back-pressure ≤ 300 MB', measured: `peak ${mb(stalled.peakRssMb)}, ${stalled.growthMbPerMin >= 0 ? '+' : ''}${stalled.growthMbPerMin.toFixed(1)} MB/min`, holds: stalled.peakRssMb <= 300 },
  ];
}

/** The latency cases of (d), one per client, with the raw pipe of the same client. */
const LATENCY_PAIRS = [
  { client: 'kafkajs', punchline: 'latency', pipe: 'latency_b' },
  { client: '@platformatic/kafka', punchline: 'latency_platformatic', pipe: 'latency_b_platformatic' },
] as const;

function latencyOf(results: readonly CaseResult[], id: LatencyResult['id']): LatencyResult | undefined {
  return results.find((r): r is LatencyResult => r.kind === 'latency' && r.id === id);
}

/** p99 of (d) ≤ 20 ms, judged on the client with the lower p99; every client's figure shown. */
function latencyTarget(results: readonly CaseResult[]): TargetCheck {
  const measured = LATENCY_PAIRS.flatMap((p) => {
    const r = latencyOf(results, p.punchline);
    return r === undefined ? [] : [{ client: p.client, r }];
  });
  const rate = measured[0]?.r.offeredPerSecond ?? 5000;
  const target = `p99 of (d) ≤ 20 ms at ${int(rate)} records/s with the faster client`;
  const best = [...measured].sort((x, y) => x.r.p99Ms - y.r.p99Ms)[0];
  if (best === undefined) return { target, measured: 'not measured', holds: undefined };
  return { target, measured: measured.map((m) => `${m.r.p99Ms.toFixed(1)} ms (${m.client})`).join(', '), holds: best.r.p99Ms <= 20 };
}

/**
 * Each latency case, and for (d) what its p99 adds to the p99 of its client's raw pipe.
 * Empty when no latency case ran.
 */
export function formatLatencyTable(results: readonly CaseResult[]): string[] {
  const latencies = results.filter((r): r is LatencyResult => r.kind === 'latency');
  if (latencies.length === 0) return [];
  const ms = (n: number): string => `${n.toFixed(1)} ms`;
  const out = [`Latency at ${int(latencies[0]?.offeredPerSecond ?? 0)} records/s offered (send to read back, one clock; (b) is the raw pipe of the client, read by the same probe):`, ''];
  out.push('| case | records | achieved/s | p50 | p90 | p99 | p99.9 | max | p99 added to its client\'s pipe | peak RSS | load avg |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of latencies) {
    const pipeId = LATENCY_PAIRS.find((p) => p.punchline === r.id)?.pipe;
    const pipe = pipeId === undefined ? undefined : latencyOf(results, pipeId);
    const added = pipe === undefined ? '' : `${r.p99Ms - pipe.p99Ms >= 0 ? '+' : ''}${ms(r.p99Ms - pipe.p99Ms)}`;
    out.push(
      `| ${r.name} | ${int(r.samples)}${r.missing > 0 ? `, **${int(r.missing)} missing**` : ''} | ${int(r.achievedPerSecond)} | ${ms(r.p50Ms)} | ${ms(r.p90Ms)} | ${ms(r.p99Ms)} | ${ms(r.p999Ms)} | ${ms(r.maxMs)} | ${added} | ${mb(r.peakRssMb)} | ${r.loadAverage.toFixed(2)} |`,
    );
  }
  out.push('');
  return out;
}

/**
 * The raw clients side by side: consume, consume → produce and produce for each client, records/s,
 * CPU µs per record and the rate as a share of kafkajs' on the same path. Empty when no raw case ran.
 */
export function formatClientTable(results: readonly CaseResult[]): string[] {
  const rows = CLIENT_CASES.filter((c) => [c.consume, c.pipe, c.produce].some((id) => throughputOf(results, id) !== undefined));
  if (rows.length === 0) return [];
  const kafkajs = CLIENT_CASES[0];
  const cell = (id: string, kafkajsId: string | undefined): string => {
    const r = throughputOf(results, id);
    if (r === undefined) return '—';
    const base = kafkajsId === undefined || kafkajsId === id ? undefined : throughputOf(results, kafkajsId);
    const share = base === undefined ? '' : ` · ${((100 * r.recordsPerSecond) / base.recordsPerSecond).toFixed(0)}%`;
    return `${int(r.recordsPerSecond)}/s · ${r.cpuUsPerRecord === undefined ? '?' : r.cpuUsPerRecord.toFixed(2)} µs${share}`;
  };
  const out = ['Raw clients side by side (records/s · CPU µs per record · % of kafkajs on the same path; case ids in docs/benchmarks.md):', ''];
  out.push('| client | consume | consume → produce | produce |', '|---|---:|---:|---:|');
  for (const c of rows) out.push(`| ${c.client} | ${cell(c.consume, kafkajs?.consume)} | ${cell(c.pipe, kafkajs?.pipe)} | ${cell(c.produce, kafkajs?.produce)} |`);
  out.push('');
  return out;
}

/**
 * Each punchline case against the raw baseline of its own client and path (the ratios the
 * issue's targets are about), and the CPU per record the punchline adds to that client's.
 * Empty when no such pair ran.
 */
export function formatPunchlineRatios(results: readonly CaseResult[]): string[] {
  const pairs = results
    .filter((r): r is ThroughputResult => r.kind === 'throughput' && r.id !== 'runtime' && !RAW_CASE_IDS.has(r.id) && r.baseline !== undefined)
    .map((r) => ({ r, base: throughputOf(results, r.baseline ?? '') }))
    .filter((p): p is { r: ThroughputResult; base: ThroughputResult } => p.base !== undefined);
  if (pairs.length === 0) return [];
  const out = ['Punchline against the raw client it runs on (same run):', ''];
  out.push('| case | records/s | raw baseline | its records/s | ratio | CPU µs/record | the baseline\'s | added by punchline |', '|---|---:|---|---:|---:|---:|---:|---:|');
  for (const { r, base } of pairs) {
    const us = (x: ThroughputResult): string => (x.cpuUsPerRecord === undefined ? '' : x.cpuUsPerRecord.toFixed(2));
    const added = r.cpuUsPerRecord === undefined || base.cpuUsPerRecord === undefined ? '' : `${r.cpuUsPerRecord - base.cpuUsPerRecord >= 0 ? '+' : ''}${(r.cpuUsPerRecord - base.cpuUsPerRecord).toFixed(2)}`;
    out.push(`| ${r.name} | ${int(r.recordsPerSecond)} | ${base.name} | ${int(base.recordsPerSecond)} | ${((100 * r.recordsPerSecond) / base.recordsPerSecond).toFixed(0)}% | ${us(r)} | ${us(base)} | ${added} |`);
  }
  out.push('');
  return out;
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
      const versus = base === undefined ? (r.id === 'a' || r.id === 'b' || r.id === 'p' ? 'baseline' : '') : `${((100 * r.recordsPerSecond) / base).toFixed(0)}% of (${r.baseline ?? ''})`;
      const checked = r.committed === undefined ? '' : r.committed === r.processed ? `${int(r.processed)} committed` : `**${int(r.committed)} committed of ${int(r.processed)}**`;
      out.push(
        `| ${r.name} | ${int(r.recordsPerSecond)} | ${versus} | ${r.cpuUsPerRecord === undefined ? '' : r.cpuUsPerRecord.toFixed(2)} | ${r.cores === undefined ? '' : r.cores.toFixed(2)} | ${mb(r.peakRssMb)} | ${r.loadAverage.toFixed(2)} | ${checked} |`,
      );
    }
    out.push('');
  }
  out.push(...formatClientTable(report.results), ...formatPunchlineRatios(report.results));
  out.push(...formatLatencyTable(report.results));
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
    const before = previous.results.find((p) => p.kind === r.kind && (r.kind === 'latency' ? p.id === r.id : p.name === r.name));
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
