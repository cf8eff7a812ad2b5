/**
 * The diff `punchline test` prints on a failure: which tuple, which field, both values, and for
 * long values (an alert's JSON) the place of the first difference; a count that differs lists
 * the tuples seen. Matching on all fields or only the fields given.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareTuples } from '../../src/cli/test-expectations.js';

test('equal tuples give no difference, in exact and fields matching', () => {
  const seen = [{ id: 'a', level: 'OK', n: 1 }];
  assert.deepEqual(compareTuples({ component: 'out', match: 'exact', tuples: [{ id: 'a', level: 'OK', n: 1 }] }, seen), []);
  assert.deepEqual(compareTuples({ component: 'out', match: 'fields', tuples: [{ level: 'OK' }] }, seen), []);
  assert.deepEqual(compareTuples({ component: 'out', match: 'exact', count: 1 }, seen), []);
});

test('a level changed is named with the tuple, the field, and both values', () => {
  const lines = compareTuples({ component: 'to_alerts', match: 'fields', tuples: [{ level: 'WARNING' }] }, [{ id: 'a', level: 'CRITICAL' }]);
  assert.deepEqual(lines, ['  to_alerts: tuple 1 of 1 differs', '    field "level":', '      expected "WARNING"', '      actual   "CRITICAL"']);
});

test('one byte changed in a long value is shown around its first difference, with a caret', () => {
  const alert = `{"id":"cpu:host=web-1","message":"Hey, check your CPU: web-1 is CRITICAL","details":"${'x'.repeat(200)}"}`;
  const changed = alert.replace('web-1 is', 'web-2 is');
  const lines = compareTuples({ component: 'to_alerts', match: 'exact', tuples: [{ alert: changed }] }, [{ alert }]);
  assert.equal(lines[1], '    field "alert":');
  assert.match(lines[4] ?? '', new RegExp(`\\^ first difference at character ${JSON.stringify(alert).indexOf('web-1 is') + 5}$`));
  assert.match(lines[2] ?? '', /^ {6}expected …/);
  assert.match(lines[3] ?? '', /^ {6}actual {3}…/);
  // The caret stands under the differing character of both excerpts.
  const caret = (lines[4] ?? '').indexOf('^');
  assert.equal((lines[2] ?? '')[caret], '2');
  assert.equal((lines[3] ?? '')[caret], '1');
});

test('exact matching reports fields not expected; a count that differs lists what was seen', () => {
  assert.deepEqual(compareTuples({ component: 'out', match: 'exact', tuples: [{ id: 'a' }] }, [{ id: 'a', extra: 1 }]), [
    '  out: tuple 1 of 1 differs',
    '    field "extra" is not expected',
    '      actual   1',
  ]);
  assert.deepEqual(compareTuples({ component: 'alert', stream: 'alerts', match: 'exact', count: 0 }, [{ id: 'a' }]), ['  alert/alerts: expected 0 tuples, got 1', '    + tuple 1: {"id":"a"}']);
  assert.deepEqual(compareTuples({ component: 'out', match: 'exact', tuples: [{ id: 'a' }, { id: 'b' }] }, [{ id: 'a' }]), [
    '  out: expected 2 tuples, got 1',
    '  out: tuple 2 is missing',
    '    - {"id":"b"}',
  ]);
});
