/**
 * Consumer groups against the real broker: two punchline processes sharing a `group.id` split a
 * 6-partition topic and fail over to each other; `partition: 3` pins a member to one partition;
 * `executors: 2` makes two members in one process.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AssignerProtocol } from 'kafkajs';
import { startPunchline } from '../../test/support/run-punchline.js';
import { startCli, waitFor } from '../../test/support/cli.js';
import { countIds, createTopic, metricTotal, openKafkaTestKit, outputFile, produce, readLines, uniqueName, waitForLines } from '../../test/support/kafka-input-kit.js';
import type { KafkaTestKit, TestRecord } from '../../test/support/kafka-input-kit.js';
import { eventually } from '../../test/support/kafka.js';

let kit: KafkaTestKit;
before(async () => (kit = await openKafkaTestKit()));
after(async () => kit.close());

/** The partitions of `topic` each member of a stable group holds, or undefined while it is not stable. */
async function groupAssignment(groupId: string, topic: string): Promise<number[][] | undefined> {
  const { groups } = await eventually(() => kit.admin.describeGroups([groupId])); // NOT_COORDINATOR is transient while the group moves
  const group = groups[0];
  if (group?.state !== 'Stable') return undefined;
  return group.members.map((m) => [...(AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic] ?? [])].sort((a, b) => a - b));
}

async function waitForAssignment(groupId: string, topic: string, accept: (assignment: number[][]) => boolean): Promise<number[][]> {
  let last: number[][] | undefined;
  await waitFor(async () => (last = await groupAssignment(groupId, topic)) !== undefined && accept(last), 60_000, `group ${groupId} to settle (now ${JSON.stringify(last)})`);
  return last as number[][];
}

/** `perPartition` records on each of `partitions` partitions, ids from `first` on. */
function spread(first: number, partitions: number, perPartition: number): TestRecord[] {
  return Array.from({ length: partitions * perPartition }, (_, i) => ({ fields: { id: String(first + i) }, partition: i % partitions }));
}

const sortedPartitions = (lines: readonly Record<string, unknown>[]): number[] => [...new Set(lines.map((l) => l._ppf_partition_id as number))].sort((a, b) => a - b);

function punchline(topic: string, out: string, settings: string, executors = 1): string {
  return `{
    version: "1", type: "punchline",
    dag: [
      { type: "kafka_input", component: "input", executors: ${executors}, settings: { brokers: "test", topic: "${topic}", ${settings} },
        publish: [{ stream: "logs", fields: ["id", "_ppf_partition_id"] }] },
      { type: "file_output", settings: { path: "${out}" }, subscribe: [{ component: "input", stream: "logs" }] },
    ],
  }`;
}

