/**
 * Each `start_offset_strategy` against the real broker, over three runs of the same punchline
 * (a start and two restarts): where every run starts reading, and what the group has committed
 * after it (read with the admin API). One partition per topic, so record order is the offset
 * order and a sentinel record proves nothing was read between it and what came before.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startPunchline } from '../../test/support/run-punchline.js';
import type { TestRun } from '../../test/support/run-punchline.js';
import { committedOffsets, createTopic, idRecords, openKafkaTestKit, outputFile, produce, readIds, uniqueName, waitForLines } from '../../test/support/kafka-input-kit.js';
import type { KafkaTestKit } from '../../test/support/kafka-input-kit.js';

let kit: KafkaTestKit;
before(async () => (kit = await openKafkaTestKit()));
after(async () => kit.close());

/** A punchline reading `topic` with `settings` into `out`; its name makes the default group unique. */
function punchline(name: string, topic: string, out: string, settings: string): string {
  return `{
    version: "1", type: "punchline", name: "${name}",
    dag: [
      { type: "kafka_input", component: "input", settings: { brokers: "test", topic: "${topic}", ${settings} },
        publish: [{ stream: "logs", fields: ["id", "_ppf_partition_offset"] }] },
      { type: "file_output", settings: { path: "${out}" }, subscribe: [{ component: "input", stream: "logs" }] },
    ],
  }`;
}

async function run(text: string): Promise<TestRun> {
  return startPunchline(text, kit.platform);
}

/** Runs until `expected` ids are in a fresh file, stops gracefully, returns the ids read. */
async function runUntil(name: string, topic: string, settings: string, expected: number, whileRunning?: () => Promise<void>): Promise<number[]> {
  const out = outputFile(kit, name);
  const running = await run(punchline(name, topic, out, settings));
  await whileRunning?.();
  await waitForLines(out, expected);
  const result = await running.topology.stop('test done');
  assert.equal(result.exitCode, 0, result.reason);
  return readIds(out);
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('start_offset_strategy', () => {
  it('last_committed starts at the earliest offset when nothing is committed, then resumes from what it committed', async () => {
    const topic = await createTopic(kit, 'strategy-last-committed');
    const name = uniqueName('lc');
    const group = `acme-unit-${name}-input`;
    await produce(kit, topic, idRecords(0, 10));
    assert.deepEqual(await runUntil(name, topic, 'start_offset_strategy: "last_committed"', 10), range(0, 9));
    assert.deepEqual(await committedOffsets(kit, group, topic), [10], 'a graceful stop commits the next offset to read');
    await produce(kit, topic, idRecords(10, 5));
    assert.deepEqual(await runUntil(name, topic, 'start_offset_strategy: "last_committed"', 5), range(10, 14));
    assert.deepEqual(await committedOffsets(kit, group, topic), [15]);
    await produce(kit, topic, idRecords(15, 1));
    assert.deepEqual(await runUntil(name, topic, '', 1), [15], 'last_committed is the default');
    assert.deepEqual(await committedOffsets(kit, group, topic), [16]);
  });

  it('earliest reads the whole topic on every start and commits nothing', async () => {
    const topic = await createTopic(kit, 'strategy-earliest');
    const name = uniqueName('earliest');
    await produce(kit, topic, idRecords(0, 10));
    assert.deepEqual(await runUntil(name, topic, 'start_offset_strategy: "earliest"', 10), range(0, 9));
    await produce(kit, topic, idRecords(10, 5));
    assert.deepEqual(await runUntil(name, topic, 'start_offset_strategy: "earliest"', 15), range(0, 14));
    assert.deepEqual(await runUntil(name, topic, 'start_offset_strategy: "earliest"', 15), range(0, 14));
    assert.deepEqual(await committedOffsets(kit, `acme-unit-${name}-input`, topic), [-1]);
  });

  it('latest reads only what is written after each start and commits nothing', async () => {
    const topic = await createTopic(kit, 'strategy-latest');
    const name = uniqueName('latest');
    await produce(kit, topic, idRecords(0, 10));
    // Written while it runs: read. Written while it is stopped (20, 21): never read.
    assert.deepEqual(await runUntil(name, topic, 'start_offset_strategy: "latest"', 2, () => produce(kit, topic, idRecords(10, 2))), [10, 11]);
    await produce(kit, topic, idRecords(20, 2));
    assert.deepEqual(await runUntil(name, topic, 'start_offset_strategy: "latest"', 1, () => produce(kit, topic, idRecords(30, 1))), [30]);
    await produce(kit, topic, idRecords(40, 2));
    assert.deepEqual(await runUntil(name, topic, 'start_offset_strategy: "latest"', 1, () => produce(kit, topic, idRecords(50, 1))), [50]);
    assert.deepEqual(await committedOffsets(kit, `acme-unit-${name}-input`, topic), [-1]);
  });

  it('from_offset starts at the offset on every start and commits nothing', async () => {
    const topic = await createTopic(kit, 'strategy-from-offset');
    const name = uniqueName('from-offset');
    await produce(kit, topic, idRecords(0, 10));
    const settings = 'start_offset_strategy: "from_offset", offset: 4';
    assert.deepEqual(await runUntil(name, topic, settings, 6), range(4, 9));
    await produce(kit, topic, idRecords(10, 2));
    assert.deepEqual(await runUntil(name, topic, settings, 8), range(4, 11));
    assert.deepEqual(await runUntil(name, topic, settings, 8), range(4, 11));
    assert.deepEqual(await committedOffsets(kit, `acme-unit-${name}-input`, topic), [-1]);
  });

  it('from_datetime starts at the first record whose Kafka timestamp is not before the date, on every start, and commits nothing', async () => {
    const topic = await createTopic(kit, 'strategy-from-datetime');
    const name = uniqueName('from-datetime');
    const t0 = Date.parse('2024-03-01T10:00:00Z');
    // Timestamps t0, t0+1s, … t0+9s: the date t0+4.5s falls between records 4 and 5.
    await produce(kit, topic, idRecords(0, 10).map((r, i) => ({ ...r, timestamp: t0 + i * 1000 })));
    const settings = 'start_offset_strategy: "from_datetime", from_datetime: "2024-03-01T11:00:04.500+01:00"';
    assert.deepEqual(await runUntil(name, topic, settings, 5), range(5, 9));
    await produce(kit, topic, idRecords(10, 2));
    assert.deepEqual(await runUntil(name, topic, settings, 7), range(5, 11));
    assert.deepEqual(await runUntil(name, topic, settings, 7), range(5, 11));
    assert.deepEqual(await committedOffsets(kit, `acme-unit-${name}-input`, topic), [-1]);
  });
});
