/**
 * The four alert levels, lowest to highest. Names are what Kapacitor writes in events
 * (`"level":"CRITICAL"`); ranks drive the level choice (evaluate from CRITICAL down).
 */

/** An alert level. */
export type AlertLevel = 'OK' | 'INFO' | 'WARNING' | 'CRITICAL';

/** The levels by rank: `LEVELS[0]` is OK, `LEVELS[3]` is CRITICAL. */
export const LEVELS: readonly AlertLevel[] = ['OK', 'INFO', 'WARNING', 'CRITICAL'];

/** The rank of a level, 0 (OK) to 3 (CRITICAL). */
export function levelRank(level: AlertLevel): number {
  return LEVELS.indexOf(level);
}

/** The level of a rank. */
export function levelOfRank(rank: number): AlertLevel {
  return LEVELS[rank] ?? 'OK';
}
