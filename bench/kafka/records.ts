/**
 * The records every Kafka case reads: one lumberjack `1D` frame per record, ten text fields, about
 * 200 bytes, like an access-log line a Punch platform carries. Every record is different (ids,
 * paths, sizes and times vary) so no case measures a cache of one repeated string.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { encodeLumberjack } from '../../src/libraries/codecs/lumberjack-encode.js';

/** The ten fields of record `i`. `ts` is epoch milliseconds as text (the latency probe's send time). */
export function recordFields(i: number, ts: number = 1_700_000_000_000 + i): Record<string, string> {
  return {
    id: `e${((i * 2654435761) >>> 0).toString(36)}`,
    ts: String(ts),
    host: `web-${i % 17}`,
    app: 'checkout',
    level: i % 10 === 0 ? 'ERROR' : 'INFO',
    status: String(200 + (i % 5)),
    size: String(512 + (i % 4096)),
    path: `/orders/${i % 100_000}`,
    ip: `10.0.${i % 256}.${(i * 7) % 256}`,
    msg: `GET /orders/${i % 100_000} ${i % 97}ms`,
  };
}

/** The field names of {@link recordFields}, in order: what the punchlines publish. */
export const RECORD_FIELDS: readonly string[] = Object.keys(recordFields(0));

/** Record `i` as the value Kafka stores: one `1D` frame. */
export function recordValue(i: number, ts?: number): Buffer {
  return encodeLumberjack(recordFields(i, ts));
}

/** Records in the pool file the produce baselines cycle through (every client writes the same bytes). */
export const RECORD_POOL_SIZE = 100_000;

/**
 * Writes records `0 … count-1` to `file`, each as a 4-byte big-endian length then its bytes: what
 * the produce baselines write, the Node ones ({@link readRecordPool}) and the Java one
 * (`java/BenchClient.java`) alike.
 */
export function writeRecordPool(file: string, count: number = RECORD_POOL_SIZE): void {
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const value = recordValue(i);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(value.length);
    parts.push(length, value);
  }
  writeFileSync(file, Buffer.concat(parts));
}

/** The records of a pool file written by {@link writeRecordPool}. */
export function readRecordPool(file: string): Buffer[] {
  const bytes = readFileSync(file);
  const records: Buffer[] = [];
  for (let at = 0; at + 4 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    records.push(bytes.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  if (records.length === 0) throw new Error(`${file} holds no record`);
  return records;
}
