/**
 * The Kafka cases of `npm run bench`, each in a child process reading the loaded input topic from
 * its start with a consumer group of its own:
 * - (a) kafkajs consumer, the baseline; (b) kafkajs consume → produce; (p) kafkajs producer
 *   (`raw-client.ts`); the same three with @platformatic/kafka (`raw-platformatic-client.ts`) and
 *   with the Java client (e: `java-consumer.ts`; e_pipe, e_produce: `java-client.ts`);
 * - (c) `kafka_input` → `file_output` on /dev/null; (d) `kafka_input` → `alert` → `kafka_output`;
 *   the same with @platformatic/kafka: the output only (d_platformatic), the input only
 *   (c_platformatic), both (d_platformatic_both); (c) on each client with only a larger young
 *   generation (c_semispace, c_platformatic_semispace);
 * - the end-to-end latency of (d) at a fixed offered load (`latency-probe.ts`), on kafkajs and on
 *   @platformatic/kafka, and of each client's raw pipe measured by the same probe;
 * - (c) behind an output that never confirms a write, with the whole topic as backlog.
 *
 * A throughput case runs for the configured duration or until it has read the whole topic, then
 * gets SIGTERM (a graceful stop: drain, commit); its figure is the rate over the steady window.
 * Afterwards the group's committed offsets are compared with what the case says it processed.
 */
import { closeSync, constants, existsSync, mkdirSync, openSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Admin } from 'kafkajs';
import { findFreePorts } from '../../src/tools/local-broker/index.js';
import { startChild } from '../harness/child.js';
import type { Child } from '../harness/child.js';
import { formatProfile, summariseProfile } from '../harness/cpu-profile.js';
import type { BenchOptions } from '../harness/options.js';
import { metricValue, scrape, startPunchline, stoppedTotals, waitReady } from '../harness/punchline-process.js';
import { loadAverageNow, round } from '../harness/report.js';
import type { LatencyResult, StalledResult, ThroughputResult } from '../harness/report.js';
import { Watch, sleep, steadyWindow } from '../harness/watch.js';
import { javaClientCommand } from './java-client.js';
import { javaConsumerPass } from './java-consumer.js';
import type { LatencyProbeConfig, LatencyProbeResult } from './latency-probe.js';
import { inputAlertOutput, inputToFile } from './punchlines.js';
import type { InputPlan } from './punchlines.js';
import type { RawClientConfig } from './raw-client.js';
import { writeRecordPool } from './records.js';
import { committedTotal, createTopic, endOffsetTotal } from './topics.js';

const RAW_CLIENTS = {
  kafkajs: fileURLToPath(new URL('./raw-client.ts', import.meta.url)),
  platformatic: fileURLToPath(new URL('./raw-platformatic-client.ts', import.meta.url)),
} as const;
const LATENCY_PROBE = fileURLToPath(new URL('./latency-probe.ts', import.meta.url));
const MB = 1024 * 1024;

/** What the Kafka cases share. */
export interface KafkaBenchContext {
  readonly options: BenchOptions;
  readonly bootstrap: readonly string[];
  readonly admin: Admin;
  /** Scratch folder of the run (punchline files, the FIFO, profiles). */
  readonly workDir: string;
  /** The platform config naming the run's broker `bench`. */
  readonly platformFile: string;
  readonly inputTopic: string;
  /** Records in the input topic. */
  readonly records: number;
  /** JVM classpath of the Kafka jars. */
  readonly classpath: string;
  /** The folder of those jars (the Java client cases compile against its kafka-clients jar). */
  readonly kafkaLibsDir: string;
  /** Where CPU profiles go with `--profile`. */
  readonly profileDir: string | undefined;
  readonly say: (message: string) => void;
}

let sequence = 0;
/** A topic or group name unique to this run. */
function uniqueName(prefix: string): string {
  return `bench-${prefix}-${process.pid}-${Date.now().toString(36)}-${sequence++}`;
}

