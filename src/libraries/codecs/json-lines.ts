/**
 * Tuples' fields as JSON lines, the text `print_output` and `file_output` write: byte values as
 * base64 strings (JSON has no bytes), one line per tuple.
 */
import type { Fields } from '../../core/fields.js';
import { bytesAsBase64 } from '../../core/bytes-as-base64.js';

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
