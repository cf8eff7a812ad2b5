// Consumers written for Kapacitor's Kafka handler must keep working: each alert is one record
// keyed by the alert id, whose value is Kapacitor's JSON byte for byte with its trailing newline;
// with the `template` option, the value is only the rendered text.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { KafkaClusterDetails } from '../../src/tools/local-broker/index.js';
import { encodeAlertEvent } from '../../src/libraries/alerting/index.js';
import type { AlertEvent } from '../../src/libraries/alerting/index.js';
import { fixtureRecorder, platformFor, readTopic, sharedKafka, startTestPunchline, uniqueName } from '../../test/support/kafka-output-kit.js';

let kafka: KafkaClusterDetails;
before(async () => {
  kafka = await sharedKafka();
});

const critical: AlertEvent = {
  id: 'cpu:host=web-1',
  message: 'cpu:host=web-1 is CRITICAL: usage_idle < 10 & "steal" > 5',
  details: '<b>check web-1</b>',
  time: 1_704_164_645_500_000_000n, // 2024-01-02T03:04:05.5Z
  duration: 90_000_000_000n,
  level: 'CRITICAL',
  data: { name: 'cpu', tags: { host: 'web-1' }, fields: { usage_idle: 4.5, steal: 10 } },
  previousLevel: 'WARNING',
  recoverable: true,
};
const recovery: AlertEvent = { ...critical, id: 'cpu:host=web-2', message: 'cpu:host=web-2 is OK', level: 'OK', previousLevel: 'CRITICAL', data: { name: 'cpu', tags: { host: 'web-2' }, fields: { usage_idle: 80 } } };

/** The tuples an alert bolt hands on: the id and the event, here as Kapacitor's JSON text and as its object. */
function alertTuples(): Record<string, unknown>[] {
  return [
    { id: critical.id, alert: encodeAlertEvent(critical) },
    { id: recovery.id, alert: JSON.parse(encodeAlertEvent(recovery)) as unknown },
  ];
}

async function runAlerts(recorder: string, settings: Record<string, unknown>): Promise<void> {
  const { result } = await startTestPunchline(
    JSON.stringify({
      version: '1',
      type: 'punchline',
      dag: [
        { type: 'fixture_input', component: 'alerts', settings: { recorder, tuples: alertTuples() }, publish: [{ stream: 'alerts', fields: ['id', 'alert'] }] },
        // Kapacitor's handler options, as a handler file would give them.
        { type: 'kafka_output', component: 'kafka', settings: { cluster: 'test', ...settings }, subscribe: [{ component: 'alerts', stream: 'alerts' }] },
      ],
    }),
    platformFor(kafka.bootstrapServers),
  );
  assert.equal((await result).exitCode, 0);
  assert.deepEqual(fixtureRecorder(recorder).acked.sort(), [0, 1]);
}

test('an alert is published keyed by its id, with exactly the Kapacitor JSON and its trailing newline', async () => {
  const topic = uniqueName('cpu-alerts');
  await runAlerts('kapacitor-json', { topic, key_fields: ['id'], value_field: 'alert' });
  const records = await readTopic(kafka, topic);
  const byKey = new Map(records.map((r) => [r.key?.toString('utf8'), r.value?.toString('utf8')]));
  assert.equal(records.length, 2);
  assert.equal(byKey.get(critical.id), `${encodeAlertEvent(critical)}\n`);
  assert.equal(byKey.get(recovery.id), `${encodeAlertEvent(recovery)}\n`, 'an alert given as an object is re-encoded to the same bytes');
  // Spot-check Go's escaping and layout rather than trusting the encoder alone.
  assert.match(byKey.get(critical.id) ?? '', /^\{"id":"cpu:host=web-1","message":"cpu:host=web-1 is CRITICAL: usage_idle \\u003c 10 \\u0026 \\"steal\\" \\u003e 5","details":"\\u003cb\\u003echeck web-1\\u003c\/b\\u003e","time":"2024-01-02T03:04:05.5Z","duration":90000000000,"level":"CRITICAL","data":\{"series":\[\{"name":"cpu","tags":\{"host":"web-1"\},"columns":\["time","steal","usage_idle"\],"values":\[\["2024-01-02T03:04:05.5Z",10,4.5\]\]\}\]\},"previousLevel":"WARNING","recoverable":true\}\n$/);
});

