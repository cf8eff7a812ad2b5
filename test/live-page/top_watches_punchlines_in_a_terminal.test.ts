/**
 * `punchline top` in a real terminal (tmux): the rows of every node show, they refresh, a
 * punchline that does not answer says so, and `q` quits with 0. Off a terminal it prints plain
 * lines.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runCli, startCli, waitFor } from '../support/cli.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const run = promisify(execFile);
const TMUX = ['/usr/bin/tmux', '/usr/local/bin/tmux'].find((path) => existsSync(path));

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/** A generator punchline at 50 tuples/s with its HTTP server on a free port; resolves with its URL. */
async function startWatched(dir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const file = join(dir, 'watched.json5');
  await writeFile(file, `{ version: "1", type: "punchline", tenant: "acme", channel: "ops", dag: [
    { type: "generator_input", component: "gen", settings: { messages: [{ n: "%{counter}" }], messages_per_second: 50 }, publish: [{ stream: "s", fields: ["n"] }] },
    { type: "file_output", component: "out", settings: { path: "${join(dir, 'out.jsonl')}" }, subscribe: [{ component: "gen", stream: "s" }] },
  ] }`);
  const punchline = startCli(['run', '--http-port', '0', file], { PUNCHLINE_LOG_LEVEL: 'info' });
  let line: string | undefined;
  await waitFor(() => (line = punchline.stderr().split('\n').find((l) => l.includes('"msg":"live page on '))) !== undefined, 60_000, 'the live page log line');
  return {
    url: `http://127.0.0.1:${/"port":(\d+)/.exec(line as string)?.[1]}`,
    stop: async () => {
      punchline.child.kill('SIGTERM');
      await punchline.exit;
    },
  };
}

let dir: string;
let watched: Awaited<ReturnType<typeof startWatched>>;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'punchline-top-'));
  watched = await startWatched(dir);
});
after(async () => {
  await watched.stop();
  await rm(dir, { recursive: true, force: true });
});

test('top shows every node, refreshes, and q quits with 0', { skip: TMUX === undefined && 'tmux is not installed' }, async () => {
  const socket = `punchline-top-${process.pid}`;
  const tmux = (...args: string[]): Promise<{ stdout: string }> => run(TMUX as string, ['-L', socket, ...args]);
  const exitFile = join(dir, 'exit');
  try {
    const missing = `http://127.0.0.1:${await closedPort()}`;
    const command = `'${process.execPath}' --import tsx '${MAIN}' top ${watched.url} ${missing}; echo "exit=$?" > '${exitFile}'`;
    await tmux('new-session', '-d', '-s', 'top', '-x', '160', '-y', '30', '-c', ROOT, command);
    const screen = async (): Promise<string> => (await tmux('capture-pane', '-p', '-t', 'top')).stdout;

    // The rows: a title per punchline, a header, one row per node; the silent one is named.
    await waitFor(async () => /^\s+out\s+file_output\s/m.test(await screen()), 60_000, 'the rows of top');
    const first = await screen();
    assert.match(first, /^punchline top {2}2 punchlines /m);
    assert.match(first, new RegExp(`^acme/ops/watched {2}${watched.url} {2}running$`, 'm'));
    assert.match(first, /^\s+NODE\s+TYPE\s+IN\/S\s+OUT\/S\s+ACKED\/S\s+FAILED\/S\s+PENDING\s+LAG\s+ERRORS\s+P95$/m);
    assert.match(first, /^\s+gen\s+generator_input\s/m);
    assert.match(first, new RegExp(`^${missing} {2}unreachable: ECONNREFUSED$`, 'm'));

    // It refreshes: the generator's acked rate shows a number once two snapshots were taken, and
    // the clock of the first line moves.
    await waitFor(async () => /^\s+gen\s+generator_input\s+[\d.]+\s+[\d.]+\s+[\d.]+\s/m.test(await screen()), 30_000, 'the rates of gen');
    const clock = (text: string): string | undefined => /^punchline top .*/m.exec(text)?.[0];
    const seen = clock(await screen());
    await waitFor(async () => clock(await screen()) !== seen, 30_000, 'a refresh');

    await tmux('send-keys', '-t', 'top', 'q');
    await waitFor(() => existsSync(exitFile), 30_000, 'top to exit');
    assert.equal((await readFile(exitFile, 'utf8')).trim(), 'exit=0');
  } finally {
    await tmux('kill-server').catch(() => undefined);
  }
});

test('off a terminal, top prints one plain line per node', async () => {
  const { code, stdout } = await runCli(['top', '--once', watched.url.replace('http://', '')]);
  assert.equal(code, 0);
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 2, stdout);
  assert.match(lines[0] as string, /^\d{4}-\d\d-\d\dT[\d:.]+Z acme\/ops\/watched gen type=generator_input in\/s=\S+ out\/s=\S+ acked\/s=\S+ failed\/s=\S+ pending=\d+\/2,000 errors=0( p95=\S+)?$/);
  assert.match(lines[1] as string, /^\S+ acme\/ops\/watched out type=file_output /);
});
