/**
 * Group membership (pure, no group): at each assignment a partition kept resumes where this member
 * stood, a partition lost has its tracker revoked (its late acks can never be committed), and a new
 * partition of an ephemeral group starts where its previous owner in this run stood, else at the
 * strategy's start offset.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { PunchlineError } from '../../src/core/errors.js';
import { GroupMembership } from './group-membership.js';
import type { GroupMembershipOptions } from './group-membership.js';
import { PartitionTracker } from './partition-tracker.js';

function setUp(options: Partial<GroupMembershipOptions> = {}) {
  const seeks: [number, number][] = [];
  const lastTrackers = new Map<number, PartitionTracker<unknown>>();
  const membership = new GroupMembership<string>({
    topic: 'logs',
    label: 'kafka_input[input]',
    pinned: undefined,
    keepPayloads: false,
    committing: true,
    lastTrackers,
    seek: (partition, offset) => void seeks.push([partition, offset]),
    logger: pino({ level: 'silent' }),
    ...options,
  });
  return { membership, seeks, lastTrackers };
}

describe('group membership', () => {
  it('resolves the first join at the first assignment, and counts later ones as rebalances', async () => {
    const { membership } = setUp();
    const joined = membership.firstJoin();
    membership.assigned({ logs: [0, 1] });
    await joined;
    assert.deepEqual([...membership.trackers.keys()], [0, 1]);
    assert.equal(membership.rebalances, 0);
    membership.assigned({ logs: [1] });
    membership.assigned({ logs: [1, 2] });
    assert.equal(membership.rebalances, 2);
  });

  it('revokes a partition taken away: a late ack of its records changes nothing', () => {
    const { membership } = setUp();
    membership.assigned({ logs: [0, 1] });
    const lost = membership.trackers.get(0)!;
    const seq = lost.append(7, undefined, 0);
    membership.assigned({ logs: [1] });
    assert.equal(lost.revoked, true);
    assert.equal(lost.ack(seq, lost.epoch, 1), -1, 'stale');
    assert.equal(lost.committable(), 8, 'booked for a next owner in this process, never committed by this member');
    assert.deepEqual([...membership.trackers.keys()], [1]);
  });

  it('moves a partition kept back to where this member stood (kafkajs rewinds it to the last commit)', () => {
    const { membership, seeks } = setUp();
    membership.assigned({ logs: [0] });
    const kept = membership.trackers.get(0)!;
    kept.append(41, undefined, 0);
    membership.assigned({ logs: [0, 1] });
    assert.equal(membership.trackers.get(0), kept, 'the same tracker, in-flight records included');
    assert.deepEqual(seeks, [[0, 42]]);
  });

  it('has a new partition of an ephemeral group wait for its previous owner in this process while that one has records in flight', () => {
    const { membership, seeks, lastTrackers } = setUp({ committing: false });
    membership.starts = new Map([[0, 0]]);
    const previous = new PartitionTracker<unknown>('logs', 0, false);
    const inFlight = [previous.append(10, undefined, 0), previous.append(11, undefined, 0)];
    lastTrackers.set(0, previous);
    membership.assigned({ logs: [0] });
    const tracker = membership.trackers.get(0)!;
    assert.equal(tracker.handOverFrom, previous, 'the new owner waits for the old one');
    assert.deepEqual(seeks, [[0, 10]], 'meanwhile it reads from the lowest unacked record, never later');
    previous.revoke();
    for (const seq of inFlight) previous.ack(seq, previous.epoch, 1);
    assert.equal(previous.settled, true);
    assert.equal(previous.committable(), 12, 'where the new owner moves once the old one settled');
  });

  it('starts a new partition of an ephemeral group where its previous owner in this run stood, else at the strategy start', () => {
    const { membership, seeks, lastTrackers } = setUp({ committing: false });
    membership.starts = new Map([
      [0, 100],
      [1, 200],
    ]);
    const previous = new PartitionTracker<unknown>('logs', 1, false);
    previous.position = 250;
    lastTrackers.set(1, previous);
    membership.assigned({ logs: [0, 1] });
    assert.deepEqual(seeks, [
      [0, 100],
      [1, 250],
    ]);
    assert.equal(membership.trackers.get(1)?.position, 250);
    assert.equal(lastTrackers.get(1), membership.trackers.get(1), 'the next owner resumes from this one');
  });

  it('leaves a new partition of a committing group where the group committed', () => {
    const { membership, seeks } = setUp({ committing: true });
    membership.starts = new Map([[0, 100]]);
    membership.assigned({ logs: [0] });
    assert.deepEqual(seeks, []);
    assert.equal(membership.trackers.get(0)?.position, undefined);
  });

  it('tells the leader its pinned partition and what it owns', () => {
    const { membership } = setUp({ pinned: 3 });
    assert.deepEqual(membership.claims(), { pinned: [3], owned: { logs: [] } });
    membership.assigned({ logs: [3, 5], other: [0] });
    assert.deepEqual(membership.claims(), { pinned: [3], owned: { logs: [3, 5] } });
    assert.deepEqual(setUp().membership.claims().pinned, null);
  });

  it('loses every partition at once when the consumer crashes, failing a first join still awaited', async () => {
    const { membership } = setUp();
    const joined = membership.firstJoin();
    const crash = new PunchlineError('E_KAFKA_UNREACHABLE', 'kafka_input[input]: joining: broker down', { retriable: true });
    assert.equal(membership.revokeAll(crash), true);
    await assert.rejects(joined, crash);
    membership.assigned({ logs: [0] });
    const tracker = membership.trackers.get(0)!;
    assert.equal(membership.revokeAll(crash), false, 'no first join to fail any more');
    assert.equal(tracker.revoked, true);
    assert.equal(membership.trackers.size, 0);
  });
});
