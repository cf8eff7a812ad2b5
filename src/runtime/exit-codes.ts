/**
 * The exit codes of every `punchline` command, documented in the README's CLI reference.
 * Supervisors (systemd, Kubernetes, Shiva) read them to decide whether to restart.
 */
export const EXIT = {
  /** Success; also a graceful stop on SIGINT/SIGTERM after draining. */
  OK: 0,
  /** A fatal runtime error: a node could not start (unreachable broker, bad credentials) or crashed. */
  FATAL: 1,
  /** Bad usage or an invalid punchline / config: fix the input, restarting will not help. */
  USAGE: 2,
  /** Fail-stop: an input with `fail_action: exit` saw a failed tuple. Restart to resume from the last commit. */
  FAIL_STOP: 3,
} as const;
