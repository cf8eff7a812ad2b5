/**
 * What becomes of a record whose tuple tree failed (or timed out), per `fail_action` and
 * `smart_replay`:
 * - `fail_action: exit`: the punchline stops at once (`E_FAIL_STOP`, naming `topic/partition@offset`)
 *   and nothing is committed past the record;
 * - `smart_replay: true`: the record is queued and re-emitted from memory, alone;
 * - `smart_replay: false`: the partition is rewound to the record, and everything read since is
 *   read and emitted again.
 *
 * It exists apart from the consumer because replays have their own pacing: they go through the
 * same {@link EmissionGate} as fresh records, on a later turn of the event loop (a failure
 * reported synchronously inside `emit` must not re-emit from within that call, and a record that
 * keeps failing must not monopolise the loop).
 */
import { PunchlineError, recordCoordinates } from '../../src/core/errors.js';
import type { ThrottledLog } from '../../src/runtime/node-api.js';
import type { EmissionGate } from './emission-gate.js';
import type { PartitionTracker } from './partition-tracker.js';
import type { KafkaInputSettings } from './settings.generated.js';

/** A failed record waiting for its smart replay. */
interface Replay<P> {
  readonly tracker: PartitionTracker<P>;
  readonly seq: number;
  readonly epoch: number;
}

/** What the queue does to the executor it serves. */
export interface ReplayActions<P> {
  /** Emits a record taken back in flight (its tracker entry is pending again). */
  emit(tracker: PartitionTracker<P>, seq: number, epoch: number, payload: P): void;
  /** Moves a partition's read position back to `offset` (a rewind). */
  seek(partition: number, offset: number): void;
  /** Stops the punchline at once, committing nothing more (fail-stop). */
  halt(error: PunchlineError): void;
}

/** The failed records of one executor, and what to do with the next one. */
export class ReplayQueue<P> {
  #replays: Replay<P>[] = [];
  #head = 0;
  #scheduled = false;

  constructor(
    private readonly settings: Pick<KafkaInputSettings, 'fail_action' | 'smart_replay'>,
    /** `type[component]`, the prefix of messages. */
    private readonly label: string,
    private readonly gate: Pick<EmissionGate, 'stopping' | 'mayEmit' | 'awaitTurn' | 'clock'>,
    private readonly log: Pick<ThrottledLog, 'warn'>,
    private readonly actions: ReplayActions<P>,
  ) {}

  /** Records waiting for their replay. */
  get size(): number {
    return this.#replays.length - this.#head;
  }

  /**
   * The record `(seq, epoch)` of `tracker` failed (the tracker already marked it failed): stop,
   * queue it or rewind to it. During a stop nothing is replayed; the record stays below the
   * commit point for the next run.
   */
  failed(tracker: PartitionTracker<P>, seq: number, epoch: number, error: PunchlineError): void {
    if (this.gate.stopping) return;
    const offset = String(tracker.offsetOf(seq));
    const coordinates = recordCoordinates(tracker.topic, tracker.partition, offset);
    if (this.settings.fail_action === 'exit') {
      this.actions.halt(
        new PunchlineError('E_FAIL_STOP', `${this.label}: record ${coordinates} failed with fail_action "exit": stopping without committing past it: ${error.message}`, {
          cause: error,
          context: { node: this.label, topic: tracker.topic, partition: tracker.partition, offset },
        }),
      );
      return;
    }
    this.log.warn('replay', { code: error.code }, `${this.label}: record ${coordinates} failed (${error.message}); replaying`);
    if (this.settings.smart_replay) {
      this.#replays.push({ tracker, seq, epoch });
      this.#schedule();
      return;
    }
    const rewindTo = tracker.rewind(seq, epoch);
    if (rewindTo !== undefined) this.actions.seek(tracker.partition, rewindTo);
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => void this.#pump());
  }

  /** Re-emits the replays queued so far, each when the gate lets it; those that fail again are taken at the next turn. */
  async #pump(): Promise<void> {
    try {
      const end = this.#replays.length;
      while (this.#head < end) {
        if (!this.gate.mayEmit() && !(await this.gate.awaitTurn())) return;
        const replay = this.#replays[this.#head++] as Replay<P>;
        // Gone since it failed (revoked, rewound): nothing to replay.
        const payload = replay.tracker.reemit(replay.seq, replay.epoch, this.gate.clock());
        if (payload === undefined) continue;
        this.actions.emit(replay.tracker, replay.seq, replay.epoch, payload);
      }
    } finally {
      this.#replays = this.#replays.slice(this.#head);
      this.#head = 0;
      this.#scheduled = false;
      if (this.#replays.length > 0 && !this.gate.stopping) this.#schedule();
    }
  }
}
