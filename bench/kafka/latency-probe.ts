/**
 * The load generator and clock of the latency cases, run as a child process by `bench/run.ts`.
 * It offers records to the input topic at a fixed rate (a send every 10 ms with the records then
 * due), each carrying its send time in its `ts` field, and reads what the pipe under test writes
 * to the output topic (the alerts of a punchline, or the records themselves for a raw client's
 * pipe): latency = time the output record is read − `ts` of the record it came from. One process
 * sends and reads, so both times come from the same clock.
 *
 * It writes and reads with @platformatic/kafka, whichever client the pipe under test uses: of the
 * two Node clients it adds the least of its own (see docs/benchmarks.md).
 *
 * Prints one JSON line at the end: `{"sent", "received", "missing", "latenciesMs": {p50, …}}`.
 *
 *   node --import tsx bench/kafka/latency-probe.ts '{"brokers":[…],"inTopic":"…","outTopic":"…","rate":5000,"seconds":30,"warmupS":3}'
 */
import { Consumer, MessagesStreamModes, ProduceAcks, Producer } from '@platformatic/kafka';
import type { Message as PlatformaticMessage, MessageToProduce } from '@platformatic/kafka';
import { decodeLumberjack } from '../../src/libraries/codecs/lumberjack.js';
import { recordValue } from './records.js';
import { PARTITIONS } from './topics.js';

/** The command line argument of this script (one JSON object). */
export interface LatencyProbeConfig {
  readonly brokers: readonly string[];
  readonly inTopic: string;
  readonly outTopic: string;
  /** What the output topic holds: Kapacitor alerts (a punchline's (d)) or the input records as they are (a raw pipe). */
  readonly format: 'alert' | 'record';
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
function alertSentAt(value: Buffer): number | undefined {
  const alert = JSON.parse(value.toString('utf8')) as { data?: { series?: { columns?: string[]; values?: unknown[][] }[] } };
  const series = alert.data?.series?.[0];
  const index = series?.columns?.indexOf('ts') ?? -1;
  const ts = index < 0 ? undefined : series?.values?.[0]?.[index];
  return typeof ts === 'string' ? Number(ts) : undefined;
}

/** The `ts` field of a bench record (one lumberjack frame). */
function recordSentAt(value: Buffer): number | undefined {
  const ts = decodeLumberjack(value).ts;
  return typeof ts === 'string' ? Number(ts) : undefined;
}

/** Reads the output topic from its start, calling `onValue` with each record's value as soon as it is read; resolves once reading. */
async function startReader(config: LatencyProbeConfig, onValue: (value: Buffer) => void): Promise<() => Promise<void>> {
  const consumer = new Consumer({ groupId: `${config.outTopic}-probe`, clientId: 'bench-latency-probe', bootstrapBrokers: [...config.brokers], minBytes: 1, maxWaitTime: READER_MAX_WAIT_MS });
  const stream = await consumer.consume({ topics: [config.outTopic], mode: MessagesStreamModes.EARLIEST, autocommit: false });
  stream.on('data', (message: PlatformaticMessage<Buffer, Buffer, Buffer, Buffer>) => onValue(message.value));
  return async () => {
    await stream.close();
    await consumer.close();
  };
}

/** How long the reader's fetch waits at the broker when nothing is there (it returns as soon as one byte is). */
const READER_MAX_WAIT_MS = 100;

async function main(config: LatencyProbeConfig): Promise<LatencyProbeResult> {
  const producer = new Producer({ clientId: 'bench-latency-probe', bootstrapBrokers: [...config.brokers], autocreateTopics: false });
  const latencies: number[] = [];
  let measuredFrom = Infinity;
  let measuredSent = 0;
  const sentAtOf = config.format === 'alert' ? alertSentAt : recordSentAt;
  const stopReading = await startReader(config, (value) => {
    const readAt = now();
    const sentAt = sentAtOf(value);
    if (sentAt !== undefined && sentAt >= measuredFrom) latencies.push(readAt - sentAt);
  });

  const start = now();
  measuredFrom = start + config.warmupS * 1000;
  const end = start + config.seconds * 1000;
  let sent = 0;
  const sends: Promise<unknown>[] = [];
  while (now() < end) {
    const due = Math.floor(((now() - start) / 1000) * config.rate);
    if (due > sent) {
      const messages: MessageToProduce<Buffer, Buffer, Buffer, Buffer>[] = [];
      for (; sent < due; sent++) {
        const sentAt = Number(now().toFixed(3));
        if (sentAt >= measuredFrom) measuredSent++;
        messages.push({ topic: config.inTopic, value: recordValue(sent, sentAt), partition: sent % PARTITIONS });
      }
      sends.push(producer.send({ messages, acks: ProduceAcks.LEADER }));
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await Promise.all(sends);
  const achievedPerSecond = sent / ((now() - start) / 1000);
  const drainUntil = now() + (config.drainS ?? 15) * 1000;
  while (latencies.length < measuredSent && now() < drainUntil) await new Promise((resolve) => setTimeout(resolve, 100));
  await stopReading();
  await producer.close();
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
