// RudderStack's Kafka destination: a default topic, event types and track events mapped to their
// own topics, a topic in the event's integrations object that wins over everything, the key from
// userId or else anonymousId, and Avro values with a schema chosen per event by id, optionally
// in the Confluent wire format. Every record is read back and decoded, Avro with avsc itself.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { KafkaClusterDetails } from '../../src/tools/local-broker/index.js';
import avro from 'avsc';
import { fixtureRecorder, platformFor, readTopic, sharedKafka, startTestPunchline, uniqueName } from '../../test/support/kafka-output-kit.js';
import type { ReadRecord } from '../../test/support/kafka-output-kit.js';

let kafka: KafkaClusterDetails;
before(async () => {
  kafka = await sharedKafka();
});

const FIELDS = ['type', 'event', 'userId', 'anonymousId', 'messageId', 'integrations'];

function punchline(recorder: string, tuples: Record<string, unknown>[], settings: Record<string, unknown>): string {
  return JSON.stringify({
    version: '1',
    type: 'punchline',
    dag: [
      { type: 'fixture_input', component: 'rudder', settings: { recorder, tuples }, publish: [{ stream: 'events', fields: FIELDS }] },
      { type: 'kafka_output', component: 'kafka', settings: { brokers: 'test', topic_creation: { enabled: true }, ...settings }, subscribe: [{ component: 'rudder', stream: 'events' }] },
    ],
  });
}

const decodeJson = (r: ReadRecord): Record<string, unknown> => JSON.parse(r.value?.toString('utf8') ?? 'null') as Record<string, unknown>;

test('event types and track events go to their mapped topics, the integrations topic wins, and the key falls back to anonymousId', async () => {
  const [fallback, identifies, groups, productAdded, override] = ['rs-default', 'rs-identify', 'rs-group', 'rs-product-added', 'rs-override'].map(uniqueName) as [string, string, string, string, string];
  const events = [
    { type: 'identify', userId: 'u1', anonymousId: 'a1', messageId: 'm0' },
    { type: 'track', event: 'Product Added', userId: '', anonymousId: 'a2', messageId: 'm1' },
    { type: 'track', event: 'Order Completed', userId: 'u3', anonymousId: 'a3', messageId: 'm2' },
    { type: 'page', anonymousId: 'a4', messageId: 'm3', integrations: { All: true, Kafka: { topic: override } } },
    { type: 'track', event: 'Product Added', userId: 'u5', messageId: 'm4', integrations: { Kafka: { topic: override } } },
    { type: 'group', userId: 'u6', messageId: 'm5' },
  ];
  const { result } = await startTestPunchline(
    punchline('rudder-routing', events, {
      topic: fallback,
      routes: [
        // The track-event map first: a mapped track event goes to its own topic.
        { match: `"type" == 'track' AND "event" == 'Product Added'`, topic: productAdded },
        { match: `"type" == 'identify'`, topic: identifies },
        { match: `"type" == 'group'`, topic: groups },
      ],
      topic_field: 'integrations',
      topic_field_path: ['Kafka', 'topic'],
      key_fields: ['userId', 'anonymousId'],
      headers_fields: [{ header: 'message-id', field: 'messageId' }],
    }),
    platformFor(kafka.bootstrapServers),
  );
  assert.equal((await result).exitCode, 0);
  assert.equal(fixtureRecorder('rudder-routing').acked.length, events.length);

  const summary = async (topic: string): Promise<string[]> =>
    (await readTopic(kafka, topic)).map((r) => `${String(decodeJson(r).messageId)} key=${r.key?.toString('utf8') ?? 'none'} header=${r.headers['message-id']?.toString('utf8') ?? 'none'}`).sort();
  assert.deepEqual(await summary(identifies), ['m0 key=u1 header=m0']);
  assert.deepEqual(await summary(productAdded), ['m1 key=a2 header=m1'], 'an empty userId falls back to anonymousId');
  assert.deepEqual(await summary(fallback), ['m2 key=u3 header=m2'], 'an unmapped track event goes to the default topic');
  assert.deepEqual(await summary(override), ['m3 key=a4 header=m3', 'm4 key=u5 header=m4'], 'the integrations topic wins over the maps');
  assert.deepEqual(await summary(groups), ['m5 key=u6 header=m5']);
});

const EVENT_SCHEMA = {
  type: 'record',
  name: 'RudderStackEvent',
  namespace: 'com.acme.avro',
  fields: [
    { name: 'anonymousId', type: 'string' },
    { name: 'event', type: 'string' },
    { name: 'messageId', type: 'string' },
    { name: 'type', type: 'string' },
    { name: 'integrations', type: { type: 'record', name: 'Integrations', fields: [{ name: 'KAFKA', type: { type: 'record', name: 'KafkaOptions', fields: [{ name: 'schemaId', type: 'string' }] } }] } },
  ],
};
const IDENTIFY_SCHEMA = {
  type: 'record',
  name: 'Identify',
  namespace: 'com.acme.avro',
  fields: [
    { name: 'userId', type: 'string' },
    { name: 'messageId', type: 'string' },
  ],
};

const avroEvents = [
  { type: 'track', event: 'Product Added', anonymousId: 'a1', messageId: 'm0', integrations: { KAFKA: { schemaId: 'schema001' } } },
  { type: 'identify', userId: 'u2', messageId: 'm1', integrations: { KAFKA: { schemaId: 'schema002' } } },
];

for (const wire of ['avro', 'confluent'] as const) {
  test(`Avro values (${wire} wire format) decode back with the schema each event names in its integrations object`, async () => {
    const topic = uniqueName(`rs-avro-${wire}`);
    const { result } = await startTestPunchline(
      punchline(`rudder-avro-${wire}`, avroEvents, {
        topic,
        key_fields: ['userId', 'anonymousId'],
        value_format: 'avro',
        avro: {
          schemas: [
            { id: 'schema001', schema: EVENT_SCHEMA, confluent_id: 101 },
            { id: 'schema002', schema: IDENTIFY_SCHEMA, confluent_id: 102 },
          ],
          schema_id_field: 'integrations',
          schema_id_field_path: ['KAFKA', 'schemaId'],
          wire_format: wire,
        },
      }),
      platformFor(kafka.bootstrapServers),
    );
    assert.equal((await result).exitCode, 0);
    assert.deepEqual(fixtureRecorder(`rudder-avro-${wire}`).acked.sort(), [0, 1]);
    const byKey = new Map((await readTopic(kafka, topic)).map((r) => [r.key?.toString('utf8'), r.value ?? Buffer.alloc(0)]));
    const body = (value: Buffer, confluentId: number): Buffer => {
      if (wire === 'avro') return value;
      assert.equal(value[0], 0, 'magic byte');
      assert.equal(value.readUInt32BE(1), confluentId, 'schema id of the Confluent header');
      return value.subarray(5);
    };
    // avsc decodes records as instances of generated classes: compare their plain data.
    const decode = (schema: object, bytes: Buffer): unknown => JSON.parse(JSON.stringify(avro.Type.forSchema(schema as avro.Schema).fromBuffer(bytes)));
    assert.deepEqual(decode(EVENT_SCHEMA, body(byKey.get('a1') ?? Buffer.alloc(0), 101)), { anonymousId: 'a1', event: 'Product Added', messageId: 'm0', type: 'track', integrations: { KAFKA: { schemaId: 'schema001' } } });
    assert.deepEqual(decode(IDENTIFY_SCHEMA, body(byKey.get('u2') ?? Buffer.alloc(0), 102)), { userId: 'u2', messageId: 'm1' });
  });
}
