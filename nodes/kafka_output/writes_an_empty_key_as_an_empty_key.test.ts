// A present, empty key field is a key: Kapacitor, the Java client and sarama write it as a key of
// length 0 and hash it (murmur2 "" → 681 of 1000 partitions, fnv-1a "" → 35 of 1000), and only a
// missing key is null. Read back with kcat, whose `%K` prints a key's length (-1 for null). On a
// 50-partition topic those hashes give 31 (275646681 mod 50) and 35 (|-2128831035 rem 50|).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { KafkaClusterDetails } from '../../src/tools/local-broker/index.js';
import { createTopic, fixtureRecorder, platformFor, sharedKafka, startTestPunchline, uniqueName } from '../../test/support/kafka-output-kit.js';

const run = promisify(execFile);
const PARTITIONS = 50;

let kafka: KafkaClusterDetails;
before(async () => {
  kafka = await sharedKafka();
});

/**
 * `partition keylength value` of every record of `topic`, as kcat reads them up to the end of every
 * partition, each once (a producer retry may have written one twice: at-least-once).
 */
async function kcatRecords(topic: string): Promise<string[]> {
  const { stdout } = await run('kcat', ['-b', kafka.bootstrapServers.join(','), '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p %K %s\n'], { timeout: 60_000 });
  return [...new Set(stdout.trim().split('\n'))].sort();
}

for (const { algorithm, partition } of [
  { algorithm: 'murmur2', partition: 31 },
  { algorithm: 'fnv-1a', partition: 35 },
] as const) {
  test(`${algorithm}: an empty key field is written as an empty key, on partition ${partition} of ${PARTITIONS}; a missing one as no key`, async () => {
    const topic = uniqueName(`empty-key-${algorithm}`);
    await createTopic(kafka, topic, PARTITIONS);
    const recorder = uniqueName('empty-key');
    const { result } = await startTestPunchline(
      JSON.stringify({
        version: '1',
        type: 'punchline',
        dag: [
          { type: 'fixture_input', component: 'in', settings: { recorder, tuples: [{ k: '', v: 'empty' }, { k: '', v: 'empty-again' }, { v: 'missing' }] }, publish: [{ stream: 's', fields: ['k', 'v'] }] },
          { type: 'kafka_output', component: 'out', settings: { brokers: 'test', topic, key_fields: ['k'], partitionAlgorithm: algorithm, value_format: 'string', value_field: 'v' }, subscribe: [{ component: 'in', stream: 's' }] },
        ],
      }),
      platformFor(kafka.bootstrapServers),
    );
    assert.equal((await result).exitCode, 0);
    assert.equal(fixtureRecorder(recorder).acked.length, 3);
    const records = await kcatRecords(topic);
    assert.deepEqual(records.filter((line) => !line.endsWith(' missing')), [`${partition} 0 empty`, `${partition} 0 empty-again`]);
    assert.match(records.find((line) => line.endsWith(' missing')) ?? '', /^\d+ -1 missing$/, 'a missing key is a null key');
  });
}
