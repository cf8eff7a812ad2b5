/**
 * The time of a tuple, for nodes with time semantics (alerts, time functions in lambdas): read
 * from a field holding epoch milliseconds (a number or a numeric string) or an RFC 3339 / ISO 8601
 * string; without a time field, the time it is processed.
 */
import type { Fields } from './node-contract.js';

/** Epoch milliseconds of the tuple, or undefined when the field is missing or not a time. */
export function tupleTimeMs(fields: Fields, timeField: string | undefined): number | undefined {
  if (timeField === undefined) return Date.now();
  const value = fields[timeField];
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value === '') return undefined;
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}
