/**
 * The kafkajs baselines, run as a child process by `bench/run.ts`: what a developer writes with
 * kafkajs alone, without punchline.
 * - `consume` (case a): a group member reading with `eachBatch`; kafkajs resolves each batch and
 *   commits its offsets after it (its defaults: `autoCommit`, `eachBatchAutoResolve`).
 * - `pipe` (case b): the same, and each batch is written to the output topic (same partition,
 *   `acks: -1`, one request per batch) before it is resolved and committed.
 * - `produce` (case p): the records of the pool file written to the output topic as fast as
 *   kafkajs acknowledges them (`acks: -1`, requests of about 1 MB, 5 in flight: `produce-loop.ts`),
 *   `count` of them; the progress counts acknowledged records.
 *
 * Prints a progress line `{"count": n}` (records processed) to stdout every 100 ms and runs until
 * SIGTERM, then leaves the group.
 *
 *   node --import tsx bench/kafka/raw-client.ts '{"mode":"consume","brokers":["127.0.0.1:9092"],"topic":"t","group":"g"}'
 */
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { produceUntilStopped } from './produce-loop.js';

/** The command line argument of this script (one JSON object). */
export interface RawClientConfig {
  readonly mode: 'consume' | 'pipe' | 'produce';
  readonly brokers: readonly string[];
  /** Where `consume` and `pipe` read, with their group. */
  readonly topic: string;
  readonly group: string;
  /** `pipe` and `produce`: where records are written. */
  readonly outTopic?: string;
  /** `produce` only: the pool file of records (`records.ts`) and how many records to write. */
  readonly recordsFile?: string;
  readonly count?: number;
}

/** Mode `produce`: writes the pool's records, then idles until SIGTERM. */
async function produce(config: RawClientConfig): Promise<void> {
  const kafka = new Kafka({ clientId: 'bench-raw-produce', brokers: [...config.brokers], logLevel: logLevel.WARN });
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  const topic = config.outTopic ?? '';
  await produceUntilStopped(config.recordsFile ?? '', config.count ?? 0, {
    connect: () => producer.connect(),
    send: async (records) => {
      await producer.send({ topic, acks: -1, messages: records.map((r) => ({ value: r.value, partition: r.partition })) });
    },
    close: () => producer.disconnect(),
  });
}

async function main(config: RawClientConfig): Promise<void> {
  const kafka = new Kafka({ clientId: `bench-raw-${config.mode}`, brokers: [...config.brokers], logLevel: logLevel.WARN });
  const consumer = kafka.consumer({ groupId: config.group });
  const producer = config.mode === 'pipe' ? kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner }) : undefined;
  const outTopic = config.outTopic ?? '';
  let count = 0;
  const progress = setInterval(() => process.stdout.write(`${JSON.stringify({ count })}\n`), 100);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(progress);
    await consumer.disconnect();
    await producer?.disconnect();
    process.stdout.write(`${JSON.stringify({ count })}\n`);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  await producer?.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: config.topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      if (producer !== undefined) {
        const messages = batch.messages.map((m) => ({ key: m.key, value: m.value, partition: batch.partition }));
        await producer.send({ topic: outTopic, messages, acks: -1 });
      }
      count += batch.messages.length;
    },
  });
}

const config = JSON.parse(process.argv[2] ?? '{}') as RawClientConfig;
await (config.mode === 'produce' ? produce(config) : main(config));
