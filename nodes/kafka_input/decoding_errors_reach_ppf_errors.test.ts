/**
 * Records that do not decode, against the real broker: each becomes a tuple on `_ppf_errors` with
 * the message (node, topic/partition@offset, what was wrong), the original value and the reserved
 * fields, is counted by kind, and never stops or crashes the punchline. Fuzzed and truncated
 * lumberjack frames included.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { startPunchline } from '../../test/support/run-punchline.js';
import type { TestRun } from '../../test/support/run-punchline.js';
import { committedOffsets, createTopic, lumberjackProtocol, openKafkaTestKit, outputFile, produce, readLines, uniqueName, waitForLines } from '../../test/support/kafka-input-kit.js';
import type { KafkaTestKit, TestRecord } from '../../test/support/kafka-input-kit.js';

let kit: KafkaTestKit;
before(async () => (kit = await openKafkaTestKit()));
after(async () => kit.close());

const ERROR_FIELDS = ['_ppf_error_message', '_ppf_error_document', '_ppf_topic_name', '_ppf_partition_id', '_ppf_partition_offset', '_ppf_kafka_timestamp'];

function start(topic: string, good: string, bad: string, settings = ''): Promise<TestRun> {
  return startPunchline(
    `{
      version: "1", type: "punchline",
      dag: [
        { type: "kafka_input", component: "input", settings: { brokers: "test", topic: "${topic}", start_offset_strategy: "earliest", ${settings} },
          publish: [{ stream: "logs", fields: ["id", "_ppf_partition_offset"] }, { stream: "_ppf_errors", fields: ${JSON.stringify(ERROR_FIELDS)} }] },
        { type: "file_output", component: "good", settings: { path: "${good}" }, subscribe: [{ component: "input", stream: "logs" }] },
        { type: "file_output", component: "bad", settings: { path: "${bad}" }, subscribe: [{ component: "input", stream: "_ppf_errors" }] },
      ],
    }`,
    kit.platform,
  );
}

async function decodeErrorsByKind(run: TestRun): Promise<Record<string, number>> {
  const metric = await run.registry.getSingleMetric('punchline_kafka_input_decode_errors_total')?.get();
  return Object.fromEntries((metric?.values ?? []).map((v) => [`${String(v.labels.part)}/${String(v.labels.kind)}`, v.value]));
}

const frame = (id: string): Buffer => lumberjackProtocol.makeDataFrame(1, { id });

/** A `2D` frame of raw key and value bytes, so that a value can be bytes that are not UTF-8. */
function rawFrame(pairs: readonly (readonly [string, Buffer])[]): Buffer {
  const header = Buffer.alloc(10);
  header.write('2D', 0, 'latin1');
  header.writeUInt32BE(1, 2);
  header.writeUInt32BE(pairs.length, 6);
  const parts: Buffer[] = [header];
  for (const [key, value] of pairs) {
    const lengths = [Buffer.alloc(4), Buffer.alloc(4)] as const;
    lengths[0].writeUInt32BE(Buffer.byteLength(key));
    lengths[1].writeUInt32BE(value.length);
    parts.push(lengths[0], Buffer.from(key), lengths[1], value);
  }
  return Buffer.concat(parts);
}

const NOT_UTF8 = Buffer.from([0x61, 0xc3, 0x28]);

