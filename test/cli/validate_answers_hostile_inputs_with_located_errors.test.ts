/**
 * Nothing a user gives `punchline validate` (or `run`) stops it with a stack trace: every hostile
 * input gets a sentence naming the file (and the line, column and JSON path when there is one),
 * exit 2 for a file to fix, 1 for one that cannot be read, and validation stays under 1 GB of memory.
 * The committed inputs are in `test/hostile-inputs/`; the big, deep, binary and broken ones are
 * made here, in a temporary folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../support/cli.js';

const FIXTURES = fileURLToPath(new URL('../hostile-inputs/', import.meta.url));
const REPORT_RSS = join(FIXTURES, 'report-max-rss.mjs');
const ONE_GB_KB = 1024 * 1024;

/** `punchline <args>` with its peak memory, and stderr without the memory line. */
async function cli(args: string[]): Promise<{ code: number | null; stderr: string; maxRssKb: number }> {
  const { code, stderr } = await runCli(args, { NODE_OPTIONS: `--import ${REPORT_RSS}` });
  const rss = /\nmax-rss-kb=(\d+)\n$/.exec(stderr);
  return { code, stderr: stderr.replace(/\nmax-rss-kb=\d+\n$/, ''), maxRssKb: Number(rss?.[1] ?? 0) };
}

function assertNoStackTrace(stderr: string): void {
  assert.doesNotMatch(stderr, /\n\s+at .+[(:]\d+/, `a stack trace:\n${stderr}`);
  assert.doesNotMatch(stderr, /unexpected error|internal error|RangeError|TypeError/, stderr);
}

/** The hostile folder: the committed fixtures, plus what is made at test time. */
async function hostileFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'punchline-hostile-'));
  for (const name of await readdir(FIXTURES)) if (name.endsWith('.json5')) await copyFile(join(FIXTURES, name), join(dir, name));
  const depth = 4000;
  await writeFile(join(dir, 'nested-4000-deep.json5'), `{ version: "1", type: "punchline", dag: [], settings: { x: ${'['.repeat(depth)}${']'.repeat(depth)} } }`);
  const message = JSON.stringify({ host: 'h', text: 'x'.repeat(150) });
  const messages = Array.from({ length: 50 * 1024 * 1024 / (message.length + 1) }, () => message).join(',');
  await writeFile(join(dir, 'fifty-megabytes.json5'), `{ version: "1", type: "punchline", dag: [{ type: "generator_input", settings: { messages: [${messages}] }, publish: [{ stream: "s", fields: ["host"] }] }] }`);
  const binary = Buffer.alloc(4096);
  for (let i = 0; i < binary.length; i++) binary[i] = (i * 7919 + 13) % 256;
  await writeFile(join(dir, 'binary.json5'), binary);
  await symlink('loop-b.json5', join(dir, 'loop-a.json5'));
  await symlink('loop-a.json5', join(dir, 'loop-b.json5'));
  await symlink('nowhere.json5', join(dir, 'dangling-link.json5'));
  return dir;
}

/** What each file must produce: exit code and a located message. */
const EXPECTED: Record<string, { code: number; message: RegExp }> = {
  'wrong-types-everywhere.json5': { code: 2, message: /wrong-types-everywhere\.json5:10:43 {2}\/dag\/3\/component {2}must be string, not number 42/ },
  'component-number-and-unknown-subscription.json5': { code: 2, message: /:5:\d+ {2}\/dag\/1\/subscribe\/0\/component {2}unknown component "gen"/ },
  'lambda-that-does-not-compile.json5': { code: 2, message: /lambda-that-does-not-compile\.json5:7:26 {2}\/dag\/1\/settings\/where {2}the lambda in "where" does not compile: at column 16: the expression ends where a value is expected/ },
  'unknown-reserved-field.json5': { code: 2, message: /unknown-reserved-field\.json5:7:\d+ {2}\/dag\/0\/publish\/0\/fields\/1 {2}kafka_input sets no reserved field "_ppf_offset".*did you mean "_ppf_partition_offset"\?/ },
  'empty.json5': { code: 2, message: /empty\.json5:1:1 {2}invalid end of input/ },
  'nested-4000-deep.json5': { code: 2, message: /nested-4000-deep\.json5:1:\d+ {2}\/settings\/x(\/0){62} {2}nested deeper than 64 levels/ },
  'fifty-megabytes.json5': { code: 2, message: /fifty-megabytes\.json5: 50\.\d MB is more than the 8\.0 MB a config file may hold/ },
  'binary.json5': { code: 2, message: /binary\.json5:\d+:\d+ {2}.*\(the file holds binary data, not JSON5 text\)/ },
  'loop-a.json5': { code: 1, message: /loop-a\.json5: symbolic links that point at each other in a loop/ },
  'dangling-link.json5': { code: 1, message: /dangling-link\.json5: no such file: it is a symbolic link to "nowhere\.json5", which does not exist/ },
  'missing.json5': { code: 1, message: /missing\.json5: no such file/ },
};