/**
 * Runs until the case has read the whole topic or has been processing for the duration; throws
 * when the process exits on its own.
 */
async function runUntilDone(ctx: KafkaBenchContext, child: Child, watch: Watch): Promise<void> {
  let firstProgressAt: number | undefined;
  for (;;) {
    await sleep(100);
    if (child.hasExited()) throw new Error(`exited with ${String(await child.exited)} while running:\n${child.tail()}`);
    const count = watch.count ?? 0;
    if (count > 0) firstProgressAt ??= watch.elapsedMs;
    if (count >= ctx.records) return;
    if (firstProgressAt !== undefined && watch.elapsedMs - firstProgressAt >= ctx.options.durationS * 1000) return;
    if (firstProgressAt === undefined && watch.elapsedMs > 120_000) throw new Error(`no progress after 120 s:\n${child.tail()}`);
  }
}

/** The measured part of a throughput result. */
type SteadyFigures = Pick<ThroughputResult, 'recordsPerSecond' | 'cpuUsPerRecord' | 'cores' | 'peakRssMb' | 'windowRecords' | 'windowSeconds'>;

/**
 * Watches a throughput case from its start to its graceful stop (after `ready`, if given) and
 * returns its steady window's figures. `graceMs`: how long the SIGTERM stop may take.
 */
async function measureSteady(ctx: KafkaBenchContext, child: Child, watch: Watch, graceMs: number, ready?: () => Promise<void>): Promise<SteadyFigures> {
  try {
    await ready?.();
    await runUntilDone(ctx, child, watch);
    await watch.sample();
  } finally {
    watch.stop();
    await child.stop('SIGTERM', graceMs);
  }
  const window = steadyWindow(watch.samples, ctx.options.warmupS * 1000, ctx.records);
  if (window === undefined) throw new Error(`no steady window in ${watch.samples.length} samples:\n${child.tail()}`);
  return {
    recordsPerSecond: round(window.rate),
    cpuUsPerRecord: round(window.cpuUsPerRecord, 2),
    cores: round(window.cores, 2),
    peakRssMb: round(watch.peakRss / MB),
    windowRecords: window.records,
    windowSeconds: round(window.seconds, 2),
  };
}

function throughputNotes(ctx: KafkaBenchContext, watch: Watch, processed: number): string[] {
  const notes: string[] = [];
  const reading = readingSeconds(watch);
  if (processed >= ctx.records && reading > 0 && reading < 20 && !ctx.options.quick) {
    notes.push(`read the whole topic in ${reading.toFixed(1)} s: load more records (--records) for a 20 s run`);
  }
  return notes;
}

/** Seconds from the first to the last sample that counted progress. */
function readingSeconds(watch: Watch): number {
  const counted = watch.samples.filter((s) => s.count !== undefined && s.count > 0);
  const first = counted[0];
  const last = counted[counted.length - 1];
  return first === undefined || last === undefined ? 0 : (last.t - first.t) / 1000;
}

/**
 * The raw client cases: a client library alone, kafkajs (a, b, p), @platformatic/kafka or the Java
 * client (each compared with kafkajs on the same path).
 */
const RAW_CASES = {
  a: { mode: 'consume', library: 'kafkajs', name: '(a) kafkajs consumer' },
  b: { mode: 'pipe', library: 'kafkajs', name: '(b) kafkajs consume → produce' },
  a_platformatic: { mode: 'consume', library: 'platformatic', name: '(a) @platformatic/kafka consumer', baseline: 'a' },
  b_platformatic: { mode: 'pipe', library: 'platformatic', name: '(b) @platformatic/kafka consume → produce', baseline: 'b' },
  // --- produce baselines and the Java client's produce and pipe (issue 15) ---
  p: { mode: 'produce', library: 'kafkajs', name: '(p) kafkajs producer' },
  p_platformatic: { mode: 'produce', library: 'platformatic', name: '(p) @platformatic/kafka producer', baseline: 'p' },
  e_pipe: { mode: 'pipe', library: 'java', name: '(b) Java consume → produce', baseline: 'b' },
  e_produce: { mode: 'produce', library: 'java', name: '(p) Java producer', baseline: 'p' },
  // --- end of the produce baselines and the Java client's cases ---
} as const satisfies Record<string, { mode: RawClientConfig['mode']; library: keyof typeof RAW_CLIENTS | 'java'; name: string; baseline?: 'a' | 'b' | 'p' }>;

