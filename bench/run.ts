/**
 * `npm run bench`: the end-to-end benchmark of issue 9, scripted from start to end.
 *
 * 1. Starts its own single-node Kafka broker (the harness of `src/tools/local-broker`, in a temporary folder)
 *    and loads a 6-partition topic with N lumberjack records (`bench/kafka/records.ts`).
 * 2. Runs every case in a child process of its own, one after the other (`bench/kafka/cases.ts`,
 *    `bench/runtime-throughput.ts`), sampling its progress, CPU time and resident memory.
 * 3. Prints the table, writes `latest.json` and `latest.md` (and appends a full run to
 *    `history.jsonl`, compared with the previous one) under `bench/results/`.
 *
 * Whatever happens (a failed case, Ctrl-C), every child and the broker are stopped and the
 * scratch folder removed. Exits 1 when a case failed, 2 on a usage error; targets are printed,
 * never asserted. Options: see `bench/harness/options.ts` and docs/benchmarks.md.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';
import { DEFAULT_KAFKA_VERSION, ensureKafkaJars, kafkaClasspath, startKafkaCluster } from '../src/tools/local-broker/index.js';
import type { KafkaCluster } from '../src/tools/local-broker/index.js';
import { killAllChildren } from './harness/child.js';
import { CASE_IDS, parseOptions } from './harness/options.js';
import type { BenchOptions, CaseId } from './harness/options.js';
import { checkTargets, describeMachine, formatMarkdown, loadAverageNow, previousRun, resultsDir, round, writeReport } from './harness/report.js';
import type { CaseResult, RunReport, ThroughputResult } from './harness/report.js';
import { runJavaCase, runLatencyCase, runPunchlineCase, runRawCase, runStalledCase } from './kafka/cases.js';
import type { KafkaBenchContext } from './kafka/cases.js';
import { platformConfig } from './kafka/punchlines.js';
import { createTopic, endOffsetTotal, loadTopic } from './kafka/topics.js';
import { CASES as RUNTIME_CASES, measure as measureRuntime } from './runtime-throughput.js';

const RESULTS_ROOT = fileURLToPath(new URL('./results', import.meta.url));
const KAFKA_CASES: readonly CaseId[] = CASE_IDS.filter((id) => id !== 'runtime');
const CASE_NAMES: Readonly<Record<CaseId, string>> = {
  a: '(a) kafkajs consumer',
  b: '(b) kafkajs consume → produce',
  a_platformatic: '(a) @platformatic/kafka consumer',
  b_platformatic: '(b) @platformatic/kafka consume → produce',
  c: '(c) kafka_input → file_output',
  c_tuned: '(c) tuned',
  d: '(d) kafka_input → alert → kafka_output',
  d_tuned: '(d) tuned',
  d_platformatic: '(d) writing with @platformatic/kafka',
  c_platformatic: '(c) reading with @platformatic/kafka',
  d_platformatic_both: '(d) reading and writing with @platformatic/kafka',
  c_semispace: '(c) with --max-semi-space-size=64',
  c_platformatic_semispace: '(c) on @platformatic/kafka with --max-semi-space-size=64',
  e: '(e) Java ConsumerPerformance',
  e_pipe: '(b) Java consume → produce',
  p: '(p) kafkajs producer',
  p_platformatic: '(p) @platformatic/kafka producer',
  e_produce: '(p) Java producer',
  latency_b: '(b) kafkajs latency',
  latency: '(d) latency',
  latency_b_platformatic: '(b) @platformatic/kafka latency',
  latency_platformatic: '(d) latency on @platformatic/kafka',
  stalled: '(c) stalled output',
  runtime: 'runtime only',
};

const started = performance.now();
function say(message: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`bench ${seconds}s  ${message}\n`);
}

/** What must be undone, whatever happens. */
const owned: { cluster?: KafkaCluster; admin?: Admin; workDir?: string } = {};
/** Set by SIGINT/SIGTERM: the run stops, and writes no results. */
let interrupted = false;

