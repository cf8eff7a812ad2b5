// `punchline groups` against Kafka's own kafka-consumer-groups tool (ConsumerGroupCommand, run
// from the broker's cached jars) on the same data: the lag it prints per partition is the lag
// Kafka's tool prints, a reset --to-datetime moves the offsets exactly where Kafka's tool would
// (dry run by default, applied with --execute), and a reset of a group with an active member is
// refused, as Kafka's tool refuses it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Admin, Consumer } from 'kafkajs';
import { DEFAULT_KAFKA_VERSION, kafkaClasspath, kafkaLibsDir } from '../../src/tools/local-broker/index.js';
import type { KafkaClusterDetails } from '../../src/tools/local-broker/index.js';
import { TEST_ENV, kafkaClient, sharedKafka, testKafkaClient, uniqueName } from '../support/kafka.js';
import { runCli } from '../support/cli.js';

const run = promisify(execFile);
// Recent: records older than the topic's retention (7 days) may be deleted while the test runs.
const BASE = Math.floor(Date.now() / 1000) * 1000 - 60_000;
const at = (ms: number): string => new Date(BASE + ms).toISOString();

let kafka: KafkaClusterDetails;
let admin: Admin;
let bootstrap: string;
/** A platform config whose cluster names the client library PUNCHLINE_TEST_KAFKA_CLIENT names. */
let platform: string;
const consumers: Consumer[] = [];

before(async () => {
  kafka = await sharedKafka();
  bootstrap = kafka.bootstrapServers[0] ?? '';
  admin = kafkaClient(kafka).admin();
  await admin.connect();
  platform = join(await mkdtemp(join(tmpdir(), 'punchline-groups-')), 'platform.json5');
  await writeFile(platform, JSON.stringify({ kafka: { clusters: { local: { brokers: [bootstrap], client: testKafkaClient() } } } }));
});

after(async () => {
  await Promise.all(consumers.map((c) => c.disconnect()));
  await admin.disconnect();
  await rm(dirname(platform), { recursive: true, force: true });
});

/** Kafka's kafka-consumer-groups with `args`: its stdout, or its output when it fails. */
async function kafkaConsumerGroups(args: readonly string[]): Promise<string> {
  const version = process.env[TEST_ENV.VERSION] || DEFAULT_KAFKA_VERSION;
  const [major = 0, minor = 0] = version.split('.').map(Number);
  // The tool moved from the core jar (Scala) to the tools jar in Kafka 3.7.
  const main = major > 3 || (major === 3 && minor >= 7) ? 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand' : 'kafka.admin.ConsumerGroupCommand';
  try {
    const { stdout } = await run('java', ['-Xmx256m', '-cp', kafkaClasspath(kafkaLibsDir(version)), main, '--bootstrap-server', bootstrap, ...args], { maxBuffer: 4 << 20 });
    return stdout;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return `${failed.stdout ?? ''}${failed.stderr ?? ''}`;
  }
}

/** The rows of the table the Java tool printed for `group` (its dry run prints them without line breaks): cells by header. */
function rows(output: string, group: string): Record<string, string>[] {
  const tokens = output.slice(output.indexOf('GROUP ')).trim().split(/\s+/);
  const width = tokens.indexOf(group);
  assert.ok(width > 0, `a table of group ${group} in:\n${output}`);
  const header = tokens.slice(0, width);
  const result: Record<string, string>[] = [];
  for (let at = width; at + width <= tokens.length; at += width) result.push(Object.fromEntries(header.map((name, i) => [name, tokens[at + i] ?? ''])));
  return result;
}

async function cli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCli(['groups', ...args, '--config', platform]);
}

/** A 3-partition topic of 30 records, record i on partition i % 3 with the timestamp BASE + i s. */
async function topicWithTimedRecords(): Promise<string> {
  const topic = uniqueName('groups');
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  const producer = kafkaClient(kafka).producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: Array.from({ length: 30 }, (_, i) => ({ partition: i % 3, value: `r${i}`, timestamp: String(BASE + i * 1000) })) });
  await producer.disconnect();
  return topic;
}

