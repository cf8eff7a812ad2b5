/**
 * `punchline replay` without a broker: Kapacitor's TestStream_AlertStateChangesOnly.srpl (line
 * protocol) replayed into an alert with state changes only gives one alert per
 * crossing at the points' own times, as Kapacitor's replay would; and the mistakes a user makes
 * with recordings and inputs are named with their fix.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { runCli } from '../support/cli.js';
import { channelDir } from '../support/temp-dir.js';

let dir: string;

before(async () => {
  dir = await channelDir('acme', 'srpl');
});

after(async () => {
  await rm(dirname(dirname(dir)), { recursive: true, force: true });
});

/** serverA's points of integrations/testdata/TestStream_AlertStateChangesOnly.srpl in influxdata/kapacitor. */
const VALUES = ['97.1', '92.6', '95.6', '93.1', '92.6', '95.8', '92.7', '96.0', '93.4', '95.3', '92.4', '95.1'];
const SRPL = VALUES.map((v, i) => `dbname\nrpname\ncpu,type=idle,host=serverA value=${v} ${String(i + 1).padStart(10, '0')}\n`).join('');

const punchline = (inputs: string[]): string => `{
  version: "1", type: "punchline",
  dag: [
    ${inputs.map((c) => `{ type: "kafka_input", component: "${c}", settings: { brokers: "local", topic: "dbname.rpname", value_codec: { type: "influx", precision: "s" } },
      publish: [{ stream: "points", fields: ["host", "value", "_time"] }] },`).join('\n')}
    { type: "alert", component: "alert", settings: { name: "cpu", group_by: ["host"], time_field: "_time", crit: "\\"value\\" > 95.0", state_changes_only: true },
      subscribe: [${inputs.map((c) => `{ component: "${c}", stream: "points" }`).join(', ')}], publish: [{ stream: "alerts", fields: ["id", "level", "alert"] }] },
    { type: "print_output", component: "out", subscribe: [{ component: "alert", stream: "alerts" }] },
  ],
}`;

test('a Kapacitor .srpl replayed into an alert gives its state changes at the recorded times, written to the capture only, the same at the recorded pace (--real)', async () => {
  const srpl = join(dir, 'TestStream_AlertStateChangesOnly.srpl');
  await writeFile(srpl, SRPL);
  const file = join(dir, 'alert.json5');
  await writeFile(file, punchline(['points']));
  // --precision sets the records' timestamps, the pace of --real: read as milliseconds, the points
  // are a few milliseconds apart. Alerts take the points' own times (the codec's precision, s):
  // the same alerts at either pace.
  const fast = join(dir, 'fast');
  const real = join(dir, 'real');
  const [first, paced] = await Promise.all([
    runCli(['replay', srpl, file, '--precision', 'ms', '--capture', fast]),
    runCli(['replay', srpl, file, '--precision', 'ms', '--capture', real, '--real']),
  ]);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(paced.code, 0, paced.stderr);
  assert.equal(first.stdout, '', 'print_output was replaced by the capture');
  const [fastAlerts, realAlerts] = await Promise.all([fast, real].map((c) => readFile(join(c, 'out.jsonl'), 'utf8')));
  assert.equal(realAlerts, fastAlerts);
  const alerts = (fastAlerts ?? '').trim().split('\n').map((l) => JSON.parse((JSON.parse(l) as { alert: string }).alert) as { level: string; time: string });
  assert.deepEqual(
    alerts.map((a) => `${a.time} ${a.level}`),
    [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12].map((s, i) => `1970-01-01T00:00:${String(s).padStart(2, '0')}Z ${i % 2 === 0 ? 'CRITICAL' : 'OK'}`),
  );
});

test('replay names a missing recording, an unknown --input component, a kafka_input left without recording, and a malformed line', async () => {
  const two = join(dir, 'two-inputs.json5');
  await writeFile(two, punchline(['east', 'west']));
  const one = join(dir, 'one-input.json5');
  await writeFile(one, punchline(['points']));
  const bad = join(dir, 'bad.jsonl');
  await writeFile(bad, '{"format":"punchline-recording","version":1}\n{"topic":"t","partition":0,"offset":0,"timestamp":1,"key":null,"value":"%%%","headers":[]}\n');
  const [missing, unknown, left, malformed] = await Promise.all([
    runCli(['replay', join(dir, 'nope.jsonl'), one]),
    runCli(['replay', two, '--input', `eats=${bad}`, '--input', `west=${bad}`]),
    runCli(['replay', bad, two]),
    runCli(['replay', bad, one]),
  ]);
  assert.equal(missing.code, 1, missing.stderr);
  assert.match(missing.stderr, /punchline: recording .*nope\.jsonl cannot be read: ENOENT/);
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, /punchline: --input eats=.*: .*two-inputs\.json5 has no kafka_input "eats" \(did you mean "east"\?\)/);
  assert.equal(left.code, 2, left.stderr);
  assert.match(left.stderr, /has 2 kafka_input nodes without a recording \(east, west\) \(give each one with --input <component>=<file>\)/);
  assert.equal(malformed.code, 1, malformed.stderr);
  assert.match(malformed.stderr, /punchline: replay failed: kafka_input\[points\]: recording .*bad\.jsonl line 2: value is not base64 text or null/);
});