describe('decoding errors', () => {
  it('routes each undecodable record to _ppf_errors with its message, document and coordinates, counted by kind', async () => {
    const topic = await createTopic(kit, 'decode-errors');
    const truncated = frame('truncated').subarray(0, 15);
    const badVersion = Buffer.from(frame('x'));
    badVersion[0] = 0x39;
    const compressed = Buffer.concat([Buffer.from('1C'), Buffer.alloc(4), Buffer.from('not zlib')]);
    compressed.writeUInt32BE(8, 2);
    const records: TestRecord[] = [
      { value: frame('0') },
      { value: truncated },
      { value: badVersion },
      { value: compressed },
      { value: Buffer.concat([frame('a'), frame('b')]) },
      { value: Buffer.alloc(0) },
      // Not UTF-8 in a published field, then in a field nobody publishes: both rejected, between records that are read.
      { value: rawFrame([['id', NOT_UTF8]]) },
      { value: rawFrame([['id', Buffer.from('7')], ['other', NOT_UTF8]]) },
      { value: frame('8') },
    ];
    await produce(kit, topic, records);
    const good = outputFile(kit, 'good');
    const bad = outputFile(kit, 'bad');
    const run = await start(topic, good, bad);
    await waitForLines(good, 2);
    await waitForLines(bad, 7);
    await run.topology.stop('test done');
    assert.deepEqual(await readLines(good), [{ id: '0', _ppf_partition_offset: 0 }, { id: '8', _ppf_partition_offset: 8 }]);
    const errors = await readLines(bad);
    assert.deepEqual(errors.map((e) => e._ppf_partition_offset), [1, 2, 3, 4, 5, 6, 7]);
    for (const error of errors) {
      const offset = error._ppf_partition_offset as number;
      assert.match(String(error._ppf_error_message), new RegExp(`^kafka_input\\[input\\]: decoding record ${topic}/0@${offset}: lumberjack: `));
      assert.equal(error._ppf_error_document, (records[offset]?.value as Buffer).toString('base64'), 'the original value, byte for byte');
      assert.equal(error._ppf_topic_name, topic);
      assert.equal(error._ppf_partition_id, 0);
      assert.equal(typeof error._ppf_kafka_timestamp, 'number');
    }
    assert.match(String(errors[3]?._ppf_error_message), /data frame number 2 in one record/);
    assert.match(String(errors[5]?._ppf_error_message), /value of key "id" is not valid utf-8/);
    assert.match(String(errors[6]?._ppf_error_message), /value of key "other" is not valid utf-8/);
    assert.deepEqual(await decodeErrorsByKind(run), {
      'value/truncated': 1,
      'value/bad_version': 1,
      'value/zlib': 1,
      'value/multiple_frames': 1,
      'value/no_data_frame': 1,
      'value/invalid_utf8': 2,
    });
  });

  it('merges several lumberjack frames of one record when value_codec says so', async () => {
    const topic = await createTopic(kit, 'decode-merge');
    await produce(kit, topic, [{ value: Buffer.concat([lumberjackProtocol.makeDataFrame(1, { id: '1', a: 'x' }), lumberjackProtocol.makeDataFrame(2, { a: 'y' })]) }]);
    const good = outputFile(kit, 'merge');
    const run = await start(topic, good, outputFile(kit, 'merge-bad'), 'value_codec: { type: "lumberjack", multiple_frames: "merge" }');
    await waitForLines(good, 1);
    await run.topology.stop('test done');
    assert.deepEqual(await readLines(good), [{ id: '1', _ppf_partition_offset: 0 }]);
  });

  it('survives fuzzed, mutated and truncated lumberjack frames: every record is either emitted or routed to _ppf_errors', async () => {
    const topic = await createTopic(kit, 'decode-fuzz');
    const valid = (i: number): Buffer => lumberjackProtocol.makeDataFrame(i, { id: String(i), payload: 'x'.repeat(i % 50) });
    const values: Buffer[] = [];
    for (let i = 0; i < 1500; i++) {
      const base = valid(i);
      switch (i % 6) {
        case 0:
          values.push(base);
          break;
        case 1:
          values.push(base.subarray(0, Math.floor(Math.random() * base.length)));
          break;
        case 2: {
          const mutated = Buffer.from(base);
          for (let flips = 0; flips < 3; flips++) mutated[Math.floor(Math.random() * mutated.length)] = Math.floor(Math.random() * 256);
          values.push(mutated);
          break;
        }
        case 3:
          values.push(randomBytes(Math.floor(Math.random() * 64)));
          break;
        case 4: {
          // A compressed frame around a truncated or random payload.
          const inner = Math.random() < 0.5 ? deflateSync(base).subarray(0, 10) : deflateSync(randomBytes(20));
          const header = Buffer.from([0x32, 0x43, 0, 0, 0, 0]);
          header.writeUInt32BE(inner.length, 2);
          values.push(Buffer.concat([header, inner]));
          break;
        }
        default: {
          // Lengths that claim far more than the buffer holds.
          const lying = Buffer.from(base);
          if (lying.length >= 14) lying.writeUInt32BE(0xfffffff0, 10);
          values.push(lying);
        }
      }
    }
    await produce(kit, topic, values.map((value) => ({ value })));
    const good = outputFile(kit, 'fuzz-good');
    const bad = outputFile(kit, 'fuzz-bad');
    const run = await start(topic, good, bad);
    let total = 0;
    const deadline = Date.now() + 60_000;
    while (total < values.length && Date.now() < deadline) {
      total = (await readLines(good)).length + (await readLines(bad)).length;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const stopped = await run.topology.stop('test done');
    assert.equal(stopped.exitCode, 0, 'the punchline never stopped by itself');
    const goodLines = await readLines(good);
    const badLines = await readLines(bad);
    const offsets = [...goodLines, ...badLines].map((line) => line._ppf_partition_offset as number).sort((a, b) => a - b);
    assert.deepEqual(offsets, values.map((_, i) => i), 'every record exactly once, emitted or routed to _ppf_errors');
    for (let i = 0; i < values.length; i += 6) assert.ok(goodLines.some((line) => line._ppf_partition_offset === i), `valid record ${i} emitted`);
    for (const line of badLines) assert.match(String(line._ppf_error_message), new RegExp(`decoding record ${topic}/0@${String(line._ppf_partition_offset)}: `));
    const byKind = await decodeErrorsByKind(run);
    assert.equal(Object.values(byKind).reduce((a, b) => a + b, 0), badLines.length, 'every error counted');
  });

  it('acks an undecodable record that no stream routes, counting it, so it does not block commits', async () => {
    const topic = await createTopic(kit, 'decode-unrouted');
    await produce(kit, topic, [{ value: Buffer.from('garbage') }, { value: frame('1') }]);
    const name = uniqueName('unrouted');
    const out = outputFile(kit, 'unrouted');
    const run = await startPunchline(
      `{
        version: "1", type: "punchline", name: "${name}",
        dag: [
          { type: "kafka_input", component: "input", settings: { brokers: "test", topic: "${topic}" }, publish: [{ stream: "logs", fields: ["id"] }] },
          { type: "file_output", settings: { path: "${out}" }, subscribe: [{ component: "input", stream: "logs" }] },
        ],
      }`,
      kit.platform,
    );
    await waitForLines(out, 1);
    await run.topology.stop('test done');
    assert.deepEqual(await readLines(out), [{ id: '1' }]);
    assert.deepEqual(await decodeErrorsByKind(run), { 'value/bad_version': 1 });
    assert.deepEqual(await committedOffsets(kit, `acme-unit-${name}-input`, topic), [2]);
  });
});
