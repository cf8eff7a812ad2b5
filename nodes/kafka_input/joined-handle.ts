/**
 * The delivery handle of one tuple among the several a record gives (the lines of a line
 * protocol record, the metrics of a Telegraf batch): the record is acked once every one of its
 * tuples is, and fails at the first of them that fails (later acks and fails of its tuples are
 * ignored: the record is replayed whole, every tuple again).
 *
 * The record keeps one entry in its partition's tracker and one handle to it; the tuples share
 * a {@link JoinedRecord} that reports to that handle once.
 */
import type { PunchlineError } from '../../src/core/errors.js';
import type { DeliveryHandle } from '../../src/runtime/node-api.js';

/** The acks still awaited of one emission of a record, and its handle. */
export class JoinedRecord {
  #awaited: number;
  #settled = false;

  constructor(
    private readonly record: DeliveryHandle,
    /** The record's token for `record` (its sequence number in the partition). */
    private readonly token: number,
    tuples: number,
  ) {
    this.#awaited = tuples;
  }

  /** The handle of one of the record's tuples. */
  handle(): DeliveryHandle {
    let done = false;
    return {
      ack: () => {
        if (done) return;
        done = true;
        if (--this.#awaited === 0 && !this.#settled) {
          this.#settled = true;
          this.record.ack(this.token);
        }
      },
      fail: (error: PunchlineError) => {
        if (done) return;
        done = true;
        if (this.#settled) return;
        this.#settled = true;
        this.record.fail(error, this.token);
      },
    };
  }
}
