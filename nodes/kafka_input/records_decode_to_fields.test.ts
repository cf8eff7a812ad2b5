/**
 * From Kafka records to tuple fields, against the real broker: lumberjack values written by
 * `lumberjack-protocol` (Punch's format), the key and value codecs, null keys, and the reserved
 * fields, which must carry each record's real topic, partition, offset and timestamp.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startPunchline } from '../../test/support/run-punchline.js';
import { createTopic, lumberjackProtocol, openKafkaTestKit, outputFile, produce, readLines, waitForLines } from '../../test/support/kafka-input-kit.js';
import type { KafkaTestKit, TestRecord } from '../../test/support/kafka-input-kit.js';

let kit: KafkaTestKit;
before(async () => (kit = await openKafkaTestKit()));
after(async () => kit.close());

/** Runs a punchline reading `topic` from the start with `settings`, publishing `fields`, until `count` lines are written. */
async function readAs(topic: string, settings: string, fields: readonly string[], count: number): Promise<Record<string, unknown>[]> {
  const out = outputFile(kit, 'records');
  const run = await startPunchline(
    `{
      version: "1", type: "punchline",
      dag: [
        { type: "kafka_input", component: "input", settings: { brokers: "test", topic: "${topic}", start_offset_strategy: "earliest", ${settings} },
          publish: [{ stream: "logs", fields: ${JSON.stringify(fields)} }] },
        { type: "file_output", settings: { path: "${out}" }, subscribe: [{ component: "input", stream: "logs" }] },
      ],
    }`,
    kit.platform,
  );
  await waitForLines(out, count);
  await run.topology.stop('test done');
  return readLines(out);
}

const base64 = (text: string | Buffer): string => Buffer.from(text).toString('base64');

function epochBytes(millis: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(BigInt(millis));
  return bytes;
}

describe('record decoding', () => {
  it('publishes the chosen keys of lumberjack values written by lumberjack-protocol, missing keys as null', async () => {
    const topic = await createTopic(kit, 'records-lumberjack');
    await produce(kit, topic, [
      { value: lumberjackProtocol.makeDataFrame(1, { id: 'ejKld9iwoo', data: 'hello world', something_else: 'you do not need this one' }) },
      { value: lumberjackProtocol.makeDataFrame(7, { id: 'é-🚀', data: 'multi\nline', count: 42 }) },
      { value: lumberjackProtocol.makeDataFrame(1, { data: 'no id here' }) },
    ]);
    const lines = await readAs(topic, '', ['id', 'data', 'count'], 3);
    assert.deepEqual(lines, [
      { id: 'ejKld9iwoo', data: 'hello world', count: null },
      { id: 'é-🚀', data: 'multi\nline', count: '42' },
      { id: null, data: 'no id here', count: null },
    ]);
  });

  it('sets the reserved fields to the record topic, partition, offset and Kafka timestamp', async () => {
    const topic = await createTopic(kit, 'records-reserved', 3);
    const t0 = Date.parse('2023-11-14T22:13:20Z');
    const records: TestRecord[] = [];
    // Offsets per partition are 0, 1, 2… in the order written.
    for (let i = 0; i < 9; i++) records.push({ fields: { id: String(i) }, partition: i % 3, timestamp: t0 + i });
    await produce(kit, topic, records);
    const reserved = ['_ppf_topic_name', '_ppf_partition_id', '_ppf_partition_offset', '_ppf_kafka_timestamp'];
    const lines = await readAs(topic, '', ['id', ...reserved], 9);
    const byId = new Map(lines.map((line) => [Number(line.id), line]));
    for (let i = 0; i < 9; i++) {
      assert.deepEqual(byId.get(i), { id: String(i), _ppf_topic_name: topic, _ppf_partition_id: i % 3, _ppf_partition_offset: Math.floor(i / 3), _ppf_kafka_timestamp: t0 + i }, `record ${i}`);
    }
  });

  const codecs: readonly { name: string; settings: string; records: TestRecord[]; expected: Record<string, unknown>[] }[] = [
    {
      name: 'string key and value',
      settings: 'key_codec: { type: "string" }, value_codec: { type: "string" }',
      records: [{ key: 'k1', value: 'hello' }, { key: null, value: 'keyless' }, { key: 'k3', value: '' }],
      expected: [{ key: 'k1', value: 'hello' }, { key: null, value: 'keyless' }, { key: 'k3', value: '' }],
    },
    {
      name: 'bytes key and value (written as base64 by file_output)',
      settings: 'key_codec: { type: "bytes" }, value_codec: { type: "bytes" }',
      records: [{ key: Buffer.from([0, 1, 255]), value: Buffer.from([0xde, 0xad, 0xbe, 0xef]) }, { key: null, value: Buffer.from('x') }],
      expected: [{ key: base64(Buffer.from([0, 1, 255])), value: base64(Buffer.from([0xde, 0xad, 0xbe, 0xef])) }, { key: null, value: base64('x') }],
    },
    {
      name: 'epoch key (8-byte big-endian milliseconds) and json value (its members are fields)',
      settings: 'key_codec: { type: "epoch" }, value_codec: { type: "json" }',
      records: [{ key: epochBytes(1700000000123), value: '{"value":{"a":1,"b":[true,null]},"other":1}' }, { key: null, value: '{"value":"text"}' }],
      expected: [{ key: 1700000000123, value: { a: 1, b: [true, null] } }, { key: null, value: 'text' }],
    },
    {
      name: 'no key codec: the key is not read',
      settings: 'value_codec: { type: "string" }',
      records: [{ key: 'ignored', value: 'v' }],
      expected: [{ key: null, value: 'v' }],
    },
    {
      name: 'lumberjack key, string value',
      settings: 'key_codec: { type: "lumberjack" }, value_codec: { type: "string" }',
      records: [{ key: lumberjackProtocol.makeDataFrame(1, { tenant: 't1' }), value: 'v' }],
      expected: [{ key: { tenant: 't1' }, value: 'v' }],
    },
  ];
  for (const { name, settings, records, expected } of codecs) {
    it(`reads ${name}`, async () => {
      const topic = await createTopic(kit, 'records-codec');
      await produce(kit, topic, records);
      assert.deepEqual(await readAs(topic, settings, ['key', 'value'], records.length), expected);
    });
  }
});
