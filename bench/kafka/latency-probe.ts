/**
 * The load generator and clock of the latency case, run as a child process by `bench/run.ts`.
 * It offers records to the input topic at a fixed rate (a send every 10 ms with the records then
 * due), each carrying its send time in its `ts` field, and reads the alerts the punchline writes to
 * the output topic: latency = time the alert is read − `ts` of the record it came from. One
 * process sends and reads, so both times come from the same clock.
 *
 * Prints one JSON line at the end: `{"sent", "received", "missing", "latenciesMs": {p50, …}}`.
 *
 *   node --import tsx bench/kafka/latency-probe.ts '{"brokers":[…],"inTopic":"…","outTopic":"…","rate":5000,"seconds":30,"warmupS":3}'
 */
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { Message } from 'kafkajs';
import { recordValue } from './records.js';
import { PARTITIONS } from './topics.js';

/** The command line argument of this script (one JSON object). */
export interface LatencyProbeConfig {
  readonly brokers: readonly string[];
  readonly inTopic: string;
  readonly outTopic: string;
  readonly rate: number;
  readonly seconds: number;
  /** Records sent in the first seconds are not measured (connections, JIT, first fetches). */
  readonly warmupS: number;
  /** How long to wait for the last alerts after sending stopped. */
  readonly drainS?: number;
}

/** What the probe prints. */
export interface LatencyProbeResult {
  readonly sent: number;
  /** Measured records (sent after the warm-up) whose alert came back. */
  readonly received: number;
  readonly missing: number;
  readonly achievedPerSecond: number;
  readonly latenciesMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly p999: number; readonly max: number };
}

/** Now, in epoch milliseconds with microseconds. */
function now(): number {
  return performance.timeOrigin + performance.now();
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

/** The `ts` column of the first row of a Kapacitor alert's data. */
function sentAtOf(alertJson: string): number | undefined {
  const alert = JSON.parse(alertJson) as { data?: { series?: { columns?: string[]; values?: unknown[][] }[] } };
  const series = alert.data?.series?.[0];
  const index = series?.columns?.indexOf('ts') ?? -1;
  const value = index < 0 ? undefined : series?.values?.[0]?.[index];
  return typeof value === 'string' ? Number(value) : undefined;
}

async function main(config: LatencyProbeConfig): Promise<LatencyProbeResult> {
  const kafka = new Kafka({ clientId: 'bench-latency-probe', brokers: [...config.brokers], logLevel: logLevel.WARN });
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId: `${config.outTopic}-probe`, maxWaitTimeInMs: 100 });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: config.outTopic, fromBeginning: true });
  const latencies: number[] = [];
  let measuredFrom = Infinity;
  let measuredSent = 0;
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    eachMessage: async ({ message }) => {
      const readAt = now();
      const sentAt = message.value === null ? undefined : sentAtOf(message.value.toString('utf8'));
      if (sentAt !== undefined && sentAt >= measuredFrom) latencies.push(readAt - sentAt);
      return Promise.resolve();
    },
  });
  await joined;

  const start = now();
  measuredFrom = start + config.warmupS * 1000;
  const end = start + config.seconds * 1000;
  let sent = 0;
  const sends: Promise<unknown>[] = [];
  while (now() < end) {
    const due = Math.floor(((now() - start) / 1000) * config.rate);
    if (due > sent) {
      const messages: Message[] = [];
      for (; sent < due; sent++) {
        const sentAt = Number(now().toFixed(3));
        if (sentAt >= measuredFrom) measuredSent++;
        messages.push({ value: recordValue(sent, sentAt), partition: sent % PARTITIONS });
      }
      sends.push(producer.send({ topic: config.inTopic, messages, acks: 1 }));
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await Promise.all(sends);
  const achievedPerSecond = sent / ((now() - start) / 1000);
  const drainUntil = now() + (config.drainS ?? 15) * 1000;
  while (latencies.length < measuredSent && now() < drainUntil) await new Promise((resolve) => setTimeout(resolve, 100));
  await consumer.disconnect();
  await producer.disconnect();
  const sorted = Float64Array.from(latencies).sort();
  return {
    sent,
    received: latencies.length,
    missing: Math.max(0, measuredSent - latencies.length),
    achievedPerSecond,
    latenciesMs: { p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), p99: percentile(sorted, 0.99), p999: percentile(sorted, 0.999), max: sorted[sorted.length - 1] ?? NaN },
  };
}

process.stdout.write(`${JSON.stringify(await main(JSON.parse(process.argv[2] ?? '{}') as LatencyProbeConfig))}\n`);
