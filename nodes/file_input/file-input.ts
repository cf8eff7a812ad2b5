/**
 * `file_input`: the lines of files as tuples, JSON lines spread into fields or raw lines in one
 * field. Without `tail` it reads the files `paths` matches at start to their end and ends the
 * punchline once every line is acked; with `tail` it follows them as Filebeat and Vector do:
 * appended lines, new files matching a pattern, truncation (read again from the start) and
 * rotation (the renamed file is read to its end, the new one from its start).
 *
 * A line is acked when everything derived from it reached an end; the checkpoint keeps, per file
 * (device and inode), the start of the oldest line not acked, so a restart after any crash reads
 * again at most what was in flight or acked since the last checkpoint write: at-least-once.
 * The pieces: `glob.ts` (what `paths` names), `file-progress.ts` (acks to a resume point),
 * `checkpoint.ts` (the file that keeps it), `line-fields.ts` (a line to fields).
 */
import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { defineNode, ERRORS_STREAM, publishesErrors } from '../../src/runtime/node-api.js';
import type { CheckScope, DeliveryHandle, InputInstance, InputSink, NodeContext, SettingsProblem } from '../../src/runtime/node-api.js';
import { PunchlineError } from '../../src/core/errors.js';
import { closestName } from '../../src/core/closest-name.js';
import { FINGERPRINT_BYTES, fileKey, fingerprintOf, readCheckpoint, writeCheckpoint } from './checkpoint.js';
import type { CheckpointEntry } from './checkpoint.js';
import { FileProgress } from './file-progress.js';
import type { FilePosition } from './file-progress.js';
import { isPattern, matchingFiles } from './glob.js';
import { lineFields, RECORD_FIELDS, RESERVED_FIELDS } from './line-fields.js';
import type { LineTuple } from './line-fields.js';
import { recordCodec } from '../../src/libraries/codecs/record-codecs.js';
import type { RecordCodec } from '../../src/libraries/codecs/record-codecs.js';
import { fileInputMetrics } from './metrics.js';
import type { FileInputMetrics } from './metrics.js';
import type { FileInputSettings } from './settings.generated.js';

/** Bytes read from a file per read call. */
const CHUNK_BYTES = 64 * 1024;

/** A file being read. */
interface OpenFile {
  readonly key: string;
  /** Where it was found (a rotation may have moved it since). */
  readonly path: string;
  readonly dev: number;
  readonly ino: number;
  readonly handle: FileHandle;
  progress: FileProgress;
  /** Bumped on truncation: acks of lines read before it no longer move the resume point. */
  generation: number;
  /** Bytes after the last complete line (a line still being written). */
  partial: Buffer;
  /** Read to its current end at the last look. */
  atEnd: boolean;
  fingerprint?: { fingerprint: string; bytes: number };
}

/** A failed line waiting to be emitted again (every tuple of it: a recorded record may give several). */
interface Replay {
  readonly file: OpenFile;
  readonly generation: number;
  readonly seq: number;
  readonly tuples: readonly LineTuple[];
}

function checkFileInput(settings: FileInputSettings, scope: CheckScope): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  scope.publish.forEach((declaration, streamIndex) => {
    declaration.fields.forEach((field, fieldIndex) => {
      if (RECORD_FIELDS.includes(field) && settings.format !== 'recording') {
        problems.push({ path: `/publish/${streamIndex}/fields/${fieldIndex}`, message: `${field} is set only with format "recording": it would be null on every tuple`, severity: 'error' });
        return;
      }
      if (!field.startsWith('_ppf_') || RESERVED_FIELDS.includes(field)) return;
      const close = closestName(field, RESERVED_FIELDS);
      problems.push({
        path: `/publish/${streamIndex}/fields/${fieldIndex}`,
        message: `file_input sets no reserved field "${field}": it would be null on every tuple`,
        hint: close === undefined ? `the reserved fields are ${RESERVED_FIELDS.join(', ')}` : `did you mean "${close}"?`,
        severity: 'error',
      });
    });
  });
  if (settings.tail && settings.checkpoint_path === undefined) {
    problems.push({ path: '/settings/tail', message: 'tail without checkpoint_path: a restart reads every file again from read_from', hint: 'set checkpoint_path to resume where the last run stopped', severity: 'warning' });
  }
  if (settings.format !== 'lines' && settings.line_field !== 'message') {
    problems.push({ path: '/settings/line_field', message: `line_field is only read with format "lines", not "${settings.format}"`, severity: 'warning' });
  }
  if (settings.format !== 'recording' && settings.record_codec !== 'json') {
    problems.push({ path: '/settings/record_codec', message: `record_codec is only read with format "recording", not "${settings.format}"`, severity: 'warning' });
  }
  return problems;
}

