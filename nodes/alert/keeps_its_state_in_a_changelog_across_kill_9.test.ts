/**
 * An alert with `changelog` against the real broker: the punchline raises CRITICAL for host a, is
 * killed with SIGKILL mid-episode, and restarted. It restores the group from the changelog topic
 * before its first point: no second CRITICAL with state_changes_only, and the OK that follows
 * spans the whole episode with previousLevel CRITICAL (an empty state would give a CRITICAL again
 * and an OK of 10 s).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { alertChangelogKit, point, readEvents } from '../../test/support/alert-changelog.js';
import { waitFor } from '../../test/support/cli.js';
import { produce } from '../../test/support/kafka-input-kit.js';
import { readTopic } from '../../test/support/kafka-output-kit.js';

const { kit, punchline } = alertChangelogKit();

test('killed -9 mid-episode and restarted, the alert restores its group from the changelog: no second CRITICAL, the OK spans the episode with previousLevel CRITICAL', async () => {
  // Compaction (cleanup.policy=compact, as a channel declares it) changes nothing to what is read.
  const { dir, input, changelog, start } = await punchline('state', { events: true });
  const out = join(dir, 'events.jsonl');
  const events = (): ReturnType<typeof readEvents> => readEvents(out);

  await produce(kit(), input, [point(0, 50), point(10, 5), point(20, 5)]);
  const first = start(out);
  await waitFor(async () => (await events()).length === 1 && (await readTopic(kit().cluster, changelog, 1000, 0)).length >= 3, 60_000, 'the CRITICAL and three states in the changelog');
  first.child.kill('SIGKILL');
  await first.exit;

  await produce(kit(), input, [point(30, 5), point(40, 50)]);
  const second = start(out);
  await waitFor(async () => (await events()).some((e) => e.level === 'OK'), 60_000, 'the recovery');
  second.child.kill('SIGTERM');
  const { code, stderr } = await second.exit;
  assert.equal(code, 0, stderr.slice(-2000));
  assert.match(stderr, /alert state restored from/);

  assert.deepEqual(
    (await events()).map((e) => `${e.time} ${e.previousLevel}->${e.level} ${e.duration / 1e9}s`),
    ['1970-01-01T00:00:10Z OK->CRITICAL 0s', '1970-01-01T00:00:40Z CRITICAL->OK 30s'],
  );
});
