/**
 * A metric as Telegraf and InfluxDB shape it — a measurement name, string tags, typed fields and
 * a time — and how it becomes the fields of a tuple. The line protocol codec and the Telegraf
 * JSON codec both decode to this one document, so a punchline reads the same fields whichever
 * serializer its Telegraf uses, and JSON pointers (`/tags/host`) mean the same in both.
 *
 * The document follows the layout of Telegraf's JSON serializer (`name`, `tags`, `fields`,
 * `timestamp`), except that `timestamp` is always an RFC 3339 UTC text with nine fractional
 * digits (or `null` when the producer gave none): epoch nanoseconds do not fit a JavaScript
 * number, and a text keeps every digit, sorts in time order and is read by the alert bolt's
 * `time_field` as it is.
 */
import type { FieldValue } from '../../core/fields.js';
import { newFieldMap } from './json-value.js';

/** A decoded metric; every map in it inherits nothing ({@link newFieldMap}). */
export interface MetricDocument {
  readonly [key: string]: FieldValue;
  readonly name: string;
  readonly tags: { readonly [key: string]: string };
  readonly fields: { readonly [key: string]: FieldValue };
  /** RFC 3339 UTC with nine fractional digits, or null when the metric carried no time. */
  readonly timestamp: string | null;
}

/**
 * Field holding the measurement name among a metric's fields. InfluxDB reserves names starting
 * with `_` (its own query language calls these two `_measurement` and `_time`), so no tag or
 * field of a well-formed metric takes them.
 */
export const MEASUREMENT_FIELD = '_measurement';
/** Field holding the metric's time (see {@link MEASUREMENT_FIELD}). */
export const TIME_FIELD = '_time';
/**
 * Field listing the names of the metric's tags (those no field of the same key hides), so that
 * the alert bolt tells tags from fields as Kapacitor does (see {@link MEASUREMENT_FIELD}).
 */
export const TAGS_FIELD = '_tags';

/**
 * The fields of a metric: every tag, then every field (a field wins over a tag of the same key;
 * the tag stays readable as `/tags/<key>`), then `_measurement`, `_time` and `_tags`, set last so
 * that no tag or field can forge them.
 */
export function metricFields(metric: MetricDocument): Record<string, FieldValue> {
  const out = newFieldMap();
  const tagNames: string[] = [];
  for (const key of Object.keys(metric.tags)) {
    out[key] = metric.tags[key] ?? null;
    if (!Object.hasOwn(metric.fields, key)) tagNames.push(key);
  }
  for (const key of Object.keys(metric.fields)) out[key] = metric.fields[key] ?? null;
  out[MEASUREMENT_FIELD] = metric.name;
  out[TIME_FIELD] = metric.timestamp;
  out[TAGS_FIELD] = tagNames;
  return out;
}

/** A timestamp unit: InfluxDB's write `precision`, or Telegraf's `json_timestamp_units`. */
export type TimeUnit = 'ns' | 'us' | 'ms' | 's';

const NANOS_PER_UNIT: Readonly<Record<TimeUnit, bigint>> = { ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n };
const NANOS_PER_SECOND = 1_000_000_000n;
/** InfluxDB stores times as signed 64-bit nanoseconds: the range of a line protocol timestamp. */
const MIN_NANOS = -(2n ** 63n);
const MAX_NANOS = 2n ** 63n - 1n;

/**
 * The RFC 3339 text of an integer count of `unit` since the epoch, with nine fractional digits;
 * undefined when it is outside InfluxDB's range (signed 64-bit nanoseconds, years 1677 to 2262).
 */
export function formatEpoch(count: bigint, unit: TimeUnit): string | undefined {
  const nanos = count * NANOS_PER_UNIT[unit];
  if (nanos < MIN_NANOS || nanos > MAX_NANOS) return undefined;
  let seconds = nanos / NANOS_PER_SECOND;
  let fraction = nanos % NANOS_PER_SECOND;
  if (fraction < 0n) {
    seconds -= 1n;
    fraction += NANOS_PER_SECOND;
  }
  const whole = new Date(Number(seconds) * 1000).toISOString(); // ….000Z
  return `${whole.slice(0, -4)}${fraction.toString().padStart(9, '0')}Z`;
}

const FRACTION_DIGITS: Readonly<Record<TimeUnit, number>> = { ns: 9, us: 6, ms: 3, s: 0 };
/** Whole seconds below which a count is surely inside InfluxDB's range (its end is 9223372036.854775807 s). */
const SAFE_SECONDS = 9_223_372_035;
const DIGITS = /^\d+$/;

/**
 * {@link formatEpoch} for the decimal digits of a timestamp as a record holds them, fast on the
 * common case: a non-negative count whose seconds are split from the digits as text, and the
 * date part reused while records keep to the same second (metrics of one scrape share it).
 * One formatter per codec: the cache is its own.
 */
export class EpochFormatter {
  #lastSeconds = '';
  #lastPrefix = '';

  /** As {@link formatEpoch}; `digits` is an optional `-` and decimal digits. */
  format(digits: string, unit: TimeUnit): string | undefined {
    const fractionDigits = FRACTION_DIGITS[unit];
    if (!DIGITS.test(digits) || digits.length > 10 + fractionDigits) return formatEpoch(BigInt(digits), unit);
    const split = digits.length - fractionDigits;
    const seconds = split > 0 ? digits.slice(0, split) : '0';
    if (Number(seconds) > SAFE_SECONDS) return formatEpoch(BigInt(digits), unit);
    const fraction = (split > 0 ? digits.slice(split) : digits.padStart(fractionDigits, '0')).padEnd(9, '0');
    if (seconds !== this.#lastSeconds) {
      this.#lastPrefix = utcSecond(Number(seconds));
      this.#lastSeconds = seconds;
    }
    return `${this.#lastPrefix}.${fraction}Z`;
  }
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/**
 * `YYYY-MM-DDTHH:MM:SS` of a non-negative count of epoch seconds below 2^33, without a Date: the
 * civil date of a day count (H. Hinnant's days-to-civil algorithm), exact for the proleptic
 * Gregorian calendar that RFC 3339 and `Date.prototype.toISOString` use.
 */
function utcSecond(epochSeconds: number): string {
  const days = Math.floor(epochSeconds / 86_400);
  const secondOfDay = epochSeconds - days * 86_400;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(secondOfDay / 3600);
  const minute = Math.floor((secondOfDay % 3600) / 60);
  return `${year}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(secondOfDay % 60)}`;
}
