/**
 * A graceful stop returns within `topology.drain.timeout.secs`, whatever the nodes do: an input
 * whose stop() and close() never resolve, an output whose write never yields and whose close()
 * hangs. What it gives up on is failed (tuples) or logged (nodes), and nothing of the run keeps the
 * process alive afterwards: this file has to exit on its own, with a 10-minute write still pending.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/runtime/logging.js';
import type { Logger } from '../../src/runtime/logging.js';
import { recorder } from '../support/test-nodes.js';
import { startPunchline } from '../support/run-punchline.js';
import { DEFAULT_PLATFORM_CONFIG } from '../../src/runtime/config/load-platform-config.js';

/** Timer latency on a loaded machine: how far past its deadline a stop may return. */
const SLACK_MS = 300;

/** A logger whose lines the test reads. */
function capturedLogger(): { logger: Logger; lines: () => { level: string; msg: string; [key: string]: unknown }[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ level: 'info', pretty: false, destination });
  return { logger, lines: () => chunks.join('').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { level: string; msg: string }) };
}

async function timedStop(stop: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await stop();
  return performance.now() - started;
}

test('stop() returns within the drain timeout when the input never stops nor closes and the output never writes nor closes', async () => {
  const { logger, lines } = capturedLogger();
  const { topology, result } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "recording_input", component: "in", settings: { recorder: "stuck-everything", count: 50, stop_never_resolves: true, close_never_resolves: true },
        publish: [{ stream: "s", fields: ["id"] }] },
      { type: "slow_output", component: "out", settings: { batch_size: 1, delay_ms: 600000, close_never_resolves: true }, subscribe: [{ component: "in", stream: "s" }] },
    ],
    settings: { "topology.max.spout.pending": 5, "topology.drain.timeout.secs": 1 },
  }`, DEFAULT_PLATFORM_CONFIG, undefined, logger);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const elapsed = await timedStop(() => topology.stop('test over'));
  assert.ok(elapsed < 1000 + SLACK_MS, `stop() took ${elapsed.toFixed(0)} ms with a 1 s drain timeout`);
  assert.equal((await result).exitCode, 0, 'a bounded stop is still a graceful stop');

  const seen = recorder('stuck-everything');
  assert.deepEqual(seen.failed.map((f) => f.id), [0, 1, 2, 3, 4], 'the tuples in flight in the stuck output were failed, to be replayed');
  assert.match(seen.failed[0]?.message ?? '', /not acked before the drain timeout \(1s\)/);

  const warnings = lines().filter((line) => line.level === 'warn').map((line) => line.msg);
  const said = (pattern: RegExp): void => assert.ok(warnings.some((msg) => pattern.test(msg)), `a warning matching ${pattern}, in:\n${warnings.join('\n')}`);
  said(/recording_input\[in\] did not stop in time/);
  said(/drain timed out: 5 in-flight tuples failed .*slow_output\[out\] had not finished and were torn down/);
  said(/slow_output\[out\] did not close in time/);
  said(/recording_input\[in\] did not close in time/);
  assert.ok(lines().some((line) => line.msg === 'stopped'), 'the run still logs its end');
});

test('an input waiting for capacity behind a stuck output stops at once: only the drain waits', async () => {
  const { logger, lines } = capturedLogger();
  const { topology, result } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "generator_input", component: "gen", settings: { messages: [{ msg: "m" }] }, publish: [{ stream: "s", fields: ["msg", "_ppf_id"] }] },
      { type: "slow_output", component: "out", settings: { batch_size: 1, delay_ms: 600000 }, subscribe: [{ component: "gen", stream: "s" }] },
    ],
    settings: { "topology.max.spout.pending": 5, "topology.drain.timeout.secs": 1 },
  }`, DEFAULT_PLATFORM_CONFIG, undefined, logger);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const elapsed = await timedStop(() => topology.stop('test over'));
  assert.ok(elapsed < 1000 + SLACK_MS, `stop() took ${elapsed.toFixed(0)} ms with a 1 s drain timeout`);
  assert.equal((await result).exitCode, 0);
  const warnings = lines().filter((line) => line.level === 'warn').map((line) => line.msg);
  assert.ok(!warnings.some((msg) => /did not stop in time/.test(msg)), `the generator stopped when asked, though it was waiting for capacity:\n${warnings.join('\n')}`);
  assert.ok(warnings.some((msg) => /drain timed out: 5 in-flight tuples failed/.test(msg)), `the stuck output's tuples were given up at the drain deadline:\n${warnings.join('\n')}`);
});
