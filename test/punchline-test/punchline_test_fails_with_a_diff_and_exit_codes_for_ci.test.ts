/**
 * `punchline test` as CI runs it, through the real CLI: the example tests pass (exit 0); the cpu
 * alert's test with the expected alert changed by one level, or by one byte of its JSON, fails
 * (exit 1) with a diff that names the file, the expectation, the tuple, the field and the first
 * differing character; an invalid test file is refused (exit 2) with `file:line:col  /json/path`;
 * and file_input, generator_input and kafka_input punchlines are tested from their lines, tuples
 * and records (keys, headers, timestamps, partitions), with an expectation on a bolt's stream.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { runCli } from '../support/cli.js';
import { channelDir } from '../support/temp-dir.js';

const PUNCHLINES = resolve(import.meta.dirname, '../../punchlines');

test('the tests of the example punchlines pass', async () => {
  const { code, stdout, stderr } = await runCli(['test', PUNCHLINES]);
  assert.equal(code, 0, stdout + stderr);
  assert.match(stdout, /PASS {2}.*cpu_alert\.test\.json5 {2}a host under 10% idle CPU is CRITICAL once/);
  assert.doesNotMatch(stdout, /FAIL/);
});

test('an expected alert changed by one level or by one byte fails with a readable diff, exit 1', async () => {
  const channel = await channelDir('mytenant', 'monitoring');
  const root = resolve(channel, '../..');
  try {
    await cp(join(PUNCHLINES, 'platform.json5'), join(root, 'platform.json5'));
    await cp(join(PUNCHLINES, 'mytenant/monitoring/cpu_alert.json5'), join(channel, 'cpu_alert.json5'));
    await cp(join(PUNCHLINES, 'mytenant/monitoring/cpu_alert.recording.jsonl'), join(channel, 'cpu_alert.recording.jsonl'));
    const original = await readFile(join(PUNCHLINES, 'mytenant/monitoring/cpu_alert.test.json5'), 'utf8');
    const level = original.replace('{ id: "cpu:host=web-1", level: "CRITICAL",', '{ id: "cpu:host=web-1", level: "WARNING",');
    assert.notEqual(level, original);
    await writeFile(join(channel, 'cpu_alert.test.json5'), level);
    const byte = original.replace('"previousLevel":"OK"', '"previousLevel":"Ok"').replace('{\n  tests:', '{\n  punchline: "cpu_alert.json5",\n  tests:');
    assert.equal(byte.length, original.length + 'punchline: "cpu_alert.json5",\n  '.length);
    await writeFile(join(channel, 'cpu_alert_one_byte.test.json5'), byte);

    const { code, stdout, stderr } = await runCli(['test', root]);
    assert.equal(code, 1, stdout + stderr);
    assert.match(stdout, /FAIL {2}.*cpu_alert\.test\.json5 {2}a host under 10% idle CPU is CRITICAL once/);
    assert.match(stdout, /expect 1 \(.*cpu_alert\.test\.json5:\d+:\d+\):\n {4}to_cpu_alerts: tuple 1 of 2 differs\n {6}field "level":\n {8}expected "WARNING"\n {8}actual {3}"CRITICAL"/);
    assert.match(stdout, /FAIL {2}.*cpu_alert_one_byte\.test\.json5 {2}a host under 10% idle CPU is CRITICAL once/);
    assert.match(stdout, /to_cpu_alerts: tuple 1 of 2 differs\n {6}field "alert":\n {8}expected ….*previousLevel\\":\\"Ok.*\n {8}actual {3}….*previousLevel\\":\\"OK.*\n +\^ first difference at character \d+/);
    assert.match(stdout, /4 passed, 2 failed \(2 test files\)/, 'the other tests of both files still pass');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('an invalid test file is refused with file, line, column and JSON path, exit 2', async () => {
  const channel = await channelDir('acme', 'unit');
  try {
    await writeFile(join(channel, 'hello.json5'), `{ version: "1", type: "punchline", dag: [
      { type: "generator_input", component: "samples", settings: { messages: [{ host: "a" }], count: 1, end_when_acked: true }, publish: [{ stream: "cpu", fields: ["host"] }] },
      { type: "print_output", subscribe: [{ component: "samples", stream: "cpu" }] } ] }`);
    await writeFile(join(channel, 'hello.test.json5'), `{
  tests: [
    { name: "typos", inputs: { sample: [{ value: { host: "a" } }] },
      expect: [{ component: "print_output", count: "1" }, { component: "samples", count: 1 }] },
  ],
}`);
    const { code, stdout, stderr } = await runCli(['test', join(channel, 'hello.test.json5')]);
    assert.equal(code, 2, stdout + stderr);
    assert.match(stderr, /hello\.test\.json5:4:\d+ {2}\/tests\/0\/expect\/0\/count {2}must be integer/);
    await writeFile(join(channel, 'hello.test.json5'), `{
  tests: [
    { name: "wrong names", inputs: { sample: [{ value: { host: "a" } }] },
      expect: [{ component: "print_output", count: 1 }, { component: "samples", count: 1 }] },
  ],
}`);
    const second = await runCli(['test', join(channel, 'hello.test.json5')]);
    assert.equal(second.code, 2, second.stdout + second.stderr);
    assert.match(second.stderr, /hello\.test\.json5:3:\d+ {2}\/tests\/0\/inputs\/sample {2}hello\.json5 has no node "sample" \(did you mean "samples"\?\)/);
    assert.match(second.stderr, /hello\.test\.json5:4:\d+ {2}\/tests\/0\/expect\/1 {2}"samples" is an input: say which of its streams to look at \(stream: "cpu"\)/);
    assert.match(second.stdout, /0 passed, 1 test file invalid/);
  } finally {
    await rm(resolve(channel, '../..'), { recursive: true, force: true });
  }
});

test('a file_input punchline is tested from its lines, a generator_input one from its tuples, a kafka_input one from keys, headers and timestamps, a bolt from its stream', async () => {
  const channel = await channelDir('acme', 'logs');
  try {
    await mkdir(channel, { recursive: true });
    await writeFile(join(channel, 'errors.json5'), `{ version: "1", type: "punchline", dag: [
      { type: "file_input", component: "logs", settings: { paths: ["/var/log/app/*.log"], tail: true, checkpoint_path: "/var/lib/app.checkpoint.json" },
        publish: [{ stream: "lines", fields: ["level", "msg", "_ppf_file_line"] }, { stream: "_ppf_errors", fields: ["_ppf_error_message", "_ppf_file_line"] }] },
      { type: "filter", component: "errors_only", settings: { where: "\\"level\\" == 'error'" }, subscribe: [{ component: "logs", stream: "lines" }], publish: [{ stream: "errors", fields: ["msg", "_ppf_file_line"] }] },
      { type: "file_output", component: "archive", settings: { path: "/var/log/errors.jsonl" }, subscribe: [{ component: "errors_only", stream: "errors" }, { component: "logs", stream: "_ppf_errors" }] } ] }`);
    await writeFile(join(channel, 'errors.test.json5'), `{
  tests: [
    { name: "error lines are kept, a line that is not JSON is a dead letter with its line number",
      inputs: { logs: [{ value: { level: "info", msg: "up" } }, { value: '{"level":"error","msg":"disk full"}' }, { value: "oops" }] },
      expect: [
        { component: "errors_only", stream: "errors", tuples: [{ msg: "disk full", _ppf_file_line: 2 }] },
        { component: "archive", match: "fields", count: 2, tuples: [{ msg: "disk full" }, { _ppf_file_line: 3 }] },
      ] },
  ],
}`);
    await writeFile(join(channel, 'gen.json5'), `{ version: "1", type: "punchline", dag: [
      { type: "generator_input", component: "samples", settings: { messages: [{ host: "web-%{cycle:1|2}", usage_idle: "%{random:0:100}" }] }, publish: [{ stream: "cpu", fields: ["host", "usage_idle"] }] },
      { type: "filter", component: "low", settings: { where: "\\"usage_idle\\" < 10" }, subscribe: [{ component: "samples", stream: "cpu" }], publish: [{ stream: "cpu", fields: ["host"] }] },
      { type: "print_output", subscribe: [{ component: "low", stream: "cpu" }] } ] }`);
    await writeFile(join(channel, 'gen.test.json5'), `{
  tests: [
    { name: "only idle CPU under 10 passes",
      inputs: { samples: [{ value: { host: "a", usage_idle: 50 } }, { value: { host: "b", usage_idle: 5 } }] },
      expect: [{ component: "print_output", tuples: [{ host: "b" }] }] },
  ],
}`);
    await writeFile(join(channel, 'kafka.json5'), `{ version: "1", type: "punchline", dag: [
      { type: "kafka_input", component: "input", settings: { brokers: "local", topic: "events", value_codec: { type: "json" }, key_codec: { type: "string" },
          headers_fields: [{ header: "trace", field: "trace", type: "string" }, { header: "n", field: "n", type: "integer" }] },
        publish: [{ stream: "s", fields: ["key", "a", "trace", "n", "_ppf_topic_name", "_ppf_partition_id", "_ppf_partition_offset", "_ppf_kafka_timestamp"] }] },
      { type: "print_output", subscribe: [{ component: "input", stream: "s" }] } ] }`);
    await writeFile(join(channel, 'kafka.test.json5'), `{
  tests: [
    { name: "key, headers, timestamp and partition reach the fields through the node's decoding",
      inputs: { input: [
        { value: { a: 1 }, key: "k1", headers: { trace: "t-1", other: null }, headers_base64: { n: "AAAAKg==" }, timestamp: "2024-03-04T17:10:00.5Z", partition: 3 },
        { value_base64: "eyJhIjoyfQ==", timestamp: 1700000000000, partition: 3 },
      ] },
      expect: [{ component: "print_output", tuples: [
        { key: "k1", a: 1, trace: "t-1", n: 42, _ppf_topic_name: "events", _ppf_partition_id: 3, _ppf_partition_offset: 0, _ppf_kafka_timestamp: 1709572200500 },
        { key: null, a: 2, trace: null, n: null, _ppf_topic_name: "events", _ppf_partition_id: 3, _ppf_partition_offset: 1, _ppf_kafka_timestamp: 1700000000000 },
      ] }] },
  ],
}`);
    const { code, stdout, stderr } = await runCli(['test', channel]);
    assert.equal(code, 0, stdout + stderr);
    assert.match(stdout, /3 passed \(3 test files\)/);
  } finally {
    await rm(resolve(channel, '../..'), { recursive: true, force: true });
  }
});
