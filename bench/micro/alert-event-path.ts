/**
 * Micro-benchmark of what one alert event of case (d) costs from the point to the bytes
 * kafka_output sends, without the runtime or Kafka: the point's tags and data, the engine (level
 * lambdas, the group's state, the id and message templates, the event), Kapacitor's JSON and its
 * UTF-8 bytes. Points are the bench's records (`bench/kafka/records.ts`), every one raising an
 * event as in (d); prints the CPU ns per event of each step added in turn, the least of five rounds.
 * Not a test: run it by hand to compare changes on one machine (CPU time: a busy machine slows it
 * less than it slows the Kafka cases).
 *
 *   node --import tsx bench/micro/alert-event-path.ts [events per round=300000]
 */
import { AlertEngine, encodeAlertEventRecord } from '../../src/libraries/alerting/index.js';
import type { AlertEvent } from '../../src/libraries/alerting/index.js';
import { compileLambda } from '../../src/libraries/lambda/index.js';
import { recordFields } from '../kafka/records.js';

const count = Number(process.argv[2] ?? 300_000);
const ROUNDS = 5;
const DISTINCT = 4096;
/** The bench's records, as the alert bolt of (d) sees them: every field but the group's is data. */
const points = Array.from({ length: DISTINCT }, (_, i) => {
  const scope = recordFields(i);
  const { host, ...fields } = scope;
  return { host: host ?? '', fields, scope };
});

function newEngine(): AlertEngine {
  return new AlertEngine({
    taskName: 'bench',
    groupBy: ['host'],
    lambdas: { crit: compileLambda('"level" == \'ERROR\'', { predicate: true }), warn: compileLambda('"status" >= 200', { predicate: true }) },
    message: '{{ index .Tags "host" }} is {{ .Level }}: {{ index .Fields "msg" }}',
    details: '',
  });
}

/** Runs `n` points through `step`, returning a checksum so the work is not optimized away. */
function run(n: number, step: (event: AlertEvent) => number): number {
  const engine = newEngine();
  let sum = 0;
  const base = 1_700_000_000_000_000_000n;
  for (let i = 0; i < n; i++) {
    const point = points[i & (DISTINCT - 1)] as (typeof points)[number];
    const event = engine.process({ name: 'http', time: base + BigInt(i) * 1_000_123n, tags: { host: point.host }, fields: point.fields, scope: point.scope });
    if (event === undefined) throw new Error(`point ${i} raised no event`);
    sum += step(event);
  }
  return sum;
}

const STEPS: readonly (readonly [string, (event: AlertEvent) => number])[] = [
  ['engine (levels, state, templates, event)', (event) => event.id.length],
  ['+ Kapacitor JSON', (event) => encodeAlertEventRecord(event).length],
  ['+ its bytes (Buffer.from)', (event) => Buffer.from(encodeAlertEventRecord(event), 'utf8').length],
];

for (const [, step] of STEPS) run(Math.min(count, 100_000), step); // warm-up: let the JIT settle
// Rounds alternate the steps; the least CPU of each is what it costs (other processes only add).
const best = STEPS.map(() => Infinity);
for (let round = 0; round < ROUNDS; round++) {
  STEPS.forEach(([, step], s) => {
    const before = process.cpuUsage();
    run(count, step);
    const used = process.cpuUsage(before);
    best[s] = Math.min(best[s] ?? Infinity, ((used.user + used.system) * 1000) / count);
  });
}
STEPS.forEach(([name], s) => console.log(`${name}: ${(best[s] ?? 0).toFixed(0)} CPU ns per event`));
console.log(`(best of ${ROUNDS} rounds of ${count} events, node ${process.version})`);
