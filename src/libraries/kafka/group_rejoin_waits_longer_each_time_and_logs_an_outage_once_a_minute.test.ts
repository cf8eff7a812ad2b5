import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { GroupRejoin } from './group-rejoin.js';

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly attempts?: number;
  readonly outageSeconds?: number;
  readonly code?: string;
}

function capturedLogger(): { logger: pino.Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as LogLine);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, destination), lines };
}

/** Moves the mocked clock second by second, so a timer set by a timer's callback starts from its time. */
function advance(t: TestContext, seconds: number): void {
  for (let second = 0; second < seconds; second++) t.mock.timers.tick(1000);
}

/** Lets pino's stream write what was logged. */
const flushed = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('joins again after 1 s, then 2, 4, 8, 16, then every 30 s, until the member is back', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { logger } = capturedLogger();
  const rejoin = new GroupRejoin(logger, 'events', 'ops');
  const joinedAt: number[] = [];
  const join = (): void => {
    joinedAt.push(Date.now());
    // Every join fails until the eighth.
    if (joinedAt.length < 8) rejoin.failed(join, () => ({ text: 'coordinator unreachable', fields: {} }));
    else rejoin.joined();
  };
  assert.equal(rejoin.failed(join, () => ({ text: 'coordinator unreachable', fields: {} })), true, 'the first failure begins the outage');
  advance(t, 600);
  const delays = joinedAt.map((at, i) => at - (i === 0 ? 0 : (joinedAt[i - 1] ?? 0)));
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
});

test('an outage is told to the caller once, logged once a minute at most, and its end once', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { logger, lines } = capturedLogger();
  const rejoin = new GroupRejoin(logger, 'events', 'ops');
  let joins = 0;
  let begins = 0;
  const join = (): void => {
    joins++;
    if (rejoin.failed(join, () => ({ text: 'the coordinator of group "ops" is unreachable', fields: { code: 'COORDINATOR_NOT_AVAILABLE' } }))) begins++;
  };
  if (rejoin.failed(join, () => ({ text: 'never described: the first failure is told by the caller', fields: {} }))) begins++;
  advance(t, 300);
  rejoin.joined();
  rejoin.joined();
  await flushed();

  assert.equal(begins, 1, 'only the first failure is handed to the caller');
  const warnings = lines.filter((line) => line.level === 40);
  // Joins failing at 1, 3, 7, 15, 31, 61, 91, 121, ... 271 s: logged at 61, 121, 181 and 241 s.
  assert.deepEqual(warnings.map((warning) => warning.outageSeconds), [61, 121, 181, 241]);
  for (const warning of warnings) {
    assert.equal(warning.msg, 'the coordinator of group "ops" is unreachable; still joining the group again');
    assert.equal(warning.code, 'COORDINATOR_NOT_AVAILABLE');
  }
  const back = lines.filter((line) => line.level === 30);
  assert.equal(back.length, 1, 'the end of the outage is logged once');
  assert.equal(back[0]?.msg, 'back in group "ops" on topic "events": reading on');
  assert.equal(back[0]?.attempts, joins + 1);
  assert.equal(back[0]?.outageSeconds, 300);
});

test('a member that leaves joins no more', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { logger } = capturedLogger();
  const rejoin = new GroupRejoin(logger, 'events', 'ops');
  let joins = 0;
  rejoin.failed(() => joins++, () => ({ text: 'unreachable', fields: {} }));
  rejoin.stop();
  t.mock.timers.tick(60_000);
  assert.equal(joins, 0);
});
