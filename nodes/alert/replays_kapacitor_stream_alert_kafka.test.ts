/**
 * Kapacitor's TestStream_AlertKafka as a punchline against the test broker: serverA's points of
 * TestStream_Alert.srpl through window(10s), count('value'), an alert with Kapacitor's id template
 * and info/warn/crit, and `.kafka().kafkaTopic(…).template('{{.Message}}')` as a kafka_output.
 * Kapacitor's expected output: one message keyed `kapacitor/cpu/serverA`, valued
 * `kapacitor/cpu/serverA is CRITICAL`, on partition 2 of its three-partition test broker.
 *
 * Partition 2 is what murmur2 of that key gives (kafka-go's balancer, Kapacitor's hash before it
 * moved to sarama); Kapacitor's crc32 partitioner, its default since, computes
 * crc32("kapacitor/cpu/serverA") % 3 = 1 (services/kafka/hash.go). So the same message is
 * expected on partition 1 with the default crc32, and on Kapacitor's partition 2 with murmur2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTopic, platformFor, readTopic, sharedKafka, startTestPunchline, TEST_CLUSTER, uniqueName } from '../../test/support/kafka-output-kit.js';

const YEAR_1971_MS = Date.UTC(1971, 0, 1);
/** serverA's values in integrations/testdata/TestStream_Alert.srpl, one a second. */
const VALUES = ['97.1', '92.6', '95.6', '93.1', '92.6', '95.8', '92.7', '96.0', '93.4', '95.3', '96.4', '95.1'];

test("TestStream_AlertKafka: one message keyed by the alert id, its value the rendered message, on the partition its hash picks (Kapacitor's partition 2 with murmur2)", async () => {
  const cluster = await sharedKafka();
  const topic = uniqueName('testTopic');
  const murmurTopic = uniqueName('testTopic-murmur2');
  await createTopic(cluster, topic, 3);
  await createTopic(cluster, murmurTopic, 3);
  const messages = VALUES.map((v, i) => `{ host: "serverA", value: "${v}", t: "${YEAR_1971_MS + i * 1000}" }`).join(', ');
  const run = await startTestPunchline(
    `{
    version: "1", type: "punchline",
    dag: [
      { type: "generator_input", component: "cpu", settings: { messages: [${messages}], count: ${VALUES.length} },
        publish: [{ stream: "cpu", fields: ["host", "value", "t"] }] },
      { type: "window", component: "ten_seconds", settings: { period_ms: 10000, every_ms: 10000, group_by: ["host"], time_field: "t" },
        subscribe: [{ component: "cpu", stream: "cpu" }], publish: [{ stream: "windows", fields: ["host", "t", "points"] }] },
      { type: "aggregate", component: "count", settings: { function: "count", field: "value", time_field: "t" },
        subscribe: [{ component: "ten_seconds", stream: "windows" }], publish: [{ stream: "counts", fields: ["host", "t", "count"] }] },
      { type: "alert", component: "cpu_alert",
        settings: { name: "cpu", group_by: ["host"], time_field: "t", id: "kapacitor/{{ .Name }}/{{ index .Tags \\"host\\" }}",
          info: "\\"count\\" > 6.0", warn: "\\"count\\" > 7.0", crit: "\\"count\\" > 8.0" },
        subscribe: [{ component: "count", stream: "counts" }], publish: [{ stream: "alerts", fields: ["id", "alert"] }] },
      { type: "kafka_output", component: "kafka", settings: { cluster: "${TEST_CLUSTER}", topic: "${topic}", key_fields: ["id"], value_format: "alert", value_field: "alert", template: "{{.Message}}" },
        subscribe: [{ component: "cpu_alert", stream: "alerts" }] },
      { type: "kafka_output", component: "kafka_murmur2", settings: { cluster: "${TEST_CLUSTER}", topic: "${murmurTopic}", key_fields: ["id"], value_format: "alert", value_field: "alert", template: "{{.Message}}", partitionAlgorithm: "murmur2" },
        subscribe: [{ component: "cpu_alert", stream: "alerts" }] },
    ],
  }`,
    platformFor(cluster.bootstrapServers),
  );
  await readTopic(cluster, topic, 30_000, 1);
  await readTopic(cluster, murmurTopic, 30_000, 1);
  // The points at 10 and 11 s wait for the next window: the stop fails them (the input would replay them).
  await run.topology.stop('test over');
  const written = async (name: string): Promise<unknown[]> => (await readTopic(cluster, name)).map((r) => ({ partition: r.partition, key: r.key?.toString(), value: r.value?.toString() }));
  assert.deepEqual(await written(topic), [{ partition: 1, key: 'kapacitor/cpu/serverA', value: 'kapacitor/cpu/serverA is CRITICAL' }]);
  assert.deepEqual(await written(murmurTopic), [{ partition: 2, key: 'kapacitor/cpu/serverA', value: 'kapacitor/cpu/serverA is CRITICAL' }]);
});
