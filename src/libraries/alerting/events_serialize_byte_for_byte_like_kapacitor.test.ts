/**
 * Events serialize exactly as Kapacitor's log and Kafka handlers write them (Go encoding/json of
 * alert.Data). Expected strings are written out literally, as Kapacitor would output them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda } from '../lambda/index.js';
import { AlertEngine, encodeAlertEvent, encodeAlertEventRecord, type AlertEngineOptions, type AlertPoint } from './index.js';

function firstEvent(options: Partial<AlertEngineOptions>, point: AlertPoint) {
  const engine = new AlertEngine({ taskName: 'cpu_alert', lambdas: { crit: compileLambda('"crit"', { predicate: true }) }, ...options });
  const event = engine.process(point);
  assert.ok(event !== undefined);
  return event;
}

test('a record is the JSON in Kapacitor field order, followed by a newline; empty tags are omitted', () => {
  const event = firstEvent({ details: '{{ .Message }}' }, { name: 'cpu', time: 1_500_000_000n, tags: {}, fields: { usage_idle: 65.5, host: 'h<1>', n: 10, crit: true } });
  assert.equal(
    encodeAlertEventRecord(event),
    '{"id":"cpu:nil","message":"cpu:nil is CRITICAL","details":"cpu:nil is CRITICAL","time":"1970-01-01T00:00:01.5Z","duration":0,"level":"CRITICAL",' +
      '"data":{"series":[{"name":"cpu","columns":["time","crit","host","n","usage_idle"],"values":[["1970-01-01T00:00:01.5Z",true,"h\\u003c1\\u003e",10,65.5]]}]},' +
      '"previousLevel":"OK","recoverable":true}\n',
  );
});

test('tags, escaping, Go float formats, nanosecond times and null values serialize as Go does', () => {
  const event = firstEvent(
    { groupBy: ['host', 'dc'], message: '{{ .ID }} {{ .Level }} at {{ .Time }}', details: '{{ index .Tags "host" }}' },
    {
      name: 'm',
      time: 1_709_647_629_123_456_789n,
      tags: { host: 'web&1', dc: 'eu' },
      fields: { big: 1e21, small: 1e-7, whole: 10.0, neg: -0.5, txt: 'line\nnext \u2028 "q"', crit: true, nothing: null },
    },
  );
  assert.equal(
    encodeAlertEvent(event),
    '{"id":"m:dc=eu,host=web\\u00261","message":"m:dc=eu,host=web\\u00261 CRITICAL at 2024-03-05 14:07:09.123456789 +0000 UTC","details":"web\\u0026amp;1",' +
      '"time":"2024-03-05T14:07:09.123456789Z","duration":0,"level":"CRITICAL",' +
      '"data":{"series":[{"name":"m","tags":{"dc":"eu","host":"web\\u00261"},"columns":["time","big","crit","neg","nothing","small","txt","whole"],' +
      '"values":[["2024-03-05T14:07:09.123456789Z",1e+21,true,-0.5,null,1e-7,"line\\nnext \\u2028 \\"q\\"",10]]}]},' +
      '"previousLevel":"OK","recoverable":true}',
  );
});

test('the default details is the HTML-escaped JSON of the template data with a newline, as Kapacitor renders it', () => {
  const event = firstEvent({ groupBy: ['host'] }, { name: 'cpu', time: 10_000_000_000n, tags: { host: 'a<b' }, fields: { value: 1.5, crit: true } });
  assert.equal(
    event.details,
    '{&#34;Name&#34;:&#34;cpu&#34;,&#34;TaskName&#34;:&#34;cpu_alert&#34;,&#34;Group&#34;:&#34;host=a\\u003cb&#34;,&#34;Tags&#34;:{&#34;host&#34;:&#34;a\\u003cb&#34;},' +
      '&#34;ID&#34;:&#34;cpu:host=a\\u003cb&#34;,&#34;Fields&#34;:{&#34;crit&#34;:true,&#34;value&#34;:1.5},&#34;Level&#34;:&#34;CRITICAL&#34;,' +
      '&#34;Time&#34;:&#34;1970-01-01T00:00:10Z&#34;,&#34;Duration&#34;:0,&#34;Message&#34;:&#34;cpu:host=a\\u003cb is CRITICAL&#34;}\n',
  );
  assert.ok(
    encodeAlertEvent(event).includes('"details":"{\\u0026#34;Name\\u0026#34;:\\u0026#34;cpu\\u0026#34;,'),
    'inside the event the details string is JSON-escaped again',
  );
  assert.ok(encodeAlertEvent(event).includes('\\u0026#34;}\\n","time"'));
});

test('with ServerInfo configured the template data carries it after Tags, as in Kapacitor 1.5+', () => {
  const event = firstEvent(
    { serverInfo: { hostname: 'kap1', clusterId: 'c', serverId: 's' }, details: '{{ json .ServerInfo }}', message: '{{ .ServerInfo.Hostname }}' },
    { name: 'cpu', time: 0n, tags: {}, fields: { crit: true } },
  );
  assert.equal(event.message, 'kap1');
  assert.equal(event.details, '{&#34;Hostname&#34;:&#34;kap1&#34;,&#34;ClusterID&#34;:&#34;c&#34;,&#34;ServerID&#34;:&#34;s&#34;}\n');
});

test('an unrecoverable event, an empty name and a long duration', () => {
  const engine = new AlertEngine({ taskName: 't', noRecoveries: true, details: '', lambdas: { crit: compileLambda('"v" > 1') } });
  engine.process({ name: '', time: 0n, tags: {}, fields: { v: 2 } });
  const event = engine.process({ name: '', time: 90_500_000_000n, tags: {}, fields: { v: 3 } });
  assert.ok(event !== undefined);
  assert.equal(
    encodeAlertEvent(event),
    '{"id":":nil","message":":nil is CRITICAL","details":"","time":"1970-01-01T00:01:30.5Z","duration":90500000000,"level":"CRITICAL",' +
      '"data":{"series":[{"columns":["time","v"],"values":[["1970-01-01T00:01:30.5Z",3]]}]},"previousLevel":"CRITICAL","recoverable":false}',
  );
});
