/**
 * Crash safety of `last_committed`, against the real broker and the real CLI: while records flow
 * through `kafka_input` into a `file_output` (1,000 every 600 ms until the last kill), the
 * punchline process is killed with SIGKILL at 10 random moments (each one while it is consuming)
 * and restarted. After the last
 * restart every record id must be in the file at least once: offsets are committed only below
 * acked records, and a record is acked only once its line is written. Duplicates (records
 * written and not yet committed when the process died) are allowed and reported.
 *
 * A second case kills a run with the default `auto_commit_interval` (10 s) two seconds after it
 * starts writing: it must have committed its acked progress already (the first acked progress
 * after a join is committed at once, then every half `max_uncommitted_records` records), so the
 * restart writes again at most the default `max_uncommitted_records`, twice
 * `topology.max.spout.pending`.
 *
 * Runtime: each restart waits for the group to forget the killed member (the 6 s session
 * timeout, the broker's minimum), so the test takes about two minutes, more on a loaded machine.
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCli, waitFor } from '../../test/support/cli.js';
import type { CliRun } from '../../test/support/cli.js';
import { committedOffsets, countIds, createTopic, idRecords, idsWritten, killablePunchline, openKafkaTestKit, outputFile, produce, uniqueName } from '../../test/support/kafka-input-kit.js';
import type { KafkaTestKit } from '../../test/support/kafka-input-kit.js';
import { killAndRestart } from '../../test/support/kill-loop.js';

const KILLS = 10;
const PARTITIONS = 4;

let kit: KafkaTestKit;
before(async () => (kit = await openKafkaTestKit()));
after(async () => kit.close());

it(`loses no record when the punchline is killed -9 ${KILLS} times while records flow`, { timeout: 300_000 }, async () => {
  const topic = await createTopic(kit, 'crash', PARTITIONS);
  const out = outputFile(kit, 'crash');
  const file = await killablePunchline(kit, 'crash', topic, uniqueName('crash'), out, 'auto_commit_interval: 300, ');

  // The records flow in until the last kill, so that every run has records to read (a fixed
  // number ran out before the tenth run on a loaded machine, which then had nothing to write).
  let produced = 0;
  let producingOn = true;
  const producing = (async () => {
    while (producingOn) {
      const first = produced;
      await produce(kit, topic, idRecords(first, 1000).map((r, i) => ({ fields: { id: r.fields?.id }, partition: (first + i) % PARTITIONS })));
      produced += 1000;
      await sleep(600);
    }
  })();
  const stopProducing = async (): Promise<void> => {
    producingOn = false;
    await producing;
  };

  // Each run is killed once it is consuming (the file grows), not while it waits to join.
  try {
    await killAndRestart({ args: [file, '--config', kit.platformFile], kills: KILLS, ids: () => idsWritten(out), expected: () => produced, what: 'record', beforeLastRun: stopProducing });
  } finally {
    await stopProducing();
  }
  const ids = await idsWritten(out);
  const unique = new Set(ids);
  for (let id = 0; id < produced; id++) assert.ok(unique.has(id), `record ${id} is in the file`);
  const duplicates = ids.length - unique.size;
  process.stderr.write(`kill -9 x${KILLS}: ${ids.length} lines for ${produced} records, ${duplicates} duplicates\n`);
});

it('has committed its acked progress when killed -9 two seconds after joining, with the default commit interval', { timeout: 180_000 }, async () => {
  const records = 100_000;
  // The default max_uncommitted_records: twice the default topology.max.spout.pending (2,000).
  const maxUncommitted = 2 * 2000;
  const topic = await createTopic(kit, 'earlykill', 2);
  for (let first = 0; first < records; first += 20_000) {
    await produce(kit, topic, idRecords(first, 20_000).map((r, i) => ({ fields: { id: r.fields?.id }, partition: (first + i) % 2 })));
  }
  const group = uniqueName('earlykill');
  const out = outputFile(kit, 'earlykill');
  const file = await killablePunchline(kit, 'earlykill', topic, group, out);
  const start = (): CliRun => startCli(['run', file, '--config', kit.platformFile], { PUNCHLINE_LOG_LEVEL: 'info' });
  let run: CliRun = start();
  try {
    await waitFor(async () => (await idsWritten(out)).length > 0, 60_000, 'the first run to write');
    await sleep(2000);
    run.child.kill('SIGKILL');
    await run.exit;
    const written = new Set(await idsWritten(out)).size;
    const committed = (await committedOffsets(kit, group, topic)).reduce((sum, offset) => sum + Math.max(0, offset), 0);
    assert.ok(committed > 0, `the killed run committed its acked progress (${written} ids written, nothing committed)`);
    assert.ok(written - committed <= maxUncommitted, `at most ${maxUncommitted} written records above the commit (${written} written, ${committed} committed)`);

    run = start();
    const last = run;
    await waitFor(() => last.stderr().includes('"msg":"running"'), 60_000, 'the second run to start');
    await waitFor(async () => new Set(await idsWritten(out)).size >= records, 120_000, 'every record after the restart');
    run.child.kill('SIGTERM');
    const { code, stderr } = await run.exit;
    assert.equal(code, 0, stderr);
  } finally {
    run.child.kill('SIGKILL');
  }
  const ids = await idsWritten(out);
  const counts = countIds(ids);
  for (let id = 0; id < records; id++) assert.ok(counts.has(id), `record ${id} is in the file`);
  const duplicates = ids.length - counts.size;
  process.stderr.write(`kill -9 two seconds after joining: ${duplicates} duplicates on restart\n`);
  assert.ok(duplicates <= maxUncommitted, `the restart wrote at most ${maxUncommitted} records again (${duplicates})`);
});
