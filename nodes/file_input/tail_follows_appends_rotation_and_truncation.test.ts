/**
 * `file_input` with tail, as a user of Filebeat or Vector's file source expects it: appended
 * lines are read once complete (a line without its newline waits for it), a new file matching
 * the pattern is read from its beginning, a file renamed by a rotation is read to its end and not
 * twice though the pattern matches its new name, and a file truncated in place is read again from
 * its beginning. `read_from: "end"` skips what a file held at start, numbering lines all the same.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readFile, rename, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startPunchline } from '../../test/support/run-punchline.js';
import type { TestRun } from '../../test/support/run-punchline.js';
import { channelDir } from '../../test/support/temp-dir.js';
import { waitFor } from '../../test/support/cli.js';

type Line = Record<string, unknown>;

async function lines(file: string): Promise<Line[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text === '' ? [] : text.trimEnd().split('\n').map((line) => JSON.parse(line) as Line);
}

async function tail(dir: string, settings: string): Promise<{ run: TestRun; out: string }> {
  const out = join(dir, 'out.jsonl');
  const run = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "file_input", component: "files", settings: { tail: true, poll_interval_ms: 20, ${settings} },
        publish: [{ stream: "s", fields: ["id", "_ppf_file_path", "_ppf_file_line"] }] },
      { type: "file_output", settings: { path: "${out}", flush_interval_ms: 1 }, subscribe: [{ component: "files", stream: "s" }] },
    ],
  }`);
  return { run, out };
}

/** Waits until the output holds `count` lines; those lines. */
async function written(out: string, count: number, what: string): Promise<Line[]> {
  await waitFor(async () => (await lines(out)).length >= count, 20_000, what);
  return lines(out);
}

test('appends, a line waiting for its newline, rotation by rename and a new file, truncation in place', async () => {
  const dir = await channelDir();
  const log = join(dir, 'app.log');
  await writeFile(log, '{"id":1}\n');
  const { run, out } = await tail(dir, `paths: ["${dir}/app.log*"]`);
  try {
    await written(out, 1, 'the line there at start');
    await appendFile(log, '{"id":2}\n{"id":');
    await written(out, 2, 'the appended line');
    await appendFile(log, '3}\n');
    await written(out, 3, 'the line once its newline came');

    // logrotate: app.log → app.log.1 (still matched by the pattern), a late line into the old file, a new app.log.
    await rename(log, `${log}.1`);
    await appendFile(`${log}.1`, '{"id":4}\n');
    await writeFile(log, '{"id":5}\n');
    const rotated = await written(out, 5, 'the late line of the renamed file and the new file');

    // copytruncate: the file is emptied in place, then written again.
    await truncate(log, 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await appendFile(log, '{"id":6}\n');
    const all = await written(out, 6, 'the line written after the truncation');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual((await lines(out)).map((l) => l.id), all.map((l) => l.id), 'nothing more arrives');

    assert.deepEqual(all.map((l) => [l.id, l._ppf_file_line]).sort(), [[1, 1], [2, 2], [3, 3], [4, 4], [5, 1], [6, 1]], 'every line once, numbered in its file');
    assert.equal(rotated.find((l) => l.id === 4)?._ppf_file_path, log, 'the renamed file is reported under the path it was found at');
  } finally {
    const { exitCode, reason } = await run.topology.stop('test over');
    assert.equal(exitCode, 0, reason);
  }
});

test('read_from end skips what a file held at start; a file created later is read from its beginning', async () => {
  const dir = await channelDir();
  await writeFile(join(dir, 'old.log'), '{"id":1}\n{"id":2}\n');
  const { run, out } = await tail(dir, `paths: ["${dir}/*.log"], read_from: "end"`);
  try {
    await new Promise((resolve) => setTimeout(resolve, 200));
    await appendFile(join(dir, 'old.log'), '{"id":3}\n');
    await writeFile(join(dir, 'new.log'), '{"id":4}\n');
    const all = await written(out, 2, 'the appended line and the new file');
    assert.deepEqual(all.map((l) => [l.id, l._ppf_file_line]).sort(), [[3, 3], [4, 1]]);
  } finally {
    await run.topology.stop('test over');
  }
});
