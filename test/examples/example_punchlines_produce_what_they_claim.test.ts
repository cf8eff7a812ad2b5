/**
 * Every example under `punchlines/` is executable: each runs briefly against the test broker, as
 * `punchline run` does, and produces what its comments claim — the CPU alert lands in
 * `cpu-alerts` as Kapacitor JSON keyed by its id, the getting-started task (window, percentile,
 * sigma, alert) warns then goes critical on its injector's deviation, Healthbot notifications reach their field-built
 * and severity topics, RudderStack events their topics with the key fallback.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Kafka } from 'kafkajs';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { PACKAGE_ROOT } from '../../src/core/package-root.js';
import { loadPlatformConfig } from '../../src/runtime/config/load-platform-config.js';
import { readChannelStructure } from '../../src/runtime/config/channel-structure.js';
import { examplePlatformEnv, kafkaConfig, sharedKafka, uniqueName, waitForTopicOnEveryBroker } from '../support/kafka.js';
import type { KafkaClusterDetails } from '../../src/tools/local-broker/index.js';
import { runCli, startCli, waitFor } from '../support/cli.js';
import type { CliRun } from '../support/cli.js';
import { channelDir } from '../support/temp-dir.js';

const PUNCHLINES = join(PACKAGE_ROOT, 'punchlines');
let kafka: Kafka;
let cluster: KafkaClusterDetails;
let env: NodeJS.ProcessEnv;
const running: CliRun[] = [];
const consumers: Consumer[] = [];

before(async () => {
  cluster = await sharedKafka();
  kafka = new Kafka(kafkaConfig(cluster));
  const [bootstrap] = cluster.bootstrapServers;
  env = { PUNCHLINE_KAFKA_BROKERS: bootstrap, PUNCHLINE_DATA_DIR: await channelDir(), ...examplePlatformEnv() };
});

after(async () => {
  for (const run of running) run.child.kill('SIGKILL');
  await Promise.all(consumers.map((c) => c.disconnect()));
});

/** Creates `topics` (kept when they exist) and collects every record of them from the beginning. */
async function collect(topics: readonly string[]): Promise<Map<string, KafkaMessage[]>> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 3 })) });
  await admin.disconnect();
  for (const topic of topics) await waitForTopicOnEveryBroker(cluster, topic);
  const seen = new Map<string, KafkaMessage[]>(topics.map((t) => [t, []]));
  const consumer = kafka.consumer({ groupId: uniqueName('examples') });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  await consumer.run({
    eachMessage: ({ topic, message }) => {
      seen.get(topic)?.push(message);
      return Promise.resolve();
    },
  });
  return seen;
}

/** Creates the topics a channel of the examples declares (kafka_output creates none by itself). */
async function createChannelTopics(name: string): Promise<void> {
  const channel = join(PUNCHLINES, name);
  const platform = await loadPlatformConfig(undefined, join(channel, 'channel_structure.json5'));
  const { structure, diagnostics } = await readChannelStructure(join(channel, 'channel_structure.json5'), platform);
  assert.ok(structure, JSON.stringify(diagnostics));
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: structure.topics.map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: t.replication_factor })) });
  await admin.disconnect();
  for (const topic of structure.topics) await waitForTopicOnEveryBroker(cluster, topic.name);
}

function start(file: string): CliRun {
  const run = startCli(['run', join(PUNCHLINES, file)], env);
  running.push(run);
  return run;
}

/** Stops a punchline the way an operator does, and expects the graceful exit. */
async function stop(run: CliRun): Promise<void> {
  run.child.kill('SIGTERM');
  const { code, stderr } = await run.exit;
  assert.equal(code, 0, stderr.slice(-2000));
}

test('hello prints its ten samples and exits 0', async () => {
  const { code, stdout } = await runCli(['run', join(PUNCHLINES, 'mytenant/sandbox/hello.json5')], env);
  assert.equal(code, 0);
  const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as { host: string; usage_idle: number });
  assert.equal(lines.length, 10);
  assert.ok(lines.every((l) => /^web-[123]$/.test(l.host) && l.usage_idle >= 0 && l.usage_idle <= 100));
});

test('the monitoring channel: the CPU alert lands in cpu-alerts as Kapacitor JSON keyed by its id', async () => {
  await createChannelTopics('mytenant/monitoring');

  const seen = await collect(['cpu-alerts', 'mytenant.cpu']);
  const injector = start('mytenant/monitoring/cpu_injector.json5');
  const alerting = start('mytenant/monitoring/cpu_alert.json5');
  const critical = (): KafkaMessage | undefined => seen.get('cpu-alerts')?.find((m) => m.value?.toString().includes('"level":"CRITICAL"'));
  await waitFor(() => critical() !== undefined, 90_000, 'a CRITICAL alert in cpu-alerts');
  await stop(injector);
  await stop(alerting);

  const message = critical() as KafkaMessage;
  const value = message.value?.toString('utf8') ?? '';
  assert.ok(value.endsWith('}\n'), 'the value is a whole Kapacitor JSON record, newline included');
  const alert = JSON.parse(value) as { id: string; message: string; level: string; data: { series: { name: string; tags: { host: string } }[] } };
  assert.match(alert.id, /^cpu:host=(web|db)-[12]$/);
  assert.equal(message.key?.toString(), alert.id, 'keyed by the alert id');
  assert.match(alert.message, /^Hey, check your CPU: (web|db)-[12] is CRITICAL$/);
  assert.equal(alert.data.series[0]?.name, 'cpu');
  assert.ok((seen.get('mytenant.cpu')?.length ?? 0) > 0, 'the injector wrote lumberjack records');
});