/** The records file the produce baselines cycle through, written once per run in the scratch folder. */
function recordPoolFile(ctx: KafkaBenchContext): string {
  const file = join(ctx.workDir, 'records.bin');
  if (!existsSync(file)) writeRecordPool(file);
  return file;
}

/** The command line of a raw client case. */
function rawClientCommand(ctx: KafkaBenchContext, library: keyof typeof RAW_CLIENTS | 'java', config: RawClientConfig): [string, string[]] {
  if (library !== 'java') return [process.execPath, ['--import', 'tsx', RAW_CLIENTS[library], JSON.stringify(config)]];
  const bootstrap = ctx.bootstrap.join(',');
  const outTopic = config.outTopic ?? '';
  const args =
    config.mode === 'produce'
      ? javaClientCommand(ctx.kafkaLibsDir, ctx.workDir, { mode: 'produce', bootstrap, outTopic, recordsFile: config.recordsFile ?? '', count: config.count ?? 0 })
      : javaClientCommand(ctx.kafkaLibsDir, ctx.workDir, { mode: 'pipe', bootstrap, topic: config.topic, group: config.group, outTopic });
  return ['java', args];
}

/** A raw client case: a client library alone, consuming, piping or producing. */
export async function runRawCase(ctx: KafkaBenchContext, id: keyof typeof RAW_CASES): Promise<ThroughputResult> {
  const spec: (typeof RAW_CASES)[keyof typeof RAW_CASES] = RAW_CASES[id];
  const group = uniqueName(`group-${id}`);
  const outTopic = spec.mode === 'consume' ? undefined : uniqueName(`out-${id}`);
  if (outTopic !== undefined) await createTopic(ctx.admin, outTopic);
  const config: RawClientConfig = {
    mode: spec.mode,
    brokers: ctx.bootstrap,
    topic: ctx.inputTopic,
    group,
    ...(outTopic !== undefined && { outTopic }),
    ...(spec.mode === 'produce' && { recordsFile: recordPoolFile(ctx), count: ctx.records }),
  };
  let latest: number | undefined;
  const [command, args] = rawClientCommand(ctx, spec.library, config);
  const child = startChild(command, args, {
    onLine: (line) => {
      try {
        latest = (JSON.parse(line) as { count: number }).count;
      } catch {
        // Not a progress line.
      }
    },
  });
  const watch = new Watch(child, () => latest, 100);
  const figures = await measureSteady(ctx, child, watch, 30_000);
  const processed = latest ?? 0;
  // A producer commits nothing: what it counted must be on the topic.
  const committed = spec.mode === 'produce' ? undefined : await committedTotal(ctx.admin, group, ctx.inputTopic);
  const notes = throughputNotes(ctx, watch, processed);
  if (outTopic !== undefined) {
    const written = await endOffsetTotal(ctx.admin, outTopic);
    const counted = committed ?? processed;
    if (written < counted) notes.push(`only ${written} records written for ${counted} ${committed === undefined ? 'acknowledged' : 'committed'}`);
  }
  return {
    kind: 'throughput',
    id,
    name: spec.name,
    ...('baseline' in spec && { baseline: spec.baseline }),
    ...figures,
    processed,
    ...(committed !== undefined && { committed }),
    loadAverage: loadAverageNow(),
    notes,
  };
}

