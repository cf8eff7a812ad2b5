// Consumers written for Kapacitor's Kafka handler must keep working: with `value_format: "alert"`,
// each alert is one record keyed by the alert id, whose value is Kapacitor's JSON byte for byte
// with its trailing newline; with the `template` option, the value is only the rendered text.
// Nothing is guessed from the shape of a value: the same text in the `json` format is a string.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KafkaClusterDetails } from '../../src/tools/local-broker/index.js';
import { encodeAlertEvent, encodeAlertEventRecord } from '../../src/libraries/alerting/index.js';
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

/** The tuples an alert bolt hands on: the id and the event, as the bolt's `event_field` holds it (Kapacitor's JSON and newline). */
const alertTuples = (): Record<string, unknown>[] => [critical, recovery].map((event) => ({ id: event.id, alert: encodeAlertEventRecord(event) }));

/** Runs the tuples through a kafka_output with `settings`; what it cannot write goes to a dead-letter file, whose lines are returned. */
async function runAlerts(recorder: string, settings: Record<string, unknown>, tuples = alertTuples()): Promise<string[]> {
  const deadLetters = join(await mkdtemp(join(tmpdir(), 'alerts-dlq-')), 'dead-letters.jsonl');
  const { result } = await startTestPunchline(
    JSON.stringify({
      version: '1',
      type: 'punchline',
      dag: [
        { type: 'fixture_input', component: 'alerts', settings: { recorder, tuples }, publish: [{ stream: 'alerts', fields: ['id', 'alert'] }] },
        // Kapacitor's handler options, as a handler file would give them.
        {
          type: 'kafka_output',
          component: 'kafka',
          settings: { cluster: 'test', topic_creation: { enabled: true }, ...settings },
          subscribe: [{ component: 'alerts', stream: 'alerts' }],
          publish: [{ stream: '_ppf_errors', fields: ['id', '_ppf_error_message'] }],
        },
        { type: 'file_output', component: 'dead_letters', settings: { path: deadLetters }, subscribe: [{ component: 'kafka', stream: '_ppf_errors' }] },
      ],
    }),
    platformFor(kafka.bootstrapServers),
  );
  assert.equal((await result).exitCode, 0);
  assert.deepEqual(fixtureRecorder(recorder).acked.sort(), tuples.map((_, i) => i));
  return (await readFile(deadLetters, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
}

test('an alert is published keyed by its id, with exactly the Kapacitor JSON and its trailing newline', async () => {
  const topic = uniqueName('cpu-alerts');
  assert.deepEqual(await runAlerts('kapacitor-json', { topic, key_fields: ['id'], value_format: 'alert', value_field: 'alert' }), []);
  const records = await readTopic(kafka, topic);
  const byKey = new Map(records.map((r) => [r.key?.toString('utf8'), r.value?.toString('utf8')]));
  assert.equal(records.length, 2);
  assert.equal(byKey.get(critical.id), `${encodeAlertEvent(critical)}\n`);
  assert.equal(byKey.get(recovery.id), `${encodeAlertEvent(recovery)}\n`);
  // Spot-check Go's escaping and layout rather than trusting the encoder alone.
  assert.match(byKey.get(critical.id) ?? '', /^\{"id":"cpu:host=web-1","message":"cpu:host=web-1 is CRITICAL: usage_idle \\u003c 10 \\u0026 \\"steal\\" \\u003e 5","details":"\\u003cb\\u003echeck web-1\\u003c\/b\\u003e","time":"2024-01-02T03:04:05.5Z","duration":90000000000,"level":"CRITICAL","data":\{"series":\[\{"name":"cpu","tags":\{"host":"web-1"\},"columns":\["time","steal","usage_idle"\],"values":\[\["2024-01-02T03:04:05.5Z",10,4.5\]\]\}\]\},"previousLevel":"WARNING","recoverable":true\}\n$/);
});

test('with the template option only the rendered text is written, rendered on the alert data; a field without an alert goes to _ppf_errors', async () => {
  const topic = uniqueName('cpu-alerts-text');
  const notAlerts = [
    { id: 'half', alert: '{"id":"half"}' },
    { id: 'number', alert: 42 },
  ];
  const deadLetters = await runAlerts(
    'kapacitor-template',
    {
      topic,
      key_fields: ['id'],
      value_format: 'alert',
      value_field: 'alert',
      template: '{{ .Level }} {{ .ID }} since {{ .Duration }} at {{ .Time }}{{ if eq .PreviousLevel "CRITICAL" }} (recovered){{ end }}: {{ .Message }}',
    },
    [...alertTuples(), ...notAlerts],
  );
  const byKey = new Map((await readTopic(kafka, topic)).map((r) => [r.key?.toString('utf8'), r.value?.toString('utf8')]));
  assert.equal(byKey.size, 2);
  assert.equal(byKey.get(critical.id), 'CRITICAL cpu:host=web-1 since 1m30s at 2024-01-02 03:04:05.5 +0000 UTC: cpu:host=web-1 is CRITICAL: usage_idle < 10 & "steal" > 5');
  assert.equal(byKey.get(recovery.id), 'OK cpu:host=web-2 since 1m30s at 2024-01-02 03:04:05.5 +0000 UTC (recovered): cpu:host=web-2 is OK');
  const reasons = new Map(deadLetters.map((line) => JSON.parse(line) as { id: string; _ppf_error_message: string }).map((l) => [l.id, l._ppf_error_message]));
  assert.match(reasons.get('half') ?? '', /^kafka_output\[kafka\]: encoding a record for topic "[^"]+": value field "alert": not a Kapacitor alert event: "message" is not a string$/);
  assert.match(reasons.get('number') ?? '', /^kafka_output\[kafka\]: encoding a record for topic "[^"]+": value field "alert" holds number 42, not an alert event's JSON text$/);
});

test('in the json format an alert text is a string like any other: written as a JSON string, not guessed to be an alert', async () => {
  const topic = uniqueName('alerts-as-strings');
  await runAlerts('alerts-as-json-strings', { topic, key_fields: ['id'], value_field: 'alert' });
  const byKey = new Map((await readTopic(kafka, topic)).map((r) => [r.key?.toString('utf8'), r.value?.toString('utf8')]));
  assert.equal(byKey.get(critical.id), JSON.stringify(encodeAlertEventRecord(critical)));
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
        { type: "kafka_output", component: "kafka", settings: { cluster: "test", topic: "${topic}", key_fields: ["id"], value_format: "alert", value_field: "alert", topic_creation: { enabled: true, partitions: 3 } },
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
