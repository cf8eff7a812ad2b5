/**
 * Reading a recording (`recording-format.ts`) as a stream of records, a line at a time: memory
 * stays flat whatever the file's size. Every defect is an error naming the file and the line,
 * `recording FILE line N: …`, and the fix when there is one; nothing is skipped.
 */
import { createReadStream } from 'node:fs';
import { PunchlineError } from '../../core/errors.js';
import { RECORDING_FORMAT, RECORDING_VERSION } from './recording-format.js';
import type { RecordedHeader, RecordedRecord, RecordingHeader } from './recording-format.js';

const RECORD_MEMBERS = new Set(['topic', 'partition', 'offset', 'timestamp', 'key', 'value', 'headers']);
const HEADER_MEMBERS = new Set(['format', 'version', 'source']);

/** A line that is not what the format says, with what it should be. */
class LineDefect extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Base64 text as bytes (a Buffer, which is a Uint8Array), or null. Checked by length instead of a
 * pattern, which costs more than the decoding: Node's decoder skips what is not base64, so text
 * holding anything else, or padding inside, decodes to fewer bytes than its length promises.
 * (Node also reads the URL-safe alphabet, `-` and `_`, which is accepted as such.)
 */
function bytes(value: unknown, what: string): Uint8Array | null {
  if (value === null) return null;
  if (typeof value === 'string' && value.length % 4 === 0) {
    const buffer = Buffer.from(value, 'base64');
    const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
    if (buffer.length === (value.length / 4) * 3 - padding) return buffer;
  }
  throw new LineDefect(`${what} is not base64 text or null: ${JSON.stringify(value)?.slice(0, 60)}`);
}

function integer(value: unknown, what: string, minimum: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) {
    throw new LineDefect(`${what} must be an integer${minimum === 0 ? ' ≥ 0' : ''}, not ${JSON.stringify(value)}`);
  }
  return value;
}

function unknownMembers(value: Record<string, unknown>, known: ReadonlySet<string>, what: string): void {
  for (const name in value) {
    if (!known.has(name)) throw new LineDefect(`${what} has an unknown member "${name}"`, `a ${what} holds ${[...known].join(', ')}`);
  }
}

const NO_HEADERS: readonly RecordedHeader[] = Object.freeze([]);

/** A record line's JSON value, checked member by member. */
export function parseRecord(value: unknown): RecordedRecord {
  if (!isObject(value)) throw new LineDefect('a record line must be a JSON object');
  unknownMembers(value, RECORD_MEMBERS, 'record');
  const topic = value.topic;
  if (typeof topic !== 'string' || topic === '') throw new LineDefect(`topic must be a non-empty string, not ${JSON.stringify(topic)}`);
  const partition = integer(value.partition, 'partition', 0);
  const offset = integer(value.offset, 'offset', 0);
  const timestamp = integer(value.timestamp, 'timestamp', Number.MIN_SAFE_INTEGER);
  const key = bytes(value.key ?? null, 'key');
  const recordValue = bytes(value.value ?? null, 'value');
  const rawHeaders = value.headers ?? [];
  if (!Array.isArray(rawHeaders)) throw new LineDefect('headers must be a list of [name, base64 or null] pairs');
  const headers: readonly RecordedHeader[] = rawHeaders.length === 0 ? NO_HEADERS : rawHeaders.map((pair: unknown, index) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') {
      throw new LineDefect(`headers[${index}] must be a [name, base64 or null] pair, not ${JSON.stringify(pair)?.slice(0, 60)}`);
    }
    return [pair[0], bytes(pair[1], `headers[${index}] value`)] as const;
  });
  return { topic, partition, offset, timestamp, key, value: recordValue, headers };
}

/** The header line's JSON value; refuses another format and a newer version. */
export function parseHeader(value: unknown): RecordingHeader {
  const expected = `the first line is a header such as {"format":"${RECORDING_FORMAT}","version":${RECORDING_VERSION}}`;
  if (!isObject(value) || value.format !== RECORDING_FORMAT) throw new LineDefect(`not a punchline recording (no "format":"${RECORDING_FORMAT}" header)`, expected);
  unknownMembers(value, HEADER_MEMBERS, 'header');
  const version = integer(value.version, 'version', 1);
  if (version > RECORDING_VERSION) {
    throw new LineDefect(`version ${version} is newer than this punchline reads (${RECORDING_VERSION})`, 'replay it with the punchline version that recorded it, or a newer one');
  }
  if (value.source !== undefined && typeof value.source !== 'string') throw new LineDefect('source must be a string');
  return { format: RECORDING_FORMAT, version, ...(typeof value.source === 'string' && { source: value.source }) };
}

/** The error of a line: `recording FILE line N: …`. */
export function lineError(file: string, line: number, defect: unknown): PunchlineError {
  if (defect instanceof PunchlineError) return defect;
  const message = defect instanceof Error ? defect.message : String(defect);
  const hint = defect instanceof LineDefect ? defect.hint : undefined;
  return new PunchlineError('E_DECODE', `recording ${file} line ${line}: ${message}`, { context: { file, line }, ...(hint !== undefined && { hint }) });
}

/** The lines of a text file, a chunk (64 kB) at a time, with the number of the first (from 1); a last line without newline counts. */
export async function* lineChunks(file: string): AsyncGenerator<{ lines: string[]; first: number }> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 });
  let rest = '';
  let next = 1;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() as string;
      if (lines.length === 0) continue;
      yield { lines, first: next };
      next += lines.length;
    }
  } catch (error) {
    if (error instanceof PunchlineError) throw error;
    throw new PunchlineError('E_FILE_IO', `reading ${file}: ${(error as Error).message}`, { cause: error, context: { file } });
  } finally {
    stream.destroy();
  }
  if (rest !== '') yield { lines: [rest], first: next };
}

/** The lines of a text file one by one, with their numbers (from 1). */
export async function* numberedLines(file: string): AsyncGenerator<{ text: string; line: number }> {
  for await (const { lines, first } of lineChunks(file)) {
    for (let i = 0; i < lines.length; i++) yield { text: lines[i] as string, line: first + i };
  }
}

/**
 * The records of a recording file, in file order, a batch (the lines of 64 kB of the file; larger chunks make big strings the garbage collector moves: 1 MB costs a third more CPU)
 * at a time: what travels through a replay. The header is checked first; a blank line is a defect
 * like any other (a recording is written by a program). Throws a PunchlineError naming the file
 * and line (`E_DECODE`), or `E_FILE_IO` when the file cannot be read.
 */
export async function* readRecordingBatches(file: string): AsyncGenerator<RecordedRecord[]> {
  let header = false;
  for await (const { lines, first } of lineChunks(file)) {
    const batch: RecordedRecord[] = [];
    for (let i = 0; i < lines.length; i++) {
      const line = first + i;
      let value: unknown;
      try {
        value = JSON.parse(lines[i] as string);
      } catch (error) {
        throw lineError(file, line, new LineDefect(`not JSON: ${(error as Error).message}`, header ? undefined : `${file} is not a recording`));
      }
      try {
        if (header) batch.push(parseRecord(value));
        else {
          parseHeader(value);
          header = true;
        }
      } catch (error) {
        throw lineError(file, line, error);
      }
    }
    if (batch.length > 0) yield batch;
  }
  if (!header) throw lineError(file, 1, new LineDefect('the file is empty, a recording starts with its header line'));
}

/** The records of a recording file one by one (see {@link readRecordingBatches}). */
export async function* readRecording(file: string): AsyncGenerator<RecordedRecord> {
  for await (const batch of readRecordingBatches(file)) yield* batch;
}
