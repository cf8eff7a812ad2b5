/**
 * Kapacitor's stream recordings (`.srpl`, what `kapacitor record stream` saves and its
 * integration tests replay) read as records: the file is groups of three lines, database,
 * retention policy, then one line of line protocol; each line protocol line becomes the value of
 * one record, byte for byte, to be read by a `kafka_input` with `value_codec: { type: "influx" }`
 * (and Kapacitor's `precision`).
 *
 * A record's coordinates are made up: the topic given (by default `<db>.<rp>` of its group),
 * partition 0, offsets 0, 1, 2… in file order; its timestamp is the point's time (in epoch
 * milliseconds), or the previous record's when the point carries none. Headers: `db` and `rp`.
 */
import { PunchlineError } from '../../core/errors.js';
import { parseLineProtocol } from '../codecs/line-protocol.js';
import { DecodeError } from '../codecs/decode-error.js';
import type { TimeUnit } from '../codecs/metric-document.js';
import type { RecordedRecord } from './recording-format.js';
import { numberedLines } from './recording-reader.js';

/** How to turn a `.srpl` file into records. */
export interface SrplOptions {
  /** The unit of the line protocol timestamps (Kapacitor's `precision`); its tests use `s`. */
  readonly precision: TimeUnit;
  /** The topic of every record; default `<db>.<rp>` of each group. */
  readonly topic?: string;
}

/** Whether a file is read as a Kapacitor stream recording (by its extension). */
export function isSrpl(file: string): boolean {
  return file.toLowerCase().endsWith('.srpl');
}

/** The records of a `.srpl` file, in file order. Errors name the file and line, as a recording's do. */
export async function* readSrpl(file: string, options: SrplOptions): AsyncGenerator<RecordedRecord> {
  let db: string | undefined;
  let rp: string | undefined;
  let offset = 0;
  let timestamp = 0;
  let position = 0;
  for await (const { text, line } of numberedLines(file)) {
    if (position === 0 && text.trim() === '') continue; // blank lines between groups
    const role = position;
    position = (position + 1) % 3;
    if (role === 0) db = text;
    else if (role === 1) rp = text;
    else {
      let parsed: ReturnType<typeof parseLineProtocol>;
      try {
        parsed = parseLineProtocol(text, options.precision);
      } catch (error) {
        const message = error instanceof DecodeError ? error.message : String(error);
        throw new PunchlineError('E_DECODE', `recording ${file} line ${line}: ${message}`, {
          context: { file, line },
          hint: `a .srpl file is groups of three lines: database, retention policy, line protocol; check --precision (${options.precision})`,
        });
      }
      const metric = parsed[0]?.metric;
      if (metric === undefined || parsed.length !== 1) {
        throw new PunchlineError('E_DECODE', `recording ${file} line ${line}: expected one line protocol point, found ${parsed.length}`, { context: { file, line } });
      }
      if (metric.timestamp !== null) timestamp = Date.parse(metric.timestamp);
      const dbName = db ?? '';
      const rpName = rp ?? '';
      yield {
        topic: options.topic ?? `${dbName}.${rpName}`,
        partition: 0,
        offset: offset++,
        timestamp,
        key: null,
        value: Buffer.from(text, 'utf8'),
        headers: [
          ['db', Buffer.from(dbName, 'utf8')],
          ['rp', Buffer.from(rpName, 'utf8')],
        ],
      };
    }
  }
  if (position !== 0) throw new PunchlineError('E_DECODE', `recording ${file}: ends in the middle of a group (a database and retention policy without their line)`, { context: { file } });
}
