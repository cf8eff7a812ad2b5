/**
 * What a failed record leads to (pure, no broker): with `smart_replay` it is re-emitted from
 * memory, alone, on a later turn of the event loop and through the emission gate; without, the
 * partition is rewound to it; with `fail_action: exit` the punchline stops, naming the record.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { PunchlineError } from '../../src/core/errors.js';
import { PunchlineError as Failure } from '../../src/core/errors.js';
import { EmissionGate } from './emission-gate.js';
import type { InFlight } from './emission-gate.js';
import { UNLIMITED } from './load-control.js';
import { PartitionTracker } from './partition-tracker.js';
import { ReplayQueue } from './replay-queue.js';
import type { KafkaInputSettings } from './settings.generated.js';

type Settings = Pick<KafkaInputSettings, 'fail_action' | 'smart_replay'>;

/** A queue on a partition holding records 10..14, with everything it does recorded. */
function setUp(settings: Settings, sink: InFlight = { pending: 0, capacity: () => new Promise(() => undefined) }) {
  const tracker = new PartitionTracker<string>('logs', 2, settings.smart_replay);
  const handles = [10, 11, 12, 13, 14].map((offset) => ({ seq: tracker.append(offset, `record ${offset}`, 0), epoch: tracker.epoch }));
  const gate = new EmissionGate(10, UNLIMITED);
  gate.open(sink);
  const emitted: string[] = [];
  const seeks: [number, number][] = [];
  const halts: PunchlineError[] = [];
  const warnings: string[] = [];
  const queue = new ReplayQueue<string>(settings, 'kafka_input[input]', gate, { warn: (_key, _fields, message) => void warnings.push(message) }, {
    emit: (_tracker, _seq, _epoch, payload) => void emitted.push(payload),
    seek: (partition, offset) => void seeks.push([partition, offset]),
    halt: (error) => void halts.push(error),
  });
  /** Fails the record at `index` the way a record handle does: the tracker first, then the queue. */
  const fail = (index: number): void => {
    const { seq, epoch } = handles[index]!;
    tracker.fail(seq, epoch);
    queue.failed(tracker, seq, epoch, new Failure('E_TUPLE_TIMEOUT', 'timed out'));
  };
  return { tracker, handles, gate, queue, emitted, seeks, halts, warnings, fail };
}

const smart: Settings = { fail_action: 'none', smart_replay: true };

describe('replay queue', () => {
  it('smart_replay: re-emits only the failed records, in the order they failed, on a later turn', async () => {
    const { emitted, warnings, fail, tracker } = setUp(smart);
    fail(3);
    fail(1);
    assert.deepEqual(emitted, [], 'nothing is re-emitted inside the failure call');
    await nextTurn();
    assert.deepEqual(emitted, ['record 13', 'record 11']);
    assert.equal(tracker.pending, 5, 'both are in flight again');
    assert.match(warnings[0] ?? '', /^kafka_input\[input\]: record logs\/2@13 failed \(timed out\); replaying$/);
  });

  it('smart_replay: a record failing again is replayed again at the next turn', async () => {
    const { emitted, fail } = setUp(smart);
    fail(0);
    await nextTurn();
    fail(0);
    await nextTurn();
    assert.deepEqual(emitted, ['record 10', 'record 10']);
  });

  it('smart_replay: waits for the gate, and replays nothing once stopped', async () => {
    const sink = { pending: 10, capacity: () => new Promise<void>(() => undefined) };
    const { emitted, gate, fail, queue } = setUp(smart, sink);
    fail(2);
    await nextTurn();
    assert.deepEqual(emitted, [], 'max pending reached: the replay waits');
    assert.equal(queue.size, 1);
    gate.stop();
    await nextTurn();
    await nextTurn();
    assert.deepEqual(emitted, []);
    fail(4);
    await nextTurn();
    assert.deepEqual(emitted, [], 'a failure during a stop is not replayed');
  });

  it('smart_replay: skips a record whose partition was revoked before its turn', async () => {
    const { emitted, tracker, fail, queue } = setUp(smart);
    fail(1);
    tracker.revoke();
    await nextTurn();
    assert.deepEqual(emitted, []);
    assert.equal(queue.size, 0);
  });

  it('smart_replay false: rewinds the partition to the failed record and forgets what was read after it', () => {
    const { tracker, seeks, emitted, fail } = setUp({ fail_action: 'none', smart_replay: false });
    fail(2);
    assert.deepEqual(seeks, [[2, 12]]);
    assert.equal(tracker.position, 12);
    assert.equal(tracker.size, 2, 'records 10 and 11 stay tracked');
    assert.deepEqual(emitted, []);
  });

  it('fail_action exit: stops with E_FAIL_STOP naming the record, without replaying or rewinding', async () => {
    const { halts, seeks, emitted, warnings, fail } = setUp({ fail_action: 'exit', smart_replay: true });
    fail(1);
    await nextTurn();
    assert.equal(halts.length, 1);
    assert.equal(halts[0]?.code, 'E_FAIL_STOP');
    assert.match(halts[0]?.message ?? '', /^kafka_input\[input\]: record logs\/2@11 failed with fail_action "exit": stopping without committing past it: timed out$/);
    assert.deepEqual([seeks, emitted, warnings], [[], [], []]);
  });
});