async function cleanUp(): Promise<void> {
  killAllChildren(true);
  await owned.admin?.disconnect().catch(() => undefined);
  owned.admin = undefined;
  await owned.cluster?.stop({ kill: true }).catch(() => undefined);
  owned.cluster = undefined;
  if (owned.workDir !== undefined) rmSync(owned.workDir, { recursive: true, force: true });
  owned.workDir = undefined;
}

function onSignal(signal: NodeJS.Signals): void {
  interrupted = true;
  say(`${signal}: stopping every process of the benchmark; no results are written`);
  void cleanUp().finally(() => process.exit(130));
}

function describeResult(result: CaseResult): string {
  switch (result.kind) {
    case 'throughput':
      return `${Math.round(result.recordsPerSecond).toLocaleString('en-US')} records/s, ${result.cpuUsPerRecord === undefined ? '' : `${result.cpuUsPerRecord} CPU µs/record, `}peak RSS ${result.peakRssMb} MB (load ${result.loadAverage})`;
    case 'latency':
      return `p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms over ${result.samples} records, peak RSS ${result.peakRssMb} MB (load ${result.loadAverage})`;
    case 'stalled':
      return `peak RSS ${result.peakRssMb} MB, ${result.growthMbPerMin} MB/min, ${result.acked} acked, ${result.failed} failed, ${result.outputQueuedAtEnd} queued in the output (load ${result.loadAverage})`;
    case 'failed':
      return `FAILED: ${result.error}`;
  }
}

