/**
 * Writing a recording: the header line when the file is opened, then one line per record,
 * buffered and written in large chunks. Records are written in the order they are given.
 */
import { mkdir, open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PunchlineError } from '../../core/errors.js';
import { headerLine, recordLine } from './recording-format.js';
import type { RecordedRecord } from './recording-format.js';

/** Buffered text written once it reaches this many characters. */
const FLUSH_CHARS = 1 << 20;

/**
 * A recording being written. Lifecycle: {@link RecordingWriter.create} truncates (or creates) the
 * file and writes the header; {@link write} any number of times (awaiting it keeps memory
 * bounded); {@link close} once, which writes what is buffered. A file not closed holds whole lines only
 * up to the last flush.
 */
export class RecordingWriter {
  #buffer: string[] = [];
  #chars = 0;
  #records = 0;
  /** The writes under way, chained so that lines reach the file in the order they were given. */
  #writing: Promise<void> = Promise.resolve();

  private constructor(
    readonly file: string,
    private readonly handle: FileHandle,
  ) {}

  /** Opens `file` (its folder is created when missing) and writes the header line. */
  static async create(file: string, source?: string): Promise<RecordingWriter> {
    let handle: FileHandle;
    try {
      await mkdir(dirname(file), { recursive: true });
      handle = await open(file, 'w');
    } catch (error) {
      throw new PunchlineError('E_FILE_IO', `recording ${file}: cannot be created: ${(error as Error).message}`, { cause: error, context: { file } });
    }
    const writer = new RecordingWriter(file, handle);
    writer.#push(headerLine(source));
    return writer;
  }

  /** Records written so far. */
  get records(): number {
    return this.#records;
  }

  /** Appends a record; resolves at once unless the buffer is full and is being written. */
  async write(record: RecordedRecord): Promise<void> {
    this.#records++;
    this.#push(recordLine(record));
    if (this.#chars >= FLUSH_CHARS) await this.flush();
  }

  /** Writes what is buffered (after the writes already under way). */
  flush(): Promise<void> {
    if (this.#buffer.length > 0) {
      const text = this.#buffer.join('');
      this.#buffer = [];
      this.#chars = 0;
      this.#writing = this.#writing.then(async () => {
        try {
          await this.handle.write(text);
        } catch (error) {
          throw new PunchlineError('E_FILE_IO', `recording ${this.file}: writing failed: ${(error as Error).message}`, { cause: error, context: { file: this.file } });
        }
      });
    }
    return this.#writing;
  }

  /** Writes what is buffered and closes the file. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.handle.close();
    }
  }

  #push(line: string): void {
    this.#buffer.push(line);
    this.#chars += line.length;
  }
}
