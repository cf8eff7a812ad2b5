/** A recording file read whatever its kind: a punchline recording, or Kapacitor's `.srpl` by its extension. */
import type { TimeUnit } from '../codecs/metric-document.js';
import type { RecordedRecord } from './recording-format.js';
import { readRecordingBatches } from './recording-reader.js';
import { isSrpl, readSrpl } from './kapacitor-srpl.js';

/** Options for `.srpl` files; a punchline recording carries everything itself. */
export interface RecordingSourceOptions {
  /** The timestamp unit of `.srpl` line protocol (default `ns`, InfluxDB's). */
  readonly precision?: TimeUnit;
  /** The topic of `.srpl` records (default `<db>.<rp>`). */
  readonly topic?: string;
}

/** The records of `file`, streamed in file order, in batches. */
export function openRecording(file: string, options: RecordingSourceOptions = {}): AsyncGenerator<RecordedRecord[]> {
  if (!isSrpl(file)) return readRecordingBatches(file);
  return inBatches(readSrpl(file, { precision: options.precision ?? 'ns', ...(options.topic !== undefined && { topic: options.topic }) }));
}

const SRPL_BATCH = 1000;

async function* inBatches(records: AsyncIterable<RecordedRecord>): AsyncGenerator<RecordedRecord[]> {
  let batch: RecordedRecord[] = [];
  for await (const record of records) {
    batch.push(record);
    if (batch.length >= SRPL_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