/** The node flags that profile a punchline into `dir`. */
function profileArgs(dir: string | undefined): string[] {
  if (dir === undefined) return [];
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

/** Summarises the main thread's profile in `dir` (the largest file) to `summary.txt`, and returns it. */
function summariseProfileDir(dir: string): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const largest = files.map((f) => join(dir, f)).sort((a, b) => statSync(b).size - statSync(a).size)[0];
  if (largest === undefined) return 'no profile written';
  const text = `${largest}\n${formatProfile(summariseProfile(largest, 30))}\n`;
  writeFileSync(join(dir, 'summary.txt'), text);
  return text;
}

function writePunchline(ctx: KafkaBenchContext, name: string, text: string): string {
  const file = join(ctx.workDir, `${name}.json5`);
  writeFileSync(file, text);
  return file;
}

/**
 * The tuned variant of (c): fewer tuples in flight and a larger young generation. Both cut the
 * garbage collector's work, which is most of the gap with (a): in-flight tuples outlive the
 * young generation's collections and are copied, then promoted (see docs/benchmarks.md).
 */
const TUNED_SETTINGS = { 'topology.max.spout.pending': 1000 };
/** The larger young generation alone: what the tuned cases and the `_semispace` cases pass to node. */
const YOUNG_GENERATION_ARGS = ['--max-semi-space-size=64'];
/** The tuned variant of (d): kafka_output batches of 1,000 records (Kapacitor's default is 100), and the larger young generation. */
const TUNED_OUTPUT_BATCH = 1000;

const PUNCHLINE_CASE_NAMES = {
  c: '(c) kafka_input → file_output',
  c_tuned: '(c) tuned: max.spout.pending 1000, --max-semi-space-size=64',
  d: '(d) kafka_input → alert → kafka_output',
  d_tuned: `(d) tuned: batch_size ${TUNED_OUTPUT_BATCH}, --max-semi-space-size=64`,
  d_platformatic: '(d) kafka_output writing with @platformatic/kafka',
  c_platformatic: '(c) kafka_input reading with @platformatic/kafka',
  d_platformatic_both: '(d) kafka_input and kafka_output on @platformatic/kafka',
  c_semispace: '(c) with --max-semi-space-size=64',
  c_platformatic_semispace: '(c) on @platformatic/kafka with --max-semi-space-size=64',
} as const;

/** The punchline cases. */
type PunchlineCaseId = keyof typeof PUNCHLINE_CASE_NAMES;