test('the sigma variant starts, consumes and stops gracefully', async () => {
  const sigma = start('mytenant/monitoring/cpu_sigma_alert.json5');
  await waitFor(() => sigma.stderr().includes('"msg":"running"'), 30_000, 'the sigma punchline to run');
  await stop(sigma);
});

test("the p95 sigma punchline (Kapacitor's getting-started task) raises WARNING then CRITICAL for web/eu on the injected deviation, nothing for the steady web/us", async () => {
  const seen = await collect(['mytenant.cpu_usage', 'cpu-p95-alerts']);
  const injector = start('mytenant/monitoring/cpu_usage_injector.json5');
  const alerting = start('mytenant/monitoring/cpu_p95_sigma.json5');
  const alerts = (): { key: string; alert: { id: string; message: string; time: string; level: string; data: { series: { columns: string[]; values: unknown[][] }[] } } }[] =>
    (seen.get('cpu-p95-alerts') ?? []).map((m) => ({ key: m.key?.toString() ?? '', alert: JSON.parse(m.value?.toString() ?? '{}') as never }));
  await waitFor(() => alerts().some((a) => a.alert.level === 'CRITICAL'), 90_000, 'a CRITICAL alert in cpu-p95-alerts');
  await stop(injector);
  await stop(alerting);

  const [warning, critical] = alerts();
  // Minute 21 (p95 62.5) is 2.87 sigmas off web/eu's history, minute 22 (p95 64) 3.34: the alert's time is the window's end.
  assert.deepEqual(
    [warning, critical].map((a) => `${a?.key} ${a?.alert.time} ${a?.alert.message}`),
    ['cpu_usage/web/eu 1970-01-01T00:21:00Z cpu_usage/web/eu is WARNING cpu-95th:62.5', 'cpu_usage/web/eu 1970-01-01T00:22:00Z cpu_usage/web/eu is CRITICAL cpu-95th:64'],
  );
  assert.deepEqual(critical?.alert.data.series[0]?.columns, ['time', 'percentile', 'sigma']);
  assert.ok(alerts().every((a) => a.alert.id === 'cpu_usage/web/eu'), 'web/us is steady: its sigma stays 0');
});

test('Healthbot notifications reach their field-built topic and their severity topic', async () => {
  const perDevice = 'core-routers.mx-1.system.cpu.check-cpu.high-cpu';
  await createChannelTopics('mytenant/healthbot');
  const seen = await collect([perDevice, 'healthbot.noc.major', 'healthbot.audit']);
  const run = start('mytenant/healthbot/notifications.json5');
  const severities = (topic: string): string[] => (seen.get(topic) ?? []).map((m) => (JSON.parse(m.value?.toString() ?? '{}') as { severity: string }).severity);
  await waitFor(() => severities('healthbot.noc.major').length > 0 && severities('healthbot.audit').length > 0 && severities(perDevice).length > 0, 60_000, 'notifications on all three topics');
  await stop(run);
  assert.ok(severities('healthbot.noc.major').every((s) => s === 'major'));
  assert.ok(severities('healthbot.audit').every((s) => s === 'normal'));
  assert.ok((seen.get(perDevice) ?? []).every((m) => (JSON.parse(m.value?.toString() ?? '{}') as { 'device-id': string })['device-id'] === 'mx-1'));
});

test('RudderStack events reach the topic of their type or name, keyed by userId else anonymousId', async () => {
  await createChannelTopics('mytenant/rudderstack');
  const seen = await collect(['rudder.product-added', 'rudder.orders', 'rudder.identifies', 'rudder.pages']);
  const run = start('mytenant/rudderstack/events.json5');
  await waitFor(() => [...seen.values()].every((messages) => messages.length > 0), 60_000, 'events on every routed topic');
  await stop(run);
  const keys = (topic: string): string[] => (seen.get(topic) ?? []).map((m) => m.key?.toString() ?? '');
  assert.ok(keys('rudder.product-added').every((k) => /^user-\d+$/.test(k)));
  assert.ok(keys('rudder.pages').every((k) => /^anon-\d+$/.test(k)), 'page views of anonymous visitors fall back to anonymousId');
  const events = (seen.get('rudder.orders') ?? []).map((m) => JSON.parse(m.value?.toString() ?? '{}') as { type: string; event: string });
  assert.ok(events.every((e) => e.type === 'track' && e.event === 'Order Completed'));
});
