/**
 * kafka_output writes an alert field as Kapacitor's record (JSON and newline) and any other string
 * as a JSON string. The alert bolt's records are known without parsing them again; the records it
 * encoded long ago, or that come from elsewhere, are recognised by parsing. Both ways must give
 * the same bytes, and a text that only looks like an alert must stay a string.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeAlertEventRecord } from '../../src/libraries/alerting/index.js';
import type { AlertEvent } from '../../src/libraries/alerting/index.js';
import { alertRecordOf } from './alert-value.js';

function event(i: number): AlertEvent {
  return {
    id: `cpu:host=web-${i}`,
    message: `web-${i} is CRITICAL`,
    details: '',
    time: 1_763_800_000_123_000_000n + BigInt(i),
    duration: BigInt(i) * 1_000_000_000n,
    level: 'CRITICAL',
    data: { name: 'cpu', tags: { host: `web-${i}` }, fields: { usage_idle: 12.5, msg: `sample ${i}` } },
    previousLevel: 'OK',
    recoverable: true,
  };
}

test('a record the alert bolt just encoded, then the same text again, then one encoded long ago: the same record each time', () => {
  const record = encodeAlertEventRecord(event(0));
  assert.equal(alertRecordOf(record), record, 'just encoded');
  assert.equal(alertRecordOf(record), record, 'asked about a second time: parsed');
  for (let i = 1; i <= 5000; i++) encodeAlertEventRecord(event(i));
  const old = encodeAlertEventRecord(event(5001));
  for (let i = 5002; i <= 10_000; i++) encodeAlertEventRecord(event(i));
  assert.equal(alertRecordOf(old), old, 'forgotten by now: parsed');
  assert.equal(alertRecordOf(old.slice(0, -1)), old, 'the JSON without its newline gets it');
});

test('texts that only look like alerts, and other values, are not alerts', () => {
  const json = encodeAlertEventRecord(event(1)).trimEnd();
  const parsed = JSON.parse(json) as Record<string, unknown>;
  for (const text of [json.replace('"level":"CRITICAL"', '"level":"SEVERE"'), JSON.stringify({ ...parsed, extra: 1 }), json.slice(0, -2), '{"id":"x"}', 'CRITICAL']) {
    assert.equal(alertRecordOf(text), undefined, text);
  }
  assert.equal(alertRecordOf(42), undefined);
  assert.equal(alertRecordOf(null), undefined);
});
