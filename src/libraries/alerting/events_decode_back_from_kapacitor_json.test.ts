/**
 * Kapacitor's alert JSON decodes back to the event it was encoded from (what a `template` on an
 * alert renders on), and a text that is not an alert event is refused with the reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PunchlineError } from '../../core/errors.js';
import { decodeAlertEvent, encodeAlertEvent, encodeAlertEventRecord, type AlertEvent } from './index.js';

const critical: AlertEvent = {
  id: 'cpu:host=web-1',
  message: 'web-1 is CRITICAL: usage_idle < 10 & "steal" > 5',
  details: '<b>check</b>',
  time: 1_709_647_629_123_456_789n,
  duration: 90_000_000_000n,
  level: 'CRITICAL',
  data: { name: 'cpu', tags: { host: 'web-1', dc: 'eu' }, fields: { usage_idle: 4.5, steal: 10, note: 'line\nnext', gone: null } },
  previousLevel: 'WARNING',
  recoverable: true,
};

const cases: readonly (readonly [string, AlertEvent])[] = [
  ['tags, nanosecond time, every kind of field', critical],
  ['no name, no tags (omitted from the JSON), whole seconds', { ...critical, time: 10_000_000_000n, data: { name: '', tags: {}, fields: { n: 1 } } }],
  [
    'a batch: a row per point, a value a later point lacks is null',
    {
      ...critical,
      data: { name: 'cpu', tags: { host: 'web-1' }, fields: { mean: 96.5, n: 1 }, rows: [{ time: 20_000_000_000n, fields: { mean: 96.5, n: 1 } }, { time: 22_500_000_000n, fields: { mean: 93, n: null } }] },
    },
  ],
  ['a recovery that cannot recover, before 1970', { ...critical, level: 'OK', previousLevel: 'CRITICAL', recoverable: false, time: -1_500_000_000n, duration: 0n }],
];

for (const [name, event] of cases) {
  test(`decoding gives back the encoded event: ${name}`, () => {
    assert.deepEqual(decodeAlertEvent(encodeAlertEvent(event)), event);
    assert.deepEqual(decodeAlertEvent(encodeAlertEventRecord(event)), event, 'the record, with its newline');
  });
}

const json = encodeAlertEvent(critical);
const refusals: readonly (readonly [string, string])[] = [
  ['unexpected token', 'CRITICAL'],
  ['not a JSON object', '["id"]'],
  ['"message" is not a string', '{"id":"x"}'],
  ['"level" is not one of OK, INFO, WARNING, CRITICAL', json.replace('"level":"CRITICAL"', '"level":"SEVERE"')],
  ['"time" "yesterday" is not an RFC 3339 UTC time', json.replace(/"time":"[^"]*"/, '"time":"yesterday"')],
  ['"duration" is not an integer of nanoseconds', json.replace('"duration":90000000000', '"duration":1.5')],
  ['"data" has no series', json.replace(/"data":\{.*\},"previousLevel"/, '"data":{},"previousLevel"')],
];

for (const [reason, text] of refusals) {
  test(`a text that is not an alert event is refused: ${reason}`, () => {
    assert.throws(
      () => decodeAlertEvent(text),
      (error: unknown) => error instanceof PunchlineError && error.code === 'E_DECODE' && error.message.startsWith('not a Kapacitor alert event: ') && error.message.includes(reason),
    );
  });
}
