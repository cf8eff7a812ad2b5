/**
 * At-least-once across crashes, with the real CLI: while lines are appended to a log file, a
 * `file_input` in tail mode (checkpoint every second, the default) writing into a `file_output`
 * is killed with SIGKILL 5 times, each at a random moment while it is writing, and restarted.
 * After the last restart every line must be in the output at least once: the checkpoint holds the
 * start of the oldest unacked line of the file, and a line is acked only once written. Lines
 * written again (acked, or in flight, since the last checkpoint write) are counted and reported.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { killAndRestart } from '../../test/support/kill-loop.js';
import { channelDir } from '../../test/support/temp-dir.js';

const KILLS = 5;

/** The ids in the output, one per line written (a line torn by a kill runs into the next one: matched object by object). */
async function idsWritten(path: string): Promise<number[]> {
  if (!existsSync(path)) return [];
  return [...(await readFile(path, 'utf8')).matchAll(/\{"id":(\d+)\}/g)].map((match) => Number(match[1]));
}

it(`loses no line when a tailing punchline is killed -9 ${KILLS} times while lines are appended`, { timeout: 300_000 }, async () => {
  const dir = await channelDir('acme', 'logs');
  const log = join(dir, 'app.log');
  const out = join(dir, 'out.jsonl');
  const punchline = join(dir, 'tail.json5');
  await writeFile(log, '');
  await writeFile(
    punchline,
    `{ version: "1", type: "punchline", dag: [
      { type: "file_input", component: "files", settings: { paths: ["${log}"], tail: true, poll_interval_ms: 50, checkpoint_path: "${join(dir, 'files.checkpoint.json')}" },
        publish: [{ stream: "s", fields: ["id"] }] },
      { type: "file_output", settings: { path: "${out}" }, subscribe: [{ component: "files", stream: "s" }] },
    ] }`,
  );
  // 50 lines every 50 ms until the kills are over, appended in pieces that often end inside a line.
  let appended = 0;
  let appendingOn = true;
  const appending = (async () => {
    let pending = '';
    while (appendingOn) {
      for (let i = 0; i < 50; i++) pending += `{"id":${appended++}}\n`;
      const cut = Math.floor(Math.random() * pending.length);
      await appendFile(log, pending.slice(0, cut));
      pending = pending.slice(cut);
      await sleep(50);
    }
    await appendFile(log, pending);
  })();

  const stopAppending = async (): Promise<void> => {
    appendingOn = false;
    await appending;
  };
  try {
    await killAndRestart({ args: [punchline], kills: KILLS, ids: () => idsWritten(out), expected: () => appended, what: 'line', beforeLastRun: stopAppending });
  } finally {
    await stopAppending();
  }
  const ids = await idsWritten(out);
  const unique = new Set(ids);
  for (let id = 0; id < appended; id++) assert.ok(unique.has(id), `line ${id} is in the output`);
  assert.equal(unique.size, appended, 'no line that was not appended');
  const duplicates = ids.length - unique.size;
  process.stderr.write(`file_input kill -9 x${KILLS}: ${ids.length} lines written for ${appended} appended, ${duplicates} duplicates\n`);
  await rm(dir, { recursive: true, force: true });
});
