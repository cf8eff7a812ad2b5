/**
 * The resume point of a file, as the checkpoint keeps it: the start of the oldest line not acked,
 * whatever order acks come in, or the read position once every line is acked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileProgress } from './file-progress.js';

/** Appends lines of the given byte lengths; their sequence numbers. */
function read(progress: FileProgress, lengths: readonly number[]): number[] {
  return lengths.map((length) => {
    const at = progress.readPosition;
    return progress.append(at, at.offset + length);
  });
}

test('the resume point stays at the oldest unacked line when later lines are acked first', () => {
  const progress = new FileProgress({ offset: 0, line: 1 });
  const [a, b, c] = read(progress, [10, 20, 5]) as [number, number, number];
  assert.deepEqual(progress.resumePoint(), { offset: 0, line: 1 });
  progress.done(c);
  progress.done(b);
  assert.deepEqual(progress.resumePoint(), { offset: 0, line: 1 }, 'line 1 still in flight holds the point');
  progress.done(a);
  assert.deepEqual(progress.resumePoint(), { offset: 35, line: 4 }, 'all acked: the read position');
  assert.equal(progress.tracked, 0);
});

test('an ack in the middle moves nothing; the head ack moves the point to the next unacked line', () => {
  const progress = new FileProgress({ offset: 100, line: 8 });
  const [a, b, c, d] = read(progress, [4, 4, 4, 4]) as [number, number, number, number];
  progress.done(c);
  progress.done(a);
  assert.deepEqual(progress.resumePoint(), { offset: 104, line: 9 }, 'b is the oldest unacked');
  progress.done(b);
  assert.deepEqual(progress.resumePoint(), { offset: 112, line: 11 }, 'c was acked already: d is next');
  progress.done(d);
  assert.deepEqual(progress.resumePoint(), { offset: 116, line: 12 });
});

test('sequence numbers stay valid over many lines acked in random order', () => {
  const progress = new FileProgress({ offset: 0, line: 1 });
  const seqs = read(progress, Array.from({ length: 5000 }, () => 3));
  const order = [...seqs].sort(() => Math.random() - 0.5);
  let lowestUnacked = 0;
  const acked = new Set<number>();
  for (const seq of order) {
    progress.done(seq);
    acked.add(seq);
    while (acked.has(lowestUnacked)) lowestUnacked++;
    assert.deepEqual(progress.resumePoint(), lowestUnacked === 5000 ? { offset: 15000, line: 5001 } : { offset: lowestUnacked * 3, line: lowestUnacked + 1 });
  }
});
