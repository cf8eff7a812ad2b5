/**
 * `punchline validate` and `punchline graph` as a user runs them: exit codes, compiler-style
 * diagnostics on stderr, DOT on stdout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

async function channelDir(): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'punchline-cli-')), 'acme', 'ops');
  await mkdir(dir, { recursive: true });
  return dir;
}

const VALID = `{
  version: "1", type: "punchline",
  dag: [
    { type: "generator_input", component: "gen", settings: { messages: [{ host: "a" }] }, publish: [{ stream: "metrics", fields: ["host", "_ppf_id"] }] },
    { type: "print_output", component: "out", subscribe: [{ component: "gen", stream: "metrics" }] },
  ],
}`;

test('validate exits 0 on a folder of valid punchlines and 2 with every error of an invalid one', async () => {
  const dir = await channelDir();
  await writeFile(join(dir, 'good.json5'), VALID);
  const ok = await runCli(['validate', dir]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stderr, /1 file valid/);

  await writeFile(join(dir, 'bad.json5'), VALID.replace('print_output', 'print_outptu').replace('stream: "metrics" }]', 'stream: "metric" }]'));
  const bad = await runCli(['validate', dir]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, new RegExp(`${join(dir, 'bad.json5').replace(/[/.]/g, '\\$&')}:5:\\d+  /dag/1/type  unknown node type "print_outptu" \\(did you mean "print_output"\\?\\)`));
  assert.match(bad.stderr, /\/dag\/1\/subscribe\/0\/stream {2}component "gen" does not publish a stream "metric" \(did you mean "metrics"\?\)/);
  assert.match(bad.stderr, /2 errors in 2 files/);
});

test('run refuses an invalid punchline with exit 2 before starting anything', async () => {
  const dir = await channelDir();
  await writeFile(join(dir, 'bad.json5'), VALID.replace('messages: [{ host: "a" }]', 'messages: []'));
  const run = await runCli(['run', join(dir, 'bad.json5')]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /\/dag\/0\/settings\/messages {2}must NOT have fewer than 1 items/);
});

test('graph prints the DAG as DOT with components, node types and the fields on each edge', async () => {
  const dir = await channelDir();
  await writeFile(join(dir, 'flow.json5'), VALID);
  const { code, stdout } = await runCli(['graph', join(dir, 'flow.json5')]);
  assert.equal(code, 0);
  assert.match(stdout, /^digraph "acme\/ops\/flow" \{/);
  assert.match(stdout, /"gen" \[label="gen\\ngenerator_input", shape=invhouse\];/);
  assert.match(stdout, /"gen" -> "out" \[label="metrics\\n\[host, _ppf_id\]"\];/);
});
