/**
 * What `kafka_input` re-emits when tuples fail, against the real broker, with exact counts.
 *
 * The scenario: records 0..99 are in the topic before the punchline starts. A scripted bolt fails
 * record 50 once, at once (while the input is still reading), and swallows record 5 once, so that
 * it times out a second later, once every record has been read and most are acked.
 *
 * - `smart_replay: true` re-emits only those two: 102 emissions, every id written once.
 * - `smart_replay: false` rewinds: record 50's failure re-reads from 50 (nothing after it was read
 *   yet: 1 replay), record 5's timeout re-reads 5..99 (95 replays, acked ones included).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startPunchline } from '../../test/support/run-punchline.js';
import { startCli, waitFor } from '../../test/support/cli.js';
import { committedOffsets, countIds, createTopic, idRecords, metricTotal, openKafkaTestKit, outputFile, produce, readIds, uniqueName, waitForLines } from '../../test/support/kafka-input-kit.js';
import type { KafkaTestKit } from '../../test/support/kafka-input-kit.js';

/** The integers from `from` up to `to`, `to` excluded. */
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

let kit: KafkaTestKit;
before(async () => (kit = await openKafkaTestKit()));
after(async () => kit.close());

function punchline(topic: string, out: string, input: string, bolt: string, name = uniqueName('replay')): string {
  return `{
    version: "1", type: "punchline", name: "${name}",
    settings: { "topology.message.timeout.secs": 1 },
    dag: [
      { type: "kafka_input", component: "input", settings: { brokers: "test", topic: "${topic}", ${input} },
        publish: [{ stream: "logs", fields: ["id"] }] },
      { type: "scripted_bolt", component: "bolt", settings: { ${bolt} },
        subscribe: [{ component: "input", stream: "logs" }], publish: [{ stream: "logs", fields: ["id"] }] },
      { type: "file_output", settings: { path: "${out}" }, subscribe: [{ component: "bolt", stream: "logs" }] },
    ],
  }`;
}

const counter = (name: string): string => `punchline_kafka_input_records_${name}_total`;

describe('replay of failed tuples', () => {
  it('smart_replay re-emits only the failed tuples, neither the acked nor the pending ones', async () => {
    const topic = await createTopic(kit, 'replay-smart');
    await produce(kit, topic, idRecords(0, 100));
    const out = outputFile(kit, 'smart');
    const run = await startPunchline(punchline(topic, out, 'smart_replay: true', 'fail_ids: [50], stall_ids: [5], times: 1'), kit.platform);
    await waitForLines(out, 100);
    await run.topology.stop('test done');
    const counts = countIds(await readIds(out));
    assert.equal(counts.size, 100);
    assert.ok([...counts.values()].every((n) => n === 1), 'every id written exactly once');
    assert.equal(await metricTotal(run.registry, counter('replayed'), 'input'), 2);
    assert.equal(await metricTotal(run.registry, counter('emitted'), 'input'), 102);
    assert.equal(await metricTotal(run.registry, counter('failed'), 'input'), 2);
    assert.equal(await metricTotal(run.registry, counter('acked'), 'input'), 100);
  });

  it('smart_replay: false rewinds the partition and re-emits everything read since the failed record', async () => {
    const topic = await createTopic(kit, 'replay-rewind');
    await produce(kit, topic, idRecords(0, 100));
    const out = outputFile(kit, 'rewind');
    const run = await startPunchline(punchline(topic, out, 'smart_replay: false', 'fail_ids: [50], stall_ids: [5], times: 1'), kit.platform);
    // 0..4 once, 5 once (its first emission was swallowed), 6..50 twice (50: re-read after its own
    // rewind, then after 5's). 51..99 twice, or three times when they were read in the fetch that
    // held 50: a fetch is emitted whole, so they were in flight before 50 failed, and were written
    // besides being read again by both rewinds.
    const timesWritten = async (): Promise<Map<number, number>> => countIds(await readIds(out));
    await waitFor(async () => {
      const counts = await timesWritten();
      return range(6, 100).every((id) => (counts.get(id) ?? 0) >= 2);
    }, 60_000, 'ids 6..99 written twice');
    await run.topology.stop('test done');
    const counts = await timesWritten();
    for (let id = 0; id <= 50; id++) assert.equal(counts.get(id), id <= 5 ? 1 : 2, `id ${id}`);
    for (const id of range(51, 100)) assert.ok([2, 3].includes(counts.get(id) ?? 0), `id ${id} written ${counts.get(id)} times`);
    const replayed = await metricTotal(run.registry, counter('replayed'), 'input');
    assert.ok(replayed >= 1 + 95, `${replayed} replayed: at least 50 after its failure, and 5..99 after 5's`);
    assert.equal(await metricTotal(run.registry, counter('emitted'), 'input'), 100 + replayed);
  });

  it('fail_action exit makes the punchline command exit with code 3, and its next run re-delivers the failed record', async () => {
    const topic = await createTopic(kit, 'replay-exit-cli');
    const group = uniqueName('exit-cli');
    const dir = join(kit.dir, 'acme', 'exit');
    await mkdir(dir, { recursive: true });
    /** A punchline file; `failing` makes every tuple time out (the output holds them 5 s, the timeout is 0.5 s). */
    const write = async (name: string, out: string, failing: boolean): Promise<string> => {
      const file = join(dir, `${name}.json5`);
      await writeFile(
        file,
        `{
          version: "1", type: "punchline",
          settings: { "topology.message.timeout.secs": ${failing ? 0.5 : 30} },
          dag: [
            { type: "kafka_input", component: "input", settings: { brokers: "test", topic: "${topic}", "group.id": "${group}", fail_action: "exit" },
              publish: [{ stream: "logs", fields: ["id"] }] },
            { type: "file_output", settings: { path: "${out}", flush_interval_ms: ${failing ? 5000 : 20} }, subscribe: [{ component: "input", stream: "logs" }] },
          ],
        }`,
      );
      return file;
    };
    const runUntil = async (out: string, lines: number): Promise<number[]> => {
      const run = startCli(['run', await write(uniqueName('ok'), out, false), '--config', kit.platformFile]);
      await waitForLines(out, lines);
      run.child.kill('SIGTERM');
      const { code, stderr } = await run.exit;
      assert.equal(code, 0, stderr);
      return readIds(out);
    };

    await produce(kit, topic, idRecords(0, 10));
    assert.deepEqual(await runUntil(outputFile(kit, 'cli-first'), 10), idRecords(0, 10).map((_, i) => i));
    assert.deepEqual(await committedOffsets(kit, group, topic), [10]);

    await produce(kit, topic, idRecords(10, 10));
    const failing = startCli(['run', await write('failing', outputFile(kit, 'cli-failing'), true), '--config', kit.platformFile]);
    const { code, stderr } = await failing.exit;
    assert.equal(code, 3, stderr);
    assert.match(stderr, new RegExp(`"code":"E_FAIL_STOP".*record ${topic}/0@10 failed with fail_action`));
    assert.deepEqual(await committedOffsets(kit, group, topic), [10], 'nothing committed past the failed record');

    const ids = await runUntil(outputFile(kit, 'cli-again'), 10);
    assert.deepEqual(ids, idRecords(10, 10).map((_, i) => 10 + i), 'the next run starts with the failed record');
  });
});