class FileInputInstance implements InputInstance {
  readonly #settings: FileInputSettings;
  readonly #ctx: NodeContext;
  readonly #metrics: FileInputMetrics;
  readonly #checkpointPath: string | undefined;
  readonly #maxPending: number;
  /** With format recording: the codec of the records' values. */
  readonly #codec: RecordCodec | undefined;
  /** Open files by `dev:ino`. */
  readonly #files = new Map<string, OpenFile>();
  readonly #replays: Replay[] = [];
  #sink: InputSink | undefined;
  #stopped = false;
  #failStopped = false;
  #loop: Promise<void> | undefined;
  /** Resolves the loop's current wait early (an ack, a failure, a stop). */
  #wake: (() => void) | undefined;
  /** The resume points moved since the last checkpoint write. */
  #moved = false;
  #checkpointTimer: NodeJS.Timeout | undefined;
  #checkpointing: Promise<void> = Promise.resolve();
  #checkpointQueued = false;
  /**
   * Lines acked since the last checkpoint write: past half max pending a write starts at once, so
   * what a kill -9 makes the next run read again stays near max pending, whatever the interval.
   */
  #ackedSinceCheckpoint = 0;
  /** Checkpoint entries read at start, consumed as their files are opened. */
  #resumeFrom = new Map<string, CheckpointEntry>();

  constructor(settings: FileInputSettings, ctx: NodeContext) {
    this.#settings = settings;
    this.#ctx = ctx;
    this.#metrics = fileInputMetrics(ctx);
    this.#checkpointPath = settings.checkpoint_path === undefined ? undefined : resolve(settings.checkpoint_path);
    this.#maxPending = ctx.topology['topology.max.spout.pending'];
    this.#codec = settings.format === 'recording' ? recordCodec(settings.record_codec) : undefined;
  }

