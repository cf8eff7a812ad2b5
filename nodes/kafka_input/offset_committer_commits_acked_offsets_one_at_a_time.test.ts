/**
 * The offset committer (pure, a fake consumer): it commits, per partition that moved, the offset
 * below which all is acked; commits run one after the other; a failed commit is counted and the
 * next one retries; once frozen (fail-stop, group left) nothing is committed, not even a commit
 * already asked for; the strategies that commit nothing never commit. Besides the interval, the
 * first acked progress after a (re)join is committed at once, and so is every `progressRecords`
 * records of progress, with at most one such commit waiting and never past an unacked record.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { PunchlineError } from '../../src/core/errors.js';
import { OffsetCommitter } from './offset-committer.js';
import type { OffsetCommitTarget, OffsetCommitterOptions } from './offset-committer.js';
import { PartitionTracker } from './partition-tracker.js';

type Offsets = Parameters<OffsetCommitTarget['commitOffsets']>[0];

/** A consumer that records each commit and confirms it like kafkajs' COMMIT_OFFSETS event would. */
class FakeConsumer implements OffsetCommitTarget {
  readonly commits: Offsets[] = [];
  inFlight = 0;
  maxInFlight = 0;
  failNext = false;
  onCommitted: (offsets: Offsets) => void = () => undefined;

  async commitOffsets(offsets: Offsets): Promise<void> {
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 2));
    this.inFlight--;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('coordinator moved');
    }
    this.commits.push(offsets);
    this.onCommitted(offsets);
  }
}

function setUp(options: Partial<OffsetCommitterOptions> = {}) {
  const trackers = new Map<number, PartitionTracker<undefined>>([0, 1].map((p) => [p, new PartitionTracker<undefined>('logs', p, false)]));
  const latencies: number[] = [];
  const committer = new OffsetCommitter({
    topic: 'logs',
    label: 'kafka_input[input]',
    committing: true,
    intervalMs: 10,
    progressRecords: 1_000_000,
    partitions: trackers,
    logger: pino({ level: 'silent' }),
    translate: (error) => new PunchlineError('E_KAFKA_PROTOCOL', String(error), { retriable: true }),
    observeLatency: (seconds) => void latencies.push(seconds),
    ...options,
  });
  const consumer = new FakeConsumer();
  consumer.onCommitted = (offsets) => committer.committed([{ topic: 'logs', partitions: offsets }]);
  committer.attach(consumer);
  /** Acks a record as the consumer does: the committer hears how far the commit point moved. */
  const ack = (tracker: PartitionTracker<undefined>, seq: number): void => {
    const passed = tracker.passed;
    tracker.ack(seq, tracker.epoch, 0);
    if (tracker.passed !== passed) committer.advanced(tracker.passed - passed);
  };
  /** Reads `count` records of `partition` from `from`, acking them. */
  const readAndAck = (partition: number, from: number, count: number): void => {
    const tracker = trackers.get(partition)!;
    for (let offset = from; offset < from + count; offset++) ack(tracker, tracker.append(offset, undefined, 0));
  };
  /** Lets queued commits run. */
  const settle = async (): Promise<void> => {
    await committer.commit('interval');
  };
  return { trackers, committer, consumer, latencies, readAndAck, ack, settle };
}

