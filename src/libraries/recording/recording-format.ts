/**
 * The recording format, version 1: JSON lines, a header line then one line per Kafka record, so a
 * recording streams (it is read and written a line at a time, whatever its size), diffs, greps and
 * survives `head`/`cat`. The user doc is `docs/recording-format.md`, the JSON Schema of a line
 * `schemas/recording.schema.json`.
 *
 *     {"format":"punchline-recording","version":1,"source":"kafka cluster local, topic mytenant.cpu"}
 *     {"topic":"mytenant.cpu","partition":2,"offset":41,"timestamp":1700000000123,"key":"d2ViLTE=","value":"eyJ…","headers":[["trace","YWJj"],["trace",null]]}
 *
 * Bytes (key, value, header values) are base64, or `null` (a record without key, a tombstone, a
 * header sent without value). Headers are an ordered list of `[name, value]` pairs, since Kafka
 * keeps their order and allows a name to repeat.
 */

/** The `format` of a recording's header line. */
export const RECORDING_FORMAT = 'punchline-recording';
/** The version this code writes and the highest it reads. */
export const RECORDING_VERSION = 1;

/** One header of a record: its name and value, `null` when the producer sent none. */
export type RecordedHeader = readonly [name: string, value: Uint8Array | null];

/** One Kafka record as it was read: its coordinates, timestamp, bytes and headers. */
export interface RecordedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** The Kafka timestamp, epoch milliseconds. */
  readonly timestamp: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  /** In the record's order; a name may repeat. */
  readonly headers: readonly RecordedHeader[];
}

/** The first line of a recording. */
export interface RecordingHeader {
  readonly format: typeof RECORDING_FORMAT;
  readonly version: number;
  /** Where the records come from, for people: a cluster and topic, a `.srpl` file. */
  readonly source?: string;
}

function base64(bytes: Uint8Array | null): string | null {
  return bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** The JSON line of a record (with its newline). Members in a fixed order, so equal records give equal bytes. */
export function recordLine(record: RecordedRecord): string {
  const line = {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: base64(record.key),
    value: base64(record.value),
    headers: record.headers.map(([name, value]) => [name, base64(value)]),
  };
  return `${JSON.stringify(line)}\n`;
}

/** The JSON line of a header (with its newline). */
export function headerLine(source?: string): string {
  const header: RecordingHeader = { format: RECORDING_FORMAT, version: RECORDING_VERSION, ...(source !== undefined && { source }) };
  return `${JSON.stringify(header)}\n`;
}
