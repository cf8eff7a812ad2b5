/**
 * The kafka_outputs of a punchline that write to the same cluster with the same producer options
 * share one connected producer, taken from the run's pool (`ctx.connection`), which disconnects
 * it when the last of them closes; different producer options get different producers. The pool
 * itself: a producer is disconnected when its last lease is released, two pools (two runs) share
 * nothing, and a failed connection is reported to every waiting caller and leaves nothing behind.
 * Exercised over SASL_SSL with SCRAM-SHA-256 on the client library the test run names
 * (`PUNCHLINE_TEST_KAFKA_CLIENT`), records read back with a kafkajs consumer.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import type { KafkaClusterConfig } from '../../src/runtime/config/platform-config.js';
import { createKafkaClient } from '../../src/libraries/kafka/client-factory.js';
import type { ResolvedCluster } from '../../src/libraries/kafka/cluster-resolution.js';
import { withClusterDefaults } from '../../src/libraries/kafka/cluster-defaults.js';
import { ProducerPool } from '../../nodes/kafka_output/shared-producers.js';
import { PunchlineError } from '../../src/core/errors.js';
import { createLogger } from '../../src/runtime/logging.js';
import { fixtureRecorder, startTestPunchline } from '../support/kafka-output-kit.js';
import { testKafkaClient } from '../support/kafka.js';
import { securedBroker, security, userOf } from './support.js';

const broker = await securedBroker();
const user = userOf(broker, 'SCRAM-SHA-256');
const logger = createLogger({ level: 'silent' });
const config: KafkaClusterConfig = {
  ...withClusterDefaults({ brokers: [...security(broker).saslSslBootstrapServers] }),
  client: testKafkaClient(),
  tls: { enabled: true, insecure_skip_verify: false, ca_file: security(broker).caPath },
  sasl: { mechanism: 'SCRAM-SHA-256', username: user.username, password: user.password },
};
const events: ResolvedCluster = { id: 'events', config };
/** What kafka_output asks of a producer by default. */
const SEND = { acks: -1, compression: 'none' } as const;
const PLAIN = { idempotent: false, maxInFlightRequests: 5, retries: 5, ackTimeoutMs: 10_000 } as const;

async function createTopic(topic: string): Promise<void> {
  const admin = createKafkaClient(events, logger).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
}

