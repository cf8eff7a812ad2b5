/**
 * A handler spec named by a relative path is read from the punchline file's folder, not from the
 * directory the command runs in: the same punchline validates and runs from anywhere (a channel
 * supervisor, a systemd unit, a shell in another folder).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { runCli } from '../../test/support/cli.js';
import { channelDir } from '../../test/support/temp-dir.js';

const PUNCHLINE = `{
  version: "1",
  type: "punchline",
  dag: [
    { type: "generator_input", component: "points", settings: { messages: [{ host: "web-1", idle: 4 }], count: 1, end_when_acked: true },
      publish: [{ stream: "cpu", fields: ["host", "idle"] }] },
    { type: "alert", component: "cpu_alert",
      settings: { id: "cpu:{{ index .Tags \\"host\\" }}", group_by: ["host"], crit: "\\"idle\\" < 10", topic: "cpu" },
      subscribe: [{ component: "points", stream: "cpu" }],
      publish: [{ stream: "alerts", fields: ["alert", "topic", "taskName"] }] },
    { type: "alert_handlers", component: "handlers", settings: { specs: ["handlers/log.yaml"] },
      subscribe: [{ component: "cpu_alert", stream: "alerts" }] },
  ],
}`;

test('a relative spec path is read from the punchline folder: validate and run work from another directory, and a missing spec names the path it looked for', async () => {
  const dir = await channelDir();
  try {
    const log = join(dir, 'cpu.log');
    await mkdir(join(dir, 'handlers'));
    await writeFile(join(dir, 'handlers', 'log.yaml'), `id: cpu-log\ntopic: cpu\nkind: log\noptions:\n  path: ${log}\n`);
    const file = join(dir, 'cpu.json5');
    await writeFile(file, PUNCHLINE);

    // The CLI runs in the repository's folder, far from the punchline's.
    assert.notEqual(dirname(file), process.cwd());
    const valid = await runCli(['validate', file]);
    assert.equal(valid.code, 0, valid.stdout + valid.stderr);
    const run = await runCli(['run', file]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(await readFile(log, 'utf8'), /"id":"cpu:web-1".*"level":"CRITICAL"/);

    await rm(join(dir, 'handlers', 'log.yaml'));
    const missing = await runCli(['validate', file]);
    assert.equal(missing.code, 2, missing.stdout + missing.stderr);
    assert.match(missing.stdout + missing.stderr, new RegExp(`/dag/2/settings/specs/0 .*${join(dir, 'handlers', 'log.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no such file`));
  } finally {
    await rm(dirname(dirname(dir)), { recursive: true, force: true });
  }
});
