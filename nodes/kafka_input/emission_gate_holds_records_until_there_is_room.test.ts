/**
 * The emission gate (pure, no broker): an executor emits only while the runtime has room
 * (`topology.max.spout.pending`), the load controller admits, and the partition tracks fewer
 * records than its bound, and the executor has read fewer records past its last commits than
 * `max_uncommitted_records`; a waiting emitter goes on when room returns, and gives up on a stop.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EmissionGate } from './emission-gate.js';
import type { InFlight } from './emission-gate.js';
import { UNLIMITED } from './load-control.js';
import { PartitionTracker } from './partition-tracker.js';
import type { LoadController } from './load-control.js';

/** A sink whose pending count the test sets, and whose capacity the test releases. */
class FakeSink implements InFlight {
  pending = 0;
  #waiters: (() => void)[] = [];
  capacity(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
  release(pending: number): void {
    this.pending = pending;
    for (const resolve of this.#waiters.splice(0)) resolve();
  }
}

function openGate(maxPending: number, load: LoadController = UNLIMITED): { gate: EmissionGate; sink: FakeSink } {
  const gate = new EmissionGate(maxPending, load);
  const sink = new FakeSink();
  gate.open(sink);
  return { gate, sink };
}

describe('emission gate', () => {
  it('reads at most max uncommitted records past the last commits of all partitions, then waits for a commit', async () => {
    const gate = new EmissionGate(1000, UNLIMITED, 5);
    gate.open(new FakeSink());
    const partitions = new Map([0, 1].map((p) => [p, new PartitionTracker<unknown>('t', p, false)]));
    const [zero, one] = [partitions.get(0)!, partitions.get(1)!];
    let read = 0;
    for (const [tracker, offset] of [[zero, 10], [one, 40], [zero, 11], [one, 41], [zero, 12], [one, 42]] as const) {
      if (!gate.hasCommitRoom(partitions)) break;
      tracker.append(offset, undefined, 0);
      read++;
    }
    assert.equal(read, 5, 'five records read, both partitions together, and nothing committed yet');
    let asked = 0;
    const waiting = gate.awaitCommitRoom(partitions, () => void asked++, () => Promise.resolve());
    // The commit of partition 0 up to 12 lands (3 records of it were read, 2 committed).
    zero.lastCommitted = 12;
    gate.wake();
    assert.equal(await waiting, true);
    assert.ok(asked >= 1, 'a commit was asked for while waiting');
    // 1 + 2 records uncommitted after the commit: room for two more.
    one.append(43, undefined, 0);
    assert.equal(gate.hasCommitRoom(partitions), true);
    one.append(44, undefined, 0);
    assert.equal(gate.hasCommitRoom(partitions), false, 'and no more');
  });

  it('gives up waiting for a commit when it stops', async () => {
    const gate = new EmissionGate(1000, UNLIMITED, 1);
    gate.open(new FakeSink());
    const partitions = new Map([[0, new PartitionTracker<unknown>('t', 0, false)]]);
    partitions.get(0)!.append(0, undefined, 0);
    assert.equal(gate.hasCommitRoom(partitions), false);
    const waiting = gate.awaitCommitRoom(partitions, () => undefined, () => Promise.resolve());
    gate.stop();
    assert.equal(await waiting, false);
  });

  it('lets records go until max pending are in flight, then waits for capacity', async () => {
    const { gate, sink } = openGate(2);
    assert.equal(gate.mayEmit(), true);
    sink.pending = 2;
    assert.equal(gate.mayEmit(), false);
    let heartbeats = 0;
    const turn = gate.awaitTurn(() => Promise.resolve(void heartbeats++));
    setTimeout(() => sink.release(1), 5);
    assert.equal(await turn, true);
    assert.ok(heartbeats >= 1, 'heart-beats after waiting');
  });

  it('waits as long as the load controller asks, and wakes early on an ack', async () => {
    let admits = 0;
    const slow: LoadController = { admit: () => (admits++ === 0 ? 60_000 : 0), acked: () => undefined, window: 7 };
    const { gate } = openGate(100, slow);
    assert.equal(gate.mayEmit(), false, 'the controller asks to wait a minute');
    const started = performance.now();
    const turn = gate.awaitTurn();
    setTimeout(() => gate.acked(1, performance.now()), 5);
    assert.equal(await turn, true);
    assert.ok(performance.now() - started < 900, 'the ack woke the emitter before the heartbeat wait');
    assert.equal(gate.window, 7);
  });

  it('gives up waiting when stopped, and lets nothing go afterwards', async () => {
    const { gate, sink } = openGate(1);
    sink.pending = 1;
    assert.equal(gate.mayEmit(), false);
    const turn = gate.awaitTurn();
    gate.stop();
    assert.equal(await turn, false);
    sink.pending = 0;
    assert.equal(gate.mayEmit(), false);
    assert.equal(gate.stopping, true);
  });

  it('pauses a partition that tracks too many records until its oldest resolves, or it is revoked', async () => {
    const { gate } = openGate(10);
    assert.equal(gate.maxTracked, 100_000, 'never fewer than 100k records per partition');
    assert.equal(new EmissionGate(10_000, UNLIMITED).maxTracked, 200_000, '20 x max pending');
    const partition = { size: gate.maxTracked, revoked: false };
    assert.equal(gate.hasRoom(partition), false);
    const room = gate.awaitRoom(partition, () => Promise.resolve());
    setTimeout(() => {
      partition.size--;
      gate.wake();
    }, 5);
    assert.equal(await room, true);
    partition.size = gate.maxTracked;
    const lost = gate.awaitRoom(partition, () => Promise.resolve());
    setTimeout(() => {
      partition.revoked = true;
      gate.wake();
    }, 5);
    assert.equal(await lost, false);
  });

  it('reads the clock only when a load controller needs it', () => {
    assert.equal(openGate(1).gate.clock(), 0);
    const { gate } = openGate(1, { admit: () => 0, acked: () => undefined, window: Infinity });
    assert.ok(gate.clock() > 0);
  });
});