/** Case (c), its tuned and young-generation variants, or (d): a punchline reading the topic. */
export async function runPunchlineCase(ctx: KafkaBenchContext, id: PunchlineCaseId): Promise<ThroughputResult> {
  const group = uniqueName(`group-${id}`);
  // The cluster the input reads from: the platformatic cases read with @platformatic/kafka.
  const readsPlatformatic = id === 'c_platformatic' || id === 'c_platformatic_semispace' || id === 'd_platformatic_both';
  const plan: InputPlan = { topic: ctx.inputTopic, group, cluster: readsPlatformatic ? 'bench_platformatic' : 'bench' };
  let outTopic: string | undefined;
  let text: string;
  if (id === 'c' || id === 'c_platformatic' || id === 'c_semispace' || id === 'c_platformatic_semispace') {
    text = inputToFile(plan, '/dev/null');
  } else if (id === 'c_tuned') {
    text = inputToFile(plan, '/dev/null', TUNED_SETTINGS);
  } else {
    outTopic = uniqueName(`out-${id}`);
    await createTopic(ctx.admin, outTopic);
    text = inputAlertOutput(plan, outTopic, id === 'd_tuned' ? TUNED_OUTPUT_BATCH : undefined, id === 'd_platformatic' || id === 'd_platformatic_both' ? 'bench_platformatic' : 'bench');
  }
  const file = writePunchline(ctx, `case-${id}`, text);
  const [port] = await findFreePorts(1);
  const profileDir = ctx.profileDir === undefined ? undefined : join(ctx.profileDir, `case-${id}`);
  const youngGeneration = id === 'c_tuned' || id === 'd_tuned' || id === 'c_semispace' || id === 'c_platformatic_semispace';
  const nodeArgs = [...(youngGeneration ? YOUNG_GENERATION_ARGS : []), ...profileArgs(profileDir)];
  const child = startPunchline({ file, config: ctx.platformFile, metricsPort: port, nodeArgs });
  let commits: number | undefined;
  const progress = async (): Promise<number | undefined> => {
    const text = await scrape(port as number);
    commits = metricValue(text, 'punchline_kafka_input_commit_latency_seconds_count') ?? commits;
    return metricValue(text, 'punchline_node_tuples_acked_total', { component: 'in' });
  };
  const watch = new Watch(child, progress, 250);
  const figures = await measureSteady(ctx, child, watch, 90_000, () => waitReady(child, port as number));
  const totals = stoppedTotals(child.tail())?.in;
  if (totals === undefined) throw new Error(`no "stopped" log line: the punchline did not stop gracefully:\n${child.tail()}`);
  const committed = await committedTotal(ctx.admin, group, ctx.inputTopic);
  const notes = throughputNotes(ctx, watch, totals.acked);
  if (totals.failed > 0) notes.push(`${totals.failed} tuple trees failed (replayed)`);
  const reading = readingSeconds(watch);
  if (commits !== undefined && reading > 0) notes.push(`${commits} offset commits in ${reading.toFixed(1)} s of reading (${Math.round(commits / reading)} a second)`);
  if (outTopic !== undefined) {
    const written = await endOffsetTotal(ctx.admin, outTopic);
    if (written !== totals.acked) notes.push(`${written} alerts written for ${totals.acked} records acked`);
  }
  if (profileDir !== undefined) ctx.say(summariseProfileDir(profileDir));
  return {
    kind: 'throughput',
    id,
    name: PUNCHLINE_CASE_NAMES[id],
    baseline: id === 'd' || id === 'd_tuned' || id === 'd_platformatic' ? 'b' : id === 'd_platformatic_both' ? 'b_platformatic' : readsPlatformatic ? 'a_platformatic' : 'a',
    ...figures,
    processed: totals.acked,
    committed,
    loadAverage: loadAverageNow(),
    notes,
  };
}

/** Case (e): ConsumerPerformance passes over the whole topic until the duration is spent. */
export async function runJavaCase(ctx: KafkaBenchContext): Promise<ThroughputResult> {
  const started = performance.now();
  let records = 0;
  let fetchMs = 0;
  let peakRss = 0;
  let cpuSeconds = 0;
  let passes = 0;
  do {
    const pass = await javaConsumerPass(ctx.classpath, ctx.bootstrap.join(','), ctx.inputTopic, uniqueName('group-e'), ctx.records);
    passes++;
    records += pass.records;
    fetchMs += pass.fetchMs;
    peakRss = Math.max(peakRss, pass.peakRss);
    cpuSeconds += pass.cpuSeconds;
  } while (performance.now() - started < ctx.options.durationS * 1000);
  return {
    kind: 'throughput',
    id: 'e',
    name: '(e) Java ConsumerPerformance',
    baseline: 'a',
    recordsPerSecond: round(records / (fetchMs / 1000)),
    cpuUsPerRecord: round((cpuSeconds * 1e6) / records, 2),
    peakRssMb: round(peakRss / MB),
    windowRecords: records,
    windowSeconds: round(fetchMs / 1000, 2),
    processed: records,
    loadAverage: loadAverageNow(),
    notes: [`${passes} pass${passes === 1 ? '' : 'es'} over the topic; rate over fetch time (the tool's fetch.nMsg.sec); CPU includes JVM start and JIT`],
  };
}

