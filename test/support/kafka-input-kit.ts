/**
 * What the `kafka_input` tests share: a platform config naming the test broker, topics, producing
 * lumberjack records with ids, reading what a `file_output` wrote, and the group's commits.
 * Tests still write their punchlines in full: this kit only spares them the plumbing.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, IHeaders, Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { KafkaClusterDetails } from '../../src/tools/local-broker/index.js';
import { readPlatformConfig } from '../../src/runtime/config/load-platform-config.js';
import type { PlatformConfig } from '../../src/runtime/config/platform-config.js';
import { TEST_ENV, kafkaClient, sharedKafka, testKafkaClient, uniqueName } from './kafka.js';
import { waitFor } from './cli.js';

interface LumberjackProtocol {
  makeDataFrame(sequence: number, data: Readonly<Record<string, unknown>>): Buffer;
}

/** The encoder the spec names: what Punch producers write. */
export const lumberjackProtocol = createRequire(import.meta.url)('lumberjack-protocol/lib/lumberjack.js') as LumberjackProtocol;

/** Everything a test needs to talk to the shared broker. */
export interface KafkaTestKit {
  readonly cluster: KafkaClusterDetails;
  readonly kafka: Kafka;
  readonly admin: Admin;
  /** The platform config file (cluster id `test`, plaintext listener), for the CLI. */
  readonly platformFile: string;
  readonly platform: PlatformConfig;
  readonly dir: string;
  close(): Promise<void>;
}

/** Connects to the shared test broker and writes a platform config naming it `test`. */
export async function openKafkaTestKit(): Promise<KafkaTestKit> {
  const cluster = await sharedKafka();
  const kafka = kafkaClient(cluster);
  const admin = kafka.admin();
  await admin.connect();
  // Under `npm test`, in the run folder the launcher deletes after a successful run (kept on failure).
  const runDir = process.env[TEST_ENV.RUN_DIR];
  const parent = runDir === undefined || runDir === '' ? tmpdir() : runDir;
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(join(parent, 'kafka-input-test-'));
  const platformFile = join(dir, 'platform.json5');
  await writeFile(platformFile, JSON.stringify({ kafka: { clusters: { test: { brokers: cluster.bootstrapServers, client: testKafkaClient() } } } }));
  const { config, diagnostics } = await readPlatformConfig(platformFile);
  if (config === undefined) throw new Error(`test platform config is invalid: ${JSON.stringify(diagnostics)}`);
  return { cluster, kafka, admin, platformFile, platform: config, dir, close: () => admin.disconnect() };
}

