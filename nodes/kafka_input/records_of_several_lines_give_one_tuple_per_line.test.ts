/**
 * A line protocol record holding several lines (Telegraf's `use_batch_format`, a producer
 * batching as InfluxDB's write API takes it), against the real broker, records written by kcat:
 * one tuple per line, the record committed once every one of them is acked, a malformed line to
 * `_ppf_errors` alone with its line number while the others flow, and a line failed downstream
 * replaying the whole record (at-least-once: its other lines again).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startPunchline } from '../../test/support/run-punchline.js';
import { committedOffsets, countIds, createTopic, metricTotal, openKafkaTestKit, outputFile, readIds, readLines, uniqueName, waitForLines } from '../../test/support/kafka-input-kit.js';
import type { KafkaTestKit } from '../../test/support/kafka-input-kit.js';
import { kcatProduce } from '../../test/support/kcat.js';

let kit: KafkaTestKit;
before(async () => (kit = await openKafkaTestKit()));
after(async () => kit.close());

const counter = (name: string): string => `punchline_kafka_input_records_${name}_total`;

/** kafka_input (influx values) → scripted_bolt → file_output, the error tuples to `errors`. */
function punchline(name: string, topic: string, out: string, errors: string, bolt = ''): string {
  return `{
    version: "1", type: "punchline", name: "${name}",
    settings: { "topology.message.timeout.secs": 5 },
    dag: [
      { type: "kafka_input", component: "input", settings: { brokers: "test", topic: "${topic}", value_codec: { type: "influx" } },
        publish: [{ stream: "metrics", fields: ["id", "host", "_ppf_partition_offset"] },
                  { stream: "_ppf_errors", fields: ["_ppf_error_message", "_ppf_error_document", "_ppf_partition_offset"] }] },
      { type: "scripted_bolt", component: "bolt", settings: { ${bolt} },
        subscribe: [{ component: "input", stream: "metrics" }], publish: [{ stream: "metrics", fields: ["id", "host", "_ppf_partition_offset"] }] },
      { type: "file_output", component: "out", settings: { path: "${out}" }, subscribe: [{ component: "bolt", stream: "metrics" }] },
      { type: "file_output", component: "errors", settings: { path: "${errors}" }, subscribe: [{ component: "input", stream: "_ppf_errors" }] },
    ],
  }`;
}

describe('records of several lines', () => {
  it('give one tuple per line, a malformed line going to _ppf_errors alone with its line number, and are committed once every line is acked', async () => {
    const topic = await createTopic(kit, 'lines');
    await kcatProduce(kit, topic, ['cpu,host=a id=1i\ncpu,host=b id=2i\ncpu,host=c id=3i\n', 'cpu,host=d id=4i\ncpu,host=e id=oops\ncpu,host=f id=6i']);
    const name = uniqueName('lines');
    const out = outputFile(kit, 'lines');
    const errors = outputFile(kit, 'lines-errors');
    const run = await startPunchline(punchline(name, topic, out, errors), kit.platform);
    await waitForLines(out, 5);
    await waitForLines(errors, 1);
    const stopped = await run.topology.stop('test done');
    assert.equal(stopped.exitCode, 0);
    assert.deepEqual(await readLines(out), [
      { id: 1, host: 'a', _ppf_partition_offset: 0 },
      { id: 2, host: 'b', _ppf_partition_offset: 0 },
      { id: 3, host: 'c', _ppf_partition_offset: 0 },
      { id: 4, host: 'd', _ppf_partition_offset: 1 },
      { id: 6, host: 'f', _ppf_partition_offset: 1 },
    ]);
    assert.deepEqual(await readLines(errors), [
      {
        _ppf_error_message: `kafka_input[input]: decoding record ${topic}/0@1: line protocol: line 2, column 15: field "id": "oops" is not a float, an integer (1i), an unsigned integer (1u), a quoted string or a boolean`,
        _ppf_error_document: Buffer.from('cpu,host=e id=oops').toString('base64'),
        _ppf_partition_offset: 1,
      },
    ]);
    assert.equal(await metricTotal(run.registry, counter('emitted'), 'input'), 2, 'two records');
    assert.equal(await metricTotal(run.registry, counter('acked'), 'input'), 2);
    assert.deepEqual(await committedOffsets(kit, `acme-unit-${name}-input`, topic), [2]);
  });

  it('replay whole when one line fails downstream, and are committed once the replay is acked', async () => {
    const topic = await createTopic(kit, 'lines-replay');
    await kcatProduce(kit, topic, ['cpu,host=a id=1i\ncpu,host=b id=2i\ncpu,host=c id=3i']);
    const name = uniqueName('lines-replay');
    const out = outputFile(kit, 'replay');
    const run = await startPunchline(punchline(name, topic, out, outputFile(kit, 'replay-errors'), 'fail_ids: [2], times: 1'), kit.platform);
    // Lines 1 and 3 of the first emission, then the record's three lines again.
    await waitForLines(out, 5);
    await run.topology.stop('test done');
    assert.deepEqual(
      [...countIds(await readIds(out))].sort(([a], [b]) => a - b),
      [
        [1, 2],
        [2, 1],
        [3, 2],
      ],
    );
    assert.equal(await metricTotal(run.registry, counter('failed'), 'input'), 1, 'the record failed once, for its line 2');
    assert.equal(await metricTotal(run.registry, counter('replayed'), 'input'), 1);
    assert.equal(await metricTotal(run.registry, counter('acked'), 'input'), 1);
    assert.deepEqual(await committedOffsets(kit, `acme-unit-${name}-input`, topic), [1]);
  });
});