/** Starts the broker and loads the input topic. */
async function prepareKafka(options: BenchOptions, workDir: string): Promise<KafkaBenchContext> {
  const libsDir = await ensureKafkaJars(DEFAULT_KAFKA_VERSION, { onProgress: say });
  say('starting a Kafka broker');
  const cluster = await startKafkaCluster({ stateDir: join(workDir, 'broker'), heapMb: 1024, onProgress: say });
  owned.cluster = cluster;
  const bootstrap = cluster.bootstrapServers;
  const kafka = new Kafka({ clientId: 'bench', brokers: [...bootstrap], logLevel: logLevel.WARN });
  const admin = kafka.admin();
  owned.admin = admin;
  await admin.connect();
  const inputTopic = 'bench-input';
  await createTopic(admin, inputTopic);
  say(`loading ${options.records.toLocaleString('en-US')} records into ${inputTopic} (6 partitions)`);
  const loadStart = performance.now();
  let reported = 0;
  await loadTopic(kafka, inputTopic, options.records, (written) => {
    if (written - reported >= options.records / 5) {
      reported = written;
      say(`  ${written.toLocaleString('en-US')} records loaded`);
    }
  });
  const records = await endOffsetTotal(admin, inputTopic);
  say(`loaded ${records.toLocaleString('en-US')} records in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);
  const platformFile = join(workDir, 'platform.json5');
  writeFileSync(platformFile, platformConfig(bootstrap));
  return {
    options,
    bootstrap,
    admin,
    workDir,
    platformFile,
    inputTopic,
    records,
    classpath: kafkaClasspath(libsDir),
    kafkaLibsDir: libsDir,
    profileDir: options.profile ? join(RESULTS_ROOT, 'tmp', 'profiles') : undefined,
    say,
  };
}

async function runKafkaCase(ctx: KafkaBenchContext, id: CaseId): Promise<CaseResult> {
  switch (id) {
    case 'a':
    case 'b':
    case 'a_platformatic':
    case 'b_platformatic':
    case 'p':
    case 'p_platformatic':
    case 'e_pipe':
    case 'e_produce':
      return runRawCase(ctx, id);
    case 'c':
    case 'c_tuned':
    case 'd':
    case 'd_tuned':
    case 'd_platformatic':
    case 'c_platformatic':
    case 'd_platformatic_both':
    case 'c_semispace':
    case 'c_platformatic_semispace':
      return runPunchlineCase(ctx, id);
    case 'e':
      return runJavaCase(ctx);
    case 'latency_b':
    case 'latency':
    case 'latency_b_platformatic':
    case 'latency_platformatic':
      return runLatencyCase(ctx, id);
    case 'stalled':
      return runStalledCase(ctx);
    case 'runtime':
      throw new Error('not a Kafka case');
  }
}

async function runRuntimeCases(options: BenchOptions, workDir: string): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const { name, punchline } of RUNTIME_CASES) {
    if (interrupted) break;
    const label = `runtime: ${name}`;
    say(`${label}…`);
    try {
      const measured = await measureRuntime(workDir, name, punchline(options.runtimeTuples), options.runtimeTuples);
      const result: ThroughputResult = {
        kind: 'throughput',
        id: 'runtime',
        name: label,
        recordsPerSecond: round(measured.tuplesPerSecond),
        peakRssMb: round(measured.peakRss / 2 ** 20),
        windowRecords: options.runtimeTuples,
        windowSeconds: round(measured.seconds, 2),
        processed: options.runtimeTuples,
        loadAverage: loadAverageNow(),
        notes: [],
      };
      results.push(result);
      say(`${label}: ${describeResult(result)}`);
    } catch (error) {
      results.push({ kind: 'failed', id: 'runtime', name: label, error: error instanceof Error ? error.message : String(error) });
      say(`${label}: FAILED: ${String(error)}`);
    }
  }
  return results;
}

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\nusage: npm run bench [-- --quick] [--only ${CASE_IDS.join(',')}] [--records N] [--duration S] [--profile]\n`);
    return 2;
  }
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const loadAverageStart = loadavg().map((l) => round(l, 2));
  const workDir = mkdtempSync(join(tmpdir(), 'punchline-bench-'));
  owned.workDir = workDir;
  const results: CaseResult[] = [];
  let kafkaVersion = '—';
  try {
    if (options.cases.some((id) => KAFKA_CASES.includes(id))) {
      const ctx = await prepareKafka(options, workDir);
      kafkaVersion = DEFAULT_KAFKA_VERSION;
      for (const id of options.cases.filter((c) => KAFKA_CASES.includes(c))) {
        if (interrupted) break;
        say(`${CASE_NAMES[id]}…`);
        let result: CaseResult;
        try {
          result = await runKafkaCase(ctx, id);
        } catch (error) {
          killAllChildren();
          result = { kind: 'failed', id, name: CASE_NAMES[id], error: error instanceof Error ? error.message : String(error) };
        }
        results.push(result);
        say(`${result.name}: ${describeResult(result)}`);
      }
    }
    if (options.cases.includes('runtime') && !interrupted) results.push(...(await runRuntimeCases(options, workDir)));
  } finally {
    await cleanUp();
  }
  if (interrupted) return 130;

  const mode: RunReport['mode'] = options.recordsHistory ? 'full' : options.quick && options.cases.length === CASE_IDS.length ? 'quick' : 'partial';
  const report: RunReport = {
    date: new Date().toISOString(),
    mode,
    machine: describeMachine(kafkaVersion),
    settings: {
      records: options.records,
      'case duration (s)': options.durationS,
      'warm-up (s)': options.warmupS,
      'latency load (records/s)': options.latencyRate,
      'latency run (s)': options.latencyS,
      'stalled run (s)': options.stalledS,
      'runtime tuples': options.runtimeTuples,
      profiled: options.profile ? 'yes (slower)' : 'no',
    },
    loadAverageStart,
    loadAverageEnd: loadavg().map((l) => round(l, 2)),
    durationS: round((performance.now() - started) / 1000),
    results,
    targets: checkTargets(results),
  };
  const dir = resultsDir(RESULTS_ROOT, mode);
  const history = join(RESULTS_ROOT, 'history.jsonl');
  const previous = mode === 'full' ? previousRun(history) : undefined;
  const markdown = formatMarkdown(report, previous);
  writeReport(dir, report, markdown, mode === 'full' ? history : undefined);
  process.stdout.write(`\n${markdown}\n`);
  say(`results written to ${dir}${mode === 'full' ? ' (and appended to history.jsonl)' : ''}`);
  return results.some((r) => r.kind === 'failed') ? 1 : 0;
}

process.exitCode = await main();
