/**
 * What `file_output` leaves in its file: JSON lines appended after what was there (the folder made
 * when missing), the file emptied first with `append: false`, a field's text verbatim with
 * `raw_field`; and a path it cannot open stops the start with an E_FILE_IO error naming it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startPunchline } from '../../test/support/run-punchline.js';
import { channelDir } from '../../test/support/temp-dir.js';
import { PunchlineError } from '../../src/core/errors.js';

/** A bounded generator of `count` tuples with `messages`, into a file_output with `settings`. */
const punchline = (messages: string, count: number, fields: string, settings: string): string => `{
  version: "1", type: "punchline",
  dag: [
    { type: "generator_input", component: "gen", settings: { messages: ${messages}, count: ${count}, end_when_acked: true },
      publish: [{ stream: "s", fields: ${fields} }] },
    { type: "file_output", component: "out", settings: ${settings}, subscribe: [{ component: "gen", stream: "s" }] },
  ],
}`;

async function runToEnd(text: string): Promise<void> {
  const { result } = await startPunchline(text);
  const { exitCode, reason } = await result;
  assert.equal(exitCode, 0, reason);
}

test('lines are appended after what the file held, one JSON object per tuple, and a missing folder is created', async () => {
  const dir = await channelDir();
  const file = join(dir, 'out.jsonl');
  await writeFile(file, '{"kept":"from before"}\n');
  await runToEnd(punchline('[{ host: "web-%{counter}", msg: "hello" }]', 3, '["host", "msg", "_ppf_id"]', `{ path: "${file}" }`));
  await runToEnd(punchline('[{ host: "db-%{counter}", msg: "again" }]', 2, '["host", "_ppf_id"]', `{ path: "${file}" }`));
  assert.equal(
    await readFile(file, 'utf8'),
    [
      '{"kept":"from before"}',
      '{"host":"web-0","msg":"hello","_ppf_id":0}',
      '{"host":"web-1","msg":"hello","_ppf_id":1}',
      '{"host":"web-2","msg":"hello","_ppf_id":2}',
      '{"host":"db-0","_ppf_id":0}',
      '{"host":"db-1","_ppf_id":1}',
      '',
    ].join('\n'),
  );

  const nested = join(dir, 'not', 'yet', 'there', 'out.jsonl');
  assert.equal(existsSync(nested), false);
  await runToEnd(punchline('[{ msg: "x" }]', 1, '["msg"]', `{ path: "${nested}" }`));
  assert.equal(await readFile(nested, 'utf8'), '{"msg":"x"}\n');
});

test('append: false empties the file at start, then writes this run\'s lines', async () => {
  const file = join(await channelDir(), 'out.jsonl');
  await writeFile(file, 'an older run\n'.repeat(100));
  await runToEnd(punchline('[{ msg: "new %{counter}" }]', 2, '["msg"]', `{ path: "${file}", append: false }`));
  assert.equal(await readFile(file, 'utf8'), '{"msg":"new 0"}\n{"msg":"new 1"}\n');
});

test('raw_field writes the field\'s text as is, adding a newline only where it lacks one', async () => {
  const file = join(await channelDir(), 'alerts.log');
  // What an alert bolt's `alert` field holds: a JSON document as text, written unchanged (no
  // re-encoding, no quotes around it); a text already ending in a newline gets no second one.
  const messages = `[
    { alert: '{"id":"cpu:host=a","level":"CRITICAL","data":{"series":[]}}', other: "ignored" },
    { alert: "plain text, \\"quoted\\", tab\\there", other: "ignored" },
    { alert: "ends with its own newline\\n", other: "ignored" },
  ]`;
  await runToEnd(punchline(messages, 3, '["alert", "other"]', `{ path: "${file}", raw_field: "alert" }`));
  assert.equal(
    await readFile(file, 'utf8'),
    '{"id":"cpu:host=a","level":"CRITICAL","data":{"series":[]}}\nplain text, "quoted", tab\there\nends with its own newline\n',
  );
});

test('a path that cannot be opened fails the start with E_FILE_IO naming the path', async () => {
  const dir = await channelDir();
  // A regular file where the output's folder should be: no folder can be made there, even as root.
  const blocker = join(dir, 'blocker');
  await writeFile(blocker, 'a file, not a folder');
  const file = join(blocker, 'out.jsonl');
  let failure: unknown;
  try {
    await startPunchline(punchline('[{ msg: "x" }]', 1, '["msg"]', `{ path: "${file}" }`));
  } catch (error) {
    failure = error;
  }
  assert.ok(failure instanceof PunchlineError, `start rejects with a PunchlineError, got ${String(failure)}`);
  assert.equal(failure.code, 'E_FILE_IO');
  assert.ok(failure.message.startsWith(`file_output[out]: opening ${file}: `), failure.message);
  assert.match(failure.message, /ENOTDIR|EEXIST/);
});
