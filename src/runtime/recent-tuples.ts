/**
 * The last tuples published on one stream of a node, kept for the live page (the `_ppf_errors`
 * samples, an alert's last events). A fixed ring: recording is two array writes on the hot path,
 * and nothing older than the last {@link RECENT_TUPLES} is held. The clock is not read there
 * (`Date.now()` costs more than the rest of a tuple's bookkeeping on some hosts): a tuple is
 * stamped when it is first listed, so its time is exact to the refresh of whoever watches.
 */
import type { Fields } from './node-contract.js';

/** How many tuples a stream keeps. */
export const RECENT_TUPLES = 20;

/** A ring of the last tuples of one stream. */
export class RecentTuples {
  private readonly fields: (Fields | undefined)[] = new Array<Fields | undefined>(RECENT_TUPLES);
  /** When each was first listed (epoch ms), 0 until then. */
  private readonly seen = new Float64Array(RECENT_TUPLES);
  private next = 0;

  add(fields: Fields): void {
    const slot = this.next % RECENT_TUPLES;
    this.fields[slot] = fields;
    this.seen[slot] = 0;
    this.next++;
  }

  /** The tuples held, newest first, each with the time it was first listed (epoch ms). */
  list(): { readonly at: number; readonly fields: Fields }[] {
    const now = Date.now();
    const listed: { at: number; fields: Fields }[] = [];
    for (let n = this.next - 1; n >= 0 && n >= this.next - RECENT_TUPLES; n--) {
      const slot = n % RECENT_TUPLES;
      if (this.seen[slot] === 0) this.seen[slot] = now;
      listed.push({ at: this.seen[slot] as number, fields: this.fields[slot] as Fields });
    }
    return listed;
  }
}
