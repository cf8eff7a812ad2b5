/**
 * The acked position of one file: the lines emitted from it in read order, and the place a restart
 * must resume from, the start of the oldest line not acked yet (or the read position when every
 * line is acked). A line acked after an older one still in flight waits for it, as Kafka offsets
 * do in `kafka_input`, so the checkpoint never passes a line that may still fail.
 */

/** A place in a file: the byte offset where a line starts and that line's number (1-based). */
export interface FilePosition {
  readonly offset: number;
  readonly line: number;
}

interface Entry {
  readonly position: FilePosition;
  done: boolean;
}

export class FileProgress {
  /** Lines emitted and not yet passed by the resume point, oldest first (the head is `#head`). */
  readonly #entries: Entry[] = [];
  #head = 0;
  /** Sequence number of `#entries[#head]`. */
  #base = 0;
  /** The start of the next line to read. */
  #read: FilePosition;

  constructor(start: FilePosition) {
    this.#read = start;
  }

  /** Where the next line will be read from. */
  get readPosition(): FilePosition {
    return this.#read;
  }

  /** Lines emitted whose ack has not passed the resume point yet (acked ones behind an older one included). */
  get tracked(): number {
    return this.#entries.length - this.#head;
  }

  /** Records a line read at `position`, ending at `nextOffset`; returns its sequence number for {@link done}. */
  append(position: FilePosition, nextOffset: number): number {
    this.#entries.push({ position, done: false });
    this.#read = { offset: nextOffset, line: position.line + 1 };
    return this.#base + this.#entries.length - 1 - this.#head;
  }

  /** The line `seq` is acked (or deliberately done with). */
  done(seq: number): void {
    const entry = this.#entries[this.#head + seq - this.#base];
    if (entry === undefined) return;
    entry.done = true;
    while (this.#head < this.#entries.length && (this.#entries[this.#head] as Entry).done) {
      this.#head++;
      this.#base++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries.splice(0, this.#head);
      this.#head = 0;
    }
  }

  /** Where a restart resumes: the oldest line not acked, else the read position. */
  resumePoint(): FilePosition {
    return this.#head < this.#entries.length ? (this.#entries[this.#head] as Entry).position : this.#read;
  }
}
