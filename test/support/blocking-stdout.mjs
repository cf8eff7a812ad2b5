/**
 * Preloaded into every test process by test/run.ts: makes stdout blocking when it is a pipe.
 *
 * A test file runs in a child process that streams its verdicts to the runner over a pipe, and
 * `--test-force-exit` ends that child with `process.exit()`. Pipe writes are asynchronous on
 * Linux, so the exit could cut off the last verdicts of a file: they vanished from the report
 * with exit code 0 (nodejs/node#64833; seen here: the last 6 tests of one file missing from a CI
 * count). Blocking writes are all delivered before the exit.
 *
 * Plain JavaScript on purpose: it is loaded before the tsx loader is in place.
 */
import process from 'node:process';

const handle = /** @type {{ _handle?: { setBlocking?: (blocking: boolean) => void } }} */ (process.stdout)._handle;
handle?.setBlocking?.(true);
