// Healthbot publishes each notification on a topic built from its fields,
// `<group>.<device>.<topic>.<rule>.<trigger>`, unless a topic is configured, and users route
// major and normal notifications to different places. A punchline replacing it must do both.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { KafkaClusterDetails } from '../../src/tools/local-broker/index.js';
import { fixtureRecorder, metricSum, platformFor, readTopic, sharedKafka, startTestPunchline, uniqueName } from '../../test/support/kafka-output-kit.js';

let kafka: KafkaClusterDetails;
before(async () => {
  kafka = await sharedKafka();
});

const FIELDS = ['device-id', 'group', 'keys', 'message', 'rule', 'severity', 'topic', 'trigger'];

function notification(group: string, device: string, severity: string, message: string): Record<string, unknown> {
  return {
    'device-id': device,
    group,
    keys: { _instance_id: '["ptp-test"]', _playbook_name: 'ptp-playbook' },
    message,
    rule: 'ptp-lock-status',
    severity,
    topic: 'protocol.ptp',
    trigger: 'ptp-lock-status',
  };
}

function punchline(recorder: string, tuples: Record<string, unknown>[], settings: Record<string, unknown>): string {
  return JSON.stringify({
    version: '1',
    type: 'punchline',
    dag: [
      { type: 'fixture_input', component: 'healthbot', settings: { recorder, tuples }, publish: [{ stream: 'notifications', fields: FIELDS }] },
      { type: 'kafka_output', component: 'egest', settings: { brokers: 'test', topic_creation: { enabled: true }, ...settings }, subscribe: [{ component: 'healthbot', stream: 'notifications' }] },
    ],
  });
}

test('each notification goes to the topic built from its group, device, topic, rule and trigger', async () => {
  const group = uniqueName('ptp');
  const tuples = [
    notification(group, 'mx960-1', 'major', 'Slave Clock is not Phase Aligned with the Master Clock - 2'),
    notification(group, 'mx960-2', 'major', 'Slave Clock is not Phase Aligned with the Master Clock - 1'),
    notification(group, 'mx960-1', 'normal', 'Slave Clock is Phase Aligned with Master Clock'),
  ];
  const { result, registry } = await startTestPunchline(
    punchline('healthbot-topics', tuples, { topic_template: '{{ .group }}.{{ index . "device-id" }}.{{ .topic }}.{{ .rule }}.{{ .trigger }}' }),
    platformFor(kafka.bootstrapServers),
  );
  assert.equal((await result).exitCode, 0);
  assert.equal(fixtureRecorder('healthbot-topics').acked.length, 3);

  const first = `${group}.mx960-1.protocol.ptp.ptp-lock-status.ptp-lock-status`;
  const second = `${group}.mx960-2.protocol.ptp.ptp-lock-status.ptp-lock-status`;
  const onFirst = (await readTopic(kafka, first)).map((r) => JSON.parse(r.value?.toString('utf8') ?? 'null') as Record<string, unknown>);
  const onSecond = (await readTopic(kafka, second)).map((r) => JSON.parse(r.value?.toString('utf8') ?? 'null') as Record<string, unknown>);
  assert.deepEqual(onFirst.map((n) => n.severity), ['major', 'normal'], 'the alarm and its clear, in order, on the device topic');
  assert.deepEqual(onSecond.map((n) => n.message), ['Slave Clock is not Phase Aligned with the Master Clock - 1']);
  assert.deepEqual(onFirst[0], tuples[0], 'the notification JSON carries every published field');
  assert.equal(await metricSum(registry, 'punchline_kafka_output_records_total', { topic: first }), 2, 'records counted per topic');
  assert.equal(await metricSum(registry, 'punchline_kafka_output_records_total', { topic: second }), 1);
});

test('major and normal notifications are routed to different topics, the rest to the default topic', async () => {
  const major = uniqueName('hb-major');
  const normal = uniqueName('hb-normal');
  const other = uniqueName('hb-other');
  const tuples = [
    notification('ptp', 'mx960-1', 'major', 'lost lock'),
    notification('ptp', 'mx960-1', 'normal', 'lock back'),
    notification('ptp', 'mx960-3', 'minor', 'jitter'),
    notification('ptp', 'mx960-4', 'major', 'lost lock too'),
  ];
  const { result } = await startTestPunchline(
    punchline('healthbot-severity', tuples, {
      topic: other,
      routes: [
        { match: `"severity" == 'major'`, topic: major },
        { match: `"severity" == 'normal'`, topic: normal },
      ],
      key_fields: ['device-id'],
    }),
    platformFor(kafka.bootstrapServers),
  );
  assert.equal((await result).exitCode, 0);
  const messages = async (topic: string): Promise<string[]> => (await readTopic(kafka, topic)).map((r) => (JSON.parse(r.value?.toString('utf8') ?? '{}') as { message: string }).message).sort();
  assert.deepEqual(await messages(major), ['lost lock', 'lost lock too']);
  assert.deepEqual(await messages(normal), ['lock back']);
  assert.deepEqual(await messages(other), ['jitter']);
});