describe('consumer groups', () => {
  it('two punchline processes with one group.id share the partitions, and one takes them all when the other stops, losing nothing', async () => {
    const topic = await createTopic(kit, 'groups-two-processes', 6);
    const group = uniqueName('shared-group');
    const dir = join(kit.dir, 'acme', 'ops');
    await mkdir(dir, { recursive: true });
    const outs = [outputFile(kit, 'member-a'), outputFile(kit, 'member-b')];
    const runs = await Promise.all(
      outs.map(async (out, i) => {
        const file = join(dir, `member${i}.json5`);
        await writeFile(file, punchline(topic, out, `"group.id": "${group}"`));
        return startCli(['run', file, '--config', kit.platformFile]);
      }),
    );
    try {
      const assignment = await waitForAssignment(group, topic, (a) => a.length === 2 && a.every((p) => p.length === 3));
      assert.deepEqual(assignment.flat().sort(), [0, 1, 2, 3, 4, 5], 'each partition to exactly one member');

      await produce(kit, topic, spread(0, 6, 50));
      await waitFor(async () => (await readLines(outs[0] as string)).length + (await readLines(outs[1] as string)).length >= 300, 60_000, 'the 300 records');
      const [a, b] = await Promise.all(outs.map(readLines));
      assert.equal(sortedPartitions(a ?? []).length, 3);
      assert.equal(sortedPartitions(b ?? []).length, 3);
      assert.deepEqual([...sortedPartitions(a ?? []), ...sortedPartitions(b ?? [])].sort(), [0, 1, 2, 3, 4, 5], 'no partition read by both');

      (runs[0]?.child as { kill(signal: string): boolean }).kill('SIGTERM');
      const stopped = await runs[0]?.exit;
      assert.equal(stopped?.code, 0, stopped?.stderr);
      await waitForAssignment(group, topic, (assigned) => assigned.length === 1 && assigned[0]?.length === 6);
      await produce(kit, topic, spread(300, 6, 50));
      await waitFor(async () => new Set([...(await readLines(outs[1] as string)), ...(await readLines(outs[0] as string))].map((l) => l.id)).size >= 600, 60_000, 'the 600 records');
      const all = [...(await readLines(outs[0] as string)), ...(await readLines(outs[1] as string))].map((l) => Number(l.id));
      const counts = countIds(all);
      assert.equal(counts.size, 600, 'nothing lost');
      assert.deepEqual(sortedPartitions((await readLines(outs[1] as string)).filter((l) => Number(l.id) >= 300)), [0, 1, 2, 3, 4, 5], 'the survivor reads every partition');
    } finally {
      for (const run of runs) run.child.kill('SIGKILL');
    }
  });

  it('partition: 3 consumes only partition 3, and the other members of its group share the rest', async () => {
    const topic = await createTopic(kit, 'groups-pinned', 6);
    const group = uniqueName('pinned-group');
    await produce(kit, topic, spread(0, 6, 20));
    const pinnedOut = outputFile(kit, 'pinned');
    const otherOut = outputFile(kit, 'unpinned');
    const pinned = await startPunchline(punchline(topic, pinnedOut, `"group.id": "${group}", partition: 3`), kit.platform);
    const other = await startPunchline(punchline(topic, otherOut, `"group.id": "${group}"`), kit.platform);
    try {
      const assignment = await waitForAssignment(group, topic, (a) => a.length === 2);
      assert.deepEqual(assignment.sort((x, y) => x.length - y.length), [[3], [0, 1, 2, 4, 5]]);
      await waitForLines(pinnedOut, 20);
      await waitForLines(otherOut, 100);
    } finally {
      await pinned.topology.stop('test done');
      await other.topology.stop('test done');
    }
    assert.deepEqual(sortedPartitions(await readLines(pinnedOut)), [3]);
    assert.equal((await readLines(pinnedOut)).length, 20);
    assert.deepEqual(sortedPartitions(await readLines(otherOut)), [0, 1, 2, 4, 5]);
  });

  it('executors: 2 makes two members that split the partitions, and their metrics add up', async () => {
    const topic = await createTopic(kit, 'groups-executors', 6);
    const group = uniqueName('executors-group');
    const out = outputFile(kit, 'executors');
    const run = await startPunchline(punchline(topic, out, `"group.id": "${group}", auto_commit_interval: 100`, 2), kit.platform);
    try {
      const assignment = await waitForAssignment(group, topic, (a) => a.length === 2 && a.every((p) => p.length === 3));
      assert.deepEqual(assignment.flat().sort(), [0, 1, 2, 3, 4, 5]);
      await produce(kit, topic, spread(0, 6, 20));
      await waitForLines(out, 120);
      // Every partition assigned once, all committed (6 × 20), nothing left to read.
      const total = (name: string): Promise<number> => metricTotal(run.registry, `punchline_kafka_input_${name}`, 'input');
      await waitFor(async () => (await total('committed_offset')) === 120, 30_000, 'the commits of 6 × 20 records');
      assert.equal(await total('assigned_partitions'), 6);
      assert.equal(await total('lag'), 0);
      assert.equal(await total('records_acked_total'), 120);
      assert.ok((await total('rebalances_total')) >= 1, 'the first member went through the second one joining');
    } finally {
      await run.topology.stop('test done');
    }
    const counts = countIds((await readLines(out)).map((l) => Number(l.id)));
    assert.equal(counts.size, 120, 'every record read');
    assert.deepEqual([...counts.values()].filter((n) => n > 1), [], 'by one member only');
  });

  it('executors: 2 with earliest share one group of their own, and a partition moving between them resumes where it stood', async () => {
    const topic = await createTopic(kit, 'groups-ephemeral-executors', 6);
    await produce(kit, topic, spread(0, 6, 20));
    const out = outputFile(kit, 'ephemeral-executors');
    // The first executor reads everything before the second joins; half the partitions then move to it.
    const run = await startPunchline(punchline(topic, out, 'start_offset_strategy: "earliest"', 2), kit.platform);
    try {
      await waitForLines(out, 120);
      // The second executor's arrival is noticed at the first one's next heartbeat: a rebalance.
      await waitFor(async () => (await metricTotal(run.registry, 'punchline_kafka_input_rebalances_total', 'input')) >= 1, 30_000, 'the rebalance');
      await produce(kit, topic, spread(120, 6, 20));
      await waitForLines(out, 240);
      assert.equal(await metricTotal(run.registry, 'punchline_kafka_input_assigned_partitions', 'input'), 6);
    } finally {
      await run.topology.stop('test done');
    }
    const counts = countIds((await readLines(out)).map((l) => Number(l.id)));
    assert.equal(counts.size, 240);
    assert.deepEqual([...counts.values()].filter((n) => n > 1), [], 'nothing read twice: the new owner did not restart from the earliest offset');
  });

  it('commits what is acked when a rebalance takes partitions away, so their new owner does not read them again', async () => {
    const topic = await createTopic(kit, 'groups-revocation', 6);
    const group = uniqueName('revocation-group');
    // No periodic commit within the test: only the commit at revocation can tell the new owner where to start.
    const settings = `"group.id": "${group}", auto_commit_interval: 600000`;
    const firstOut = outputFile(kit, 'first-owner');
    const first = await startPunchline(punchline(topic, firstOut, settings), kit.platform);
    const secondOut = outputFile(kit, 'second-owner');
    let second: Awaited<ReturnType<typeof startPunchline>> | undefined;
    try {
      await produce(kit, topic, spread(0, 6, 50));
      await waitForLines(firstOut, 300);
      second = await startPunchline(punchline(topic, secondOut, settings), kit.platform);
      await waitForAssignment(group, topic, (a) => a.length === 2 && a.every((p) => p.length === 3));
      await produce(kit, topic, spread(300, 6, 50));
      await waitFor(async () => (await readLines(firstOut)).length + (await readLines(secondOut)).length >= 600, 60_000, 'the 600 records');
    } finally {
      await first.topology.stop('test done');
      await second?.topology.stop('test done');
    }
    const counts = countIds([...(await readLines(firstOut)), ...(await readLines(secondOut))].map((l) => Number(l.id)));
    assert.equal(counts.size, 600);
    assert.deepEqual([...counts.values()].filter((n) => n > 1), [], 'no record read by both owners');
    assert.ok((await readLines(secondOut)).every((l) => Number(l.id) >= 300), 'the new owner starts after what the first acked');
  });
});
