/**
 * The partition tracker (pure, no broker): the offset it lets the node commit is always the
 * lowest offset not acked yet; late acks of rewound records change nothing, those of revoked ones
 * are only booked (for the next owner in the process to start after them); failed
 * records hold the commit point until they are re-emitted and acked; it counts the records the
 * commit point passed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PartitionTracker } from './partition-tracker.js';

function tracker(keepPayloads = false): PartitionTracker<string> {
  return new PartitionTracker<string>('t', 0, keepPayloads);
}

/** Appends `offsets`, returning the (seq, epoch) of each. */
function appendAll(t: PartitionTracker<string>, offsets: readonly number[]): { seq: number; epoch: number }[] {
  return offsets.map((offset) => ({ seq: t.append(offset, `record ${offset}`, 0), epoch: t.epoch }));
}

describe('partition tracker', () => {
  it('commits the read position when everything read is acked, and nothing before the start is known', () => {
    const t = tracker();
    assert.equal(t.committable(), undefined);
    t.position = 40;
    assert.equal(t.committable(), 40);
    const [a, b] = appendAll(t, [40, 41]);
    assert.equal(t.committable(), 40);
    t.ack(a!.seq, a!.epoch, 1);
    t.ack(b!.seq, b!.epoch, 1);
    assert.equal(t.committable(), 42);
  });

  it('holds the commit point at the lowest unacked offset whatever order acks arrive in', () => {
    const t = tracker();
    const handles = appendAll(t, [0, 1, 2, 3, 4]);
    for (const i of [4, 2, 3]) t.ack(handles[i]!.seq, handles[i]!.epoch, 1);
    assert.equal(t.committable(), 0);
    t.ack(handles[0]!.seq, handles[0]!.epoch, 1);
    assert.equal(t.committable(), 1);
    t.ack(handles[1]!.seq, handles[1]!.epoch, 1);
    assert.equal(t.committable(), 5);
    assert.equal(t.size, 0);
    assert.equal(t.pending, 0);
  });

  it('keeps offset gaps (compaction, transaction markers): commits past the last read offset', () => {
    const t = tracker();
    const handles = appendAll(t, [10, 13, 20]);
    t.ack(handles[0]!.seq, handles[0]!.epoch, 1);
    assert.equal(t.committable(), 13);
    t.ack(handles[2]!.seq, handles[2]!.epoch, 1);
    t.ack(handles[1]!.seq, handles[1]!.epoch, 1);
    assert.equal(t.committable(), 21);
  });

  it('returns the ack latency, and -1 for an ack it does not know', () => {
    const t = tracker();
    const seq = t.append(0, undefined, 100);
    assert.equal(t.ack(seq, t.epoch, 130), 30);
    assert.equal(t.ack(seq, t.epoch, 140), -1, 'a second ack of the same record');
  });

  it('holds the commit point at a failed record until it is re-emitted from memory and acked', () => {
    const t = tracker(true);
    const handles = appendAll(t, [0, 1, 2]);
    assert.equal(t.fail(handles[1]!.seq, handles[1]!.epoch), 'applied');
    t.ack(handles[0]!.seq, handles[0]!.epoch, 1);
    t.ack(handles[2]!.seq, handles[2]!.epoch, 1);
    assert.equal(t.committable(), 1);
    assert.equal(t.reemit(handles[1]!.seq, handles[1]!.epoch, 2), 'record 1');
    assert.equal(t.reemit(handles[1]!.seq, handles[1]!.epoch, 2), undefined, 'only a failed record is re-emitted, once per failure');
    t.ack(handles[1]!.seq, handles[1]!.epoch, 3);
    assert.equal(t.committable(), 3);
  });

  it('rewinds to a failed record: later records are forgotten and their late acks are stale', () => {
    const t = tracker();
    const handles = appendAll(t, [0, 1, 2, 3]);
    t.ack(handles[0]!.seq, handles[0]!.epoch, 1);
    t.fail(handles[1]!.seq, handles[1]!.epoch);
    assert.equal(t.rewind(handles[1]!.seq, handles[1]!.epoch), 1);
    assert.equal(t.position, 1);
    assert.equal(t.size, 0);
    assert.equal(t.pending, 0);
    assert.equal(t.ack(handles[3]!.seq, handles[3]!.epoch, 1), -1, 'ack of a record read before the rewind');
    assert.equal(t.fail(handles[2]!.seq, handles[2]!.epoch), 'stale');
    // Read again: same offsets, new entries; the commit point moves only with them.
    const again = appendAll(t, [1, 2]);
    assert.equal(t.committable(), 1);
    assert.equal(t.rereadUntil, 4, 'records below the pre-rewind position are replays');
    t.ack(again[0]!.seq, again[0]!.epoch, 1);
    t.ack(again[1]!.seq, again[1]!.epoch, 1);
    assert.equal(t.committable(), 3);
  });

  it('reports every ack and fail after the partition is revoked as stale, and only books them', () => {
    const t = tracker(true);
    const [a, b, c] = appendAll(t, [7, 8, 9]);
    t.revoke();
    assert.equal(t.settled, false, 'three records in flight');
    assert.equal(t.ack(a!.seq, a!.epoch, 1), -1);
    assert.equal(t.committable(), 8, 'booked: the next owner starts after it');
    assert.equal(t.fail(b!.seq, b!.epoch), 'stale', 'not replayed by this owner');
    assert.equal(t.reemit(b!.seq, b!.epoch, 1), undefined);
    assert.equal(t.rewind(b!.seq, b!.epoch), undefined);
    assert.equal(t.ack(c!.seq, c!.epoch, 1), -1);
    assert.equal(t.settled, true);
    assert.equal(t.committable(), 8, 'the failed record is read again by the next owner');
  });

  it('grows past its initial capacity without losing order or state', () => {
    const t = tracker(true);
    const offsets = Array.from({ length: 5000 }, (_, i) => i * 2);
    const handles = appendAll(t, offsets);
    // Ack all but the first, in reverse, then the first: the head sweeps across the grown ring.
    for (let i = handles.length - 1; i > 0; i--) t.ack(handles[i]!.seq, handles[i]!.epoch, 1);
    assert.equal(t.committable(), 0);
    t.ack(handles[0]!.seq, handles[0]!.epoch, 1);
    assert.equal(t.committable(), 9999);
    assert.equal(t.size, 0);
  });

  it('keeps a wrapped ring consistent across growth', () => {
    const t = tracker(true);
    let next = 0;
    const open: { seq: number; epoch: number }[] = [];
    // Slide a window of 800 records over 3000: the ring wraps many times, then grows while wrapped.
    for (let round = 0; round < 3000; round++) {
      open.push({ seq: t.append(next++, undefined, 0), epoch: t.epoch });
      if (open.length > 800) {
        const oldest = open.shift()!;
        t.ack(oldest.seq, oldest.epoch, 1);
      }
    }
    for (let i = 0; i < 1000; i++) open.push({ seq: t.append(next++, undefined, 0), epoch: t.epoch });
    assert.equal(t.committable(), next - open.length);
    for (const handle of open) t.ack(handle.seq, handle.epoch, 1);
    assert.equal(t.committable(), next);
  });

  it('counts the records the commit point passed, and only those (what the committer measures progress by)', () => {
    const t = tracker();
    const handles = appendAll(t, [10, 11, 12, 15]);
    t.ack(handles[1]!.seq, handles[1]!.epoch, 1);
    t.ack(handles[3]!.seq, handles[3]!.epoch, 1);
    assert.equal(t.passed, 0, 'acked behind an unacked record: the commit point has not moved');
    t.ack(handles[0]!.seq, handles[0]!.epoch, 1);
    assert.equal(t.passed, 2);
    t.ack(handles[2]!.seq, handles[2]!.epoch, 1);
    assert.equal(t.passed, 4, 'records, not offsets: the gap 13-14 counts for nothing');
    assert.equal(t.committable(), 16);
  });
});
