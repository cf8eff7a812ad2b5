/**
 * What the `kafka_output` scenario tests share besides the suite's broker (`test/support/kafka.ts`):
 * a platform config naming it, a fixture input that emits given tuples (and, on request, replays
 * the failed ones), punchlines started with that input in the catalogue, and a reader that
 * collects everything a topic holds.
 */
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { KafkaCluster, KafkaClusterDetails } from '../../src/tools/local-broker/index.js';
import type { KafkaClusterConfig, PlatformConfig } from '../../src/runtime/config/platform-config.js';
import { parseJson5Document } from '../../src/runtime/validation/json5-document.js';
import { validatePunchlineDocument } from '../../src/runtime/config/load-punchline.js';
import { createLogger } from '../../src/runtime/logging.js';
import { defineNode } from '../../src/runtime/node-api.js';
import type { FieldValue, Fields, InputSink, NodeDefinition } from '../../src/runtime/node-api.js';
import { Topology } from '../../src/runtime/topology.js';
import type { RunResult } from '../../src/runtime/topology.js';
import { formatDiagnostic } from '../../src/runtime/validation/diagnostic.js';
import { kafkaClient, sharedKafka, startTestCluster, testKafkaClient, uniqueName, waitForTopicOnEveryBroker } from './kafka.js';
import { TEST_CATALOGUE } from './test-nodes.js';

export { sharedKafka, uniqueName };

/** The cluster id test punchlines name (`brokers: "test"`). */
export const TEST_CLUSTER = 'test';


/**
 * A cluster of its own for a test that stops and starts brokers (never the shared one). Call it
 * at the top level of a test file: it is stopped after the file's tests.
 */
export async function startDedicatedCluster(name: string): Promise<KafkaCluster> {
  const cluster = await startTestCluster(name, { heapMb: 384 });
  after(() => cluster.stop());
  return cluster;
}

/**
 * A platform config with the cluster `test` at `brokers` (batches flush after `batchTimeoutMs`),
 * and any `others` clusters by id.
 */
export function platformFor(brokers: readonly string[], batchTimeoutMs = 20, others: Readonly<Record<string, readonly string[]>> = {}): PlatformConfig {
  const client = testKafkaClient();
  const cluster = (addresses: readonly string[]): KafkaClusterConfig => ({ brokers: [...addresses], client_id: 'punchline-test', client, timeout_ms: 5000, batch_size: 100, batch_timeout_ms: batchTimeoutMs });
  const clusters: Record<string, KafkaClusterConfig> = { [TEST_CLUSTER]: cluster(brokers) };
  for (const [id, addresses] of Object.entries(others)) clusters[id] = cluster(addresses);
  return { file: undefined, kafka: { clusters } };
}

/** What a fixture input saw of its tuples, by index in its `tuples` setting. */
export class FixtureRecorder {
  /** Indexes acked, in ack order. */
  readonly acked: number[] = [];
  /** Every failure, in order (a replayed tuple can fail several times). */
  readonly failed: { readonly index: number; readonly code: string; readonly message: string }[] = [];
}

const recorders = new Map<string, FixtureRecorder>();

/** The recorder a fixture input names (created on first use). */
export function fixtureRecorder(name: string): FixtureRecorder {
  let found = recorders.get(name);
  if (found === undefined) recorders.set(name, (found = new FixtureRecorder()));
  return found;
}

