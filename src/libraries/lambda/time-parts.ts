/**
 * Calendar parts of the point time, in UTC as in Kapacitor, computed with integer arithmetic so
 * that `hour("time")` costs no `Date` allocation per tuple.
 */

const MS_PER_DAY = 86_400_000;

function floorMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** Minute within the hour, 0..59. */
export function minuteOf(epochMs: number): number {
  return Math.floor(floorMod(epochMs, 3_600_000) / 60_000);
}

/** Hour within the day, 0..23. */
export function hourOf(epochMs: number): number {
  return Math.floor(floorMod(epochMs, MS_PER_DAY) / 3_600_000);
}

/** Day of the week, 0 (Sunday) .. 6. */
export function weekdayOf(epochMs: number): number {
  return floorMod(Math.floor(epochMs / MS_PER_DAY) + 4, 7);
}

/** The civil date of an epoch day (Howard Hinnant's days-to-civil algorithm). */
export function civilDate(epochDay: number): { year: number; month: number; day: number } {
  const z = epochDay + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

/** Day of the month, 1..31. */
export function dayOf(epochMs: number): number {
  return civilDate(Math.floor(epochMs / MS_PER_DAY)).day;
}

/** Month, 1..12. */
export function monthOf(epochMs: number): number {
  return civilDate(Math.floor(epochMs / MS_PER_DAY)).month;
}

/** Year. */
export function yearOf(epochMs: number): number {
  return civilDate(Math.floor(epochMs / MS_PER_DAY)).year;
}
