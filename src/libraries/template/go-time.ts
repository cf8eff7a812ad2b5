/**
 * Go's two time renderings that alerts show: `time.Time.String()` in templates
 * (`1971-01-01 00:00:10 +0000 UTC`) and RFC 3339 with nanoseconds in JSON
 * (`1971-01-01T00:00:10Z`), both in UTC with trailing zeros of the fraction trimmed, and Go's
 * `time.Duration.String()` (`1h0m0s`, `1.5s`, `500ms`, `0s`).
 * Times are bigint nanoseconds since the epoch so no precision is lost.
 */

const NS_PER_SECOND = 1_000_000_000n;
const SECONDS_PER_DAY = 86_400n;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** The civil date of an epoch day (Howard Hinnant's days-to-civil algorithm, on bigints). */
function civilDate(epochDay: bigint): { year: bigint; month: number; day: number } {
  const z = epochDay + 719_468n;
  const era = floorDiv(z, 146_097n);
  const dayOfEra = z - era * 146_097n;
  const yearOfEra = (dayOfEra - dayOfEra / 1460n + dayOfEra / 36_524n - dayOfEra / 146_096n) / 365n;
  const dayOfYear = dayOfEra - (365n * yearOfEra + yearOfEra / 4n - yearOfEra / 100n);
  const shiftedMonth = (5n * dayOfYear + 2n) / 153n;
  const day = Number(dayOfYear - (153n * shiftedMonth + 2n) / 5n + 1n);
  const month = Number(shiftedMonth < 10n ? shiftedMonth + 3n : shiftedMonth - 9n);
  const year = yearOfEra + era * 400n + (month <= 2 ? 1n : 0n);
  return { year, month, day };
}

function pad(value: number | bigint, width: number): string {
  return String(value).padStart(width, '0');
}

/** Splits a time into its civil parts and the fraction digits (`.5`, `.000001`, or `` when whole). */
function parts(epochNs: bigint): { date: string; clock: string; fraction: string } {
  const seconds = floorDiv(epochNs, NS_PER_SECOND);
  const nanos = epochNs - seconds * NS_PER_SECOND;
  const day = floorDiv(seconds, SECONDS_PER_DAY);
  const secondOfDay = Number(seconds - day * SECONDS_PER_DAY);
  const { year, month, day: dayOfMonth } = civilDate(day);
  const yearText = year < 0n ? `-${pad(-year, 4)}` : pad(year, 4);
  const clock = `${pad(Math.floor(secondOfDay / 3600), 2)}:${pad(Math.floor(secondOfDay / 60) % 60, 2)}:${pad(secondOfDay % 60, 2)}`;
  return { date: `${yearText}-${pad(month, 2)}-${pad(dayOfMonth, 2)}`, clock, fraction: fractionDigits(nanos) };
}

/** `.5`, `.000001`, or `` when whole: nanoseconds within a second as Go prints them. */
function fractionDigits(nanos: bigint): string {
  if (nanos === 0n) return '';
  // Under 10^9: exact as a number, its trailing zeros dropped by division rather than a regular expression.
  let digits = Number(nanos);
  let width = 9;
  while (digits % 10 === 0) {
    digits /= 10;
    width--;
  }
  return `.${pad(digits, width)}`;
}

/**
 * The RFC 3339 text up to the fraction (`2024-01-01T00:00:00`) of the last second formatted: the
 * events of a stream come seconds apart at most, so the civil date is worked out once per second.
 */
let lastSecond: bigint | undefined;
let lastSecondText = '';

/** Go's `time.Time.String()` for a UTC time: `2006-01-02 15:04:05.999999999 +0000 UTC`. */
export function formatGoTime(epochNs: bigint): string {
  const { date, clock, fraction } = parts(epochNs);
  return `${date} ${clock}${fraction} +0000 UTC`;
}

/** Go's RFC 3339 with nanoseconds (`time.RFC3339Nano`), as `encoding/json` writes a `time.Time`. */
export function formatRfc3339Nano(epochNs: bigint): string {
  const seconds = floorDiv(epochNs, NS_PER_SECOND);
  if (seconds !== lastSecond) {
    const { date, clock } = parts(seconds * NS_PER_SECOND);
    lastSecond = seconds;
    lastSecondText = `${date}T${clock}`;
  }
  return `${lastSecondText}${fractionDigits(epochNs - seconds * NS_PER_SECOND)}Z`;
}

/** The digits of `value / 10^precision` after the point, without trailing zeros (Go's `fmtFrac`). */
function fraction(value: bigint, precision: number): { text: string; whole: bigint } {
  const scale = 10n ** BigInt(precision);
  const frac = value % scale;
  const text = frac === 0n ? '' : `.${pad(frac, precision).replace(/0+$/, '')}`;
  return { text, whole: value / scale };
}

/** Go's `time.Duration.String()`: `72h3m0.5s`, `1m30s`, `1.5s`, `2ms`, `1.5µs`, `10ns`, `0s`. */
export function formatGoDuration(nanoseconds: bigint): string {
  if (nanoseconds === 0n) return '0s';
  const negative = nanoseconds < 0n;
  const u = negative ? -nanoseconds : nanoseconds;
  let text: string;
  if (u < NS_PER_SECOND) {
    const [precision, unit] = u < 1_000n ? [0, 'ns'] : u < 1_000_000n ? [3, 'µs'] : [6, 'ms'];
    const { text: frac, whole } = fraction(u, precision);
    text = `${whole}${frac}${unit}`;
  } else {
    const { text: frac, whole: seconds } = fraction(u, 9);
    text = `${seconds % 60n}${frac}s`;
    const minutes = seconds / 60n;
    if (minutes > 0n) {
      text = `${minutes % 60n}m${text}`;
      const hours = minutes / 60n;
      if (hours > 0n) text = `${hours}h${text}`;
    }
  }
  return negative ? `-${text}` : text;
}

