/**
 * The emission gate (pure, no broker): an executor emits only while the runtime has room
 * (`topology.max.spout.pending`), the load controller admits, and the partition tracks fewer
 * records than its bound; a waiting emitter goes on when room returns, and gives up on a stop.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EmissionGate } from './emission-gate.js';
import type { InFlight } from './emission-gate.js';
import { UNLIMITED } from './load-control.js';
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
