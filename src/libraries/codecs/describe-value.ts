/**
 * How encode errors show the value they could not write: its type and, for scalars, the value,
 * cut short so a large field never floods a log line.
 */

/** A short description of a value for error messages, e.g. `string "abc"`, `12 bytes`, `an array`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof value} ${String(value)}`;
    default:
      return `a ${typeof value}`;
  }
}
