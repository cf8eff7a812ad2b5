/**
 * The kill -9 loop of the crash tests (`nodes/kafka_input`, `nodes/file_input`): a punchline run
 * with the real CLI is killed with SIGKILL at a random moment while it writes, and restarted,
 * again and again; then it runs once more until every id is written, and stops cleanly.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCli, waitFor } from './cli.js';
import type { CliRun } from './cli.js';

/** What the loop runs and how it sees the output. */
export interface KillLoop {
  /** The arguments of `punchline run` (the punchline file, its platform config). */
  readonly args: readonly string[];
  readonly kills: number;
  /** The ids the punchline wrote so far, one per line (a run is killed once they grow). */
  readonly ids: () => Promise<number[]>;
  /** How many distinct ids the last run must write (asked once the last run is up). */
  readonly expected: () => number;
  /** What an id stands for, in the waits' messages: `record`, `line`. */
  readonly what: string;
  /** Between the last kill and the last start: the input stops growing. */
  readonly beforeLastRun?: () => Promise<void>;
}

/**
 * Runs the loop: each run is killed at a random moment within 1.5 s once it wrote something (not
 * while it starts or joins), and must die of SIGKILL; the last run must be running before it waits
 * for the ids (a signal during start-up would kill it before it handles signals), then stops on
 * SIGTERM with exit code 0. A run still alive when the loop fails is killed.
 */
export async function killAndRestart(loop: KillLoop): Promise<void> {
  const start = (): CliRun => startCli(['run', ...loop.args], { PUNCHLINE_LOG_LEVEL: 'info' });
  let run: CliRun | undefined;
  try {
    for (let kill = 1; kill <= loop.kills; kill++) {
      run = start();
      const before = (await loop.ids()).length;
      await waitFor(async () => (await loop.ids()).length > before, 60_000, `run ${kill} to write`);
      await sleep(Math.random() * 1500);
      run.child.kill('SIGKILL');
      const { signal } = await run.exit;
      assert.equal(signal, 'SIGKILL', `run ${kill} was killed`);
    }
    await loop.beforeLastRun?.();
    const last = start();
    run = last;
    await waitFor(() => last.stderr().includes('"msg":"running"'), 60_000, 'the last run to start');
    await waitFor(async () => new Set(await loop.ids()).size >= loop.expected(), 120_000, `every ${loop.what} after the last restart`);
    run.child.kill('SIGTERM');
    const { code, stderr } = await run.exit;
    assert.equal(code, 0, stderr);
  } finally {
    run?.child.kill('SIGKILL');
  }
}
