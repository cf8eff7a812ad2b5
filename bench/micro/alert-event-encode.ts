/**
 * Micro-benchmark of an alert event's Kapacitor JSON, what the alert bolt writes into its
 * `event_field` for every event of case (d): encodes N events shaped like the bench's (grouped by
 * host, ten fields, a message template, empty details) and prints the CPU ns per event.
 * Not a test: run it by hand to compare encoder changes on one machine (it measures CPU time, so a
 * busy machine slows it less than it slows the Kafka cases).
 *
 *   node --import tsx bench/micro/alert-event-encode.ts [events=1000000]
 */
import { AlertEngine, encodeAlertEventRecord } from '../../src/libraries/alerting/index.js';
import type { AlertEvent } from '../../src/libraries/alerting/index.js';
import { compileLambda } from '../../src/libraries/lambda/index.js';

const count = Number(process.argv[2] ?? 1_000_000);
const DISTINCT = 1024;

const engine = new AlertEngine({
  taskName: 'bench',
  groupBy: ['host'],
  lambdas: { crit: compileLambda('"level" == \'ERROR\'', { predicate: true }), warn: compileLambda('"status" >= 200', { predicate: true }) },
  message: '{{ index .Tags "host" }} is {{ .Level }}: {{ index .Fields "msg" }}',
  details: '',
});
/** 1024 different events, a millisecond apart, so the benchmark does not encode one event over and over. */
const events: AlertEvent[] = [];
for (let i = 0; i < DISTINCT; i++) {
  const host = `web-${i % 17}`;
  const fields = { id: `e${(i * 2654435761) >>> 0}`, ts: String(1_700_000_000_000 + i), app: 'checkout', level: i % 10 === 0 ? 'ERROR' : 'INFO', status: String(200 + (i % 5)), size: String(512 + i), path: `/orders/${i}`, ip: `10.0.${i % 256}.${(i * 7) % 256}`, msg: `GET /orders/${i} in ${i % 97}ms` };
  // The lambdas read the tuple (the scope), the event's series holds the data fields.
  const event = engine.process({ name: 'http', time: 1_700_000_000_000_000_000n + BigInt(i) * 1_000_123n, tags: { host }, fields, scope: fields });
  if (event === undefined) throw new Error(`point ${i} raised no event`);
  events.push(event);
}

function run(n: number): number {
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes += encodeAlertEventRecord(events[i & (DISTINCT - 1)] as AlertEvent).length;
  return bytes;
}

run(Math.min(count, 200_000)); // warm-up: let the JIT settle
const before = process.cpuUsage();
const chars = run(count);
const used = process.cpuUsage(before);
const ns = ((used.user + used.system) * 1000) / count;
console.log(`alert event encode: ${count} events of ${Math.round(chars / count)} characters: ${ns.toFixed(0)} CPU ns per event (node ${process.version})`);
