/**
 * The `template` of an alert record renders on Kapacitor's `alert.Data` (pure, no broker): a point's
 * event has one row in `.Data.Series`, a batch's event (a window's alert) one row per point, with
 * its own time, as Kapacitor's Kafka handler sees them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeAlertEventRecord } from '../../src/libraries/alerting/index.js';
import type { AlertEvent } from '../../src/libraries/alerting/index.js';
import { compileTemplate } from '../../src/libraries/template/index.js';
import { alertRecordEncoder } from './alert-value.js';

/** Row `i` of the series: its time and value (templates have no `range`). */
const row = (i: number): string => `[{{ index (index (index .Data.Series 0).Values ${i}) 0 }} {{ index (index (index .Data.Series 0).Values ${i}) 1 }}]`;
const rows = (count: number): string => `{{ .Level }} {{ len (index .Data.Series 0).Values }}:${Array.from({ length: count }, (_, i) => ` ${row(i)}`).join('')}`;
const SECOND = 1_000_000_000n;

function event(rows?: AlertEvent['data']['rows']): AlertEvent {
  return {
    id: 'cpu:host=a',
    message: 'a is CRITICAL',
    details: '',
    time: 2n * SECOND,
    duration: 0n,
    level: 'CRITICAL',
    data: { name: 'cpu', tags: { host: 'a' }, fields: { value: 97 }, ...(rows !== undefined && { rows }) },
    previousLevel: 'OK',
    recoverable: true,
  };
}

const render = (alert: AlertEvent, template: string): string => alertRecordEncoder('alert', compileTemplate(template, { name: 'template' }))(encodeAlertEventRecord(alert)).toString('utf8');

test("a point's event renders its one row", () => {
  assert.equal(render(event(), rows(1)), 'CRITICAL 1: [1970-01-01 00:00:02 +0000 UTC 97]');
});

test("a batch's event renders every row, each with its own time", () => {
  const points = [0n, 1n, 2n].map((s) => ({ time: s * SECOND, fields: { value: 95 + Number(s) } }));
  assert.equal(render(event(points), rows(3)), 'CRITICAL 3: [1970-01-01 00:00:00 +0000 UTC 95] [1970-01-01 00:00:01 +0000 UTC 96] [1970-01-01 00:00:02 +0000 UTC 97]');
});
