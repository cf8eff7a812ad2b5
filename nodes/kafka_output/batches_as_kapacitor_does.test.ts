// Kapacitor's batching: a batch is sent when it holds batch-size records or when batch-timeout
// has passed, with the cluster's values unless the node overrides them; by default
// (send_when_idle) a partial batch also leaves as soon as the input has nothing more to give and a
// request slot is free. And the producer options (acks, gzip, the idempotent producer) deliver the
// records they are given.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { KafkaClusterDetails } from '../../src/tools/local-broker/index.js';
import { fixtureRecorder, metricSum, platformFor, readTopic, sharedKafka, startTestPunchline, uniqueName } from '../../test/support/kafka-output-kit.js';

let kafka: KafkaClusterDetails;
before(async () => {
  kafka = await sharedKafka();
});

async function write(recorder: string, count: number, settings: Record<string, unknown>, batchTimeoutMs = 20, executors = 1, input: Record<string, unknown> = {}): Promise<{ batches: number; records: number }> {
  const topic = uniqueName(recorder);
  const { result, registry } = await startTestPunchline(
    JSON.stringify({
      version: '1',
      type: 'punchline',
      dag: [
        { type: 'fixture_input', component: 'in', settings: { recorder, tuples: Array.from({ length: count }, (_, i) => ({ n: i })), ...input }, publish: [{ stream: 's', fields: ['n'] }] },
        { type: 'kafka_output', component: 'out', executors, settings: { brokers: 'test', topic, topic_creation: { enabled: true }, ...settings }, subscribe: [{ component: 'in', stream: 's' }] },
      ],
    }),
    platformFor(kafka.bootstrapServers, batchTimeoutMs),
  );
  assert.equal((await result).exitCode, 0);
  assert.equal(fixtureRecorder(recorder).acked.length, count, 'every tuple acked');
  // With acks 0 a tuple is acked once sent, before the broker has the record.
  const values = (await readTopic(kafka, topic, 60_000, settings.acks === '0' ? count : 0)).map((r) => (JSON.parse(r.value?.toString('utf8') ?? '{}') as { n: number }).n);
  assert.deepEqual([...new Set(values)].sort((a, b) => a - b), Array.from({ length: count }, (_, i) => i), 'every record written');
  return { batches: await metricSum(registry, 'punchline_kafka_output_batches_total', { component: 'out' }), records: values.length };
}

test("without node settings the cluster's batch size applies: 250 tuples go in batches of 100, 100 and 50", async () => {
  // The input emits its 250 tuples in one turn, so the size closes the first two batches; the
  // last one leaves when that turn is over (send_when_idle), or after the cluster's 2 s timeout.
  assert.equal((await write('cluster-batching', 250, {}, 2000)).batches, 3);
  assert.equal((await write('cluster-batching-by-time', 250, { send_when_idle: false }, 2000)).batches, 3);
});

test('batch_size overrides the cluster: 50 tuples in batches of 10', async () => {
  assert.equal((await write('node-batching', 50, { batch_size: 10, batch_timeout_ms: 60_000 })).batches, 5);
});

test('with send_when_idle false a partial batch leaves after batch_timeout_ms, without waiting for more tuples', async () => {
  // The input ends only once its 7 tuples are acked: only the timeout can send them.
  assert.equal((await write('timeout-batching', 7, { batch_size: 1000, batch_timeout_ms: 100, send_when_idle: false })).batches, 1);
});

test('by default a partial batch leaves once the input has nothing more to give, long before batch_timeout_ms', async () => {
  // 20 tuples paced at 100/s, batches of up to 1,000, a one-minute timeout: Kapacitor's batching
  // would send them all in one batch a minute after the first; sending when idle, a tuple leaves
  // in the turn it arrived, or with those that came while the request slots were busy.
  const { batches } = await write('idle-batching', 20, { batch_size: 1000, batch_timeout_ms: 60_000 }, 20, 1, { messages_per_second: 100 });
  assert.ok(batches > 1, `${batches} batch for 20 tuples 10 ms apart`);
});

for (const options of [{ acks: '1', compression: 'gzip' }, { acks: '0' }, { acks: 'all', idempotent: true, compression: 'gzip', max_in_flight_requests: 1 }]) {
  test(`records are delivered with ${JSON.stringify(options)}`, async () => {
    await write(`options-${Object.values(options).join('-')}`, 120, options);
  });
}

test('two executors share the load and the metrics registry, and every record is written once', async () => {
  const { records } = await write('two-executors', 300, { batch_size: 10 }, 20, 2);
  assert.equal(records, 300);
});
