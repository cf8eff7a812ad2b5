/**
 * `punchline record` against the test broker: it starts at an offset or a date on the partitions
 * asked for, and says in one sentence when the topic does not exist (with the closest name) or no
 * broker answers.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Kafka } from 'kafkajs';
import type { Admin } from 'kafkajs';
import { PACKAGE_ROOT } from '../../src/core/package-root.js';
import { readRecording } from '../../src/libraries/recording/index.js';
import { kafkaConfig, sharedKafka, uniqueName, waitForTopicOnEveryBroker } from '../support/kafka.js';
import type { KafkaClusterDetails } from '../../src/tools/local-broker/index.js';
import { runCli } from '../support/cli.js';
import { channelDir } from '../support/temp-dir.js';

let cluster: KafkaClusterDetails;
let kafka: Kafka;
let admin: Admin;
let dir: string;
let env: NodeJS.ProcessEnv;
const T0 = Date.UTC(2026, 11, 3, 10, 0, 0);

before(async () => {
  cluster = await sharedKafka();
  kafka = new Kafka(kafkaConfig(cluster));
  admin = kafka.admin();
  await admin.connect();
  dir = await channelDir('acme', 'record');
  await copyFile(join(PACKAGE_ROOT, 'punchlines/platform.json5'), join(dir, 'platform.json5'));
  env = { PUNCHLINE_KAFKA_BROKERS: cluster.bootstrapServers.join(','), PUNCHLINE_LOG_LEVEL: 'error' };
});

after(async () => {
  await admin.disconnect();
  await rm(dirname(dirname(dir)), { recursive: true, force: true });
});

test('record starts at an offset or a date on the partitions asked for; it names an unknown topic (with the closest one) and an unreachable broker clearly', async () => {
  const topic = uniqueName('known-topic');
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
  await waitForTopicOnEveryBroker(cluster, topic);
  const producer = kafka.producer();
  await producer.connect();
  for (const partition of [0, 1, 2]) {
    await producer.send({ topic, messages: [0, 1].map((i) => ({ partition, timestamp: String(T0 + i * 1000), value: `p${partition} r${i}` })) });
  }
  await producer.disconnect();
  const platform = ['--config', join(dir, 'platform.json5'), '--cluster', 'front'];
  const valuesOf = async (file: string): Promise<string[]> => {
    const values: string[] = [];
    for await (const record of readRecording(file)) values.push(`${record.partition}@${record.offset} ${Buffer.from(record.value ?? []).toString()}`);
    return values.sort();
  };
  const [fromOffset, fromDate] = await Promise.all([
    runCli(['record', join(dir, 'offset.jsonl'), '--topic', topic, ...platform, '--partitions', '0,2', '--from', '1', '--count', '2'], env),
    runCli(['record', join(dir, 'date.jsonl'), '--topic', topic, ...platform, '--from', new Date(T0 + 500).toISOString(), '--count', '3'], env),
  ]);
  assert.equal(fromOffset.code, 0, fromOffset.stderr);
  assert.deepEqual(await valuesOf(join(dir, 'offset.jsonl')), ['0@1 p0 r1', '2@1 p2 r1']);
  assert.equal(fromDate.code, 0, fromDate.stderr);
  assert.deepEqual(await valuesOf(join(dir, 'date.jsonl')), ['0@1 p0 r1', '1@1 p1 r1', '2@1 p2 r1']);

  const config = join(dir, 'unreachable.json5');
  await writeFile(config, '{ kafka: { clusters: { nowhere: { brokers: ["127.0.0.1:1"], timeout_ms: 2000 } } } }');
  const [unknown, unreachable] = await Promise.all([
    runCli(['record', join(dir, 'x.jsonl'), '--topic', `${topic}x`, '--config', join(dir, 'platform.json5'), '--cluster', 'front'], env),
    runCli(['record', join(dir, 'y.jsonl'), '--topic', topic, '--config', config], env),
  ]);
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, new RegExp(`punchline: topic "${topic}x" does not exist on kafka cluster "front" \\(did you mean "${topic}"\\?\\)`));
  assert.equal(unreachable.code, 1, unreachable.stderr);
  assert.match(unreachable.stderr, /^punchline: kafka cluster "nowhere": reading topic ".*": .*127\.0\.0\.1:1/m);
});
