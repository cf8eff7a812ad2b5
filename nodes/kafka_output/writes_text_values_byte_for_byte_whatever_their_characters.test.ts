// Text values (the alert format's Kapacitor JSON, the json and template formats) are written as
// the UTF-8 bytes of their text, on either client: each record holds exactly its own text's bytes
// whatever its characters (one to four bytes each; a lone surrogate, which Go's JSON escapes as
// U+FFFD and a template writes as the bytes EF BF BD), and a record that cannot be encoded, in the
// middle of a batch, neither shifts nor stops the others.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { KafkaClusterDetails } from '../../src/tools/local-broker/index.js';
import { encodeAlertEventRecord } from '../../src/libraries/alerting/index.js';
import type { AlertEvent } from '../../src/libraries/alerting/index.js';
import { fixtureRecorder, platformFor, readTopic, sharedKafka, startTestPunchline, uniqueName } from '../../test/support/kafka-output-kit.js';

let kafka: KafkaClusterDetails;
before(async () => {
  kafka = await sharedKafka();
});

const MESSAGES = ['plain ascii', 'café crème à 5 €', 'CPU 🔥 on 東京-1', `lone ${String.fromCharCode(0xd800)} surrogate`, ''];

function alertOf(index: number, message: string): AlertEvent {
  return {
    id: `cpu:host=h${String(index)}`,
    message,
    details: '',
    time: 1_704_164_645_500_000_000n + BigInt(index),
    duration: 0n,
    level: 'CRITICAL',
    data: { name: 'cpu', tags: { host: `h${String(index)}` }, fields: { note: message, n: index } },
    previousLevel: 'OK',
    recoverable: true,
  };
}

/** Runs `tuples` through one kafka_output with `settings` (one batch); returns the written values by key, as bytes. */
async function written(recorder: string, settings: Record<string, unknown>, tuples: Record<string, unknown>[]): Promise<Map<string, Buffer>> {
  const topic = uniqueName('text-values');
  const { result } = await startTestPunchline(
    JSON.stringify({
      version: '1',
      type: 'punchline',
      dag: [
        { type: 'fixture_input', component: 'in', settings: { recorder, tuples }, publish: [{ stream: 's', fields: ['id', 'alert', 'note'] }] },
        { type: 'kafka_output', component: 'kafka', settings: { cluster: 'test', topic, key_fields: ['id'], topic_creation: { enabled: true }, ...settings }, subscribe: [{ component: 'in', stream: 's' }] },
      ],
    }),
    platformFor(kafka.bootstrapServers),
  );
  assert.equal((await result).exitCode, 0);
  assert.deepEqual(fixtureRecorder(recorder).acked.sort(), tuples.map((_, i) => i), 'every tuple acked, the unwritable one dropped');
  const values = new Map<string, Buffer>();
  for (const record of await readTopic(kafka, topic, 60_000, tuples.length - 1)) values.set(record.key?.toString('utf8') ?? '', record.value ?? Buffer.alloc(0));
  return values;
}

test('alert events of one batch are each written as the UTF-8 bytes of their Kapacitor JSON; one without an event in the middle is dropped', async () => {
  const events = MESSAGES.map((message, i) => alertOf(i, message));
  const tuples: Record<string, unknown>[] = events.map((event) => ({ id: event.id, alert: encodeAlertEventRecord(event) }));
  tuples.splice(2, 0, { id: 'not-an-alert', alert: 42 });
  const values = await written('text-values-alert', { value_format: 'alert', value_field: 'alert' }, tuples);
  assert.equal(values.size, events.length);
  for (const event of events) assert.deepEqual(values.get(event.id), Buffer.from(encodeAlertEventRecord(event), 'utf8'), event.message);
  assert.ok(values.get('cpu:host=h3')?.includes(Buffer.from('"message":"lone \\ufffd surrogate"')), 'a lone surrogate escaped as U+FFFD, as Go escapes it');
});

test('json and template values of one batch are each written as the UTF-8 bytes of their text', async () => {
  const tuples = MESSAGES.map((note, i) => ({ id: `k${String(i)}`, note }));
  const json = await written('text-values-json', { value_fields: ['note'] }, tuples);
  const template = await written('text-values-template', { value_format: 'template', template: '{{ .note }}|{{ .id }}' }, tuples);
  for (const { id, note } of tuples) {
    assert.deepEqual(json.get(id), Buffer.from(JSON.stringify({ note }), 'utf8'), `json: ${note}`);
    assert.deepEqual(template.get(id), Buffer.from(`${note}|${id}`, 'utf8'), `template: ${note}`);
  }
});
