/**
 * The monitoring channel's topic example, run as `punchline run` runs it from the repository root:
 * `cpu_topic_alert.json5` publishes its CPU alerts to topic `cpu`, Kapacitor's seed
 * `kafka_cpu_handler.yaml` writes them to cpu-alerts keyed by the alert id, and
 * `cpu_state_changes.yaml` (match `changed() == TRUE`) logs only level changes, in a file of mode 0640.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Kafka } from 'kafkajs';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { PACKAGE_ROOT } from '../../src/core/package-root.js';
import { examplePlatformEnv, kafkaConfig, sharedKafka, uniqueName, waitForTopicOnEveryBroker } from '../support/kafka.js';
import type { KafkaClusterDetails } from '../../src/tools/local-broker/index.js';
import { startCli, waitFor } from '../support/cli.js';
import type { CliRun } from '../support/cli.js';
import { channelDir } from '../support/temp-dir.js';

let cluster: KafkaClusterDetails;
let kafka: Kafka;
let consumer: Consumer | undefined;
const running: CliRun[] = [];

before(async () => {
  cluster = await sharedKafka();
  kafka = new Kafka(kafkaConfig(cluster));
});

after(async () => {
  for (const run of running) run.child.kill('SIGKILL');
  await consumer?.disconnect();
});

test('cpu_topic_alert: the seed handler writes the alerts of topic cpu to cpu-alerts keyed by id; the changed() == TRUE handler logs level changes only', async () => {
  const dataDir = await channelDir();
  const env = { PUNCHLINE_KAFKA_BROKERS: cluster.bootstrapServers[0], PUNCHLINE_DATA_DIR: dataDir, ...examplePlatformEnv() };
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'mytenant.cpu', numPartitions: 3 }, { topic: 'cpu-alerts', numPartitions: 3 }] });
  await admin.disconnect();
  for (const topic of ['mytenant.cpu', 'cpu-alerts']) await waitForTopicOnEveryBroker(cluster, topic);

  // Records of cpu-alerts written from now on: the ones the example writes.
  const alerts: KafkaMessage[] = [];
  consumer = kafka.consumer({ groupId: uniqueName('topic-example') });
  await consumer.connect();
  await consumer.subscribe({ topic: 'cpu-alerts', fromBeginning: false });
  await consumer.run({ eachMessage: ({ message }) => Promise.resolve(void alerts.push(message)) });
  await new Promise((resolve) => setTimeout(resolve, 3000)); // the consumer's assignment, before anything is written

  const start = (file: string): CliRun => {
    const run = startCli(['run', join(PACKAGE_ROOT, 'punchlines/mytenant/monitoring', file)], env);
    running.push(run);
    return run;
  };
  const injector = start('cpu_injector.json5');
  const alerting = start('cpu_topic_alert.json5');
  const log = join(dataDir, 'mytenant/monitoring/cpu-state-changes.log');
  const logged = async (): Promise<{ id: string; level: string; previousLevel: string }[]> =>
    existsSync(log) ? (await readFile(log, 'utf8')).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { id: string; level: string; previousLevel: string }) : [];
  await waitFor(async () => alerts.length > 0 && (await logged()).some((e) => e.level === 'CRITICAL'), 90_000, 'a CRITICAL in cpu-alerts and in the log');
  for (const run of [injector, alerting]) {
    run.child.kill('SIGTERM');
    const { code, stderr } = await run.exit;
    assert.equal(code, 0, stderr.slice(-2000));
  }

  const first = alerts[0] as KafkaMessage;
  const event = JSON.parse(first.value?.toString('utf8') ?? '') as { id: string; message: string };
  assert.equal(first.key?.toString(), event.id, 'keyed by the alert id');
  assert.match(event.message, /^Hey, check your CPU: (web|db)-[12] is (CRITICAL|OK)$/);
  const changes = await logged();
  assert.ok(changes.every((e) => e.level !== e.previousLevel), 'only level changes are logged');
  assert.equal((await stat(log)).mode & 0o777, 0o640);
});
