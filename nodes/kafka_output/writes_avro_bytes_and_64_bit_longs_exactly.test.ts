// Avro values carry what kafka_input gives them: a `bytes` codec field is a Uint8Array (not a
// Node Buffer) and must fill `bytes` and `fixed` fields; a long beyond ±(2^53−1), carried as its
// decimal text, must be written exactly over the whole int64 range. What we write is decoded by
// an independent implementation, the Apache Avro Python library (Debian's python3-avro), and
// compared value for value.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { KafkaClusterDetails } from '../../src/tools/local-broker/index.js';
import { kafkaClient } from '../../test/support/kafka.js';
import { metricSum, platformFor, readTopic, sharedKafka, startTestPunchline, uniqueName } from '../../test/support/kafka-output-kit.js';

/** Debian's interpreter, where `apt-get install python3-avro` puts the library. */
const PYTHON = '/usr/bin/python3';

const SCHEMA = {
  type: 'record',
  name: 'Sample',
  namespace: 'com.acme.test',
  fields: [
    { name: 'value', type: 'bytes' },
    { name: 'digest', type: { type: 'fixed', name: 'Digest', size: 16 } },
    { name: 'key', type: 'long' },
    { name: 'maybe', type: ['null', 'long'] },
  ],
};

/** Longs at and around the edges: past what a double holds exactly, and int64's own limits. */
const LONGS = ['9223372036854775807', '-9223372036854775808', '9007199254740993', '-9007199254740993', '9007199254740991', '0', '-1', '1234567890123456789'];

/** The decoder: every value, one JSON line each, bytes as hex and longs as decimal text. */
const DECODER = `
import sys, json, io, avro.schema, avro.io
schema = avro.schema.parse(sys.argv[1])
reader = avro.io.DatumReader(schema)
for line in sys.stdin:
    datum = reader.read(avro.io.BinaryDecoder(io.BytesIO(bytes.fromhex(line.strip()))))
    print(json.dumps({k: (v.hex() if isinstance(v, bytes) else (str(v) if isinstance(v, int) else v)) for k, v in datum.items()}))
`;

/** The values decoded by python3-avro, one JSON line each. */
async function decodeWithPython(values: readonly Buffer[]): Promise<string> {
  const child = spawn(PYTHON, ['-c', DECODER, JSON.stringify(SCHEMA)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => {
    child.on('close', resolve);
    child.on('error', (error) => {
      err += error.message;
      resolve(null);
    });
    child.stdin.end(values.map((v) => v.toString('hex')).join('\n') + '\n');
  });
  assert.equal(code, 0, `python3-avro did not decode our values (it needs: apt-get install -y python3-avro): ${err}`);
  return out;
}

let kafka: KafkaClusterDetails;
before(async () => {
  kafka = await sharedKafka();
});

test('bytes read by kafka_input fill avro bytes and fixed fields, and 64-bit longs given as text are written exactly, as python3-avro decodes them', async () => {
  const source = uniqueName('avro-source');
  const topic = uniqueName('avro-exact');
  const samples = LONGS.map((key, i) => ({ key, value: randomBytes(256), digest: randomBytes(16), maybe: i % 2 === 0 ? LONGS[(i + 3) % LONGS.length] ?? null : null }));
  const producer = kafkaClient(kafka).producer();
  await producer.connect();
  await producer.send({
    topic: source,
    acks: -1,
    messages: samples.map((s) => ({ key: s.key, value: s.value, headers: { digest: s.digest, ...(s.maybe === null ? {} : { maybe: s.maybe }) } })),
  });
  await producer.disconnect();

  const { topology, result, registry } = await startTestPunchline(
    JSON.stringify({
      version: '1',
      type: 'punchline',
      dag: [
        {
          type: 'kafka_input',
          component: 'in',
          settings: {
            brokers: 'test',
            topic: source,
            start_offset_strategy: 'earliest',
            key_codec: { type: 'string' },
            value_codec: { type: 'bytes' },
            headers_fields: [
              { header: 'digest', field: 'digest', type: 'bytes' },
              { header: 'maybe', field: 'maybe', type: 'string' },
            ],
          },
          publish: [{ stream: 's', fields: ['key', 'value', 'digest', 'maybe'] }],
        },
        { type: 'kafka_output', component: 'out', settings: { brokers: 'test', topic, topic_creation: { enabled: true }, value_format: 'avro', avro: { schemas: [{ id: 'sample', schema: SCHEMA }], schema_id: 'sample' } }, subscribe: [{ component: 'in', stream: 's' }] },
      ],
    }),
    platformFor(kafka.bootstrapServers),
  );
  const deadline = Date.now() + 60_000;
  while ((await metricSum(registry, 'punchline_kafka_input_records_acked_total', { component: 'in' })) < samples.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const failed = await metricSum(registry, 'punchline_kafka_output_errors_total');
  await topology.stop('test done');
  assert.equal((await result).exitCode, 0);
  assert.equal(failed, 0, 'no record was rejected');

  const records = await readTopic(kafka, topic, 60_000, samples.length);
  assert.equal(records.length, samples.length);
  const stdout = await decodeWithPython(records.map((r) => r.value ?? Buffer.alloc(0)));
  const decoded = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, string | null>);
  const expected = samples.map((s) => ({ value: s.value.toString('hex'), digest: s.digest.toString('hex'), key: s.key, maybe: s.maybe }));
  const byKey = (a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): number => String(a.key).localeCompare(String(b.key));
  assert.deepEqual(decoded.sort(byKey), expected.sort(byKey));
});