test("lag and reset --to-datetime agree with Kafka's kafka-consumer-groups, and a reset is a dry run without --execute", { timeout: 240_000 }, async () => {
  const topic = await topicWithTimedRecords();
  const group = uniqueName('groups-g');
  await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '4' }, { partition: 1, offset: '7' }, { partition: 2, offset: '10' }] });

  const committed = async (): Promise<string[]> =>
    ((await admin.fetchOffsets({ groupId: group, topics: [topic] }))[0]?.partitions ?? []).map((p) => `${p.partition}@${p.offset}`).sort();
  const javaLag = async (): Promise<string[]> =>
    rows(await kafkaConsumerGroups(['--describe', '--group', group]), group)
      .map((r) => `${r.TOPIC} ${r.PARTITION} ${r['CURRENT-OFFSET']} ${r['LOG-END-OFFSET']} ${r.LAG}`)
      .sort();

  const lag = await cli(['lag', group, '--json']);
  assert.equal(lag.code, 0, lag.stderr);
  const ours = JSON.parse(lag.stdout) as { totalLag: number; partitions: { topic: string; partition: number; committed: number; end: number; lag: number }[] };
  const lines = ours.partitions.map((p) => `${p.topic} ${p.partition} ${p.committed} ${p.end} ${p.lag}`);
  assert.deepEqual(lines, [`${topic} 0 4 10 6`, `${topic} 1 7 10 3`, `${topic} 2 10 10 0`]);
  assert.equal(ours.totalLag, 9);
  assert.deepEqual(lines, await javaLag(), "the lag Kafka's tool prints");

  // Between record 14 (BASE + 14 s) and 15: partition 0 → record 15 (offset 5), 1 → 16 (5), 2 → 17 (5); in an hour: none, the log end.
  for (const [datetime, expected] of [[at(14_500), [5, 5, 5]], [at(3_600_000), [10, 10, 10]]] as const) {
    const dry = await cli(['reset', group, '--topic', topic, '--to-datetime', datetime, '--json']);
    assert.equal(dry.code, 0, dry.stderr);
    const plan = (JSON.parse(dry.stdout) as { executed: boolean; partitions: { topic: string; partition: number; target: number }[] }).partitions.map((p) => `${p.topic} ${p.partition} ${p.target}`);
    assert.deepEqual(plan, expected.map((offset, partition) => `${topic} ${partition} ${offset}`));
    const java = rows(await kafkaConsumerGroups(['--reset-offsets', '--group', group, '--topic', topic, '--to-datetime', datetime, '--dry-run']), group).map((r) => `${r.TOPIC} ${r.PARTITION} ${r['NEW-OFFSET']}`).sort();
    assert.deepEqual(plan, java, `the offsets Kafka's tool computes for ${datetime}`);
  }
  assert.deepEqual(await committed(), ['0@4', '1@7', '2@10'], 'a dry run changes nothing');

  const applied = await cli(['reset', group, '--topic', topic, '--to-datetime', at(14_500), '--execute']);
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stdout, /offsets reset/);
  assert.deepEqual(await committed(), ['0@5', '1@5', '2@5']);
  assert.deepEqual(await javaLag(), [`${topic} 0 5 10 5`, `${topic} 1 5 10 5`, `${topic} 2 5 10 5`], "what Kafka's tool sees after the reset");

  const shifted = await cli(['reset', group, '--topic', `${topic}:1`, '--shift-by', '-10', '--execute']);
  assert.equal(shifted.code, 0, shifted.stderr);
  assert.deepEqual(await committed(), ['0@5', '1@0', '2@5'], 'a shift past the log start stops at it, on partition 1 only');
});

test("a reset of a group with an active member is refused, as Kafka's tool refuses it", { timeout: 120_000 }, async () => {
  const topic = await topicWithTimedRecords();
  const group = uniqueName('groups-active');
  const consumer = kafkaClient(kafka).consumer({ groupId: group });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  await consumer.run({ eachMessage: () => Promise.resolve(void seen++) });
  const deadline = Date.now() + 60_000;
  while (seen < 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));

  const refused = await cli(['reset', group, '--topic', topic, '--to-earliest', '--execute']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, new RegExp(`consumer group "${group}" is Stable with 1 member\\(s\\): offsets can only be reset while the group is inactive \\(stop its consumers first`));
  const java = await kafkaConsumerGroups(['--reset-offsets', '--group', group, '--topic', topic, '--to-earliest', '--execute']);
  assert.match(java, /can only be reset if the group .* is inactive/i, "Kafka's tool refuses it too");

  const described = await cli(['describe', group]);
  assert.equal(described.code, 0, described.stderr);
  assert.match(described.stdout, new RegExp(`^group ${group}: Stable, 1 member\\(s\\)`));
  assert.match(described.stdout, new RegExp(`${topic}:0,1,2`), 'the member holds the three partitions');
});