  async start(sink: InputSink): Promise<void> {
    if (this.#ctx.executors > 1) {
      throw new PunchlineError('E_CONFIG_INVALID', `${this.#ctx.label}: executors ${this.#ctx.executors}: a file_input reads its files in one executor`, { hint: 'remove executors, or split the files between several file_input nodes' });
    }
    this.#sink = sink;
    if (this.#checkpointPath !== undefined) this.#resumeFrom = await readCheckpoint(this.#checkpointPath).catch((error: unknown) => {
      throw error instanceof PunchlineError ? error.within(this.#ctx.label) : error;
    });
    const found = await this.#findFiles();
    if (found.length === 0 && !this.#settings.tail) this.#ctx.logger.warn({ paths: this.#settings.paths }, `${this.#ctx.label}: no file matches ${this.#settings.paths.join(', ')}`);
    for (const path of found) await this.#openFile(path, true);
    if (this.#checkpointPath !== undefined) {
      this.#checkpointTimer = setInterval(() => void this.#checkpoint(), this.#settings.checkpoint_interval_ms);
      this.#checkpointTimer.unref();
    }
    this.#loop = this.#run(sink).catch((error: unknown) => {
      const failure = error instanceof PunchlineError ? error : new PunchlineError('E_FILE_IO', `${this.#ctx.label}: ${(error as Error).message}`, { cause: error });
      sink.fatal(failure);
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#loop;
  }

  async close(): Promise<void> {
    clearInterval(this.#checkpointTimer);
    this.#moved = true;
    await this.#checkpoint();
    for (const file of this.#files.values()) await file.handle.close().catch(() => undefined);
    this.#files.clear();
  }

  /** The files `paths` names now, absolute, without the checkpoint itself. */
  async #findFiles(): Promise<string[]> {
    const found = new Set<string>();
    for (const path of this.#settings.paths) {
      if (isPattern(path)) for (const file of await matchingFiles(path)) found.add(file);
      else if (await stat(path).then((s) => s.isFile(), () => false)) found.add(resolve(path));
    }
    if (this.#checkpointPath !== undefined) found.delete(this.#checkpointPath);
    return [...found];
  }

  /** Opens a file not read yet; `atStart`: it was there when the punchline started (read_from applies). */
  async #openFile(path: string, atStart: boolean): Promise<void> {
    const seen = await stat(path).catch(() => undefined);
    if (seen !== undefined && this.#files.has(fileKey(seen.dev, seen.ino))) return;
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      this.#ctx.throttledLog.warn(`open:${path}`, { path }, `${this.#ctx.label}: cannot open ${path}: ${(error as Error).message}; ${this.#settings.tail ? 'tried again at the next look' : 'it is not read'}`);
      return;
    }
    const info = await handle.stat();
    const key = fileKey(info.dev, info.ino);
    if (this.#files.has(key) || !info.isFile()) {
      await handle.close();
      return;
    }
    const start = await this.#startPosition(path, handle, info.size, key, atStart);
    this.#files.set(key, { key, path, dev: info.dev, ino: info.ino, handle, progress: new FileProgress(start), generation: 0, partial: Buffer.alloc(0), atEnd: false });
    this.#ctx.logger.info({ path, offset: start.offset, line: start.line }, `${this.#ctx.label}: reading ${path} from line ${start.line}`);
  }

  async #startPosition(path: string, handle: FileHandle, size: number, key: string, atStart: boolean): Promise<FilePosition> {
    const saved = this.#resumeFrom.get(key);
    if (saved !== undefined) {
      this.#resumeFrom.delete(key);
      const now = await fingerprintOf(handle, saved.fingerprint_bytes);
      if (now.fingerprint !== saved.fingerprint) {
        this.#ctx.logger.info({ path }, `${this.#ctx.label}: ${path} reuses the inode of ${saved.path} but its first bytes differ: read from its beginning`);
        return { offset: 0, line: 1 };
      }
      if (saved.offset > size) {
        this.#ctx.logger.warn({ path, offset: saved.offset, size }, `${this.#ctx.label}: ${path} is shorter than its checkpoint (${size} < ${saved.offset} bytes): truncated while stopped, read from its beginning`);
        return { offset: 0, line: 1 };
      }
      return { offset: saved.offset, line: saved.line };
    }
    if (!atStart || this.#settings.read_from === 'beginning') return { offset: 0, line: 1 };
    // read_from end: start after the last complete line, counting lines so line numbers stay true.
    let line = 1;
    let lastNewline = -1;
    const buffer = Buffer.alloc(CHUNK_BYTES);
    for (let offset = 0; offset < size; ) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK_BYTES, size - offset), offset);
      if (bytesRead === 0) break;
      for (let i = buffer.indexOf(10, 0); i >= 0 && i < bytesRead; i = buffer.indexOf(10, i + 1)) {
        line++;
        lastNewline = offset + i;
      }
      offset += bytesRead;
    }
    return { offset: lastNewline + 1, line };
  }

  async #run(sink: InputSink): Promise<void> {
    let lastScan = Date.now();
    while (!this.#stopped) {
      let progressed = await this.#replayFailed(sink);
      for (const file of [...this.#files.values()]) {
        if (this.#stopped) break;
        if (await this.#readFile(sink, file)) progressed = true;
      }
      if (this.#stopped) break;
      if (!this.#settings.tail) {
        const reading = [...this.#files.values()].some((f) => !f.atEnd);
        if (!reading && this.#replays.length === 0 && sink.pending === 0 && [...this.#files.values()].every((f) => f.progress.tracked === 0)) {
          await this.#checkpoint();
          sink.end();
          return;
        }
        if (!progressed) await this.#waitFor(this.#settings.poll_interval_ms);
        continue;
      }
      if (Date.now() - lastScan >= this.#settings.poll_interval_ms) {
        lastScan = Date.now();
        await this.#scan();
      }
      if (!progressed) await this.#waitFor(this.#settings.poll_interval_ms);
    }
  }

  /** Waits `ms`, or less when an ack, a failure or a stop comes. */
  async #waitFor(ms: number): Promise<void> {
    await new Promise<void>((done) => {
      const timer = setTimeout(finish, ms);
      function finish(): void {
        clearTimeout(timer);
        done();
      }
      this.#wake = finish;
    });
    this.#wake = undefined;
  }

  /** Waits for room below max pending; false when the run is stopping. */
  async #room(sink: InputSink): Promise<boolean> {
    while (sink.pending >= this.#maxPending) {
      await sink.capacity();
      if (this.#stopped || sink.stopping) return false;
    }
    return !this.#stopped;
  }

  async #replayFailed(sink: InputSink): Promise<boolean> {
    let replayed = false;
    while (this.#replays.length > 0) {
      if (!(await this.#room(sink))) return replayed;
      const replay = this.#replays.shift() as Replay;
      if (replay.file.generation !== replay.generation || this.#files.get(replay.file.key) !== replay.file) continue;
      this.#emit(sink, replay.file, replay.seq, replay.tuples);
      replayed = true;
    }
    return replayed;
  }

  /** Reads what `file` holds past its read position; true when a line was read. */
  async #readFile(sink: InputSink, file: OpenFile): Promise<boolean> {
    const info = await file.handle.stat();
    const readTo = file.progress.readPosition.offset + file.partial.length;
    if (info.size < readTo) {
      // Truncated in place (copytruncate): what it holds now is new. Lines in flight from before
      // no longer move its resume point.
      this.#ctx.logger.warn({ path: file.path, size: info.size, read: readTo }, `${this.#ctx.label}: ${file.path} was truncated (${info.size} < ${readTo} bytes): reading it from its beginning`);
      file.generation++;
      file.progress = new FileProgress({ offset: 0, line: 1 });
      file.partial = Buffer.alloc(0);
      file.fingerprint = undefined;
      this.#moved = true;
    }
    let any = false;
    const buffer = Buffer.alloc(CHUNK_BYTES);
    for (;;) {
      if (!(await this.#room(sink))) return any;
      const from = file.progress.readPosition.offset + file.partial.length;
      const { bytesRead } = await file.handle.read(buffer, 0, CHUNK_BYTES, from);
      if (bytesRead === 0) break;
      let data = file.partial.length === 0 ? buffer.subarray(0, bytesRead) : Buffer.concat([file.partial, buffer.subarray(0, bytesRead)]);
      let lineStart = 0;
      for (let newline = data.indexOf(10); newline >= 0; newline = data.indexOf(10, lineStart)) {
        this.#line(sink, file, data, lineStart, newline, newline + 1 - lineStart);
        lineStart = newline + 1;
        any = true;
        if (sink.pending >= this.#maxPending) {
          // Keep the rest for after the wait: copy it, the buffer is reused.
          data = Buffer.from(data.subarray(lineStart));
          lineStart = 0;
          if (!(await this.#room(sink))) {
            file.partial = data;
            return any;
          }
        }
      }
      file.partial = Buffer.from(data.subarray(lineStart));
    }
    if (!this.#settings.tail && file.partial.length > 0) {
      // The last line of a file read once has no newline: it is complete all the same.
      const data = file.partial;
      file.partial = Buffer.alloc(0);
      this.#line(sink, file, data, 0, data.length, data.length);
      any = true;
    }
    file.atEnd = true;
    return any;
  }

  /** Emits the line `data[start, end)` (without its newline) of `file`, `length` bytes of it with the newline. */
  #line(sink: InputSink, file: OpenFile, data: Buffer, start: number, end: number, length: number): void {
    const position = file.progress.readPosition;
    const seq = file.progress.append(position, position.offset + length);
    this.#moved = true;
    const contentEnd = end > start && data[end - 1] === 13 ? end - 1 : end;
    const decoded = lineFields(data, start, contentEnd, { settings: this.#settings, path: file.path, position, label: this.#ctx.label, ...(this.#codec !== undefined && { codec: this.#codec }) });
    this.#metrics.lines.inc();
    if (decoded.length === 0) {
      file.progress.done(seq); // a blank line of JSON lines holds nothing
      return;
    }
    for (const tuple of decoded) {
      if (tuple.stream !== ERRORS_STREAM) continue;
      this.#metrics.errors(tuple.kind).inc();
      const where = publishesErrors(this.#ctx.publish) ? 'routed to _ppf_errors' : 'dropped: the node does not publish _ppf_errors';
      this.#ctx.throttledLog.warn(`decode:${tuple.kind}`, { kind: tuple.kind, path: file.path, line: position.line }, `${tuple.message}; ${decoded.length > 1 ? 'that part of the line' : 'the line'} is ${where}`);
    }
    this.#emit(sink, file, seq, decoded);
  }

  /**
   * Emits the tuples of a line under one handle: the line is done once every one of them is
   * acked, and failed (replayed whole, every tuple again) at the first that fails.
   */
  #emit(sink: InputSink, file: OpenFile, seq: number, tuples: readonly LineTuple[]): void {
    const generation = file.generation;
    const current = (): boolean => file.generation === generation && this.#files.get(file.key) === file;
    let awaited = tuples.length;
    let settled = false;
    const handle: DeliveryHandle = {
      ack: () => {
        if (settled || --awaited > 0) return;
        settled = true;
        if (current()) {
          file.progress.done(seq);
          this.#moved = true;
          if (++this.#ackedSinceCheckpoint >= this.#maxPending / 2) void this.#checkpoint();
        }
        this.#wake?.();
      },
      fail: (error) => {
        if (settled) return;
        settled = true;
        if (this.#settings.fail_action === 'exit') {
          if (this.#failStopped) return;
          this.#failStopped = true;
          clearInterval(this.#checkpointTimer);
          const line = tuples[0]?.fields._ppf_file_line;
          sink.fatal(new PunchlineError('E_FAIL_STOP', `${this.#ctx.label}: ${file.path} line ${typeof line === 'number' ? line : '?'} failed (fail_action exit): ${error.message}`, { cause: error, context: { node: this.#ctx.label, file: file.path } }));
          return;
        }
        // Failures while stopping are not replayed: the line stays before the resume point.
        if (!this.#stopped && current()) this.#replays.push({ file, generation, seq, tuples });
        this.#wake?.();
      },
    };
    for (const tuple of tuples) sink.emit(tuple.fields, handle, tuple.stream);
  }

  /**
   * Rotation: a file that `paths` no longer leads to (renamed to a name the patterns do not match,
   * or removed) is read to its end and, once its lines are all acked, let go (it leaves the
   * checkpoint). A renamed file that a pattern still matches is the same file, kept. The new file
   * at the old path has another inode: it is opened from its beginning.
   */
  async #scan(): Promise<void> {
    const matched = new Map<string, string>();
    for (const path of await this.#findFiles()) {
      const info = await stat(path).catch(() => undefined);
      if (info !== undefined) matched.set(fileKey(info.dev, info.ino), path);
    }
    for (const file of [...this.#files.values()]) {
      if (matched.has(file.key) || !file.atEnd || file.progress.tracked > 0 || this.#replays.some((r) => r.file === file)) continue;
      // One last read: lines appended between the last read and the rename.
      if (this.#sink !== undefined && (await this.#readFile(this.#sink, file))) continue;
      this.#files.delete(file.key);
      await file.handle.close().catch(() => undefined);
      this.#moved = true;
      this.#ctx.logger.info({ path: file.path }, `${this.#ctx.label}: ${file.path} was rotated away or removed and is read to its end: let go`);
    }
    for (const [key, path] of matched) if (!this.#files.has(key)) await this.#openFile(path, false);
  }

  /**
   * Writes the checkpoint when a resume point moved: one write at a time, at most one waiting,
   * which writes the state of its own moment.
   */
  #checkpoint(): Promise<void> {
    const path = this.#checkpointPath;
    if (path === undefined || !this.#moved || this.#failStopped || this.#checkpointQueued) return this.#checkpointing;
    this.#checkpointQueued = true;
    this.#checkpointing = this.#checkpointing.then(async () => {
      this.#checkpointQueued = false;
      if (this.#failStopped) return;
      this.#moved = false;
      this.#ackedSinceCheckpoint = 0;
      const entries: CheckpointEntry[] = [];
      try {
        for (const file of this.#files.values()) {
          const at = file.progress.resumePoint();
          if (file.fingerprint === undefined || file.fingerprint.bytes < FINGERPRINT_BYTES) file.fingerprint = await fingerprintOf(file.handle, FINGERPRINT_BYTES);
          entries.push({ path: file.path, dev: file.dev, ino: file.ino, fingerprint: file.fingerprint.fingerprint, fingerprint_bytes: file.fingerprint.bytes, offset: at.offset, line: at.line });
        }
        // Files of the last checkpoint not found this run (yet) keep their place.
        for (const saved of this.#resumeFrom.values()) entries.push(saved);
        await writeCheckpoint(path, entries);
      } catch (error) {
        this.#moved = true;
        this.#ctx.throttledLog.warn('checkpoint', { path }, `${this.#ctx.label}: writing the checkpoint ${path}: ${(error as Error).message}; tried again at the next interval`);
      }
    });
    return this.#checkpointing;
  }
}

/** The `file_input` node type, listed in the catalogue (`nodes/index.ts`). */
export const fileInput = defineNode<FileInputSettings>({
  type: 'file_input',
  kind: 'input',
  schema: 'file_input.schema.json',
  check: checkFileInput,
  create: (settings, ctx) => new FileInputInstance(settings, ctx),
});
