// While the output cluster is down, kafka_output must not ack what it could not write: the tuples
// fail once the client's retries are spent, kafka_input replays them, and after the broker is back
// every input record is in the output topic at least once. Kafka in, Kafka out: the input reads
// the suite's shared broker, the output writes to a cluster of the test's own, which it stops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeLumberjack } from '../../src/libraries/codecs/lumberjack-encode.js';
import { waitFor } from '../../test/support/cli.js';
import { kafkaClient } from '../../test/support/kafka.js';
import { metricSum, platformFor, readTopic, sharedKafka, startDedicatedCluster, startTestPunchline, uniqueName } from '../../test/support/kafka-output-kit.js';

const RECORDS = 3000;
const PER_SECOND = 100;
/** The outage lasts until tuples have failed (at least this long): how soon depends on the client's retries. */
const MIN_OUTAGE_MS = 20_000;

const output = await startDedicatedCluster('kafka-output-outage');

test('tuples failed during a broker outage are replayed by kafka_input and every record reaches the topic', { timeout: 420_000 }, async (t) => {
  const source = await sharedKafka();
  const sourceTopic = uniqueName('outage-source');
  const topic = uniqueName('outage-out');
  const producer = kafkaClient(source).producer();
  await producer.connect();
  const ids = Array.from({ length: RECORDS }, (_, i) => i);
  await producer.send({ topic: sourceTopic, acks: -1, messages: ids.map((i) => ({ value: encodeLumberjack({ id: String(i), body: `record ${i}` }) })) });
  await producer.disconnect();

  const { topology, result, registry } = await startTestPunchline(
    JSON.stringify({
      version: '1',
      type: 'punchline',
      settings: { 'topology.message.timeout.secs': 120 },
      dag: [
        {
          type: 'kafka_input',
          component: 'in',
          settings: { brokers: 'source', topic: sourceTopic, start_offset_strategy: 'earliest', load_control: 'rate', load_control_records_per_second: PER_SECOND },
          publish: [{ stream: 'logs', fields: ['id', 'body'] }],
        },
        { type: 'kafka_output', component: 'out', settings: { brokers: 'test', topic, key_fields: ['id'], retries: 3, topic_creation: { enabled: true, partitions: 3 } }, subscribe: [{ component: 'in', stream: 'logs' }] },
      ],
    }),
    platformFor(output.bootstrapServers, 50, { source: source.bootstrapServers }),
  );
  const inputCount = (name: string): Promise<number> => metricSum(registry, `punchline_kafka_input_records_${name}_total`, { component: 'in' });
  await waitFor(async () => (await inputCount('acked')) >= 300, 60_000, 'the first 300 records acked');
  await output.stopBroker(0);
  const ackedWhenStopped = await inputCount('acked');
  await new Promise((resolve) => setTimeout(resolve, MIN_OUTAGE_MS));
  // How soon the first tuple fails depends on the client's retries and back-off.
  await waitFor(async () => (await inputCount('failed')) > 0, 120_000, 'tuples failed while the broker was down');
  const ackedDuringOutage = (await inputCount('acked')) - ackedWhenStopped;
  const failedDuringOutage = await inputCount('failed');
  await output.startBroker(0);
  await waitFor(async () => (await inputCount('acked')) >= RECORDS, 180_000, `all ${RECORDS} records acked`);
  await topology.stop('test done');
  assert.equal((await result).exitCode, 0);

  assert.ok(failedDuringOutage > 0, 'tuples failed while the broker was down');
  assert.ok((await inputCount('replayed')) >= failedDuringOutage, 'kafka_input replayed the failed records');
  // Answers already on their way when the broker stopped may still land; nothing sent to a
  // stopped broker can be confirmed.
  assert.ok(ackedDuringOutage < 100, `${ackedDuringOutage} records acked while the broker was down`);
  assert.ok((await metricSum(registry, 'punchline_kafka_output_errors_total', { kind: 'write_failed' })) >= 1);

  const records = await readTopic(output, topic);
  const written = new Set(records.map((r) => Number((JSON.parse(r.value?.toString('utf8') ?? '{}') as { id: string }).id)));
  assert.deepEqual(ids.filter((i) => !written.has(i)), [], 'every input record is in the output topic');
  t.diagnostic(
    `${RECORDS} records; ${await inputCount('failed')} tuple failures (${failedDuringOutage} during the outage), ${await inputCount('replayed')} replays; ${records.length} records in the output topic (${records.length - written.size} duplicates); ${ackedDuringOutage} acked during the outage`,
  );
});
