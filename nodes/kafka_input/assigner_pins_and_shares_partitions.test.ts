/**
 * The group's partition assigner (pure, no broker): pinned members get exactly their partition,
 * the others share the rest fairly, and a rebalance moves as few partitions as it can.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeClaims, encodeClaims, planAssignment } from './partition-assigner.js';
import type { GroupMemberClaims } from './partition-assigner.js';

const six = new Map([['t', [0, 1, 2, 3, 4, 5]]]);

function member(memberId: string, pinned: number[] | null = null, owned: number[] = []): GroupMemberClaims {
  return { memberId, topics: ['t'], pinned, owned: { t: owned } };
}

function plan(members: GroupMemberClaims[], partitions = six): Record<string, number[]> {
  const { assignment } = planAssignment(partitions, members);
  return Object.fromEntries([...assignment].map(([id, byTopic]) => [id, byTopic.t ?? []]));
}

describe('partition assigner', () => {
  it('shares all partitions evenly among members that pin nothing', () => {
    assert.deepEqual(plan([member('b'), member('a')]), { a: [0, 2, 4], b: [1, 3, 5] });
    const three = plan([member('a'), member('b'), member('c'), member('d')]);
    assert.deepEqual(Object.values(three).map((p) => p.length).sort(), [1, 1, 2, 2]);
    assert.deepEqual(Object.values(three).flat().sort(), [0, 1, 2, 3, 4, 5]);
  });

  it('gives a pinned member exactly its partition and the others the rest', () => {
    assert.deepEqual(plan([member('a', [3]), member('b'), member('c')]), { a: [3], b: [0, 2, 5], c: [1, 4] });
  });

  it('leaves unpinned partitions unassigned when every member is pinned', () => {
    assert.deepEqual(plan([member('a', [3]), member('b', [0])]), { a: [3], b: [0] });
  });

  it('gives a partition pinned twice to its current owner and reports the conflict', () => {
    const { assignment, conflicts } = planAssignment(six, [member('a', [3]), member('b', [3], [3])]);
    assert.deepEqual(assignment.get('b')?.t, [3]);
    assert.deepEqual(assignment.get('a'), {});
    assert.equal(conflicts.length, 1);
    assert.match(conflicts[0]?.message ?? '', /pinned by members b and a/);
  });

  it('reports a pin on a partition the topic does not have', () => {
    const { assignment, conflicts } = planAssignment(six, [member('a', [9])]);
    assert.deepEqual(assignment.get('a'), {});
    assert.match(conflicts[0]?.message ?? '', /pins partition 9, which topic "t" does not have \(6 partitions\)/);
  });

  it('keeps what members own when a member joins or leaves', () => {
    // c joins a and b, which own three partitions each: each gives up one, nothing else moves.
    const joined = plan([member('a', null, [0, 2, 4]), member('b', null, [1, 3, 5]), member('c')]);
    assert.equal(joined.c?.length, 2);
    assert.ok(joined.a?.every((p) => [0, 2, 4].includes(p)) && joined.a.length === 2);
    assert.ok(joined.b?.every((p) => [1, 3, 5].includes(p)) && joined.b.length === 2);
    // b leaves: a keeps its partitions and takes b's.
    const left = plan([member('a', null, [0, 4])]);
    assert.deepEqual(left, { a: [0, 1, 2, 3, 4, 5] });
  });

  it('ignores members of other topics', () => {
    const other: GroupMemberClaims = { memberId: 'z', topics: ['u'], pinned: null, owned: {} };
    assert.deepEqual(plan([member('a'), other]), { a: [0, 1, 2, 3, 4, 5], z: [] });
  });

  it('reads back the claims it writes, and treats unreadable claims as an unpinned member owning nothing', () => {
    assert.deepEqual(decodeClaims(encodeClaims({ pinned: [3], owned: { t: [3] } })), { pinned: [3], owned: { t: [3] } });
    assert.deepEqual(decodeClaims(Buffer.from('not json')), { pinned: null, owned: {} });
    assert.deepEqual(decodeClaims(Buffer.alloc(0)), { pinned: null, owned: {} });
  });
});