/** The values `topic` holds, once it holds `count` of them. */
async function readValues(topic: string, count: number): Promise<string[]> {
  const consumer = createKafkaClient(events, logger).consumer({ groupId: `readers-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  await new Promise<void>((resolve, reject) => {
    consumer.run({
      eachMessage: ({ message }) => {
        values.push(message.value?.toString() ?? '');
        if (values.length === count) resolve();
        return Promise.resolve();
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  return values.sort();
}

test('the kafka_outputs of a punchline share a producer per cluster and options, disconnected when the last closes', { timeout: 120_000 }, async () => {
  const topic = `shared-${randomUUID()}`;
  await createTopic(topic);
  // What the pool says it does, at debug level: one line per producer connected or disconnected.
  const lines: { msg: string; component: string }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done): void {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as { msg: string; component: string });
      done();
    },
  });
  const debug = createLogger({ level: 'debug', pretty: false, destination });
  const output = (component: string, settings: Record<string, unknown> = {}): Record<string, unknown> => ({
    type: 'kafka_output',
    component,
    settings: { cluster: 'events', topic, value_format: 'string', value_field: 'body', ...settings },
    subscribe: [{ component: 'in', stream: 's' }],
  });
  const { result } = await startTestPunchline(
    JSON.stringify({
      version: '1',
      type: 'punchline',
      dag: [
        { type: 'fixture_input', component: 'in', settings: { recorder: 'shared-producer', tuples: [{ body: 'one' }, { body: 'two' }] }, publish: [{ stream: 's', fields: ['body'] }] },
        output('first'),
        output('second'),
        // Other producer options: a producer of its own.
        output('idempotent', { idempotent: true, max_in_flight_requests: 1 }),
      ],
    }),
    { file: undefined, kafka: { clusters: { events: config } } },
    debug,
  );
  assert.equal((await result).exitCode, 0);
  assert.deepEqual(fixtureRecorder('shared-producer').acked.sort(), [0, 1]);
  assert.deepEqual(await readValues(topic, 6), ['one', 'one', 'one', 'two', 'two', 'two'], 'each output wrote each tuple');
  const connected = lines.filter((l) => l.msg.startsWith('Connecting the shared producer')).map((l) => l.component);
  const disconnected = lines.filter((l) => l.msg.startsWith('Disconnecting the shared producer')).map((l) => l.component);
  assert.equal(connected.length, 2, `one producer for first and second, one for idempotent: ${connected.join(', ')}`);
  assert.ok(connected.includes('idempotent'));
  assert.equal(disconnected.length, 2, 'both disconnected once their last output closed');
});

test('a producer is shared by the leases of one pool and disconnected by the last release; another pool has its own', { timeout: 120_000 }, async () => {
  const topic = `shared-${randomUUID()}`;
  await createTopic(topic);
  const pool = new ProducerPool();
  const [first, second] = await Promise.all([pool.acquire(events, PLAIN, logger), pool.acquire(events, PLAIN, logger)]);
  assert.equal(first.producer, second.producer);
  assert.equal(pool.size, 1);
  const other = new ProducerPool();
  const elsewhere = await other.acquire(events, PLAIN, logger);
  assert.notEqual(elsewhere.producer, first.producer, 'two runs share nothing');
  await elsewhere.release();
  assert.equal(other.size, 0);
  assert.equal(pool.size, 1);
  await Promise.all([
    first.producer.send([{ topic, records: [{ key: null, value: Buffer.from('from the first output') }] }], SEND),
    second.producer.send([{ topic, records: [{ key: null, value: Buffer.from('from the second output') }] }], SEND),
  ]);
  assert.deepEqual(await readValues(topic, 2), ['from the first output', 'from the second output']);

  await first.release();
  await first.release(); // a second release of the same lease changes nothing
  assert.equal(pool.size, 1);
  await second.producer.send([{ topic, records: [{ key: null, value: Buffer.from('still connected') }] }], SEND);
  await second.release();
  assert.equal(pool.size, 0);

  const third = await pool.acquire(events, PLAIN, logger);
  assert.notEqual(third.producer, first.producer);
  await third.release();
});

test('different producer options get different producers', async () => {
  const pool = new ProducerPool();
  const plain = await pool.acquire(events, PLAIN, logger);
  const idempotent = await pool.acquire(events, { ...PLAIN, idempotent: true, maxInFlightRequests: 1 }, logger);
  assert.notEqual(plain.producer, idempotent.producer);
  assert.equal(pool.size, 2);
  await Promise.all([plain.release(), idempotent.release()]);
  assert.equal(pool.size, 0);
});

test('a failed connection is reported to every waiting caller, translated, and leaves no producer', async () => {
  const pool = new ProducerPool();
  const wrong: ResolvedCluster = { id: 'events', config: { ...config, sasl: { mechanism: 'SCRAM-SHA-256', username: user.username, password: 'not-the-password' } } };
  const attempts = await Promise.allSettled([pool.acquire(wrong, PLAIN, logger), pool.acquire(wrong, PLAIN, logger)]);
  for (const attempt of attempts) {
    assert.equal(attempt.status, 'rejected');
    const reason: unknown = attempt.reason;
    assert.ok(reason instanceof PunchlineError);
    assert.equal(reason.code, 'E_KAFKA_AUTH');
    assert.match(reason.message, new RegExp(`^kafka cluster "events": connecting a producer: SASL login with SCRAM-SHA-256 as user "${user.username}" refused by `));
    assert.ok(!reason.message.includes('not-the-password'));
  }
  assert.equal(pool.size, 0);
});
