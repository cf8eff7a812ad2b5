/**
 * Kapacitor's `match` rules of handler specs: `changed()`, `level()` against the level constants,
 * `name()`, `taskName()`, `alertDuration()` and tag references, with its errors for what it refuses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PunchlineError } from '../../core/errors.js';
import { compileHandlerMatch } from './handler-match.js';
import type { MatchedEvent } from './handler-match.js';

const event = (overrides: Partial<MatchedEvent> = {}): MatchedEvent => ({
  level: 'CRITICAL',
  previousLevel: 'OK',
  name: 'cpu',
  taskName: 'cpu_alert',
  duration: 90_000_000_000n,
  tags: { host: 'a' },
  ...overrides,
});

test('changed() == TRUE passes a level change and holds back a repeated level', () => {
  const match = compileHandlerMatch('changed() == TRUE');
  assert.equal(match.test(event()), true);
  assert.equal(match.test(event({ previousLevel: 'CRITICAL' })), false);
});

test('level() >= WARNING AND "host" == \'a\' passes WARNING and CRITICAL of host a only', () => {
  const match = compileHandlerMatch('level() >= WARNING AND "host" == \'a\'');
  assert.deepEqual(match.tags, ['host']);
  assert.equal(match.test(event({ level: 'WARNING' })), true);
  assert.equal(match.test(event({ level: 'CRITICAL' })), true);
  assert.equal(match.test(event({ level: 'INFO' })), false);
  assert.equal(match.test(event({ level: 'OK' })), false);
  assert.equal(match.test(event({ tags: { host: 'b' } })), false);
});

test("an event without the tag a rule reads fails the rule (Kapacitor's no tag exists)", () => {
  const match = compileHandlerMatch('"host" == \'a\'');
  assert.throws(() => match.test(event({ tags: {} })), /field "host" is missing/);
});

test('name(), taskName() and alertDuration() read the event', () => {
  assert.equal(compileHandlerMatch("name() == 'cpu' AND taskName() == 'cpu_alert'").test(event()), true);
  assert.equal(compileHandlerMatch('alertDuration() > 1m').test(event()), true);
  assert.equal(compileHandlerMatch('alertDuration() > 2m').test(event()), false);
  assert.equal(compileHandlerMatch('level() == OK').test(event({ level: 'OK' })), true);
});

test('errors point at the column written: unknown identifier, arguments, not a condition', () => {
  const error = (source: string): PunchlineError => {
    try {
      compileHandlerMatch(source);
    } catch (e) {
      if (e instanceof PunchlineError) return e;
      throw e;
    }
    assert.fail(`${source} compiled`);
  };
  assert.match(error('level() >= WARN').message, /at column 12: unknown identifier "WARN"/);
  assert.match(error('changed(1) == TRUE').message, /at column 1: changed takes no arguments/);
  assert.match(error('WARNING + 1').message, /must give TRUE or FALSE/);
  assert.match(error('CRITICAL == level() AND nope()').message, /at column 25: .*nope/);
});
