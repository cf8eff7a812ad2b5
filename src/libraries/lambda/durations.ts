/**
 * Durations the way TICKscript writes them (InfluxQL style: `10s`, `5m`, `1h30m`, `250ms`, `2u`),
 * held as a number of nanoseconds in a JS number. That is exact up to 2^53 ns (about 104 days) and
 * approximate, like any float, beyond.
 */

const NANOSECONDS_PER_UNIT: Readonly<Record<string, number>> = {
  ns: 1,
  u: 1e3,
  µ: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
  d: 86400e9,
  w: 604800e9,
};

/**
 * Parses a duration made of integer+unit pairs (`90s`, `1h30m`, `-5m`), as `duration('...')`
 * accepts. Returns `undefined` when the text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^(-?)((?:\d+(?:ns|u|µ|ms|s|m|h|d|w))+)$/.exec(text);
  if (match === null) return undefined;
  let total = 0;
  for (const part of (match[2] ?? '').matchAll(/(\d+)(ns|u|µ|ms|s|m|h|d|w)/g)) {
    total += Number(part[1]) * (NANOSECONDS_PER_UNIT[part[2] ?? ''] ?? Number.NaN);
  }
  return match[1] === '-' ? -total : total;
}

/**
 * Formats nanoseconds with the largest unit that divides them exactly (`90s`, `2h`, `1500ms`),
 * as `string(duration)` does in Kapacitor (InfluxQL's `FormatDuration`).
 */
export function formatDuration(nanoseconds: number): string {
  if (nanoseconds === 0) return '0s';
  const units: ReadonlyArray<readonly [string, number]> = [
    ['w', 604800e9],
    ['d', 86400e9],
    ['h', 3600e9],
    ['m', 60e9],
    ['s', 1e9],
    ['ms', 1e6],
    ['u', 1e3],
  ];
  for (const [unit, size] of units) {
    if (nanoseconds % size === 0) return `${nanoseconds / size}${unit}`;
  }
  return `${nanoseconds}ns`;
}
