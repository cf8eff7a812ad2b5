/**
 * The errors of the live snapshot are the last tuples of `_ppf_errors`, even when no node
 * subscribes to that stream (validation warns about it, the tuples are counted as dropped): an
 * undecodable record read from the broker is there with its coordinates and why.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPunchline } from '../support/run-punchline.js';
import { createTopic, idRecords, openKafkaTestKit, outputFile, produce, waitForLines } from '../support/kafka-input-kit.js';
import type { KafkaTestKit } from '../support/kafka-input-kit.js';
import { LiveView } from '../../src/runtime/live-view.js';
import { parseJson5Document } from '../../src/runtime/validation/json5-document.js';
import { validatePunchlineDocument } from '../../src/runtime/config/load-punchline.js';
import { TEST_CATALOGUE } from '../support/test-nodes.js';

let kit: KafkaTestKit;
before(async () => (kit = await openKafkaTestKit()));
after(async () => kit.close());

test('an undecodable record is among the errors though nobody subscribes to _ppf_errors', async () => {
  const topic = await createTopic(kit, 'unsubscribed-errors');
  await produce(kit, topic, [{ value: Buffer.from('not a lumberjack frame') }, ...idRecords(1, 3)]);
  const out = outputFile(kit, 'logs');
  const text = `{ version: "1", type: "punchline", dag: [
    { type: "kafka_input", component: "input", settings: { brokers: "test", topic: "${topic}", start_offset_strategy: "earliest" },
      publish: [{ stream: "logs", fields: ["id"] }, { stream: "_ppf_errors", fields: ["_ppf_error_message", "_ppf_partition_offset"] }] },
    { type: "file_output", component: "out", settings: { path: "${out}" }, subscribe: [{ component: "input", stream: "logs" }] },
  ] }`;
  const run = await startPunchline(text, kit.platform);
  try {
    await waitForLines(out, 3);
    const { punchline } = validatePunchlineDocument(parseJson5Document('/tests/acme/unit/test.json5', text), TEST_CATALOGUE, kit.platform);
    assert.ok(punchline);
    const snapshot = await new LiveView(punchline, run.registry, run.topology).snapshot();
    assert.deepEqual(snapshot.edges.map((e) => e.stream), ['logs']);
    assert.equal(snapshot.nodes[0]?.counts.dropped, 1);
    assert.equal(snapshot.errors.length, 1);
    assert.equal(snapshot.errors[0]?.component, 'input');
    assert.equal(snapshot.errors[0]?.fields._ppf_partition_offset, 0);
    assert.match(String(snapshot.errors[0]?.fields._ppf_error_message), new RegExp(`^kafka_input\\[input\\]: decoding record ${topic}/0@0: lumberjack: `));
  } finally {
    await run.topology.stop('test done');
  }
});