describe('offset committer', () => {
  it('commits, for each partition that moved, the lowest offset not acked', async () => {
    const { trackers, committer, consumer, readAndAck, latencies } = setUp();
    readAndAck(0, 0, 5);
    const tracker = trackers.get(1)!;
    tracker.position = 100;
    const unacked = tracker.append(100, undefined, 0);
    readAndAck(1, 101, 3);
    await committer.commit('interval');
    assert.deepEqual(consumer.commits, [
      [
        { topic: 'logs', partition: 0, offset: '5' },
        { topic: 'logs', partition: 1, offset: '100' },
      ],
    ]);
    assert.equal(latencies.length, 1);
    await committer.commit('interval');
    assert.equal(consumer.commits.length, 1, 'nothing moved: nothing committed');
    tracker.ack(unacked, tracker.epoch, 0);
    await committer.commit('rebalance');
    assert.deepEqual(consumer.commits[1], [{ topic: 'logs', partition: 1, offset: '104' }]);
  });

  it('runs commits one at a time, in the order asked, each with the offsets acked when it runs', async () => {
    const { committer, consumer, readAndAck } = setUp();
    readAndAck(0, 0, 1);
    const first = committer.commit('interval');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(consumer.inFlight, 1, 'the first commit is under way');
    readAndAck(0, 1, 1);
    const second = committer.commit('stop');
    await Promise.all([first, second]);
    assert.equal(consumer.maxInFlight, 1);
    assert.deepEqual(consumer.commits.map((c) => c[0]?.offset), ['1', '2']);
  });

  it('counts a failed commit, and the next commit retries the same offsets', async () => {
    const { committer, consumer, readAndAck } = setUp();
    readAndAck(0, 0, 3);
    consumer.failNext = true;
    await committer.commit('interval');
    assert.equal(committer.failures, 1);
    assert.deepEqual(consumer.commits, []);
    await committer.commit('interval');
    assert.deepEqual(consumer.commits, [[{ topic: 'logs', partition: 0, offset: '3' }]]);
  });

  it('commits nothing once frozen, not even a commit asked for before', async () => {
    const { committer, consumer, readAndAck } = setUp();
    readAndAck(0, 0, 3);
    const asked = committer.commit('interval');
    committer.freeze();
    await asked;
    await committer.commit('stop');
    assert.deepEqual(consumer.commits, []);
  });

  it('commits every interval once started, and never for the strategies that commit nothing', async () => {
    const { committer, consumer, readAndAck } = setUp();
    readAndAck(0, 0, 2);
    committer.startInterval();
    await new Promise((resolve) => setTimeout(resolve, 60));
    committer.stopInterval();
    assert.deepEqual(consumer.commits, [[{ topic: 'logs', partition: 0, offset: '2' }]]);

    const ephemeral = setUp({ committing: false });
    ephemeral.readAndAck(0, 0, 2);
    ephemeral.committer.startInterval();
    await ephemeral.committer.commit('stop');
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.deepEqual(ephemeral.consumer.commits, []);
  });

  it('commits the first acked progress after each (re)join at once, without waiting for the interval', async () => {
    const { committer, consumer, readAndAck, settle, trackers } = setUp();
    readAndAck(0, 0, 3);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(consumer.commits, [], 'before a join, progress waits for the interval');

    committer.joined();
    const tracker = trackers.get(1)!;
    tracker.position = 50;
    tracker.append(50, undefined, 0);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(consumer.commits, [], 'read but not acked: nothing to commit yet');
    readAndAck(0, 3, 1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(consumer.commits, [[{ topic: 'logs', partition: 0, offset: '4' }, { topic: 'logs', partition: 1, offset: '50' }]]);

    readAndAck(0, 4, 5);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(consumer.commits.length, 1, 'after the first commit, progress waits for the interval or the threshold');

    committer.joined();
    readAndAck(0, 9, 1);
    await settle();
    assert.deepEqual(consumer.commits[1], [{ topic: 'logs', partition: 0, offset: '10' }], 'a rebalance re-arms it');
  });

  it('commits whenever the commit points moved over progressRecords records, one commit at a time', async () => {
    const { consumer, readAndAck, settle } = setUp({ progressRecords: 10 });
    // Ten rounds of twelve acks, a commit's time apart: each round passes the threshold.
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 12; i++) readAndAck(i % 2, round * 6 + Math.floor(i / 2), 1);
      await new Promise((resolve) => setTimeout(resolve, 8));
    }
    assert.equal(consumer.commits.length, 10, 'one commit per round');
    // A burst of acks while a commit runs: one commit waits behind it, covering the whole burst.
    for (let offset = 60; offset < 100; offset++) {
      readAndAck(offset % 2, offset, 1);
      if (offset === 75) await new Promise((resolve) => setImmediate(resolve));
    }
    await settle();
    assert.equal(consumer.maxInFlight, 1, 'never two commits at once');
    assert.equal(consumer.commits.length, 12, 'the burst of 40 acks made two commits, not four');
    const last = new Map(consumer.commits.flat().map((c) => [c.partition, c.offset]));
    assert.deepEqual([...last], [[0, '99'], [1, '100']]);

    const quiet = setUp({ progressRecords: 10 });
    quiet.readAndAck(0, 0, 9);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(quiet.consumer.commits, [], 'below the threshold: nothing yet');
  });

  it('counts only progress of the commit point: acks behind an unacked record neither trigger nor pass it', async () => {
    const { committer, consumer, trackers, readAndAck, ack } = setUp({ progressRecords: 10 });
    const tracker = trackers.get(0)!;
    tracker.position = 0;
    const held = tracker.append(0, undefined, 0);
    readAndAck(0, 1, 50);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(consumer.commits, [], 'the commit point has not moved');
    ack(tracker, held);
    await committer.commit('interval');
    assert.deepEqual(consumer.commits, [[{ topic: 'logs', partition: 0, offset: '51' }]]);
  });

  it('triggers nothing once frozen, nor for the strategies that commit nothing', async () => {
    const frozen = setUp({ progressRecords: 1 });
    frozen.committer.freeze();
    frozen.committer.joined();
    frozen.readAndAck(0, 0, 5);
    const ephemeral = setUp({ committing: false, progressRecords: 1 });
    ephemeral.committer.joined();
    ephemeral.readAndAck(0, 0, 5);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(frozen.consumer.commits, []);
    assert.deepEqual(ephemeral.consumer.commits, []);
  });
});