/** The latency cases: (d) on one client, or the raw pipe of that client (what the punchline adds is the difference). */
const LATENCY_CASES = {
  latency_b: { pipe: 'raw', library: 'kafkajs', name: '(b) kafkajs consume → produce' },
  latency: { pipe: 'punchline', library: 'kafkajs', name: '(d) kafka_input → alert → kafka_output' },
  latency_b_platformatic: { pipe: 'raw', library: 'platformatic', name: '(b) @platformatic/kafka consume → produce' },
  latency_platformatic: { pipe: 'punchline', library: 'platformatic', name: '(d) kafka_input and kafka_output on @platformatic/kafka' },
} as const satisfies Record<LatencyResult['id'], { pipe: 'raw' | 'punchline'; library: keyof typeof RAW_CLIENTS; name: string }>;

/** Resolves once `group` has a stable member: the raw pipe reads, so the probe's records are not read late by a join. */
async function groupStable(ctx: KafkaBenchContext, group: string, child: Child): Promise<void> {
  const until = performance.now() + 60_000;
  for (;;) {
    const { groups } = await ctx.admin.describeGroups([group]);
    if (groups[0]?.state === 'Stable') return;
    if (child.hasExited()) throw new Error(`exited with ${String(await child.exited)} before joining its group:\n${child.tail()}`);
    if (performance.now() > until) throw new Error(`group ${group} not stable after 60 s:\n${child.tail()}`);
    await sleep(250);
  }
}

/**
 * The end-to-end latency at the offered load of the options of (d) on one client (both nodes on
 * it), or of that client's raw pipe (`raw-client.ts`, `raw-platformatic-client.ts` in `pipe` mode),
 * read back by the same probe.
 */
export async function runLatencyCase(ctx: KafkaBenchContext, id: LatencyResult['id']): Promise<LatencyResult> {
  const spec = LATENCY_CASES[id];
  const inTopic = uniqueName(`${id}-in`);
  const outTopic = uniqueName(`${id}-out`);
  const group = uniqueName(`group-${id}`);
  await createTopic(ctx.admin, inTopic);
  await createTopic(ctx.admin, outTopic);
  let child: Child;
  let ready: () => Promise<void>;
  if (spec.pipe === 'punchline') {
    const cluster = spec.library === 'platformatic' ? 'bench_platformatic' : 'bench';
    const file = writePunchline(ctx, id, inputAlertOutput({ topic: inTopic, group, cluster }, outTopic, undefined, cluster));
    const [port] = await findFreePorts(1);
    child = startPunchline({ file, config: ctx.platformFile, metricsPort: port });
    ready = () => waitReady(child, port as number);
  } else {
    const config: RawClientConfig = { mode: 'pipe', brokers: ctx.bootstrap, topic: inTopic, group, outTopic };
    child = startChild(...rawClientCommand(ctx, spec.library, config));
    ready = () => groupStable(ctx, group, child);
  }
  const watch = new Watch(child, () => undefined, 250);
  let result: LatencyProbeResult;
  try {
    await ready();
    const warmupS = Math.min(3, ctx.options.latencyS / 4);
    const config: LatencyProbeConfig = { brokers: ctx.bootstrap, inTopic, outTopic, format: spec.pipe === 'punchline' ? 'alert' : 'record', rate: ctx.options.latencyRate, seconds: ctx.options.latencyS, warmupS };
    let line = '';
    const probe = startChild(process.execPath, ['--import', 'tsx', LATENCY_PROBE, JSON.stringify(config)], { onLine: (l) => (line = l) });
    const code = await probe.exited;
    if (code !== 0 || line === '') throw new Error(`the latency probe exited with ${String(code)}:\n${probe.tail()}`);
    result = JSON.parse(line) as LatencyProbeResult;
    if (child.hasExited()) throw new Error(`the pipe exited with ${String(await child.exited)}:\n${child.tail()}`);
  } finally {
    watch.stop();
    await child.stop('SIGTERM', 90_000);
  }
  const l = result.latenciesMs;
  return {
    kind: 'latency',
    id,
    name: spec.name,
    offeredPerSecond: ctx.options.latencyRate,
    achievedPerSecond: round(result.achievedPerSecond),
    samples: result.received,
    missing: result.missing,
    p50Ms: round(l.p50, 2),
    p90Ms: round(l.p90, 2),
    p99Ms: round(l.p99, 2),
    p999Ms: round(l.p999, 2),
    maxMs: round(l.max, 2),
    peakRssMb: round(watch.peakRss / MB),
    loadAverage: loadAverageNow(),
    notes: [],
  };
}

