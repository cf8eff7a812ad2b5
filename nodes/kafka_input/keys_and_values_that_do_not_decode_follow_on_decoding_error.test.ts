/**
 * `on_decoding_error` of `value_codec` and `key_codec`, against the real broker, records written
 * by kcat: CRASH stops the punchline naming the record and the fix, committing nothing past it;
 * WARN emits the record with the part's fields null and a warning naming the record; PASS does
 * the same at debug level. Every case is counted in the decode errors, nothing reaches
 * `_ppf_errors` (DEAD_LETTER, the default, is decoding_errors_reach_ppf_errors.test.ts).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { startPunchline } from '../../test/support/run-punchline.js';
import type { TestRun } from '../../test/support/run-punchline.js';
import { committedOffsets, createTopic, openKafkaTestKit, outputFile, readLines, uniqueName, waitForLines } from '../../test/support/kafka-input-kit.js';
import type { KafkaTestKit } from '../../test/support/kafka-input-kit.js';
import { kcatProduce } from '../../test/support/kcat.js';

let kit: KafkaTestKit;
before(async () => (kit = await openKafkaTestKit()));
after(async () => kit.close());

interface Started {
  readonly run: TestRun;
  readonly name: string;
  readonly out: string;
  readonly errors: string;
  /** Every log line of the run, parsed. */
  readonly logs: Record<string, unknown>[];
}

/** kafka_input (json values) → file_output, error tuples to another file; logs kept from debug up. */
async function start(topic: string, settings: string): Promise<Started> {
  const name = uniqueName('policy');
  const out = outputFile(kit, `${name}-out`);
  const errors = outputFile(kit, `${name}-errors`);
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const run = await startPunchline(
    `{
      version: "1", type: "punchline", name: "${name}",
      dag: [
        { type: "kafka_input", component: "input", settings: { brokers: "test", topic: "${topic}", ${settings} },
          publish: [{ stream: "data", fields: ["id", "key", "_ppf_partition_offset"] }, { stream: "_ppf_errors", fields: ["_ppf_error_message"] }] },
        { type: "file_output", component: "out", settings: { path: "${out}" }, subscribe: [{ component: "input", stream: "data" }] },
        { type: "file_output", component: "errors", settings: { path: "${errors}" }, subscribe: [{ component: "input", stream: "_ppf_errors" }] },
      ],
    }`,
    kit.platform,
    undefined,
    logger,
  );
  return { run, name, out, errors, logs };
}

async function decodeErrorsByKind(run: TestRun): Promise<Record<string, number>> {
  const metric = await run.registry.getSingleMetric('punchline_kafka_input_decode_errors_total')?.get();
  return Object.fromEntries((metric?.values ?? []).map((v) => [`${String(v.labels.part)}/${String(v.labels.kind)}`, v.value]));
}

const logsAt = (logs: readonly Record<string, unknown>[], level: number, text: string): string[] => logs.filter((l) => l.level === level && String(l.msg).includes(text)).map((l) => String(l.msg));
const WARN = 40;
const DEBUG = 20;

describe('on_decoding_error of keys and values', () => {
  it('CRASH: a value that does not decode stops the punchline, naming the record and the fix, nothing committed past it', async () => {
    const topic = await createTopic(kit, 'value-crash');
    await kcatProduce(kit, topic, ['{"id":0}', 'not json', '{"id":2}']);
    const { run, name, out } = await start(topic, 'value_codec: { type: "json", on_decoding_error: "CRASH" }');
    const result = await run.result;
    assert.equal(result.exitCode, 1, result.reason);
    assert.match(result.error?.message ?? '', new RegExp(`^kafka_input\\[input\\]: decoding record ${topic}/0@1: json codec: record is not valid json: .*\\(on_decoding_error CRASH: stopping, nothing committed past the record\\)$`));
    assert.match(result.error?.hint ?? '', /^set value_codec.on_decoding_error to DEAD_LETTER \(the record goes to _ppf_errors\) or WARN/);
    assert.ok((await readLines(out)).every((line) => line.id === 0), 'nothing after the record emitted');
    const committed = await committedOffsets(kit, `acme-unit-${name}-input`, topic);
    assert.ok(committed.every((offset) => offset <= 1), `committed ${committed.join(',')}`);
    assert.deepEqual(await decodeErrorsByKind(run), { 'value/invalid_json': 1 });
  });

  it('WARN: the record is emitted with its value fields null, with a warning naming it, counted, nothing on _ppf_errors', async () => {
    const topic = await createTopic(kit, 'value-warn');
    await kcatProduce(kit, topic, ['{"id":0}', '[1,2]', '{"id":2}']);
    const { run, out, errors, logs } = await start(topic, 'value_codec: { type: "json", on_decoding_error: "WARN" }');
    await waitForLines(out, 3);
    const stopped = await run.topology.stop('test done');
    assert.equal(stopped.exitCode, 0);
    assert.deepEqual(await readLines(out), [
      { id: 0, key: null, _ppf_partition_offset: 0 },
      { id: null, key: null, _ppf_partition_offset: 1 },
      { id: 2, key: null, _ppf_partition_offset: 2 },
    ]);
    assert.deepEqual(await readLines(errors), []);
    assert.deepEqual(logsAt(logs, WARN, `${topic}/0@1`), [`kafka_input[input]: decoding record ${topic}/0@1: json codec: record is an array, not an object of fields; the tuple is emitted with its value fields null`]);
    assert.deepEqual(await decodeErrorsByKind(run), { 'value/invalid_json': 1 });
  });

  it('PASS: a key that does not decode is null in the emitted record, logged at debug level only, counted', async () => {
    const topic = await createTopic(kit, 'key-pass');
    await kcatProduce(kit, topic, ['{"id":0}'], '{"tenant":"acme"}');
    await kcatProduce(kit, topic, ['{"id":1}'], 'not json');
    const { run, out, errors, logs } = await start(topic, 'value_codec: { type: "json" }, key_codec: { type: "json", on_decoding_error: "PASS" }');
    await waitForLines(out, 2);
    await run.topology.stop('test done');
    assert.deepEqual(await readLines(out), [
      { id: 0, key: { tenant: 'acme' }, _ppf_partition_offset: 0 },
      { id: 1, key: null, _ppf_partition_offset: 1 },
    ]);
    assert.deepEqual(await readLines(errors), []);
    assert.deepEqual(logsAt(logs, WARN, `${topic}/0@1`), []);
    assert.equal(logsAt(logs, DEBUG, `decoding key of record ${topic}/0@1: json codec`).length, 1);
    assert.deepEqual(await decodeErrorsByKind(run), { 'key/invalid_json': 1 });
  });
});
