/**
 * `file_input` without tail, as its README describes it: JSON lines spread into typed fields,
 * raw lines in one field, the reserved fields (path, line, offset), lines that do not decode on
 * `_ppf_errors` with file and line (counted, never dropped silently), glob patterns, the input
 * ending once everything is acked, a failed line replayed (or, with fail_action exit, the run
 * stopped), a restart resuming at the checkpoint (only lines appended since are read), and a
 * recording read record by record.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { metricValue, startPunchline } from '../../test/support/run-punchline.js';
import { channelDir } from '../../test/support/temp-dir.js';
import { headerLine, recordLine } from '../../src/libraries/recording/index.js';

type Line = Record<string, unknown>;

async function lines(file: string): Promise<Line[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text === '' ? [] : text.trimEnd().split('\n').map((line) => JSON.parse(line) as Line);
}

/** Runs file_input (settings) → [between] → file_output to its end; what reached the output and the error file. */
async function readAll(dir: string, settings: string, fields: readonly string[], between = ''): Promise<{ out: Line[]; errors: Line[]; errorCount: number | undefined }> {
  const out = join(dir, 'out.jsonl');
  const errors = join(dir, 'errors.jsonl');
  await rm(out, { force: true });
  await rm(errors, { force: true });
  const upstream = between === '' ? 'files' : 'between';
  const { result, registry } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "file_input", component: "files", settings: { ${settings} },
        publish: [{ stream: "s", fields: ${JSON.stringify(fields)} },
                  { stream: "_ppf_errors", fields: ["_ppf_error_message", "_ppf_error_document", "_ppf_file_line"] }] },
      ${between}
      { type: "file_output", component: "out", settings: { path: "${out}", flush_interval_ms: 1 }, subscribe: [{ component: "${upstream}", stream: "s" }] },
      { type: "file_output", component: "dead", settings: { path: "${errors}", flush_interval_ms: 1 }, subscribe: [{ component: "files", stream: "_ppf_errors" }] },
    ],
  }`);
  const { exitCode, reason } = await result;
  assert.equal(exitCode, 0, reason);
  return { out: await lines(out), errors: await lines(errors), errorCount: await metricValue(registry, 'punchline_file_input_decode_errors_total', 'files') };
}

test('JSON lines become typed fields with their file, line and offset; bad lines reach _ppf_errors with their line number; the run ends', async () => {
  const dir = await channelDir();
  const file = join(dir, 'in.log');
  const text = '{"host":"web-1","usage_idle":7.5,"up":true,"tags":{"dc":"eu"}}\n\n[1,2]\r\n{"host":"web-2","_ppf_file_line":"forged"}\r\nnot json\n{"host":"web-3"}';
  await writeFile(file, text);
  const { out, errors, errorCount } = await readAll(dir, `paths: ["${file}"]`, ['host', 'usage_idle', 'up', 'tags', '_ppf_file_path', '_ppf_file_line', '_ppf_file_offset']);
  assert.deepEqual(out, [
    { host: 'web-1', usage_idle: 7.5, up: true, tags: { dc: 'eu' }, _ppf_file_path: file, _ppf_file_line: 1, _ppf_file_offset: 0 },
    { host: 'web-2', usage_idle: null, up: null, tags: null, _ppf_file_path: file, _ppf_file_line: 4, _ppf_file_offset: text.indexOf('{"host":"web-2"') },
    { host: 'web-3', usage_idle: null, up: null, tags: null, _ppf_file_path: file, _ppf_file_line: 6, _ppf_file_offset: text.indexOf('{"host":"web-3"') },
  ]);
  assert.deepEqual(
    errors.map((e) => [e._ppf_file_line, e._ppf_error_document]),
    [[3, '[1,2]'], [5, 'not json']],
    'the array and the text line, by line number, with their text; the blank line 2 holds no record',
  );
  assert.match(String(errors[0]?._ppf_error_message), new RegExp(`^file_input\\[files\\]: ${file} line 3: the line is not a json object but an array`));
  assert.match(String(errors[1]?._ppf_error_message), /line 5: the line is not valid json/);
  assert.equal(errorCount, 2, 'both counted');
});

test('raw lines are one field; a glob reads every matching file in name order, hidden files and folders aside', async () => {
  const dir = await channelDir();
  await mkdir(join(dir, 'logs', 'sub'), { recursive: true });
  await writeFile(join(dir, 'logs', 'b.log'), 'b one\nb two\n');
  await writeFile(join(dir, 'logs', 'a.log'), 'a one\n{"not":"parsed"}\n');
  await writeFile(join(dir, 'logs', 'sub', 'c.log'), 'c one\n');
  await writeFile(join(dir, 'logs', '.hidden.log'), 'hidden\n');
  await writeFile(join(dir, 'logs', 'a.txt'), 'other\n');
  const flat = await readAll(dir, `paths: ["${dir}/logs/*.log"], format: "lines", line_field: "text"`, ['text', '_ppf_file_line']);
  assert.deepEqual(flat.out, [
    { text: 'a one', _ppf_file_line: 1 },
    { text: '{"not":"parsed"}', _ppf_file_line: 2 },
    { text: 'b one', _ppf_file_line: 1 },
    { text: 'b two', _ppf_file_line: 2 },
  ]);
  const deep = await readAll(dir, `paths: ["${dir}/**/*.log"], format: "lines"`, ['message']);
  assert.deepEqual(deep.out.map((l) => l.message), ['a one', '{"not":"parsed"}', 'b one', 'b two', 'c one']);
});

test('a failed line is emitted again and the run still ends once it is acked', async () => {
  const dir = await channelDir();
  const file = join(dir, 'in.log');
  await writeFile(file, Array.from({ length: 5 }, (_, id) => JSON.stringify({ id })).join('\n') + '\n');
  const { out } = await readAll(dir, `paths: ["${file}"]`, ['id'], `{ type: "scripted_bolt", component: "between", settings: { fail_ids: [2], times: 1 }, subscribe: [{ component: "files", stream: "s" }], publish: [{ stream: "s", fields: ["id"] }] },`);
  assert.deepEqual(out.map((l) => l.id).sort(), [0, 1, 2, 3, 4], 'line 3 (id 2) reached the output on its replay');
});

test('a restart resumes at the checkpoint: only the lines appended since are read', async () => {
  const dir = await channelDir();
  const file = join(dir, 'in.log');
  const checkpoint = join(dir, 'state', 'files.checkpoint.json');
  await mkdir(dirname(checkpoint), { recursive: true });
  await writeFile(file, '{"id":0}\n{"id":1}\n');
  const settings = `paths: ["${file}"], checkpoint_path: "${checkpoint}"`;
  assert.deepEqual((await readAll(dir, settings, ['id', '_ppf_file_line'])).out, [{ id: 0, _ppf_file_line: 1 }, { id: 1, _ppf_file_line: 2 }]);
  const saved = JSON.parse(await readFile(checkpoint, 'utf8')) as { version: number; files: { path: string; offset: number; line: number }[] };
  assert.equal(saved.version, 1);
  assert.deepEqual(saved.files.map((f) => [f.path, f.offset, f.line]), [[file, 18, 3]]);

  await appendFile(file, '{"id":2}\n');
  assert.deepEqual((await readAll(dir, settings, ['id', '_ppf_file_line'])).out, [{ id: 2, _ppf_file_line: 3 }], 'only the appended line, numbered in the file');

  // Truncated and rewritten while stopped: shorter than its checkpoint, so read from its beginning.
  await writeFile(file, '{"id":9}\n');
  assert.deepEqual((await readAll(dir, settings, ['id', '_ppf_file_line'])).out, [{ id: 9, _ppf_file_line: 1 }]);
});

test('a recording is read record by record: values through record_codec, the recorded coordinates in _ppf_* fields, defects to _ppf_errors', async () => {
  const dir = await channelDir();
  const file = join(dir, 'cpu.recording.jsonl');
  const record = (offset: number, value: string | null): string =>
    recordLine({ topic: 'mytenant.cpu', partition: 2, offset, timestamp: 1700000000000 + offset, key: null, value: value === null ? null : Buffer.from(value), headers: [] });
  await writeFile(file, headerLine('test') + record(41, '{"host":"web-1","usage_idle":4.5}') + record(42, 'not json') + '{"topic":"t"}\n' + record(43, null) + record(44, '{"host":"web-2"}'));
  const { out, errors, errorCount } = await readAll(dir, `paths: ["${file}"], format: "recording", record_codec: "json"`, ['host', 'usage_idle', '_ppf_topic_name', '_ppf_partition_id', '_ppf_partition_offset', '_ppf_kafka_timestamp']);
  assert.deepEqual(out, [
    { host: 'web-1', usage_idle: 4.5, _ppf_topic_name: 'mytenant.cpu', _ppf_partition_id: 2, _ppf_partition_offset: 41, _ppf_kafka_timestamp: 1700000000041 },
    { host: 'web-2', usage_idle: null, _ppf_topic_name: 'mytenant.cpu', _ppf_partition_id: 2, _ppf_partition_offset: 44, _ppf_kafka_timestamp: 1700000000044 },
  ]);
  assert.deepEqual(errors.map((e) => e._ppf_file_line), [3, 4, 5], 'the value that is not JSON, the line that is not a record, the tombstone');
  assert.match(String(errors[0]?._ppf_error_message), /line 3: record mytenant\.cpu\/2@42: /);
  assert.match(String(errors[1]?._ppf_error_message), /line 4: not a recorded record: /);
  assert.match(String(errors[2]?._ppf_error_message), /line 5: record mytenant\.cpu\/2@43: value is null \(a tombstone\)/);
  assert.equal(errorCount, 3);
});

test('a recorded record of several lines gives a tuple per line, a malformed one to _ppf_errors alone; a failed line replays the whole record', async () => {
  const dir = await channelDir();
  const file = join(dir, 'cpu.recording.jsonl');
  const value = 'cpu,host=a id=1i\ncpu,host=b id=oops\ncpu,host=c id=3i';
  await writeFile(file, headerLine('test') + recordLine({ topic: 'telegraf.cpu', partition: 0, offset: 7, timestamp: 1700000000000, key: null, value: Buffer.from(value), headers: [] }));
  const settings = `paths: ["${file}"], format: "recording", record_codec: "influx"`;
  const { out, errors, errorCount } = await readAll(dir, settings, ['id', 'host', '_ppf_partition_offset', '_ppf_file_line']);
  assert.deepEqual(out, [
    { id: 1, host: 'a', _ppf_partition_offset: 7, _ppf_file_line: 2 },
    { id: 3, host: 'c', _ppf_partition_offset: 7, _ppf_file_line: 2 },
  ]);
  assert.deepEqual(errors.map((e) => [e._ppf_file_line, e._ppf_error_document]), [[2, 'cpu,host=b id=oops']]);
  assert.match(String(errors[0]?._ppf_error_message), new RegExp(`^file_input\\[files\\]: ${file} line 2: record telegraf\\.cpu/0@7: line protocol: line 2, column 15: field "id"`));
  assert.equal(errorCount, 1);

  await writeFile(file, headerLine('test') + recordLine({ topic: 'telegraf.cpu', partition: 0, offset: 7, timestamp: 1700000000000, key: null, value: Buffer.from('m id=1i\nm id=2i\nm id=3i'), headers: [] }));
  const between = `{ type: "scripted_bolt", component: "between", settings: { fail_ids: [2], times: 1 }, subscribe: [{ component: "files", stream: "s" }], publish: [{ stream: "s", fields: ["id"] }] },`;
  const replayed = await readAll(dir, settings, ['id'], between);
  assert.deepEqual(
    replayed.out.map((line) => line.id),
    [1, 3, 1, 2, 3],
    'lines 1 and 3, then the whole record again once line 2 failed',
  );
});

test('fail_action exit stops the run with exit 3 naming the line, and the checkpoint does not pass it', async () => {
  const dir = await channelDir();
  const file = join(dir, 'in.log');
  const checkpoint = join(dir, 'files.checkpoint.json');
  await writeFile(file, Array.from({ length: 5 }, (_, id) => JSON.stringify({ id })).join('\n') + '\n');
  const { result } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "file_input", component: "files", settings: { paths: ["${file}"], checkpoint_path: "${checkpoint}", fail_action: "exit" }, publish: [{ stream: "s", fields: ["id"] }] },
      { type: "scripted_bolt", component: "between", settings: { fail_ids: [2] }, subscribe: [{ component: "files", stream: "s" }], publish: [{ stream: "s", fields: ["id"] }] },
      { type: "file_output", settings: { path: "${join(dir, 'out.jsonl')}", flush_interval_ms: 1 }, subscribe: [{ component: "between", stream: "s" }] },
    ],
  }`);
  const { exitCode, error } = await result;
  assert.equal(exitCode, 3);
  assert.equal(error?.code, 'E_FAIL_STOP');
  assert.match(error?.message ?? '', new RegExp(`file_input\\[files\\]: ${file} line 3 failed \\(fail_action exit\\)`));
  const saved = await readFile(checkpoint, 'utf8').then((text) => JSON.parse(text) as { files: { line: number }[] }, () => ({ files: [] }));
  assert.ok(saved.files.every((f) => f.line <= 3), `the checkpoint stays at or before line 3: ${JSON.stringify(saved.files)}`);
});
