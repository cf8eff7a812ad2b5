import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { parseJson5Document } from '../../src/runtime/validation/json5-document.js';
import { validatePunchlineDocument } from '../../src/runtime/config/load-punchline.js';
import { DEFAULT_PLATFORM_CONFIG } from '../../src/runtime/config/load-platform-config.js';
import { createLogger } from '../../src/runtime/logging.js';
import { Topology } from '../../src/runtime/topology.js';
import type { RunResult } from '../../src/runtime/topology.js';
import type { PunchlineError } from '../../src/core/errors.js';
import type { RecordedRecord } from '../../src/libraries/recording/index.js';
import { channelDir } from '../../test/support/temp-dir.js';
import { TEST_CATALOGUE } from '../../test/support/test-nodes.js';
import { kafkaInputFedBy } from './recorded-input.js';

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

/** Runs `text` with its kafka_input `input` fed `records`; resolves with the result and what the feed was told. */
async function replay(text: string, records: readonly RecordedRecord[]): Promise<{ result: RunResult; settled: [number, string | undefined][] }> {
  const { punchline, diagnostics } = validatePunchlineDocument(parseJson5Document('/tests/acme/unit/replay.json5', text), TEST_CATALOGUE, DEFAULT_PLATFORM_CONFIG);
  assert.ok(punchline, diagnostics.map((d) => d.message).join('\n'));
  const settled: [number, string | undefined][] = [];
  const feed = {
    source: 'recording test',
    realTime: false,
    records: (): AsyncIterable<RecordedRecord> => ({
      [Symbol.asyncIterator]: () => {
        let index = 0;
        return { next: () => Promise.resolve(index < records.length ? { done: false, value: records[index++] as RecordedRecord } : { done: true, value: undefined }) };
      },
    }),
    settled: (record: RecordedRecord, failure: PunchlineError | undefined) => settled.push([record.offset, failure?.code]),
  };
  const nodes = punchline.nodes.map((n) => (n.component === 'input' ? { ...n, definition: kafkaInputFedBy(feed) } : n));
  const topology = new Topology({ ...punchline, nodes }, { platform: DEFAULT_PLATFORM_CONFIG, logger: createLogger({ level: 'silent', pretty: false }), registry: new Registry() });
  await topology.start().catch(() => undefined);
  return { result: await topology.result, settled };
}