interface FixtureSettings {
  readonly recorder: string;
  readonly tuples: readonly Record<string, FieldValue>[];
  readonly replay_failed: boolean;
  readonly replay_delay_ms: number;
  readonly messages_per_second: number;
  readonly id_field: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Emits each of `tuples` (with its index in `id_field`), paced when `messages_per_second` is set,
 * and ends once every tuple is acked, or failed without replay. With `replay_failed`, a failed
 * tuple is emitted again after `replay_delay_ms`, until acked: the input side of at-least-once.
 */
const fixtureInput = defineNode<FixtureSettings>({
  type: 'fixture_input',
  kind: 'input',
  schema: fileURLToPath(new URL('./schemas/fixture_input.schema.json', import.meta.url)),
  create(settings) {
    const seen = fixtureRecorder(settings.recorder);
    let stopped = false;
    let loop: Promise<void> | undefined;
    const run = async (sink: InputSink): Promise<void> => {
      let open = settings.tuples.length;
      const settle = (): void => {
        if (--open === 0) sink.end();
      };
      const emit = (index: number): void => {
        const fields: Fields = { ...settings.tuples[index], [settings.id_field]: index };
        sink.emit(fields, {
          ack: () => {
            seen.acked.push(index);
            settle();
          },
          fail: (error) => {
            seen.failed.push({ index, code: error.code, message: error.message });
            if (!settings.replay_failed || stopped) return settle();
            setTimeout(() => {
              if (stopped) settle();
              else emit(index);
            }, settings.replay_delay_ms);
          },
        });
      };
      if (open === 0) sink.end();
      const started = Date.now();
      for (let index = 0; index < settings.tuples.length && !stopped; index++) {
        await sink.capacity();
        if (settings.messages_per_second > 0) {
          const due = started + (index * 1000) / settings.messages_per_second;
          if (due > Date.now()) await sleep(due - Date.now());
        }
        emit(index);
      }
    };
    return {
      start(sink) {
        loop = run(sink);
        return Promise.resolve();
      },
      async stop() {
        stopped = true;
        await loop;
      },
      close: () => Promise.resolve(),
    };
  },
});

const CATALOGUE: readonly NodeDefinition[] = [...TEST_CATALOGUE, fixtureInput];

/** A punchline started in-process, as `punchline run` would, with the fixture input available. */
export interface RunningPunchline {
  readonly topology: Topology;
  readonly registry: Registry;
  readonly result: Promise<RunResult>;
}

/**
 * Validates and starts a punchline; throws with every diagnostic when it is invalid. Logs go to
 * `logger` when given, else nowhere (or per `PUNCHLINE_TEST_LOG_LEVEL`).
 */
export async function startTestPunchline(text: string, platform: PlatformConfig, logger?: Logger): Promise<RunningPunchline> {
  const { punchline, diagnostics } = validatePunchlineDocument(parseJson5Document('/tests/acme/kafka/output.json5', text), CATALOGUE, platform);
  if (punchline === undefined) throw new Error(`invalid test punchline:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  const registry = new Registry();
  const topology = new Topology(punchline, { platform, logger: logger ?? createLogger({ level: process.env.PUNCHLINE_TEST_LOG_LEVEL ?? 'silent', pretty: false }), registry });
  await topology.start();
  return { topology, registry, result: topology.result };
}

/** The diagnostics of a punchline, formatted, for tests of validation. */
export function validationMessages(text: string, platform: PlatformConfig): string[] {
  const { diagnostics } = validatePunchlineDocument(parseJson5Document('/tests/acme/kafka/output.json5', text), CATALOGUE, platform);
  return diagnostics.map(formatDiagnostic);
}

/** The sum of a metric's series whose labels include `labels`. */
export async function metricSum(registry: Registry, name: string, labels: Readonly<Record<string, string>> = {}): Promise<number> {
  const data = await registry.getSingleMetric(name)?.get();
  let sum = 0;
  for (const value of data?.values ?? []) {
    if (Object.entries(labels).every(([k, v]) => value.labels[k] === v)) sum += value.value;
  }
  return sum;
}

/** A record as read back from a topic. */
export interface ReadRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer | undefined>>;
}



/** Creates a topic with `partitions` partitions, once every broker knows a leader for each. */
export async function createTopic(cluster: KafkaClusterDetails, topic: string, partitions: number): Promise<void> {
  const admin = kafkaClient(cluster).admin();
  await admin.connect();
  try {
    // kafkajs' waitForLeaders gives up on the UNKNOWN_TOPIC_OR_PARTITION a busy broker answers
    // right after the creation: wait for the leaders with retries of our own instead.
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: false });
  } finally {
    await admin.disconnect();
  }
  await waitForTopicOnEveryBroker(cluster, topic);
}

/** The partition count of a topic, or undefined when it does not exist. */
export async function partitionCount(cluster: KafkaClusterDetails, topic: string): Promise<number | undefined> {
  const admin = kafkaClient(cluster).admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) return undefined;
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    return metadata.topics[0]?.partitions.length;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Every record `topic` holds now (up to its high watermarks), in partition then offset order.
 * Throws if they cannot all be read within `deadlineMs`, naming how many were missing.
 */
export async function readTopic(cluster: KafkaClusterDetails, topic: string, deadlineMs = 60_000, atLeast = 0): Promise<ReadRecord[]> {
  const kafka = kafkaClient(cluster);
  const admin = kafka.admin();
  await admin.connect();
  // `atLeast`: records written without an answer from the broker (acks 0) may still be on their
  // way when the writer is done; wait until the topic holds that many before reading.
  const waitUntil = performance.now() + deadlineMs;
  let ends = await admin.fetchTopicOffsets(topic);
  while (ends.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0) < atLeast && performance.now() < waitUntil) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    ends = await admin.fetchTopicOffsets(topic);
  }
  await admin.disconnect();
  const remaining = new Map(ends.map((p) => [p.partition, BigInt(p.high)]));
  for (const [partition, high] of remaining) if (high === 0n) remaining.delete(partition);
  const records: ReadRecord[] = [];
  if (remaining.size === 0) return records;
  // A broker that has not caught up with a new topic answers UNKNOWN_TOPIC_OR_PARTITION, and
  // kafkajs' subscribe gives up instead of retrying.
  await waitForTopicOnEveryBroker(cluster, topic);
  const consumer = kafka.consumer({ groupId: uniqueName('reader') });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      eachMessage: ({ partition, message }) => {
        const high = remaining.get(partition);
        if (high === undefined) return Promise.resolve();
        const headers: Record<string, Buffer | undefined> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = Array.isArray(value) ? (value.at(-1) as Buffer | undefined) : (value as Buffer | undefined);
        records.push({ partition, offset: message.offset, key: message.key, value: message.value, headers });
        if (BigInt(message.offset) + 1n >= high) {
          remaining.delete(partition);
          if (remaining.size === 0) done();
        }
        return Promise.resolve();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), deadlineMs)));
    const outcome = await Promise.race([finished, expired]);
    clearTimeout(timer);
    if (outcome === 'expired') throw new Error(`reading ${topic}: partitions ${[...remaining.keys()].join(', ')} not read to their end within ${deadlineMs} ms (${records.length} records read)`);
  } finally {
    await consumer.disconnect();
  }
  return records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}