test('with the template option only the rendered text is written, rendered on the alert data', async () => {
  const topic = uniqueName('cpu-alerts-text');
  await runAlerts('kapacitor-template', {
    topic,
    key_fields: ['id'],
    value_format: 'template',
    value_field: 'alert',
    template: '{{ .Level }} {{ .ID }} since {{ .Duration }} at {{ .Time }}{{ if eq .PreviousLevel "CRITICAL" }} (recovered){{ end }}: {{ .Message }}',
  });
  const byKey = new Map((await readTopic(kafka, topic)).map((r) => [r.key?.toString('utf8'), r.value?.toString('utf8')]));
  assert.equal(byKey.get(critical.id), 'CRITICAL cpu:host=web-1 since 1m30s at 2024-01-02 03:04:05.5 +0000 UTC: cpu:host=web-1 is CRITICAL: usage_idle < 10 & "steal" > 5');
  assert.equal(byKey.get(recovery.id), 'OK cpu:host=web-2 since 1m30s at 2024-01-02 03:04:05.5 +0000 UTC (recovered): cpu:host=web-2 is OK');
});

test("Kapacitor's CPU example end to end: the alert bolt's events land on cpu-alerts keyed by id, in order, byte for byte", async () => {
  const topic = uniqueName('cpu-alerts');
  const samples = [80, 5, 7, 50].map((idle, i) => `{ host: "serverA", usage_idle: "${idle}", t: "${(i * 10_000).toString()}" }`).join(', ');
  const { result } = await startTestPunchline(
    `{
      version: "1", type: "punchline",
      dag: [
        { type: "generator_input", component: "cpu", settings: { messages: [${samples}], count: 4, end_when_acked: true },
          publish: [{ stream: "cpu", fields: ["host", "usage_idle", "t"] }] },
        { type: "alert", component: "cpu_alert",
          settings: { name: "cpu", group_by: ["host"], time_field: "t", crit: "\\"usage_idle\\" < 10", message: "Hey, check your CPU", details: "{{ .Level }} on {{ index .Tags \\"host\\" }}" },
          subscribe: [{ component: "cpu", stream: "cpu" }], publish: [{ stream: "alerts", fields: ["id", "alert"] }] },
        { type: "kafka_output", component: "kafka", settings: { cluster: "test", topic: "${topic}", key_fields: ["id"], value_field: "alert", topic_creation: { partitions: 3 } },
          subscribe: [{ component: "cpu_alert", stream: "alerts" }] },
      ],
    }`,
    platformFor(kafka.bootstrapServers),
  );
  assert.equal((await result).exitCode, 0);
  const records = await readTopic(kafka, topic);
  assert.equal(new Set(records.map((r) => r.partition)).size, 1, 'one alert id, one partition');
  const event = (time: string, duration: string, level: string, idle: string, previous: string): string =>
    `{"id":"cpu:host=serverA","message":"Hey, check your CPU","details":"${level} on serverA","time":"${time}","duration":${duration},"level":"${level}","data":{"series":[{"name":"cpu","tags":{"host":"serverA"},"columns":["time","usage_idle"],"values":[["${time}","${idle}"]]}]},"previousLevel":"${previous}","recoverable":true}\n`;
  const values = records.map((r) => r.value?.toString('utf8'));
  assert.equal(values.length, 3);
  assert.equal(values[0], event('1970-01-01T00:00:10Z', '0', 'CRITICAL', '5', 'OK'));
  assert.equal(values[1], event('1970-01-01T00:00:20Z', '10000000000', 'CRITICAL', '7', 'CRITICAL'));
  assert.match(values[2] ?? '', /^\{"id":"cpu:host=serverA","message":"Hey, check your CPU",.*"level":"OK",.*"previousLevel":"CRITICAL","recoverable":true\}\n$/);
  assert.ok(records.every((r) => r.key?.toString('utf8') === 'cpu:host=serverA'));
});
