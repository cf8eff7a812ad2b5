/**
 * Writing tuples as JSON lines, batched, acking each tuple only once its line has been written:
 * the building block of `print_output` and `file_output`. Batching is what makes a write per
 * thousand tuples instead of a write per tuple; the flush interval bounds the added latency.
 */
import { bufferTime, concatMap, filter, from, mergeMap } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import { ack, fail } from '../node-api.js';
import type { Fields, Outcome, Tuple } from '../node-api.js';
import { asPunchlineError } from '../errors.js';
import { bytesAsBase64 } from './bytes-as-base64.js';

/** Whether a value holds bytes anywhere (strings and numbers, the common case, answer at once). */
function hasBytes(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (value instanceof Uint8Array) return true;
  for (const key in value) if (hasBytes((value as Record<string, unknown>)[key])) return true;
  return false;
}


/** One JSON line for a tuple's fields; byte values are written as base64 strings. */
export function toJsonLine(fields: Fields): string {
  return `${hasBytes(fields) ? JSON.stringify(fields, bytesAsBase64) : JSON.stringify(fields)}\n`;
}

/** A field's text as one line: strings as they are (newline added when missing), anything else as JSON. */
export function toRawLine(value: Fields[string] | undefined): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** Batching of a line writer. */
export interface LineBatching {
  readonly flush_interval_ms: number;
  readonly max_batch_size: number;
}

/**
 * An output operator writing JSON lines through `write` (which resolves once the text is handed
 * to the OS, or synced). A failed write fails every tuple of its batch.
 */
export function jsonLinesWriter(batching: LineBatching, write: (text: string) => Promise<void>, label: string, rawField?: string): OperatorFunction<Tuple, Outcome> {
  const line = rawField === undefined ? (t: Tuple) => toJsonLine(t.fields) : (t: Tuple) => toRawLine(t.fields[rawField]);
  return (tuples) =>
    tuples.pipe(
      bufferTime(batching.flush_interval_ms, null, batching.max_batch_size),
      filter((batch) => batch.length > 0),
      concatMap((batch) =>
        from(write(batch.map(line).join('')).then(
          () => batch.map((t) => ack(t)),
          (error: unknown) => batch.map((t) => fail(t, asPunchlineError(error, 'E_FILE_IO', `${label}: writing ${batch.length} lines`))),
        )).pipe(mergeMap((outcomes) => outcomes)),
      ),
    );
}
