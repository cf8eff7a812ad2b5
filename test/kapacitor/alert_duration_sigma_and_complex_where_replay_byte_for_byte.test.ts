/**
 * Kapacitor's TestStream_AlertDuration, TestStream_AlertSigma and TestStream_AlertComplexWhere,
 * replayed with `punchline replay` from their own .srpl points (line protocol through
 * kafka_input's influx codec), give the events Kapacitor's tests expect, byte for byte: the point's
 * tag outside the grouping (`type`) among the event's tags, the columns without it, durations in
 * nanoseconds, sigma's floats to the last digit. Another replay keeps the nanoseconds of line
 * protocol times through the event's time, duration and JSON, as Kapacitor does.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { runCli } from '../support/cli.js';
import { channelDir } from '../support/temp-dir.js';

let dir: string;

before(async () => {
  dir = await channelDir('acme', 'kapacitor');
});

after(async () => {
  await rm(dirname(dirname(dir)), { recursive: true, force: true });
});

/** The values of integrations/testdata/TestStream_AlertDuration.srpl (influxdata/kapacitor), one a second. */
const VALUES = [9, 9, 8, 8, 6, 8, 8, 8, 3, 5, 7, 7];
/** Kapacitor's test clock starts at 1971-01-01: its replay moves the recording's first point there. */
const START_S = Date.UTC(1971, 0, 1) / 1000;

/** `stream|from().measurement('cpu').where(lambda: "host" == 'serverA').groupBy('host')|alert()…` of the test. */
const PUNCHLINE = `{
  version: "1", type: "punchline",
  dag: [
    { type: "kafka_input", component: "points", settings: { brokers: "local", topic: "dbname.rpname", value_codec: { type: "influx", precision: "PRECISION" } },
      publish: [{ stream: "points", fields: ["_measurement", "_time", "_tags", "host", "type", "value"] }] },
    { type: "filter", component: "where", settings: { where: "\\"_measurement\\" == 'cpu' AND \\"host\\" == 'serverA'" },
      subscribe: [{ component: "points", stream: "points" }], publish: [{ stream: "points", fields: ["_measurement", "_time", "_tags", "host", "type", "value"] }] },
    { type: "alert", component: "alert",
      settings: { name_field: "_measurement", time_field: "_time", group_by: ["host"], id: "kapacitor/{{ .Name }}/{{ index .Tags \\"host\\" }}",
        details: "details", duration_field: "duration", warn: "\\"value\\" > 7.0", crit: "\\"value\\" > 8.0", state_changes_only: true },
      subscribe: [{ component: "where", stream: "points" }], publish: [{ stream: "alerts", fields: ["alert"] }] },
    { type: "print_output", component: "post", subscribe: [{ component: "alert", stream: "alerts" }] },
  ],
}`;

