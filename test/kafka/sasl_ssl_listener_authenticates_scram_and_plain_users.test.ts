/**
 * The SASL_SSL listener of the secured test broker: the users it was started with log in with
 * SCRAM-SHA-256, SCRAM-SHA-512 and PLAIN and can produce and consume; a wrong password is refused
 * with an authentication error naming the mechanism, not a timeout; an unsigned OAUTHBEARER token
 * is accepted by Kafka's unsecured validator. A test of the harness: kafkajs is its probe (what a
 * user sees on either library: `test/kafka-clusters/`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unsecuredOAuthBearerToken } from '../../src/tools/local-broker/index.js';
import type { SaslMechanism } from '../../src/tools/local-broker/index.js';
import { consumeMessages, kafkaClient, kafkaConfig, sharedKafka, uniqueName } from '../support/kafka.js';
import { Kafka } from 'kafkajs';

for (const mechanism of ['SCRAM-SHA-512', 'PLAIN', 'SCRAM-SHA-256'] as const satisfies readonly SaslMechanism[]) {
  test(`a ${mechanism} user produces and consumes over SASL_SSL`, async () => {
    const cluster = await sharedKafka();
    const kafka = kafkaClient(cluster, { listener: 'sasl_ssl', mechanism });
    const topic = uniqueName(`sasl-${mechanism.toLowerCase()}`);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: `hello from ${mechanism}` }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: uniqueName('sasl-group') });
    await consumer.connect();
    const [message] = await consumeMessages(consumer, topic, 1);
    await consumer.disconnect();
    assert.equal(message?.value?.toString(), `hello from ${mechanism}`);
  });
}

for (const mechanism of ['SCRAM-SHA-512', 'PLAIN'] as const satisfies readonly SaslMechanism[]) {
  test(`a wrong ${mechanism} password is refused with an authentication error`, async () => {
    const cluster = await sharedKafka();
    const admin = kafkaClient(cluster, { listener: 'sasl_ssl', mechanism, password: 'not-the-password' }).admin();
    await assert.rejects(admin.connect(), (error: Error) => {
      assert.equal(error.name, 'KafkaJSSASLAuthenticationError');
      assert.match(error.message, /authentication failed/i);
      assert.match(error.message, new RegExp(mechanism === 'PLAIN' ? 'PLAIN' : 'SCRAM SHA512'));
      return true;
    });
    await admin.disconnect();
  });
}

test('an unsigned OAUTHBEARER token logs in when the broker accepts unsecured tokens', async () => {
  const cluster = await sharedKafka();
  assert.ok(cluster.security?.saslMechanisms.includes('OAUTHBEARER'));
  const base = kafkaConfig(cluster, { listener: 'sasl_ssl', mechanism: 'PLAIN' });
  const kafka = new Kafka({
    ...base,
    sasl: { mechanism: 'oauthbearer', oauthBearerProvider: () => Promise.resolve({ value: unsecuredOAuthBearerToken({ subject: 'alice' }) }) },
  });
  const admin = kafka.admin();
  await admin.connect();
  const description = await admin.describeCluster();
  await admin.disconnect();
  assert.equal(description.clusterId, cluster.clusterId);
});
