/**
 * What the channel supervisor does when a punchline process exits, from its exit code
 * (`src/runtime/exit-codes.ts`): the decision alone, without processes or timers, so that it can
 * be read and tested on its own.
 *
 * - exit 0: the punchline ended (bounded inputs) or was stopped: not restarted;
 * - exit 2: its file or config is invalid: restarting cannot help, it is reported and left down;
 * - exit 1 (fatal: broker unreachable at start, a crash), exit 3 (fail-stop: it resumes from its
 *   last commit), or a signal (`kill -9`, the OOM killer): restarted after a back-off that doubles
 *   with each consecutive failure, up to a bound; a run that lasted `stableAfterMs` resets the
 *   count. Past `maxRestarts` consecutive failures it is left down in `crash_loop`.
 */
import { EXIT } from '../../runtime/exit-codes.js';

/** The supervisor's bounds. */
export interface RestartPolicy {
  /** The pause before the first restart; doubled for each consecutive failure. */
  readonly initialBackoffMs: number;
  /** The longest pause. */
  readonly maxBackoffMs: number;
  /** Consecutive failed runs restarted before giving up (`crash_loop`). */
  readonly maxRestarts: number;
  /** A run at least this long resets the count of consecutive failures. */
  readonly stableAfterMs: number;
}

/** The defaults of `punchline channel start`. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = { initialBackoffMs: 1_000, maxBackoffMs: 60_000, maxRestarts: 5, stableAfterMs: 60_000 };

/** How a process ended, as `child_process` reports it. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** What to do next. `failures` is the count of consecutive failed runs, this one included. */
export type ExitDecision =
  | { readonly action: 'restart'; readonly delayMs: number; readonly failures: number }
  | { readonly action: 'leave_down'; readonly state: 'finished' | 'invalid' | 'crash_loop'; readonly failures: number };

/** The meaning of an exit, for the status: `exit 3 (fail-stop: …)`, `killed by SIGKILL`. */
export function describeExit({ code, signal }: ProcessExit): string {
  if (signal !== null) return `killed by ${signal}`;
  switch (code) {
    case EXIT.OK:
      return 'exit 0 (ended or stopped)';
    case EXIT.FATAL:
      return 'exit 1 (fatal error)';
    case EXIT.USAGE:
      return 'exit 2 (invalid punchline or config: not restarted)';
    case EXIT.FAIL_STOP:
      return 'exit 3 (fail-stop: resumes from its last commit)';
    default:
      return `exit ${String(code)}`;
  }
}

/**
 * Decides after an exit. `previousFailures` counts the consecutive failed runs before this one,
 * `ranMs` how long this one ran.
 */
export function decideAfterExit(exit: ProcessExit, previousFailures: number, ranMs: number, policy: RestartPolicy): ExitDecision {
  if (exit.signal === null && exit.code === EXIT.OK) return { action: 'leave_down', state: 'finished', failures: 0 };
  if (exit.signal === null && exit.code === EXIT.USAGE) return { action: 'leave_down', state: 'invalid', failures: previousFailures + 1 };
  const failures = ranMs >= policy.stableAfterMs ? 1 : previousFailures + 1;
  if (failures > policy.maxRestarts) return { action: 'leave_down', state: 'crash_loop', failures };
  const delayMs = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (failures - 1));
  return { action: 'restart', delayMs, failures };
}