async function replayedEvents(name: string, srpl: string, precision: string, punchlineText = PUNCHLINE.replace('PRECISION', precision)): Promise<string[]> {
  const recording = join(dir, `${name}.srpl`);
  await writeFile(recording, srpl);
  const punchline = join(dir, `${name}.json5`);
  await writeFile(punchline, punchlineText);
  const capture = join(dir, `${name}-capture`);
  const { code, stderr } = await runCli(['replay', recording, punchline, '--precision', precision, '--capture', capture]);
  assert.equal(code, 0, stderr);
  return (await readFile(join(capture, 'post.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { alert: string }).alert);
}

/** Kapacitor's expected alert.Data of the test's request `n`, as Go's encoding/json writes it, and the newline of its Kafka and log handlers. */
function expected(level: string, previous: string, second: number, durationS: number, value: number): string {
  const time = `1971-01-01T00:00:${String(second).padStart(2, '0')}Z`;
  return (
    `{"id":"kapacitor/cpu/serverA","message":"kapacitor/cpu/serverA is ${level}","details":"details","time":"${time}","duration":${durationS * 1e9},"level":"${level}",` +
    `"data":{"series":[{"name":"cpu","tags":{"host":"serverA","type":"idle"},"columns":["time","value"],"values":[["${time}",${value}]]}]},` +
    `"previousLevel":"${previous}","recoverable":true}\n`
  );
}

test("TestStream_AlertDuration: Kapacitor's five events byte for byte, the tag outside the grouping among the tags", async () => {
  const srpl = VALUES.map((value, i) => `dbname\nrpname\ncpu,type=idle,host=serverA value=${value} ${START_S + i}\n`).join('');
  assert.deepEqual(await replayedEvents('alert-duration', srpl, 's'), [
    expected('CRITICAL', 'OK', 0, 0, 9),
    expected('WARNING', 'CRITICAL', 2, 2, 8),
    expected('OK', 'WARNING', 4, 4, 6),
    expected('WARNING', 'OK', 5, 0, 8),
    expected('OK', 'WARNING', 8, 3, 3),
  ]);
});

test('nanosecond times of line protocol stay nanoseconds in the event time, the duration and the series', async () => {
  const base = 1465839830100400200n;
  const points = [
    [base, 9],
    [base + 1_234_567_891n, 6],
  ] as const;
  const srpl = points.map(([time, value]) => `dbname\nrpname\ncpu,type=idle,host=serverA value=${value} ${time}\n`).join('');
  const [critical, ok] = await replayedEvents('nanoseconds', srpl, 'ns');
  assert.match(critical ?? '', /"time":"2016-06-13T17:43:50.1004002Z","duration":0,"level":"CRITICAL".*"values":\[\["2016-06-13T17:43:50.1004002Z",9\]\]/);
  assert.match(ok ?? '', /"time":"2016-06-13T17:43:51.334968091Z","duration":1234567891,"level":"OK".*"values":\[\["2016-06-13T17:43:51.334968091Z",6\]\]/);
});

/** The points of TestStream_AlertSigma.srpl and TestStream_AlertComplexWhere.srpl (the same data), moved to 1971 as Kapacitor's replay does. */
const SIGMA_POINTS = [
  ['cpu,type=idle,host=serverA value=97.1', 'cpu,type=idle,host=serverB value=97.1', 'disk,type=sda,host=serverB value=39'],
  ['cpu,type=idle,host=serverA value=92.6', 'cpu,type=idle,host=serverB value=92.6'],
  ['cpu,type=idle,host=serverA value=95.6', 'cpu,type=idle,host=serverB value=95.6'],
  ['cpu,type=idle,host=serverA value=93.1', 'cpu,type=idle,host=serverB value=93.1'],
  ['cpu,type=idle,host=serverA value=92.6', 'cpu,type=idle,host=serverB value=92.6'],
  ['cpu,type=idle,host=serverA value=95.8', 'cpu,type=idle,host=serverB value=95.8', 'cpu,type=idle,host=serverC value=95.8'],
  ['cpu,type=idle,host=serverA value=92.7', 'cpu,type=idle,host=serverB value=92.7'],
  ['cpu,type=idle,host=serverA value=16.0', 'cpu,type=idle,host=serverB value=96.0'],
  ['cpu,type=idle,host=serverA value=93.4', 'cpu,type=idle,host=serverB value=93.4', 'disk,type=sda,host=serverB value=423'],
  ['cpu,type=idle,host=serverA value=95.3', 'cpu,type=idle,host=serverB value=95.3'],
  ['cpu,type=idle,host=serverA value=96.4', 'cpu,type=idle,host=serverB value=96.4'],
  ['cpu,type=idle,host=serverA value=95.1', 'cpu,type=idle,host=serverB value=95.1'],
]
  .flatMap((lines, second) => lines.map((line) => `dbname\nrpname\n${line} ${START_S + second}\n`))
  .join('');

/** `stream|from().measurement('cpu').where(WHERE)[|eval(...)]|alert()…` on the sigma points, through print_output. */
function sigmaPunchline(where: string, evalNode: string, alertSettings: string): string {
  return `{
  version: "1", type: "punchline",
  dag: [
    { type: "kafka_input", component: "points", settings: { brokers: "local", topic: "dbname.rpname", value_codec: { type: "influx", precision: "s" } },
      publish: [{ stream: "points", fields: ["_measurement", "_time", "_tags", "host", "type", "value"] }] },
    { type: "filter", component: "where", settings: { where: "\\"_measurement\\" == 'cpu' AND ${where}" },
      subscribe: [{ component: "points", stream: "points" }], publish: [{ stream: "points", fields: ["_measurement", "_time", "_tags", "host", "type", "value"] }] },
    ${evalNode}
    { type: "alert", component: "alert", settings: { name_field: "_measurement", time_field: "_time", ${alertSettings} },
      subscribe: [{ component: "${evalNode === '' ? 'where' : 'sigma'}", stream: "points" }], publish: [{ stream: "alerts", fields: ["alert"] }] },
    { type: "print_output", component: "post", subscribe: [{ component: "alert", stream: "alerts" }] },
  ],
}`;
}

test("TestStream_AlertSigma: eval's sigma and the alert's INFO then OK, Kapacitor's floats to the last digit", async () => {
  const evalNode = `{ type: "eval", component: "sigma", settings: { time_field: "_time", expressions: [{ as: "sigma", lambda: "sigma(\\"value\\")" }] },
      subscribe: [{ component: "where", stream: "points" }], publish: [{ stream: "points", fields: ["_measurement", "_time", "_tags", "host", "type", "value", "sigma"] }] },`;
  const punchline = sigmaPunchline(String.raw`\"host\" == 'serverA'`, evalNode, String.raw`details: "{{ .Message }}", info: "\"sigma\" > 2.0", warn: "\"sigma\" > 3.0", crit: "\"sigma\" > 3.5"`);
  const series = (second: number, sigma: string, value: string): string =>
    `"data":{"series":[{"name":"cpu","tags":{"host":"serverA","type":"idle"},"columns":["time","sigma","value"],"values":[["1971-01-01T00:00:0${second}Z",${sigma},${value}]]}]}`;
  assert.deepEqual(await replayedEvents('alert-sigma', SIGMA_POINTS, 's', punchline), [
    `{"id":"cpu:nil","message":"cpu:nil is INFO","details":"cpu:nil is INFO","time":"1971-01-01T00:00:07Z","duration":0,"level":"INFO",${series(7, '2.469916402324427', '16')},"previousLevel":"OK","recoverable":true}\n`,
    `{"id":"cpu:nil","message":"cpu:nil is OK","details":"cpu:nil is OK","time":"1971-01-01T00:00:08Z","duration":1000000000,"level":"OK",${series(8, '0.3053477916297622', '93.4')},"previousLevel":"INFO","recoverable":true}\n`,
  ]);
});

test("TestStream_AlertComplexWhere: sigma inside the where, one CRITICAL with Kapacitor's empty details", async () => {
  const punchline = sigmaPunchline(String.raw`\"host\" == 'serverA' AND sigma(\"value\") > 2`, '', 'details: "", crit: "TRUE"');
  assert.deepEqual(await replayedEvents('alert-complex-where', SIGMA_POINTS, 's', punchline), [
    '{"id":"cpu:nil","message":"cpu:nil is CRITICAL","details":"","time":"1971-01-01T00:00:07Z","duration":0,"level":"CRITICAL","data":{"series":[{"name":"cpu","tags":{"host":"serverA","type":"idle"},"columns":["time","value"],"values":[["1971-01-01T00:00:07Z",16]]}]},"previousLevel":"OK","recoverable":true}\n',
  ]);
});
