// The supervisor's decision after a punchline process exits: exit 0 ends it, exit 2 (invalid)
// is never restarted, exit 1, exit 3 and signals are restarted after a doubling back-off, a run
// that lasted resets the count, and too many failures in a row leave it down as a crash loop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideAfterExit, describeExit } from './restart-policy.js';
import type { ProcessExit, RestartPolicy } from './restart-policy.js';

const POLICY: RestartPolicy = { initialBackoffMs: 1000, maxBackoffMs: 8000, maxRestarts: 5, stableAfterMs: 60_000 };
const exit = (code: number | null, signal: NodeJS.Signals | null = null): ProcessExit => ({ code, signal });

test('each exit code leads to its decision', () => {
  const cases: [ProcessExit, string][] = [
    [exit(0), 'leave_down finished'],
    [exit(2), 'leave_down invalid'],
    [exit(1), 'restart 1000'],
    [exit(3), 'restart 1000'],
    [exit(null, 'SIGKILL'), 'restart 1000'],
  ];
  for (const [how, expected] of cases) {
    const decision = decideAfterExit(how, 0, 10, POLICY);
    assert.equal(decision.action === 'restart' ? `restart ${decision.delayMs}` : `leave_down ${decision.state}`, expected, describeExit(how));
  }
});

test('the back-off doubles up to its bound, a long run resets it, and past max restarts the punchline is left down', () => {
  let failures = 0;
  const delays: (number | string)[] = [];
  for (let run = 0; run < 6; run++) {
    const decision = decideAfterExit(exit(3), failures, 10, POLICY);
    failures = decision.failures;
    delays.push(decision.action === 'restart' ? decision.delayMs : decision.state);
  }
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 8000, 'crash_loop']);
  assert.deepEqual(decideAfterExit(exit(1), 4, 60_000, POLICY), { action: 'restart', delayMs: 1000, failures: 1 }, 'a run of a minute starts the count again');
});

test('exits are described for the status', () => {
  assert.equal(describeExit(exit(3)), 'exit 3 (fail-stop: resumes from its last commit)');
  assert.equal(describeExit(exit(null, 'SIGKILL')), 'killed by SIGKILL');
});