/**
 * (c) behind an output that never confirms a write: `file_output` appends to a FIFO that this
 * process opens for reading and never reads. The first 64 KiB fill the pipe, then the write never
 * returns, so nothing is acked: `topology.max.spout.pending` must stop the input while the whole
 * topic waits to be read, and message timeouts fail (and replay) what is in flight.
 */
export async function runStalledCase(ctx: KafkaBenchContext): Promise<StalledResult> {
  const fifo = join(ctx.workDir, 'stalled.fifo');
  if (!existsSync(fifo)) execFileSync('mkfifo', [fifo]);
  // Non-blocking, so opening it does not wait for a writer; it is never read.
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const file = writePunchline(ctx, 'stalled', inputToFile({ topic: ctx.inputTopic, group: uniqueName('group-stalled') }, fifo));
  const [port] = await findFreePorts(1);
  const child = startPunchline({ file, config: ctx.platformFile, metricsPort: port });
  let last = '';
  const progress = async (): Promise<number | undefined> => {
    last = await scrape(port as number);
    return metricValue(last, 'punchline_node_tuples_acked_total', { component: 'in' });
  };
  const watch = new Watch(child, progress, 500);
  try {
    await waitReady(child, port as number);
    const until = performance.now() + ctx.options.stalledS * 1000;
    while (performance.now() < until) {
      await sleep(250);
      if (child.hasExited()) throw new Error(`exited with ${String(await child.exited)} while stalled:\n${child.tail()}`);
    }
    await watch.sample();
  } finally {
    watch.stop();
    // The write never returns: a graceful stop would only wait for its drain timeout. Kill it.
    await child.stop('SIGKILL');
    closeSync(reader);
  }
  // RSS saws up and down with the collector: compare medians of an early and a late window.
  const samples = watch.samples;
  const span = samples[samples.length - 1]?.t ?? 0;
  const early = samples.filter((s) => s.t >= 0.1 * span && s.t <= 0.3 * span);
  const late = samples.filter((s) => s.t >= 0.8 * span);
  const minutes = (median(late.map((s) => s.t)) - median(early.map((s) => s.t))) / 60_000;
  const rssEarly = median(early.map((s) => s.rss));
  const rssLate = median(late.map((s) => s.rss));
  return {
    kind: 'stalled',
    id: 'stalled',
    name: '(c) stalled output',
    backlog: ctx.records,
    seconds: round(span / 1000),
    peakRssMb: round(watch.peakRss / MB),
    rssEarlyMb: round(rssEarly / MB),
    rssEndMb: round(rssLate / MB),
    growthMbPerMin: minutes > 0 ? round((rssLate - rssEarly) / MB / minutes, 1) : 0,
    acked: metricValue(last, 'punchline_node_tuples_acked_total', { component: 'in' }) ?? 0,
    failed: metricValue(last, 'punchline_node_tuples_failed_total', { component: 'in' }) ?? 0,
    pendingAtEnd: metricValue(last, 'punchline_node_tuples_pending', { component: 'in' }) ?? 0,
    outputQueuedAtEnd: metricValue(last, 'punchline_node_tuples_pending', { component: 'sink' }) ?? 0,
    loadAverage: loadAverageNow(),
    notes: [],
  };
}

/** The median of `values` (0 when empty). */
function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}
