/**
 * The encoder keeps the last sorted tag and column names and the last second's date text, so that
 * a stream of alike events does not sort, quote and format them again: an event of other tags,
 * other fields or another second, in between, must still come out exactly as Kapacitor writes it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeAlertEventRecord, type AlertEvent } from './index.js';

function event(time: bigint, data: AlertEvent['data']): AlertEvent {
  return { id: 'x', message: 'm', details: '', time, duration: 0n, level: 'WARNING', data, previousLevel: 'OK', recoverable: true };
}

const web = event(1_500_000_000n, { name: 'cpu', tags: { host: 'web', dc: 'eu' }, fields: { usage: 0.5, core: 2 } });
const db = event(1_250_000_000n, { name: 'mem', tags: { role: 'db' }, fields: { used: 7, free: 'a<b' } });
const beforeEpoch = event(-500_000_000n, { name: '', tags: {}, fields: { z: null, a: true } });
const batch = event(61_000_000_000n, {
  name: 'cpu',
  tags: { host: 'web', dc: 'eu' },
  fields: { usage: 0.5, core: 2 },
  rows: [
    { time: 60_000_000_000n, fields: { usage: 0.5, core: 2 } },
    { time: 61_000_000_001n, fields: { usage: 0.7 } },
  ],
});

const expected = new Map<AlertEvent, string>([
  [web, '{"id":"x","message":"m","details":"","time":"1970-01-01T00:00:01.5Z","duration":0,"level":"WARNING","data":{"series":[{"name":"cpu","tags":{"dc":"eu","host":"web"},"columns":["time","core","usage"],"values":[["1970-01-01T00:00:01.5Z",2,0.5]]}]},"previousLevel":"OK","recoverable":true}\n'],
  [db, '{"id":"x","message":"m","details":"","time":"1970-01-01T00:00:01.25Z","duration":0,"level":"WARNING","data":{"series":[{"name":"mem","tags":{"role":"db"},"columns":["time","free","used"],"values":[["1970-01-01T00:00:01.25Z","a\\u003cb",7]]}]},"previousLevel":"OK","recoverable":true}\n'],
  [beforeEpoch, '{"id":"x","message":"m","details":"","time":"1969-12-31T23:59:59.5Z","duration":0,"level":"WARNING","data":{"series":[{"columns":["time","a","z"],"values":[["1969-12-31T23:59:59.5Z",true,null]]}]},"previousLevel":"OK","recoverable":true}\n'],
  [batch, '{"id":"x","message":"m","details":"","time":"1970-01-01T00:01:01Z","duration":0,"level":"WARNING","data":{"series":[{"name":"cpu","tags":{"dc":"eu","host":"web"},"columns":["time","core","usage"],"values":[["1970-01-01T00:01:00Z",2,0.5],["1970-01-01T00:01:01.000000001Z",null,0.7]]}]},"previousLevel":"OK","recoverable":true}\n'],
]);

test('events of other tags, fields and seconds, interleaved, each serialize as Kapacitor writes them', () => {
  for (const order of [[web, db, web, beforeEpoch, web, batch, db, batch, beforeEpoch, db], [batch, batch, web, web, beforeEpoch, beforeEpoch, db, db]]) {
    for (const [index, alert] of order.entries()) assert.equal(encodeAlertEventRecord(alert), expected.get(alert), `event ${index} of ${order.length}`);
  }
});