test('recorded records go through the codecs and headers_fields, _ppf_* fields carry their recorded coordinates, tombstones follow on_null_value', async () => {
  const dir = await channelDir();
  try {
    const out = join(dir, 'out.jsonl');
    const { result, settled } = await replay(
      `{ version: "1", type: "punchline", dag: [
        { type: "kafka_input", component: "input",
          settings: { brokers: "local", topic: "not-read", value_codec: { type: "json" }, key_codec: { type: "string" }, on_null_value: "dead_letter",
            headers_fields: [{ header: "trace", field: "trace", type: "string" }] },
          publish: [
            { stream: "data", fields: ["host", "key", "trace", "_ppf_topic_name", "_ppf_partition_id", "_ppf_partition_offset", "_ppf_kafka_timestamp"] },
            { stream: "_ppf_errors", fields: ["_ppf_error_message", "_ppf_partition_offset"] } ] },
        { type: "file_output", component: "out", settings: { path: "${out}" },
          subscribe: [{ component: "input", stream: "data" }, { component: "input", stream: "_ppf_errors" }] } ] }`,
      [
        { topic: 'mytenant.cpu', partition: 2, offset: 41, timestamp: 1_700_000_000_123, key: bytes('web-1'), value: bytes('{"host":"web-1"}'), headers: [['trace', bytes('a')], ['trace', bytes('b')]] },
        { topic: 'mytenant.cpu', partition: 0, offset: 7, timestamp: 1_700_000_000_124, key: null, value: bytes('{"host":"db-1"}'), headers: [['trace', null]] },
        { topic: 'mytenant.cpu', partition: 1, offset: 3, timestamp: 1_700_000_000_125, key: null, value: null, headers: [] },
      ],
    );
    assert.equal(result.exitCode, 0, result.reason);
    assert.deepEqual(settled, [[41, undefined], [7, undefined], [3, undefined]]);
    const lines = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as unknown);
    assert.deepEqual(lines, [
      // A repeated header is read as Kafka's lastHeader, as from the broker.
      { host: 'web-1', key: 'web-1', trace: 'b', _ppf_topic_name: 'mytenant.cpu', _ppf_partition_id: 2, _ppf_partition_offset: 41, _ppf_kafka_timestamp: 1_700_000_000_123 },
      { host: 'db-1', key: null, trace: null, _ppf_topic_name: 'mytenant.cpu', _ppf_partition_id: 0, _ppf_partition_offset: 7, _ppf_kafka_timestamp: 1_700_000_000_124 },
      { _ppf_error_message: 'kafka_input[input]: decoding record mytenant.cpu/1@3: value is null (a tombstone)', _ppf_partition_offset: 3 },
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a failed recorded record stops the run (exit 3) naming its coordinates, whatever fail_action says', async () => {
  const records: RecordedRecord[] = [1, 2, 3].map((id) => ({ topic: 't', partition: 0, offset: id, timestamp: id, key: null, value: bytes(`{"id":${id}}`), headers: [] }));
  const { result, settled } = await replay(
    `{ version: "1", type: "punchline", dag: [
      { type: "kafka_input", component: "input", settings: { brokers: "local", topic: "t", value_codec: { type: "json" }, fail_action: "none" },
        publish: [{ stream: "data", fields: ["id"] }] },
      { type: "scripted_bolt", component: "bolt", settings: { fail_ids: [2] },
        subscribe: [{ component: "input", stream: "data" }], publish: [{ stream: "data", fields: ["id"] }] } ] }`,
    records,
  );
  assert.equal(result.exitCode, 3);
  assert.match(result.reason, /^kafka_input\[input\]: record t\/0@2 of recording test failed: scripted_bolt\[bolt\]: scripted failure of 2$/);
  assert.deepEqual(settled.find(([offset]) => offset === 2), [2, 'E_TUPLE_FAILED']);
});

test('a recorded record of several lines gives a tuple per line and is settled once, when all of them are acked; a failed line fails it', async () => {
  const value = bytes('m id=1i\nm id=2i\nm id=3i');
  const records: RecordedRecord[] = [{ topic: 't', partition: 0, offset: 5, timestamp: 1, key: null, value, headers: [] }];
  const text = (bolt: string): string => `{ version: "1", type: "punchline", dag: [
      { type: "kafka_input", component: "input", settings: { brokers: "local", topic: "t", value_codec: { type: "influx" } },
        publish: [{ stream: "data", fields: ["id"] }] },
      { type: "scripted_bolt", component: "bolt", settings: { ${bolt} },
        subscribe: [{ component: "input", stream: "data" }], publish: [{ stream: "data", fields: ["id"] }] } ] }`;
  const passed = await replay(text(''), records);
  assert.equal(passed.result.exitCode, 0, passed.result.reason);
  assert.deepEqual(passed.settled, [[5, undefined]]);
  const failed = await replay(text('fail_ids: [2]'), records);
  assert.equal(failed.result.exitCode, 3);
  assert.match(failed.result.reason, /^kafka_input\[input\]: record t\/0@5 of recording test failed: scripted_bolt\[bolt\]: scripted failure of 2$/);
  assert.deepEqual(failed.settled, [[5, 'E_TUPLE_FAILED']], 'settled once, by the failed line');
});

test('a recorded value that does not decode under on_decoding_error CRASH stops the run (exit 1) naming the record', async () => {
  const records: RecordedRecord[] = [{ topic: 't', partition: 0, offset: 9, timestamp: 1, key: null, value: bytes('not json'), headers: [] }];
  const { result } = await replay(
    `{ version: "1", type: "punchline", dag: [
      { type: "kafka_input", component: "input", settings: { brokers: "local", topic: "t", value_codec: { type: "json", on_decoding_error: "CRASH" } },
        publish: [{ stream: "data", fields: ["id"] }] },
      { type: "print_output", subscribe: [{ component: "input", stream: "data" }] } ] }`,
    records,
  );
  assert.equal(result.exitCode, 1);
  assert.match(result.reason, /^kafka_input\[input\]: decoding record t\/0@9: json codec: record is not valid json: .*on_decoding_error CRASH/);
});
