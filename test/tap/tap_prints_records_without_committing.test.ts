// `punchline tap` shows what is in a topic: raw (coordinates, key, value and headers as text),
// from a datetime; decoded as a punchline's kafka_input decodes it (its value codec, its header
// mapping, the reserved fields), from the log start; from the end (the records that arrive
// after it started), -n records. It never commits: its group holds no offset afterwards.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Producer } from 'kafkajs';
import { kafkaClient, sharedKafka, testKafkaClient, uniqueName } from '../support/kafka.js';
import { runCli, startCli, waitFor } from '../support/cli.js';

let admin: Admin;
let producer: Producer;
let bootstrap: string;
let root: string;
let topic: string;
const BASE = Math.floor(Date.now() / 1000) * 1000 - 60_000;

before(async () => {
  const kafka = await sharedKafka();
  bootstrap = kafka.bootstrapServers[0] ?? '';
  admin = kafkaClient(kafka).admin();
  producer = kafkaClient(kafka).producer();
  await Promise.all([admin.connect(), producer.connect()]);
  root = await mkdtemp(join(tmpdir(), 'tap-'));
  topic = uniqueName('tap');
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await producer.send({
    topic,
    acks: -1,
    messages: Array.from({ length: 4 }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ host: `web-${i}`, usage: i * 10 }), headers: { source: `agent-${i}` }, timestamp: String(BASE + i * 1000) })),
  });
});

after(async () => {
  await Promise.all([admin.disconnect(), producer.disconnect()]);
  await rm(root, { recursive: true, force: true });
});

test('raw from a datetime, decoded by a kafka_input from the log start, and from the end, nothing committed', { timeout: 180_000 }, async () => {
  // The cluster reads with the client library PUNCHLINE_TEST_KAFKA_CLIENT names, as the nodes' tests do.
  await writeFile(join(root, 'platform.json5'), JSON.stringify({ kafka: { clusters: { local: { brokers: [bootstrap], client: testKafkaClient() } } } }));
  const raw = await runCli(['tap', topic, '--config', join(root, 'platform.json5'), '--from-datetime', new Date(BASE + 1500).toISOString(), '-n', '2']);
  assert.equal(raw.code, 0, raw.stderr);
  assert.deepEqual(
    raw.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown),
    [2, 3].map((i) => ({ topic, partition: 0, offset: i, timestamp: BASE + i * 1000, key: `k${i}`, value: `{"host":"web-${i}","usage":${i * 10}}`, headers: [['source', `agent-${i}`]] })),
  );

  const dir = join(root, 'acme', 'ops');
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'reader.json5'),
    JSON.stringify({
      version: '1',
      type: 'punchline',
      dag: [
        {
          type: 'kafka_input',
          component: 'metrics',
          settings: { brokers: 'local', topic, value_codec: { type: 'json' }, headers_fields: [{ header: 'source', field: 'source', type: 'string' }] },
          publish: [{ stream: 's', fields: ['host', 'usage', 'source'] }],
        },
        { type: 'print_output', subscribe: [{ component: 'metrics', stream: 's' }] },
      ],
    }),
  );
  const decoded = await runCli(['tap', '--punchline', join(dir, 'reader.json5'), '--node', 'metrics', '--from-beginning', '-n', '4']);
  assert.equal(decoded.code, 0, decoded.stderr);
  const tuples = decoded.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    tuples.map(({ host, usage, source, _ppf_topic_name, _ppf_partition_offset }) => ({ host, usage, source, _ppf_topic_name, _ppf_partition_offset })),
    [0, 1, 2, 3].map((i) => ({ host: `web-${i}`, usage: i * 10, source: `agent-${i}`, _ppf_topic_name: topic, _ppf_partition_offset: i })),
    "the fields the node's codec and header mapping give",
  );

  const tail = startCli(['tap', topic, '--config', join(root, 'platform.json5'), '-n', '1']);
  await waitFor(() => tail.stderr().includes('tap: reading'), 60_000, 'tap to be positioned at the end');
  await producer.send({ topic, acks: -1, messages: [{ key: 'new', value: 'arrived after' }] });
  const ended = await tail.exit;
  assert.equal(ended.code, 0, ended.stderr);
  assert.deepEqual((JSON.parse(ended.stdout.trim()) as { offset: number; value: string }).value, 'arrived after', 'only the record that arrived');

  const taps = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith('punchline-tap-'));
  assert.ok(taps.length >= 1, 'tap read through groups of its own');
  for (const groupId of taps) {
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    assert.deepEqual(offsets.flatMap((t) => t.partitions.map((p) => p.offset)), ['-1'], `${groupId} committed nothing`);
  }
});
