/**
 * The command line of `npm run bench`:
 *
 *   npm run bench                       the full run: results into bench/results/, history appended
 *   npm run bench -- --quick            a few seconds per case (CI): results into bench/results/tmp/
 *   npm run bench -- --only a,c,stalled some cases only (never appended to the history)
 *   npm run bench -- --profile          also CPU-profile the punchline cases (figures are slower then)
 *   npm run bench -- --records 4000000 --duration 20
 */
import { parseArgs } from 'node:util';

/** Every case, in the order they run. */
export const CASE_IDS = [
  'a',
  'b',
  'a_platformatic',
  'b_platformatic',
  'c',
  'c_tuned',
  'd',
  'd_tuned',
  'd_platformatic',
  'c_platformatic',
  'd_platformatic_both',
  // (c) on each client with only the young generation larger (`--max-semi-space-size=64`).
  'c_semispace',
  'c_platformatic_semispace',
  'e',
  // The Java pipe, then the produce baselines (they write as much as the input topic holds, so they run after the readers).
  'e_pipe',
  'p',
  'p_platformatic',
  'e_produce',
  // The latency of (d) on each client, each after the raw pipe of its client measured the same way.
  'latency_b',
  'latency',
  'latency_b_platformatic',
  'latency_platformatic',
  'stalled',
  'runtime',
] as const;

/** One benchmark case id. */
export type CaseId = (typeof CASE_IDS)[number];

/** What a run does. */
export interface BenchOptions {
  readonly quick: boolean;
  /** Records loaded in the input topic; every throughput case reads it from the start. */
  readonly records: number;
  /** How long each throughput case runs at most, in seconds (less when it reaches the end of the topic). */
  readonly durationS: number;
  /** Warm-up excluded from each throughput figure, in seconds. */
  readonly warmupS: number;
  /** Offered load of the latency cases, records per second. */
  readonly latencyRate: number;
  /** How long each latency case offers its load, in seconds. */
  readonly latencyS: number;
  /** How long the stalled output is watched, in seconds (past `topology.message.timeout.secs`, so timeouts and replays happen). */
  readonly stalledS: number;
  /** Tuples of each runtime-only case. */
  readonly runtimeTuples: number;
  readonly cases: readonly CaseId[];
  readonly profile: boolean;
  /** Whether this run's results go to the committed history (a full run of every case). */
  readonly recordsHistory: boolean;
}

const FULL = { records: 10_000_000, durationS: 30, warmupS: 4, latencyRate: 5000, latencyS: 40, stalledS: 100, runtimeTuples: 1_000_000 };
const QUICK = { records: 300_000, durationS: 4, warmupS: 1, latencyRate: 5000, latencyS: 5, stalledS: 8, runtimeTuples: 50_000 };

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, not ${JSON.stringify(text)}`);
  return value;
}

/** Parses the command line; throws with a usage message on a mistake. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      records: { type: 'string' },
      duration: { type: 'string' },
      profile: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const quick = values.quick === true;
  const base = quick ? QUICK : FULL;
  let cases: CaseId[] = [...CASE_IDS];
  if (values.only !== undefined) {
    const wanted = values.only.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const unknown = wanted.filter((id) => !(CASE_IDS as readonly string[]).includes(id));
    if (unknown.length > 0 || wanted.length === 0) throw new Error(`--only takes case ids among ${CASE_IDS.join(', ')}; not ${unknown.join(', ') || '(nothing)'}`);
    cases = CASE_IDS.filter((id) => wanted.includes(id));
  }
  const records = Math.round(positive('records', values.records, base.records));
  const durationS = positive('duration', values.duration, base.durationS);
  const custom = values.only !== undefined || values.records !== undefined || values.duration !== undefined || values.profile === true;
  return {
    quick,
    records,
    durationS,
    warmupS: Math.min(base.warmupS, durationS / 4),
    latencyRate: base.latencyRate,
    latencyS: base.latencyS,
    stalledS: base.stalledS,
    runtimeTuples: base.runtimeTuples,
    cases,
    profile: values.profile === true,
    recordsHistory: !quick && !custom,
  };
}
