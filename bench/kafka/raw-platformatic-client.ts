/**
 * The @platformatic/kafka baselines, run as a child process by `bench/run.ts`: what a developer
 * writes with @platformatic/kafka alone, the counterpart of `raw-client.ts` (kafkajs) with the same
 * configuration, progress lines and stop.
 * - `consume` (case a_platformatic): a group member reading the messages stream from the earliest
 *   offset, with the library's default autocommit (each fetch's last offsets are committed).
 * - `pipe` (case b_platformatic): the same, and what the stream holds after each read (at most
 *   1,000 records) is written to the output topic (same partition, `acks: -1`), then the offsets
 *   after them are committed, before the next read: kafkajs' pipe (b), a request per batch.
 * - `produce` (case p_platformatic): the records of the pool file written to the output topic as
 *   fast as the library acknowledges them (`acks: -1`, requests of about 1 MB, 5 in flight:
 *   `produce-loop.ts`), as kafkajs' (p).
 *
 *   node --import tsx bench/kafka/raw-platformatic-client.ts '{"mode":"consume","brokers":["127.0.0.1:9092"],"topic":"t","group":"g"}'
 */
import { Consumer, MessagesStreamModes, ProduceAcks, Producer } from '@platformatic/kafka';
import type { CommitOptionsPartition, Message, MessageToProduce } from '@platformatic/kafka';
import { produceUntilStopped } from './produce-loop.js';
import type { RawClientConfig } from './raw-client.js';

/** What one fetch may return, in all and per partition: kafka_input's limits on this library. */
const FETCH_MAX_BYTES = 10 * 1024 * 1024;
const FETCH_MAX_BYTES_PER_PARTITION = 1024 * 1024;

/** Records written by one produce request in `pipe` mode, at most. */
const PIPE_BATCH = 1000;

async function main(config: RawClientConfig): Promise<void> {
  const consumer = new Consumer({ groupId: config.group, clientId: `bench-raw-platformatic-${config.mode}`, bootstrapBrokers: [...config.brokers] });
  const producer = config.mode === 'pipe' ? new Producer({ clientId: 'bench-raw-platformatic-pipe', bootstrapBrokers: [...config.brokers], autocreateTopics: false }) : undefined;
  const outTopic = config.outTopic ?? '';
  let count = 0;
  const progress = setInterval(() => process.stdout.write(`${JSON.stringify({ count })}\n`), 100);
  // The fetch limits kafka_input sets on this library (its defaults, 50 MB a fetch and no limit per
  // partition, made this baseline 6 times slower than the punchline reading with it on 10M records).
  const stream = await consumer.consume({ topics: [config.topic], mode: MessagesStreamModes.EARLIEST, autocommit: producer === undefined, maxBytes: FETCH_MAX_BYTES, maxBytesPerPartition: FETCH_MAX_BYTES_PER_PARTITION });
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(progress);
    await stream.close();
    await consumer.close();
    await producer?.close();
    process.stdout.write(`${JSON.stringify({ count })}\n`);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());

  const batch: Message<Buffer, Buffer, Buffer, Buffer>[] = [];
  for await (const message of stream as AsyncIterable<Message<Buffer, Buffer, Buffer, Buffer>>) {
    if (producer === undefined) {
      count += 1;
      continue;
    }
    batch.push(message);
    if (batch.length < PIPE_BATCH && stream.readableLength > 0) continue;
    const messages: MessageToProduce<Buffer, Buffer, Buffer, Buffer>[] = batch.map((m) => ({ topic: outTopic, key: m.key, value: m.value, partition: m.partition }));
    await producer.send({ messages, acks: ProduceAcks.ALL });
    const next = new Map<number, CommitOptionsPartition>();
    for (const m of batch) next.set(m.partition, { topic: m.topic, partition: m.partition, offset: m.offset + 1n, leaderEpoch: m.leaderEpoch });
    await consumer.commit({ offsets: [...next.values()] });
    count += batch.length;
    batch.length = 0;
  }
}

/** Mode `produce`: writes the pool's records, then idles until SIGTERM. */
async function produce(config: RawClientConfig): Promise<void> {
  const producer = new Producer({ clientId: 'bench-raw-platformatic-produce', bootstrapBrokers: [...config.brokers], autocreateTopics: false });
  const topic = config.outTopic ?? '';
  await produceUntilStopped(config.recordsFile ?? '', config.count ?? 0, {
    send: async (records) => {
      await producer.send({ messages: records.map((r) => ({ topic, value: r.value, partition: r.partition })), acks: ProduceAcks.ALL });
    },
    close: () => producer.close(),
  });
}

const config = JSON.parse(process.argv[2] ?? '{}') as RawClientConfig;
await (config.mode === 'produce' ? produce(config) : main(config));
