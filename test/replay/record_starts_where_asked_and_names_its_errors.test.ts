/**
 * `punchline record` against the test broker: it starts at an offset or a date on the partitions
 * asked for, and says in one sentence when the topic does not exist (with the closest name) or no
 * broker answers.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Kafka } from 'kafkajs';
import type { Admin } from 'kafkajs';
import { readRecording } from '../../src/libraries/recording/index.js';
import { kafkaConfig, sharedKafka, testKafkaClient, uniqueName, waitForTopicOnEveryBroker } from '../support/kafka.js';
/** The examples' platform config (punchlines/platform.json5), its clusters on the client library PUNCHLINE_TEST_KAFKA_CLIENT names. */
function examplesPlatform(): string {
  const cluster = { brokers: ['${PUNCHLINE_KAFKA_BROKERS}'], client: testKafkaClient() };
  return JSON.stringify({ kafka: { clusters: { 'infra-monitoring': { ...cluster, client_id: 'punchline-monitoring' }, front: cluster } } });
}

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
  // The examples' clusters, reading with the client library PUNCHLINE_TEST_KAFKA_CLIENT names.
  await writeFile(join(dir, 'platform.json5'), examplesPlatform());
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
  await writeFile(config, JSON.stringify({ kafka: { clusters: { nowhere: { brokers: ['127.0.0.1:1'], timeout_ms: 2000, client: testKafkaClient() } } } }));
  const [unknown, unreachable] = await Promise.all([
    runCli(['record', join(dir, 'x.jsonl'), '--topic', `${topic}x`, '--config', join(dir, 'platform.json5'), '--cluster', 'front'], env),
    runCli(['record', join(dir, 'y.jsonl'), '--topic', topic, '--config', config], env),
  ]);
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, new RegExp(`punchline: topic "${topic}x" does not exist on kafka cluster "front" \\(did you mean "${topic}"\\?\\)`));
  assert.equal(unreachable.code, 1, unreachable.stderr);
  assert.match(unreachable.stderr, /^punchline: kafka cluster "nowhere": reading topic ".*": .*127\.0\.0\.1:1/m);
});
