/**
 * `headers_fields` against the real broker: every header type, both byte orders, text encodings,
 * a missing header, and the three `on_decoding_error` policies.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startPunchline } from '../../test/support/run-punchline.js';
import { startCli } from '../../test/support/cli.js';
import type { TestRun } from '../../test/support/run-punchline.js';
import { createTopic, openKafkaTestKit, outputFile, produce, readLines, waitForLines } from '../../test/support/kafka-input-kit.js';
import type { KafkaTestKit } from '../../test/support/kafka-input-kit.js';

let kit: KafkaTestKit;
before(async () => (kit = await openKafkaTestKit()));
after(async () => kit.close());

function start(topic: string, out: string, headersFields: string, fields: readonly string[]): Promise<TestRun> {
  return startPunchline(
    `{
      version: "1", type: "punchline",
      dag: [
        { type: "kafka_input", component: "input",
          settings: { brokers: "test", topic: "${topic}", start_offset_strategy: "earliest", value_codec: { type: "string" }, headers_fields: ${headersFields} },
          publish: [{ stream: "logs", fields: ${JSON.stringify(['value', ...fields])} }] },
        { type: "file_output", settings: { path: "${out}" }, subscribe: [{ component: "input", stream: "logs" }] },
      ],
    }`,
    kit.platform,
  );
}

const int32 = (value: number, little: boolean): Buffer => {
  const bytes = Buffer.alloc(4);
  if (little) bytes.writeInt32LE(value);
  else bytes.writeInt32BE(value);
  return bytes;
};
const int64 = (value: number, little: boolean): Buffer => {
  const bytes = Buffer.alloc(8);
  if (little) bytes.writeBigInt64LE(BigInt(value));
  else bytes.writeBigInt64BE(BigInt(value));
  return bytes;
};

describe('headers_fields', () => {
  it('reads string, integer, long and bytes headers in both byte orders and several encodings', async () => {
    const topic = await createTopic(kit, 'headers-types');
    await produce(kit, topic, [
      {
        value: 'with headers',
        headers: {
          text: 'plain utf-8 é',
          latin: Buffer.from([0x63, 0x61, 0x66, 0xe9]),
          utf16: Buffer.from('\u00fcber', 'utf16le').swap16(),
          int_be: int32(-123456, false),
          int_le: int32(-123456, true),
          long_be: int64(1700000000123, false),
          long_le: int64(-1700000000123, true),
          raw: Buffer.from([0, 255, 7]),
          repeated: ['first', 'last'],
        },
      },
      { value: 'without headers' },
    ]);
    const headersFields = `[
      { header: "text", field: "text", type: "string" },
      { header: "latin", field: "latin", type: "string", encoding: "ISO_8859_1" },
      { header: "utf16", field: "utf16", type: "string", encoding: "UTF-16BE" },
      { header: "int_be", field: "int_be", type: "integer" },
      { header: "int_le", field: "int_le", type: "integer", ordering: "little_endian" },
      { header: "long_be", field: "long_be", type: "long", ordering: "big_endian" },
      { header: "long_le", field: "long_le", type: "long", ordering: "little_endian" },
      { header: "raw", field: "raw", type: "bytes" },
      { header: "repeated", field: "repeated", type: "string" },
    ]`;
    const fields = ['text', 'latin', 'utf16', 'int_be', 'int_le', 'long_be', 'long_le', 'raw', 'repeated'];
    const out = outputFile(kit, 'headers');
    const run = await start(topic, out, headersFields, fields);
    await waitForLines(out, 2);
    await run.topology.stop('test done');
    assert.deepEqual(await readLines(out), [
      {
        value: 'with headers',
        text: 'plain utf-8 é',
        latin: 'café',
        utf16: 'über',
        int_be: -123456,
        int_le: -123456,
        long_be: 1700000000123,
        long_le: -1700000000123,
        raw: Buffer.from([0, 255, 7]).toString('base64'),
        repeated: 'last',
      },
      { value: 'without headers', text: null, latin: null, utf16: null, int_be: null, int_le: null, long_be: null, long_le: null, raw: null, repeated: null },
    ]);
  });

  for (const policy of ['WARN', 'PASS'] as const) {
    it(`on_decoding_error ${policy} emits the record with a null field and counts the error`, async () => {
      const topic = await createTopic(kit, `headers-${policy.toLowerCase()}`);
      await produce(kit, topic, [
        { value: 'short integer', headers: { n: Buffer.from([1, 2, 3]) } },
        { value: 'good integer', headers: { n: int32(7, false) } },
      ]);
      const out = outputFile(kit, 'headers-policy');
      const run = await start(topic, out, `[{ header: "n", field: "n", type: "integer", on_decoding_error: "${policy}" }]`, ['n']);
      await waitForLines(out, 2);
      await run.topology.stop('test done');
      assert.deepEqual(await readLines(out), [{ value: 'short integer', n: null }, { value: 'good integer', n: 7 }]);
      const metric = await run.registry.getSingleMetric('punchline_kafka_input_decode_errors_total')?.get();
      assert.deepEqual(
        metric?.values.map((v) => ({ part: v.labels.part, kind: v.labels.kind, value: v.value })),
        [{ part: 'header', kind: 'wrong_length', value: 1 }],
      );
    });
  }

  it('on_decoding_error CRASH (when asked for) stops the punchline (exit code 1) with a decoding error naming the record', async () => {
    // Through the command: a punchline stopped by a fatal error is not torn down in-process.
    const topic = await createTopic(kit, 'headers-crash');
    await produce(kit, topic, [
      { value: 'good', headers: { n: int64(1, false) } },
      { value: 'bad', headers: { n: Buffer.from('not a long') } },
      { value: 'after', headers: { n: int64(3, false) } },
    ]);
    const out = outputFile(kit, 'headers-crash');
    const dir = join(kit.dir, 'acme', 'headers');
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'crash.json5');
    await writeFile(
      file,
      `{
        version: "1", type: "punchline",
        dag: [
          { type: "kafka_input", component: "input", settings: { brokers: "test", topic: "${topic}", start_offset_strategy: "earliest", value_codec: { type: "string" }, headers_fields: [{ header: "n", field: "n", type: "long", on_decoding_error: "CRASH" }] },
            publish: [{ stream: "logs", fields: ["value", "n"] }] },
          { type: "file_output", settings: { path: "${out}" }, subscribe: [{ component: "input", stream: "logs" }] },
        ],
      }`,
    );
    const { code, stderr } = await startCli(['run', file, '--config', kit.platformFile]).exit;
    assert.equal(code, 1, stderr);
    assert.match(stderr, new RegExp(`"code":"E_DECODE".*decoding headers of record ${topic}/0@1: header \\\\"n\\\\" \\(field \\\\"n\\\\"\\): long needs 8 bytes, got 10`));
    assert.ok(!(await readLines(out)).some((line) => line.value === 'bad' || line.value === 'after'), 'nothing emitted from the bad record on');
  });
});
