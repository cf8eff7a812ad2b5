/**
 * The offset committer (pure, a fake consumer): it commits, per partition that moved, the offset
 * below which all is acked; commits run one after the other; a failed commit is counted and the
 * next one retries; once frozen (fail-stop, group left) nothing is committed, not even a commit
 * already asked for; the strategies that commit nothing never commit.
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
    partitions: trackers,
    logger: pino({ level: 'silent' }),
    translate: (error) => new PunchlineError('E_KAFKA_PROTOCOL', String(error), { retriable: true }),
    observeLatency: (seconds) => void latencies.push(seconds),
    ...options,
  });
  const consumer = new FakeConsumer();
  consumer.onCommitted = (offsets) => committer.committed([{ topic: 'logs', partitions: offsets }]);
  committer.attach(consumer);
  /** Reads `count` records of `partition` from `from`, acking them. */
  const readAndAck = (partition: number, from: number, count: number): void => {
    const tracker = trackers.get(partition)!;
    for (let offset = from; offset < from + count; offset++) tracker.ack(tracker.append(offset, undefined, 0), tracker.epoch, 0);
  };
  return { trackers, committer, consumer, latencies, readAndAck };
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
});
