/**
 * The ratios issue 15's targets are about: each punchline case against the raw case of its own
 * client and path, the raw clients side by side against kafkajs, the latency of (d) against the
 * raw pipe of its client and the p99 target judged on the faster client, in the report a run prints.
 * Pure formatting of made-up results: out of `npm test` like the rest of bench/; run it with
 *
 *     npm test -- bench/harness/report_compares_each_case_with_its_own_client.test.ts
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { checkTargets, formatClientTable, formatLatencyTable, formatPunchlineRatios } from './report.js';
import type { CaseResult, LatencyResult, TargetCheck, ThroughputResult } from './report.js';
import type { CaseId } from './options.js';

function throughput(id: CaseId, recordsPerSecond: number, cpuUsPerRecord: number, baseline?: CaseId): ThroughputResult {
  return { kind: 'throughput', id, name: `(${id})`, ...(baseline !== undefined && { baseline }), recordsPerSecond, cpuUsPerRecord, peakRssMb: 100, windowRecords: 1, windowSeconds: 1, processed: 1, loadAverage: 1, notes: [] };
}

const results: CaseResult[] = [
  throughput('a', 200_000, 2),
  throughput('b', 40_000, 15),
  throughput('p', 50_000, 8),
  throughput('a_platformatic', 300_000, 1.5, 'a'),
  throughput('e_pipe', 80_000, 6, 'b'),
  throughput('e_produce', 100_000, 4, 'p'),
  throughput('c', 120_000, 7, 'a'),
  throughput('c_tuned', 119_000, 5, 'a'),
  throughput('d', 20_000, 40, 'b'),
];

function latency(id: LatencyResult['id'], p99Ms: number): LatencyResult {
  return { kind: 'latency', id, name: `(${id})`, offeredPerSecond: 5000, achievedPerSecond: 4999, samples: 185_000, missing: 0, p50Ms: 4, p90Ms: 8, p99Ms, p999Ms: 40, maxMs: 60, peakRssMb: 200, loadAverage: 1.5, notes: [] };
}

/** The table row starting with `first`, split into cells. */
function row(lines: readonly string[], first: string): string[] {
  const line = lines.find((l) => l.startsWith(`| ${first} |`));
  assert.ok(line !== undefined, `no row for ${first} in:\n${lines.join('\n')}`);
  return line.split('|').slice(1, -1).map((cell) => cell.trim());
}

it('shows each punchline case as a share of its raw baseline, with the CPU per record the punchline adds', () => {
  const lines = formatPunchlineRatios(results);
  assert.deepEqual(row(lines, '(c)'), ['(c)', '120,000', '(a)', '200,000', '60%', '7.00', '2.00', '+5.00']);
  assert.deepEqual(row(lines, '(d)'), ['(d)', '20,000', '(b)', '40,000', '50%', '40.00', '15.00', '+25.00']);
  // Raw cases compared with kafkajs are not punchline cases.
  assert.ok(!lines.some((l) => l.startsWith('| (a_platformatic) |') || l.startsWith('| (e_pipe) |')));
});

it('puts every client on one row per path, as a share of kafkajs, and leaves a path that did not run empty', () => {
  const lines = formatClientTable(results);
  assert.deepEqual(row(lines, 'kafkajs'), ['kafkajs', '200,000/s · 2.00 µs', '40,000/s · 15.00 µs', '50,000/s · 8.00 µs']);
  assert.deepEqual(row(lines, '@platformatic/kafka'), ['@platformatic/kafka', '300,000/s · 1.50 µs · 150%', '—', '—']);
  assert.deepEqual(row(lines, 'Java'), ['Java', '—', '80,000/s · 6.00 µs · 200%', '100,000/s · 4.00 µs · 200%']);
  assert.deepEqual(formatClientTable([throughput('c', 1, 1, 'a')]), []);
});

it('checks the ratios of the targets per client, below the bound by a hair included, and leaves those whose cases did not run undecided', () => {
  const targets = checkTargets(results);
  const find = (start: string): { measured: string; holds: boolean | undefined } => {
    const found = targets.find((t) => t.target.startsWith(start));
    assert.ok(found !== undefined, `no target starting with ${start}`);
    return { measured: found.measured, holds: found.holds };
  };
  assert.deepEqual(find('(c) ≥ 60% of the raw consumer of its client: kafkajs'), { measured: '60%', holds: true });
  assert.deepEqual(find('(c) tuned ≥ 60% of (a)'), { measured: '59%', holds: false });
  assert.deepEqual(find('(d) ≥ 50% of the raw pipe of its client: kafkajs'), { measured: '50%', holds: true });
  assert.deepEqual(find('(c) ≥ 60% of the raw consumer of its client: @platformatic/kafka'), { measured: 'not measured', holds: undefined });
  assert.deepEqual(find('(d) ≥ 100,000 records/s with the faster client'), { measured: '20,000 records/s (d)', holds: false });
  assert.deepEqual(find('p99 of (d)'), { measured: 'not measured', holds: undefined });
});

it('judges (c) as the installed punchline run starts it (the larger young generation) too, and counts it for the faster client', () => {
  const targets = checkTargets([...results, throughput('c_platformatic_semispace', 360_000, 3, 'a_platformatic')]);
  const find = (start: string): TargetCheck | undefined => targets.find((t) => t.target.startsWith(start));
  assert.deepEqual(find('(c) as the installed punchline run starts it: @platformatic/kafka')?.measured, '120%');
  assert.equal(find('(c) as the installed punchline run starts it (young generation 64 MB): kafkajs')?.holds, undefined, 'c_semispace did not run');
  assert.deepEqual(find('(c) ≥ 350,000 records/s'), { target: '(c) ≥ 350,000 records/s with the faster client', measured: '360,000 records/s (c_platformatic_semispace)', holds: true });
});

it('shows what the p99 of (d) adds to the raw pipe of its own client, and judges the target on the faster client while showing both', () => {
  const measured = [latency('latency_b', 30), latency('latency', 26.5), latency('latency_b_platformatic', 12), latency('latency_platformatic', 18.25)];
  const lines = formatLatencyTable(measured);
  assert.equal(row(lines, '(latency)')[8], '-3.5 ms');
  assert.equal(row(lines, '(latency_platformatic)')[8], '+6.3 ms');
  assert.equal(row(lines, '(latency_b)')[8], '', 'a raw pipe is its own baseline');
  const [target] = checkTargets(measured).filter((t) => t.target.startsWith('p99 of (d)'));
  assert.deepEqual(target, { target: 'p99 of (d) ≤ 20 ms at 5,000 records/s with the faster client', measured: '26.5 ms (kafkajs), 18.3 ms (@platformatic/kafka)', holds: true });
  const [kafkajsOnly] = checkTargets([latency('latency', 26.5)]).filter((t) => t.target.startsWith('p99 of (d)'));
  assert.deepEqual(kafkajsOnly, { target: 'p99 of (d) ≤ 20 ms at 5,000 records/s with the faster client', measured: '26.5 ms (kafkajs)', holds: false });
  assert.deepEqual(formatLatencyTable([throughput('d', 1, 1, 'b')]), []);
});