test('validate answers each hostile file with a located error and exit 2 (1 when unreadable), no stack trace, under 1 GB', async () => {
  const dir = await hostileFolder();
  for (const [name, { code, message }] of Object.entries(EXPECTED)) {
    const run = await cli(['validate', join(dir, name)]);
    assertNoStackTrace(run.stderr);
    assert.match(run.stderr, message, `${name}:\n${run.stderr}`);
    assert.equal(run.code, code, `${name}: exit code\n${run.stderr}`);
    assert.ok(run.maxRssKb > 0 && run.maxRssKb < ONE_GB_KB, `${name}: ${run.maxRssKb} kB of memory`);
  }
});

test('validate on the whole hostile folder reports every file and exits 1, since some cannot be read', async () => {
  const dir = await hostileFolder();
  const run = await cli(['validate', dir]);
  assertNoStackTrace(run.stderr);
  for (const { message } of Object.values(EXPECTED).filter((_, i) => Object.keys(EXPECTED)[i] !== 'missing.json5')) assert.match(run.stderr, message);
  assert.equal(run.code, 1, run.stderr);
  assert.ok(run.maxRssKb < ONE_GB_KB, `${run.maxRssKb} kB`);
});

test('a string with U+2028 validates without a word on stderr', async () => {
  const run = await cli(['validate', join(FIXTURES, 'line-separator-in-a-string.json5')]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '1 file valid\n');
});

test('validate on an empty folder and run on a folder say so, exit 2', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'punchline-hostile-dir-'));
  await mkdir(join(dir, 'empty'));
  const validate = await cli(['validate', join(dir, 'empty')]);
  assertNoStackTrace(validate.stderr);
  assert.match(validate.stderr, /no punchline found under .*empty/);
  assert.equal(validate.code, 2);
  const run = await cli(['run', dir]);
  assertNoStackTrace(run.stderr);
  assert.match(run.stderr, /punchline-hostile-dir-\w+: is a folder, not a punchline file/);
  assert.equal(run.code, 2);
});

test('run on a lambda that does not compile exits 2 with the file, line, JSON path and setting', async () => {
  const run = await cli(['run', join(FIXTURES, 'lambda-that-does-not-compile.json5')]);
  assertNoStackTrace(run.stderr);
  assert.match(run.stderr, EXPECTED['lambda-that-does-not-compile.json5']?.message ?? /never/);
  assert.equal(run.code, 2);
});

test('run with a wrong --log-level or a missing file says which, without a stack trace', async () => {
  const level = await cli(['run', '--log-level', 'verbose', join(FIXTURES, 'line-separator-in-a-string.json5')]);
  assertNoStackTrace(level.stderr);
  assert.match(level.stderr, /--log-level "verbose" is not a log level \(use one of trace, debug, info, warn, error, fatal, silent\)/);
  assert.equal(level.code, 2);
  const missing = await cli(['run', join(FIXTURES, 'no-such-punchline.json5')]);
  assertNoStackTrace(missing.stderr);
  assert.match(missing.stderr, /no-such-punchline\.json5: no such file/);
  assert.equal(missing.code, 1);
});

test('--version prints the version of the package', async () => {
  const { code, stdout } = await runCli(['--version']);
  assert.equal(code, 0);
  assert.match(stdout, /^\d+\.\d+\.\d+\n$/);
});
