/**
 * `load_control: rate` against the real broker: with a backlog far larger than the rate, the node
 * emits 2,000 records per second within ±10%, measured by counting emitted records over a 10 s
 * window (the README explains why 10 s measures the same thing as Punch's 30 s).
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startPunchline } from '../../test/support/run-punchline.js';
import { createTopic, idRecords, metricTotal, openKafkaTestKit, outputFile, produce, waitForLines } from '../../test/support/kafka-input-kit.js';
import type { KafkaTestKit } from '../../test/support/kafka-input-kit.js';

const RATE = 2000;
const WINDOW_MS = 10_000;

let kit: KafkaTestKit;
before(async () => (kit = await openKafkaTestKit()));
after(async () => kit.close());

it(`load_control rate emits ${RATE} records per second within ±10%`, { timeout: 120_000 }, async () => {
  const topic = await createTopic(kit, 'rate', 2);
  await produce(kit, topic, idRecords(0, 40_000).map((r, i) => ({ ...r, partition: i % 2 })));
  const out = outputFile(kit, 'rate');
  const run = await startPunchline(
    `{
      version: "1", type: "punchline",
      dag: [
        { type: "kafka_input", component: "input",
          settings: { brokers: "test", topic: "${topic}", start_offset_strategy: "earliest", load_control: "rate", load_control_records_per_second: ${RATE} },
          publish: [{ stream: "logs", fields: ["id"] }] },
        { type: "file_output", settings: { path: "${out}" }, subscribe: [{ component: "input", stream: "logs" }] },
      ],
    }`,
    kit.platform,
  );
  const emitted = (): Promise<number> => metricTotal(run.registry, 'punchline_kafka_input_records_emitted_total', 'input');
  try {
    await waitForLines(out, 1);
    await sleep(1000);
    const startCount = await emitted();
    const startTime = performance.now();
    await sleep(WINDOW_MS);
    const count = (await emitted()) - startCount;
    const seconds = (performance.now() - startTime) / 1000;
    const rate = count / seconds;
    process.stderr.write(`load_control rate ${RATE}/s: measured ${rate.toFixed(1)}/s (${count} records in ${seconds.toFixed(2)} s)\n`);
    assert.ok(count < 40_000 - 2 * RATE, 'the backlog never ran out during the window');
    assert.ok(Math.abs(rate - RATE) <= RATE * 0.1, `measured ${rate.toFixed(1)} records/s`);
  } finally {
    await run.topology.stop('test done');
  }
});
