/**
 * `punchline graph --live <url>`: the DOT of a running punchline with, as Kapacitor's `show`
 * prints a task, the tuples that crossed each edge (`processed`) and each node's stats; an address
 * where no punchline answers is one sentence, exit 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startCli, waitFor } from '../support/cli.js';

test('graph --live prints the tuples of each edge and the counts of each node', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'punchline-graph-live-'));
  const file = join(dir, 'counted.json5');
  // 300 tuples, half of them kept by the filter; the idle generator keeps the punchline running.
  await writeFile(file, `{ version: "1", type: "punchline", tenant: "acme", channel: "ops", dag: [
    { type: "generator_input", component: "gen", settings: { messages: [{ n: "%{counter}" }], count: 300 }, publish: [{ stream: "s", fields: ["n"] }] },
    { type: "generator_input", component: "idle", settings: { messages: [{ n: 1 }], messages_per_second: 0.001 }, publish: [{ stream: "s", fields: ["n"] }] },
    { type: "filter", component: "even", settings: { where: "\\"n\\" % 2 == 0" }, subscribe: [{ component: "gen", stream: "s" }, { component: "idle", stream: "s" }], publish: [{ stream: "kept", fields: ["n"] }] },
    { type: "file_output", component: "out", settings: { path: "${join(dir, 'out.jsonl')}" }, subscribe: [{ component: "even", stream: "kept" }] },
  ] }`);
  const run = startCli(['run', '--http-port', '0', file], { PUNCHLINE_LOG_LEVEL: 'info' });
  try {
    let line: string | undefined;
    await waitFor(() => (line = run.stderr().split('\n').find((l) => l.includes('"msg":"live page on '))) !== undefined, 60_000, 'the live page log line');
    const port = /"port":(\d+)/.exec(line as string)?.[1] as string;
    let dot = '';
    await waitFor(async () => /"out" \[[^\n]*acked="150"/.test((dot = (await runCli(['graph', '--live', port])).stdout)), 60_000, 'the 150 kept tuples written');
    assert.match(dot, /^digraph "acme\/ops\/counted" \{\n/);
    assert.match(dot, /^ {2}graph \[throughput="[\d.]+ tuples\/s"\];$/m);
    assert.match(dot, /^ {2}"gen" \[label="gen\\ngenerator_input\\nin 300 · out 300\\nacked 300 · failed 0 · dropped 0\\npending 0\/2000[^"]*", shape=invhouse, received="300", emitted="300", acked="300", failed="0", dropped="0", pending="0", max_pending="2000"/m);
    assert.match(dot, /^ {2}"gen" -> "even" \[label="s\\n\[n\]\\n300( \([\d.]+\/s\))?", processed="300"/m);
    assert.match(dot, /^ {2}"even" -> "out" \[label="kept\\n\[n\]\\n150( \([\d.]+\/s\))?", processed="150"/m);
    assert.match(dot, /^ {2}"even" \[[^\n]*shape=box, received="30[01]", emitted="150", acked="150", failed="0", dropped="15[01]"/m);
    assert.match(dot, /^ {2}"out" \[[^\n]*shape=house, received="150", emitted="0", acked="150"/m);
  } finally {
    run.child.kill('SIGTERM');
    await run.exit;
    await rm(dir, { recursive: true, force: true });
  }
});

test('graph --live on an address where nothing answers is one sentence, exit 2', async () => {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  const { code, stdout, stderr } = await runCli(['graph', '--live', `http://127.0.0.1:${port}/`]);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.equal(stderr, `punchline: cannot reach http://127.0.0.1:${port}/api/snapshot: ECONNREFUSED (is a punchline running there with --http-port?)\n`);
});
