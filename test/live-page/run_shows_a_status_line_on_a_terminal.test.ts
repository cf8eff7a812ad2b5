/**
 * `punchline run` on a terminal (tmux) keeps one status line under its logs, updated as records
 * flow: records in, alerts, in flight, errors; the logs never share its line, and Ctrl-C still
 * drains and exits 0. (Off a terminal `run` writes log lines only: see
 * http_server_answers_read_only_with_what_metrics_says.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { waitFor } from '../support/cli.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const TMUX = ['/usr/bin/tmux', '/usr/local/bin/tmux'].find((path) => existsSync(path));

test('run on a terminal shows a status line that updates', { skip: TMUX === undefined && 'tmux is not installed' }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'punchline-status-'));
  const file = join(dir, 'status.json5');
  await writeFile(file, `{ version: "1", type: "punchline", tenant: "acme", channel: "ops", dag: [
    { type: "generator_input", component: "gen", settings: { messages: [{ n: "%{counter}" }], messages_per_second: 50 }, publish: [{ stream: "s", fields: ["n"] }] },
    { type: "file_output", component: "out", settings: { path: "${join(dir, 'out.jsonl')}" }, subscribe: [{ component: "gen", stream: "s" }] },
  ] }`);
  const socket = `punchline-status-${process.pid}`;
  const tmux = async (...args: string[]): Promise<string> => (await promisify(execFile)(TMUX as string, ['-L', socket, ...args])).stdout;
  const exitFile = join(dir, 'exit');
  try {
    await tmux('new-session', '-d', '-s', 'run', '-x', '160', '-y', '40', '-c', ROOT, `'${process.execPath}' --import tsx '${MAIN}' run '${file}'; echo "exit=$?" > '${exitFile}'; sleep 60`);
    const STATUS = /^▶ status {2}records in ([\d,]+)(?: \([\d,]+\/s\))? · alerts 0 · in flight \d+ · errors 0$/m;
    const recordsIn = async (): Promise<number> => Number(STATUS.exec(await tmux('capture-pane', '-p', '-t', 'run'))?.[1]?.replace(/,/g, '') ?? NaN);
    await waitFor(async () => (await recordsIn()) > 0, 60_000, 'the status line');
    const first = await recordsIn();
    await waitFor(async () => (await recordsIn()) > first, 30_000, 'the status line to update');
    const screen = await tmux('capture-pane', '-p', '-t', 'run');
    assert.match(screen, /INFO: running/);
    assert.equal(screen.match(/records in/g)?.length, 1, `one status line:\n${screen}`);

    await tmux('send-keys', '-t', 'run', 'C-c');
    await waitFor(() => existsSync(exitFile), 30_000, 'run to exit');
    assert.equal((await readFile(exitFile, 'utf8')).trim(), 'exit=0');
    const after = await tmux('capture-pane', '-p', '-t', 'run');
    assert.match(after, /INFO: stopped/);
    assert.doesNotMatch(after, /records in/, 'the status line is gone once the run ended');
  } finally {
    await tmux('kill-server').catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
});
