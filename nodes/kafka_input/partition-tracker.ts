/**
 * The in-flight records of one assigned partition, in the order they were read, and the offset
 * below which every one of them is acked: the only offset `kafka_input` may commit.
 *
 * This is the hot path (one append and one ack per record, 100k+ records/s), so the records sit
 * in a growable ring buffer of typed arrays indexed by a per-partition sequence number, and the
 * "lowest unacked offset" is simply the offset at the head: acks mark their entry, and the head
 * advances over acked entries. Every operation is O(1) amortised and allocates nothing.
 *
 * `P` is whatever the node keeps to re-emit a record (its fields and stream).
 *
 * Sequence numbers and epochs make late callbacks harmless. A delivery handle remembers the
 * `(seq, epoch)` of its entry; a rewind truncates the tail and bumps the epoch, and a revocation
 * marks the whole tracker revoked, so an ack or fail that arrives for an entry that is gone is
 * recognised as stale: the caller does nothing with it (in particular, a revoked partition is
 * never committed). A revoked tracker still books its late acks and fails, so a new owner in the
 * same process can wait for it to settle and start right after what it acked (the hand-over).
 */
const PENDING = 0;
const ACKED = 1;
const FAILED = 2;

const INITIAL_CAPACITY = 1024;

/** What became of an ack or a fail reported to the tracker. */
export type Resolution = 'applied' | 'stale';

/**
 * One partition's read position and in-flight records. Built when the partition is assigned,
 * {@link revoke}d when it is taken away; never reused across assignments.
 */
export class PartitionTracker<P> {
  /** Next offset to read; `undefined` until the start position is known (first batch or a seek). */
  position: number | undefined;
  /** The last offset committed for this partition by this tracker (the next offset to read after a restart). */
  lastCommitted: number | undefined;
  /** The first offset read, what a restart reads from until something is committed. */
  #firstRead: number | undefined;
  /** Highest offset + 1 known to exist in the partition (the high watermark of the last fetch). */
  highWatermark: number | undefined;
  /** Records below this offset read after a rewind are replays (for the replayed count). */
  rereadUntil = -1;
  /**
   * Records the commit point has passed since this tracker was built (acked, with every older
   * record acked too). The committer reads how far it moved from this, to commit after a lot of
   * progress rather than only on a timer.
   */
  passed = 0;
  /**
   * The revoked tracker of the previous owner of this partition in this process, while its
   * in-flight records may still be acked: the new owner starts emitting once it {@link settled}.
   */
  handOverFrom: PartitionTracker<unknown> | undefined;

