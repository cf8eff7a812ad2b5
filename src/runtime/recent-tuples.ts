/**
 * The last tuples published on one stream of a node, kept for the live page (the `_ppf_errors`
 * samples, an alert's last events). A fixed ring: recording is one array write on the hot path,
 * and nothing older than the last {@link RECENT_TUPLES} is held.
 */
import type { Fields } from './node-contract.js';

/** How many tuples a stream keeps. */
export const RECENT_TUPLES = 20;

/** A ring of the last tuples of one stream, with the time each was published. */
export class RecentTuples {
  private readonly fields: (Fields | undefined)[] = new Array<Fields | undefined>(RECENT_TUPLES);
  private readonly times = new Float64Array(RECENT_TUPLES);
  private next = 0;

  add(fields: Fields): void {
    const slot = this.next % RECENT_TUPLES;
    this.fields[slot] = fields;
    this.times[slot] = Date.now();
    this.next++;
  }

  /** The tuples held, newest first, with their publication time (epoch ms). */
  list(): { readonly at: number; readonly fields: Fields }[] {
    const listed: { at: number; fields: Fields }[] = [];
    for (let n = this.next - 1; n >= 0 && n >= this.next - RECENT_TUPLES; n--) {
      const slot = n % RECENT_TUPLES;
      listed.push({ at: this.times[slot] as number, fields: this.fields[slot] as Fields });
    }
    return listed;
  }
}
