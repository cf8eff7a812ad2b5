/**
 * Outputs writing to the same cluster share one connected producer (`acquireProducer`), which is
 * disconnected when the last of them releases it; different producer options get different
 * producers, and a failed connection is reported to every waiting caller and leaves nothing
 * behind. Exercised over SASL_SSL with SCRAM-SHA-256, records read back with a consumer.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { KafkaClusterConfig } from '../../src/runtime/config/platform-config.js';
import { createKafkaClient } from '../../src/libraries/kafka/client-factory.js';
import type { ResolvedCluster } from '../../src/libraries/kafka/cluster-resolution.js';
import { withClusterDefaults } from '../../src/libraries/kafka/cluster-defaults.js';
import { acquireProducer, sharedProducerCount } from '../../nodes/kafka_output/shared-producers.js';
import { PunchlineError } from '../../src/core/errors.js';
import { createLogger } from '../../src/runtime/logging.js';
import { securedBroker, security, userOf } from './support.js';

const broker = await securedBroker();
const user = userOf(broker, 'SCRAM-SHA-256');
const logger = createLogger({ level: 'silent' });
const config: KafkaClusterConfig = {
  ...withClusterDefaults({ brokers: [...security(broker).saslSslBootstrapServers] }),
  tls: { enabled: true, insecure_skip_verify: false, ca_file: security(broker).caPath },
  sasl: { mechanism: 'SCRAM-SHA-256', username: user.username, password: user.password },
};
const events: ResolvedCluster = { id: 'events', config };

test('two outputs of one cluster share a producer; the last release disconnects it', { timeout: 120_000 }, async () => {
  const topic = `shared-${randomUUID()}`;
  const admin = createKafkaClient(events, logger).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();

  const [first, second] = await Promise.all([acquireProducer(events, {}, logger), acquireProducer(events, {}, logger)]);
  assert.equal(first.producer, second.producer);
  assert.equal(sharedProducerCount(), 1);
  await Promise.all([
    first.producer.send({ topic, messages: [{ value: 'from the first output' }] }),
    second.producer.send({ topic, messages: [{ value: 'from the second output' }] }),
  ]);

  const consumer = createKafkaClient(events, logger).consumer({ groupId: `readers-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  await new Promise<void>((resolve, reject) => {
    consumer.run({
      eachMessage: ({ message }) => {
        values.push(message.value?.toString() ?? '');
        if (values.length === 2) resolve();
        return Promise.resolve();
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  assert.deepEqual(values.sort(), ['from the first output', 'from the second output']);

  await first.release();
  await first.release(); // a second release of the same lease changes nothing
  assert.equal(sharedProducerCount(), 1);
  await second.producer.send({ topic, messages: [{ value: 'still connected' }] });
  await second.release();
  assert.equal(sharedProducerCount(), 0);

  const third = await acquireProducer(events, {}, logger);
  assert.notEqual(third.producer, first.producer);
  await third.release();
});

test('different producer options get different producers; a transactional one is refused', async () => {
  const plain = await acquireProducer(events, {}, logger);
  const idempotent = await acquireProducer(events, { idempotent: true, maxInFlightRequests: 1 }, logger);
  assert.notEqual(plain.producer, idempotent.producer);
  assert.equal(sharedProducerCount(), 2);
  await Promise.all([plain.release(), idempotent.release()]);
  assert.equal(sharedProducerCount(), 0);
  await assert.rejects(acquireProducer(events, { transactionalId: 'tx' } as never, logger), /a transactional producer cannot be shared/);
});

test('a failed connection is reported to every waiting caller, translated, and leaves no producer', async () => {
  const wrong: ResolvedCluster = { id: 'events', config: { ...config, sasl: { mechanism: 'SCRAM-SHA-256', username: user.username, password: 'not-the-password' } } };
  const attempts = await Promise.allSettled([acquireProducer(wrong, {}, logger), acquireProducer(wrong, {}, logger)]);
  for (const attempt of attempts) {
    assert.equal(attempt.status, 'rejected');
    const reason: unknown = attempt.reason;
    assert.ok(reason instanceof PunchlineError);
    assert.equal(reason.code, 'E_KAFKA_AUTH');
    assert.match(reason.message, new RegExp(`^kafka cluster "events": connecting a producer: SASL login with SCRAM-SHA-256 as user "${user.username}" refused by `));
    assert.ok(!reason.message.includes('not-the-password'));
  }
  assert.equal(sharedProducerCount(), 0);
});