  #offsets: Float64Array;
  #states: Uint8Array;
  #epochs: Uint32Array;
  #emittedAt: Float64Array;
  /** Fields of pending and failed entries, kept only when failed records are replayed from memory. */
  #payloads: (P | undefined)[] | undefined;
  #mask: number;
  /** Ring index of the head (oldest entry still tracked). */
  #head = 0;
  /** Entries between head and tail, whatever their state. */
  #size = 0;
  /** Sequence number of the head entry. */
  #headSeq = 0;
  #epoch = 0;
  #pending = 0;
  #revoked = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
    /** Keep each record's fields until it is acked, so a failed one can be re-emitted without a re-read. */
    keepPayloads: boolean,
  ) {
    this.#offsets = new Float64Array(INITIAL_CAPACITY);
    this.#states = new Uint8Array(INITIAL_CAPACITY);
    this.#epochs = new Uint32Array(INITIAL_CAPACITY);
    this.#emittedAt = new Float64Array(INITIAL_CAPACITY);
    this.#payloads = keepPayloads ? new Array<P | undefined>(INITIAL_CAPACITY) : undefined;
    this.#mask = INITIAL_CAPACITY - 1;
  }

  /** The epoch handles of new entries carry; it changes on every rewind. */
  get epoch(): number {
    return this.#epoch;
  }

  /** Records tracked: emitted and not yet passed by the commit point (acked ones behind an unacked one included). */
  get size(): number {
    return this.#size;
  }

  /** Records emitted and neither acked nor failed. */
  get pending(): number {
    return this.#pending;
  }

  get revoked(): boolean {
    return this.#revoked;
  }

  /** Revoked, with nothing in flight any more: its {@link committable} offset is final. */
  get settled(): boolean {
    return this.#revoked && this.#pending === 0;
  }

  /**
   * The offset to commit: the lowest offset not acked yet, or the read position when everything
   * read is acked. `undefined` while the position is unknown.
   */
  committable(): number | undefined {
    return this.#size > 0 ? this.#offsets[this.#head] : this.position;
  }

  /** Records read past the last commit: what a crash now would make the next owner read again. */
  uncommitted(): number {
    if (this.position === undefined) return 0;
    const base = this.lastCommitted ?? this.#firstRead ?? this.position;
    return Math.max(0, this.position - base);
  }

  /**
   * Tracks a record just emitted. Offsets must increase (gaps are fine: compaction, transaction
   * markers). Returns its sequence number; its epoch is {@link epoch}.
   */
  append(offset: number, payload: P | undefined, now: number): number {
    if (this.#size > this.#mask) this.#grow();
    const index = (this.#head + this.#size) & this.#mask;
    this.#offsets[index] = offset;
    this.#states[index] = PENDING;
    this.#epochs[index] = this.#epoch;
    this.#emittedAt[index] = now;
    if (this.#payloads !== undefined) this.#payloads[index] = payload;
    const seq = this.#headSeq + this.#size;
    this.#firstRead ??= offset;
    this.#size++;
    this.#pending++;
    this.position = offset + 1;
    return seq;
  }

  /** Whether `(seq, epoch)` still designates a tracked entry in the given state (a revoked tracker's only to book it). */
  #current(seq: number, epoch: number, state: number, booking = false): number | undefined {
    if (this.#revoked && !booking) return undefined;
    const distance = seq - this.#headSeq;
    if (distance < 0 || distance >= this.#size) return undefined;
    const index = (this.#head + distance) & this.#mask;
    if (this.#epochs[index] !== epoch || this.#states[index] !== state) return undefined;
    return index;
  }

  /**
   * Marks an entry acked and advances the commit point over every acked entry at the head.
   * Returns how long ago (ms, from `now`) the entry was emitted, or -1 when the ack is stale
   * (a revoked tracker books it all the same, for the hand-over).
   */
  ack(seq: number, epoch: number, now: number): number {
    const index = this.#current(seq, epoch, PENDING, true);
    if (index === undefined) return -1;
    this.#states[index] = ACKED;
    this.#pending--;
    if (this.#payloads !== undefined) this.#payloads[index] = undefined;
    const latency = now - (this.#emittedAt[index] as number);
    if (seq === this.#headSeq) {
      while (this.#size > 0 && this.#states[this.#head] === ACKED) {
        this.#head = (this.#head + 1) & this.#mask;
        this.#headSeq++;
        this.#size--;
        this.passed++;
      }
    }
    return this.#revoked ? -1 : latency;
  }

  /** Marks an entry failed: the commit point cannot pass it until it is re-emitted and acked. */
  fail(seq: number, epoch: number): Resolution {
    const index = this.#current(seq, epoch, PENDING, true);
    if (index === undefined) return 'stale';
    this.#states[index] = FAILED;
    this.#pending--;
    return this.#revoked ? 'stale' : 'applied';
  }

  /** The offset of a tracked entry (valid right after `append`, `fail`, or for a current handle). */
  offsetOf(seq: number): number {
    return this.#offsets[(this.#head + (seq - this.#headSeq)) & this.#mask] as number;
  }

  /**
   * Takes a failed entry back in flight for a replay from memory, returning its fields, or
   * `undefined` when the entry is gone (revoked, rewound) or its fields were not kept.
   */
  reemit(seq: number, epoch: number, now: number): P | undefined {
    const index = this.#current(seq, epoch, FAILED);
    if (index === undefined || this.#payloads === undefined) return undefined;
    const payload = this.#payloads[index];
    if (payload === undefined) return undefined;
    this.#states[index] = PENDING;
    this.#emittedAt[index] = now;
    this.#pending++;
    return payload;
  }

  /**
   * Forgets the entry `seq` and everything read after it, and moves the read position back to
   * its offset, so the partition is read again from there. Handles of the dropped entries become
   * stale. Returns the offset to seek to, or `undefined` when the entry is no longer tracked.
   */
  rewind(seq: number, epoch: number): number | undefined {
    const index = this.#current(seq, epoch, FAILED);
    if (index === undefined) return undefined;
    const offset = this.#offsets[index] as number;
    const keep = seq - this.#headSeq;
    for (let i = keep; i < this.#size; i++) {
      const at = (this.#head + i) & this.#mask;
      if (this.#states[at] === PENDING) this.#pending--;
      if (this.#payloads !== undefined) this.#payloads[at] = undefined;
    }
    this.#size = keep;
    this.#epoch = (this.#epoch + 1) >>> 0;
    this.rereadUntil = Math.max(this.rereadUntil, this.position ?? offset);
    this.position = offset;
    return offset;
  }

  /** The partition was taken away: every later ack or fail of its records is stale (and only booked). */
  revoke(): void {
    this.#revoked = true;
    this.#payloads = undefined;
  }

  #grow(): void {
    const capacity = (this.#mask + 1) * 2;
    const offsets = new Float64Array(capacity);
    const states = new Uint8Array(capacity);
    const epochs = new Uint32Array(capacity);
    const emittedAt = new Float64Array(capacity);
    const payloads = this.#payloads === undefined ? undefined : new Array<P | undefined>(capacity);
    for (let i = 0; i < this.#size; i++) {
      const from = (this.#head + i) & this.#mask;
      offsets[i] = this.#offsets[from] as number;
      states[i] = this.#states[from] as number;
      epochs[i] = this.#epochs[from] as number;
      emittedAt[i] = this.#emittedAt[from] as number;
      if (payloads !== undefined) payloads[i] = (this.#payloads as (P | undefined)[])[from];
    }
    this.#offsets = offsets;
    this.#states = states;
    this.#epochs = epochs;
    this.#emittedAt = emittedAt;
    this.#payloads = payloads;
    this.#head = 0;
    this.#mask = capacity - 1;
  }
}
