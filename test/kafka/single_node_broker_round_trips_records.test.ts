/**
 * The shared test broker behaves like Kafka to a client: records produced to a topic come back,
 * all of them and with their keys, to a consumer group reading it. A test of the harness: kafkajs
 * is its probe (the nodes' and the CLI's clients run on both libraries in their own tests).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consumeMessages, kafkaClient, sharedKafka, uniqueName } from '../support/kafka.js';

test('records produced on the single-node broker are consumed back by a consumer group', async () => {
  const cluster = await sharedKafka();
  const kafka = kafkaClient(cluster);
  const topic = uniqueName('round-trip');

  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();

  const sent = Array.from({ length: 20 }, (_, i) => ({ key: `key-${i}`, value: `value-${i}` }));
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: sent });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: uniqueName('round-trip-group') });
  await consumer.connect();
  const received = await consumeMessages(consumer, topic, sent.length);
  await consumer.disconnect();

  const pairs = received.map((message) => ({ key: message.key?.toString(), value: message.value?.toString() }));
  assert.deepEqual(pairs.sort((a, b) => (a.value ?? '').localeCompare(b.value ?? '')), [...sent].sort((a, b) => a.value.localeCompare(b.value)));
});
