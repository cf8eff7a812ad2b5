/**
 * A warning that may repeat for every record (a record that cannot be decoded, a tuple that can
 * never be written) is logged at most once per interval and per key, with the count of the ones
 * not logged since. The counters say how many happened; the log says that it happens, and why.
 */
import type { Logger } from 'pino';

/** How often a repeated warning is logged by default. */
export const THROTTLED_LOG_INTERVAL_MS = 10_000;

/** Warnings logged at most once per interval per key. One per node: its executors share it. */
export class ThrottledLog {
  readonly #last = new Map<string, { at: number; notLogged: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs: number = THROTTLED_LOG_INTERVAL_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Logs `message` at warn level unless a warning of the same `key` was logged less than an
   * interval ago; the next one logged carries `notLogged`, how many were left out in between.
   * Keys should be few (a kind of failure, a topic): each is remembered.
   */
  warn(key: string, fields: Record<string, unknown>, message: string): void {
    const now = this.now();
    const last = this.#last.get(key);
    if (last !== undefined && now - last.at < this.intervalMs) {
      last.notLogged++;
      return;
    }
    const notLogged = last?.notLogged ?? 0;
    this.#last.set(key, { at: now, notLogged: 0 });
    this.logger.warn({ ...fields, ...(notLogged > 0 && { notLogged }) }, message);
  }
}
