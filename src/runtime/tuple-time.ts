/**
 * The time of a tuple, for nodes with time semantics (alerts, time functions in lambdas): read
 * from a field holding epoch milliseconds (a number or a numeric string) or an RFC 3339 / ISO 8601
 * string; without a time field, the time it is processed. {@link tupleTimeNs} keeps the
 * nanoseconds a text carries (line protocol and Telegraf times have nine fractional digits).
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

const FRACTION = /^(.*T\d{2}:\d{2}:\d{2})\.(\d+)(.*)$/;
const NUMERIC = /^-?\d+(\.\d+)?$/;

/**
 * Epoch nanoseconds of the tuple, or undefined when the field is missing or not a time: as
 * {@link tupleTimeMs}, with every fractional digit of an RFC 3339 / ISO 8601 text kept (up to
 * nine, further ones are cut), where a JavaScript Date keeps three.
 */
export function tupleTimeNs(fields: Fields, timeField: string | undefined): bigint | undefined {
  const value = timeField === undefined ? undefined : fields[timeField];
  if (typeof value === 'string' && !NUMERIC.test(value)) {
    const parts = FRACTION.exec(value);
    if (parts !== null) {
      const [, whole = '', digits = '', zone = ''] = parts;
      const seconds = Date.parse(`${whole}${zone}`);
      return Number.isNaN(seconds) ? undefined : BigInt(seconds) * 1_000_000n + BigInt(digits.slice(0, 9).padEnd(9, '0'));
    }
  }
  const ms = tupleTimeMs(fields, timeField);
  if (ms === undefined) return undefined;
  // Whole milliseconds and their fraction apart: ms * 1e6 as one double is not exact past 2^53.
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
}
