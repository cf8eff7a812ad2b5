/**
 * Two processes of one consumer group run an alert with `changelog` on a one-partition input:
 * the one that owns the partition raises and recovers episodes for host a; it is killed with
 * SIGKILL mid-episode, the other takes the partition over and restores the group from the
 * changelog (written since it started): no CRITICAL at 40 s, and the OK spans the episode the other
 * process saw begin (20 s, where the state it could have read at its own start would give 40 s).
 * The points the killed owner had not committed are replayed: their events may come twice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { alertChangelogKit, point, readEvents } from '../../test/support/alert-changelog.js';
import { waitFor } from '../../test/support/cli.js';
import { produce } from '../../test/support/kafka-input-kit.js';

const { kit, punchline } = alertChangelogKit();

test('the process that takes a partition over after a rebalance restores its groups as their last owner wrote them', async () => {
  const { dir, input, start } = await punchline('rebalance', { events: true });
  const outs = { a: join(dir, 'a.jsonl'), b: join(dir, 'b.jsonl') };
  const all = async (): Promise<string[]> =>
    [...(await readEvents(outs.a)), ...(await readEvents(outs.b))].sort((x, y) => x.time.localeCompare(y.time)).map((e) => `${e.time} ${e.previousLevel}->${e.level} ${e.duration / 1e9}s`);

  await produce(kit(), input, [point(0, 50), point(10, 5)]);
  const a = start(outs.a);
  await waitFor(async () => (await all()).length === 1, 60_000, 'the first CRITICAL');
  const b = start(outs.b);
  await waitFor(() => b.stderr().includes('"msg":"running"'), 30_000, 'the second process to run');
  await produce(kit(), input, [point(20, 50), point(30, 5)]);
  await waitFor(async () => (await all()).length === 3, 60_000, 'the recovery and the second CRITICAL');

  // Whoever owns the partition now is killed; the other takes it over.
  const ownerIsB = (await readEvents(outs.b)).some((e) => e.time === '1970-01-01T00:00:30Z');
  const [owner, survivor, survivorOut] = ownerIsB ? [b, a, outs.a] : [a, b, outs.b];
  owner.child.kill('SIGKILL');
  await owner.exit;
  await produce(kit(), input, [point(40, 5), point(50, 50)]);
  await waitFor(async () => (await readEvents(survivorOut)).some((e) => e.level === 'OK' && e.time === '1970-01-01T00:00:50Z'), 60_000, 'the recovery by the survivor');
  survivor.child.kill('SIGTERM');
  const { code, stderr } = await survivor.exit;
  assert.equal(code, 0, stderr.slice(-2000));

  // The killed owner's uncommitted points are replayed by the survivor: their events may come twice
  // (at-least-once), the same events; none at 40 s, where the episode only went on.
  assert.deepEqual([...new Set(await all())], [
    '1970-01-01T00:00:10Z OK->CRITICAL 0s',
    '1970-01-01T00:00:20Z CRITICAL->OK 10s',
    '1970-01-01T00:00:30Z OK->CRITICAL 0s',
    '1970-01-01T00:00:50Z CRITICAL->OK 20s',
  ]);
});
