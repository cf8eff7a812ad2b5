/**
 * The ownership rule of the alert changelog (the input partitioned by the group_by fields) broken
 * on purpose: host a's points are written to both partitions of the input, which two processes of
 * one group share. Each process sees the other write the group after it did, and says so: a warning
 * that its points reach two processes, asking whether the input is partitioned by group_by. It is
 * read in the changelog's order, so it comes even when each process's writes land just after the
 * other's next point (then neither ever finds the other's state the latest when a point comes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { alertChangelogKit } from '../../test/support/alert-changelog.js';
import { waitFor } from '../../test/support/cli.js';
import type { CliRun } from '../../test/support/cli.js';
import { produce } from '../../test/support/kafka-input-kit.js';

const { kit, punchline } = alertChangelogKit();

/** The partitions the process's kafka_input was last assigned, from its log. */
function assigned(run: CliRun): number[] | undefined {
  const lines = run.stderr().split('\n').filter((l) => l.includes('partitions assigned'));
  const last = lines.at(-1);
  return last === undefined ? undefined : (JSON.parse(last) as { partitions: number[] }).partitions;
}

test("a group whose points reach two processes gets a warning naming the rule", async () => {
  const { input, start } = await punchline('two-owners', { partitions: 2, events: false });
  const a = start();
  await waitFor(() => assigned(a)?.length === 2, 30_000, 'the first process to hold both partitions');
  const b = start();
  await waitFor(() => assigned(a)?.length === 1 && assigned(b)?.length === 1, 30_000, 'a partition each');

  // Points of host a on both partitions, one every 500 ms, until a process says it: each process
  // follows the changelog from its start, so how many points it takes depends on when they caught up.
  const warning = /group host=a was written by another process after this one: its points reach two processes \(is the input partitioned by the group_by fields\?\)/;
  const warned = (): boolean => warning.test(a.stderr()) || warning.test(b.stderr());
  const deadline = Date.now() + 45_000;
  for (let i = 0; !warned(); i++) {
    assert.ok(Date.now() < deadline, `no process warned after ${i} points alternating between the partitions; their logs:\n${[a, b].map((run) => run.stderr().slice(-4000)).join('\n---\n')}`);
    await produce(kit(), input, [{ fields: { host: 'a', usage_idle: String(i % 2 === 0 ? 5 : 50), t: String(i * 10_000) }, partition: i % 2 }]);
    await sleep(500);
  }
  for (const run of [a, b]) {
    run.child.kill('SIGTERM');
    const { code } = await run.exit;
    assert.equal(code, 0);
  }
});
