/**
 * `punchline run` answers a stop at any moment of its start with a graceful exit 0 (not death by
 * signal, 143), and a busy `--metrics-port` with a sentence naming the port (exit 1), never a
 * stack trace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCli } from '../support/cli.js';

async function generatorPunchline(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'punchline-start-'));
  const file = join(dir, 'gen.json5');
  await writeFile(file, `{ version: "1", type: "punchline", dag: [
    { type: "generator_input", component: "gen", settings: { messages: [{ msg: "tick" }], messages_per_second: 100 }, publish: [{ stream: "s", fields: ["msg"] }] },
    { type: "file_output", settings: { path: "${join(dir, 'out.jsonl')}" }, subscribe: [{ component: "gen", stream: "s" }] },
  ] }`);
  return file;
}

const REPORT_SIGTERM_HELD = fileURLToPath(new URL('./report-sigterm-held.mjs', import.meta.url));

test('SIGTERM while run is still loading starts nothing and exits 0', async () => {
  // SIGTERM at the first moment the process holds it: before, only Node and its loader run; after,
  // the program is still being loaded.
  const run = startCli(['run', await generatorPunchline()], { PUNCHLINE_LOG_LEVEL: 'info', NODE_OPTIONS: `--import ${REPORT_SIGTERM_HELD}`, SIGTERM_WHEN_HELD: '1' });
  const { code, signal, stderr } = await run.exit;
  assert.equal(signal, null, `killed by ${signal}: the signal was not handled\n${stderr}`);
  assert.equal(code, 0, stderr);
  assert.match(stderr, /"msg":"stopped before starting"/);
  assert.doesNotMatch(stderr, /"msg":"(starting|running)"/);
});

test('a busy --metrics-port is a sentence naming the port, exit 1', async () => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const { port } = busy.address() as AddressInfo;
  try {
    const { code, stderr } = await startCli(['run', '--metrics-port', String(port), await generatorPunchline()]).exit;
    assert.match(stderr, new RegExp(`metrics port ${port} on 127\\.0\\.0\\.1 is already in use by another program \\(choose another --metrics-port, or 0 for a free one\\)`));
    assert.doesNotMatch(stderr, /\n\s+at .+[(:]\d+/, stderr);
    assert.equal(code, 1);
  } finally {
    await new Promise((resolve) => busy.close(resolve));
  }
});