/** Creates a topic with a unique name and waits until it has a leader for every partition. */
export async function createTopic(kit: KafkaTestKit, prefix: string, partitions = 1): Promise<string> {
  const topic = uniqueName(prefix);
  // Not kafkajs' waitForLeaders: its metadata wait gives up on UNKNOWN_TOPIC_OR_PARTITION, which a
  // broker answers until it has caught up with the new topic. Ask until every partition has a leader.
  await kit.admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: false });
  const deadline = performance.now() + 30_000;
  for (;;) {
    const ready = await kit.admin.fetchTopicMetadata({ topics: [topic] }).then(
      (metadata) => metadata.topics[0]?.partitions.length === partitions && metadata.topics[0].partitions.every((p) => p.leader >= 0),
      (error: unknown) => {
        if (performance.now() > deadline) throw error;
        return false;
      },
    );
    if (ready) return topic;
    if (performance.now() > deadline) throw new Error(`topic ${topic}: no leader for every partition within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One record to produce: lumberjack fields, and optionally where and when. */
export interface TestRecord {
  readonly fields?: Readonly<Record<string, unknown>>;
  readonly value?: Buffer | string | null;
  readonly key?: Buffer | string | null;
  readonly partition?: number;
  readonly timestamp?: number;
  readonly headers?: IHeaders;
}

/**
 * Produces records (lumberjack `1D` frames of `fields` unless a raw `value` is given), in order,
 * each once, with the kit's client (or a test's own cluster's: `{ kafka }`).
 */
export async function produce(kit: Pick<KafkaTestKit, 'kafka'>, topic: string, records: readonly TestRecord[]): Promise<void> {
  // Idempotent: kafkajs resends a whole request when one partition of it answers a retriable error
  // (NOT_LEADER right after a topic is created), which duplicates what the others had written, and
  // tests count records exactly.
  const producer = kit.kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < records.length; i += 1000) {
      await producer.send({
        topic,
        acks: -1,
        messages: records.slice(i, i + 1000).map((r) => ({
          value: r.value !== undefined ? r.value : lumberjackProtocol.makeDataFrame(1, r.fields ?? {}),
          ...(r.key !== undefined && { key: r.key }),
          ...(r.partition !== undefined && { partition: r.partition }),
          ...(r.timestamp !== undefined && { timestamp: String(r.timestamp) }),
          ...(r.headers !== undefined && { headers: r.headers }),
        })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Records `{ id: first … first+count-1 }` (ids as lumberjack text), all on `partition` if given. */
export function idRecords(first: number, count: number, partition?: number): TestRecord[] {
  return Array.from({ length: count }, (_, i) => ({ fields: { id: String(first + i), msg: `record ${first + i}` }, ...(partition !== undefined && { partition }) }));
}

/** The lines a `file_output` wrote so far, parsed. */
export async function readLines(path: string): Promise<Record<string, unknown>[]> {
  if (!existsSync(path)) return [];
  const text = await readFile(path, 'utf8');
  return text.split('\n').filter((line) => line.length > 0).map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The `id` fields of the lines of a file, as numbers, in file order. */
export async function readIds(path: string): Promise<number[]> {
  return (await readLines(path)).map((line) => Number(line.id));
}

/** Waits until the file holds at least `count` lines. */
export async function waitForLines(path: string, count: number, timeoutMs = 60_000): Promise<Record<string, unknown>[]> {
  let lines: Record<string, unknown>[] = [];
  await waitFor(async () => (lines = await readLines(path)).length >= count, timeoutMs, `${count} lines in ${path} (have ${lines.length})`);
  return lines;
}

/**
 * Waits until the file holds `count` different ids: records read again after a crash or an outage
 * (at least once) add lines, not ids, so a count of lines can be reached before every record is.
 */
export async function waitForIds(path: string, count: number, timeoutMs = 60_000): Promise<number[]> {
  let ids: number[] = [];
  await waitFor(async () => new Set((ids = await readIds(path))).size >= count, timeoutMs, `${count} different ids in ${path} (have ${new Set(ids).size})`);
  return ids;
}

/** The group's committed offset of each partition (-1 when none), by partition. */
export async function committedOffsets(kit: KafkaTestKit, groupId: string, topic: string): Promise<number[]> {
  const [offsets] = await kit.admin.fetchOffsets({ groupId, topics: [topic] });
  return (offsets?.partitions ?? []).sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
}

/** How many times each id occurs. */
export function countIds(ids: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/**
 * The sum of every series of a metric for one component: the kafka_input record counters have
 * one series per partition.
 */
export async function metricTotal(registry: Registry, name: string, component: string): Promise<number> {
  const data = await registry.getSingleMetric(name)?.get();
  return (data?.values ?? []).filter((v) => v.labels.component === component).reduce((sum, v) => sum + v.value, 0);
}

/** A fresh output file path in the kit's folder. */
export function outputFile(kit: KafkaTestKit, name: string): string {
  return join(kit.dir, `${uniqueName(name)}.jsonl`);
}

/**
 * The punchline file of the kill -9 tests, `kafka_input` (group `group`) → `file_output` writing
 * `{"id": …}` lines to `out`, under the kit's `acme/<name>` channel, for `punchline run`.
 * `session_timeout_ms: 6000` lets a restart get the partitions of a killed member within seconds.
 */
export async function killablePunchline(kit: KafkaTestKit, name: string, topic: string, group: string, out: string, inputSettings = ''): Promise<string> {
  const dir = join(kit.dir, 'acme', name);
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}.json5`);
  await writeFile(
    file,
    `{
      version: "1", type: "punchline",
      dag: [
        { type: "kafka_input", component: "input",
          settings: { brokers: "test", topic: "${topic}", "group.id": "${group}", ${inputSettings}session_timeout_ms: 6000 },
          publish: [{ stream: "logs", fields: ["id"] }] },
        { type: "file_output", settings: { path: "${out}" }, subscribe: [{ component: "input", stream: "logs" }] },
      ],
    }`,
  );
  return file;
}

/** The ids a killable punchline wrote, parsed object by object (a line torn by a kill runs into the next one). */
export async function idsWritten(path: string): Promise<number[]> {
  if (!existsSync(path)) return [];
  const text = await readFile(path, 'utf8');
  return [...text.matchAll(/\{"id":"(\d+)"\}/g)].map((match) => Number(match[1]));
}

/** Unique topic and group names, re-exported so kafka_input tests import one kit. */
export { uniqueName };
