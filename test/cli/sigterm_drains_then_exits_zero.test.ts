/**
 * A graceful stop: on SIGTERM the punchline stops its inputs, lets every in-flight tuple reach the
 * output, and exits 0. Every tuple the input saw acked is in the output file, and none is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, waitFor } from '../support/cli.js';

test('SIGTERM drains in-flight tuples to the output, then exits 0', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'punchline-sigterm-'));
  await mkdir(join(dir, 'acme', 'ops'), { recursive: true });
  const file = join(dir, 'acme', 'ops', 'drain.json5');
  const out = join(dir, 'out.jsonl');
  await writeFile(file, `{
    version: "1", type: "punchline",
    dag: [
      { type: "generator_input", component: "gen", settings: { messages: [{ msg: "tick %{counter}" }], messages_per_second: 2000 },
        publish: [{ stream: "s", fields: ["msg", "_ppf_id"] }] },
      // A long flush interval: at SIGTERM, up to a second of tuples sit in the output's buffer.
      { type: "file_output", settings: { path: "${out}", flush_interval_ms: 1000, max_batch_size: 100000 }, subscribe: [{ component: "gen", stream: "s" }] },
    ],
  }`);
  const run = startCli(['run', file], { PUNCHLINE_LOG_LEVEL: 'info' });
  await waitFor(() => existsSync(out) && run.stderr().includes('"running"'), 20_000, 'the punchline to run and write');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  run.child.kill('SIGTERM');
  const { code, stderr } = await run.exit;
  assert.equal(code, 0, stderr);
  const stopped = stderr.split('\n').find((line) => line.includes('"msg":"stopped"'));
  assert.ok(stopped, `a final "stopped" log line:\n${stderr}`);
  const { inputs } = JSON.parse(stopped) as { inputs: { gen: { acked: number; failed: number } } };
  const lines = (await readFile(out, 'utf8')).trim().split('\n');
  const ids = lines.map((line) => (JSON.parse(line) as { _ppf_id: number })._ppf_id);
  assert.ok(inputs.gen.acked > 1000, `acked ${inputs.gen.acked}`);
  assert.equal(inputs.gen.failed, 0);
  assert.equal(lines.length, inputs.gen.acked, 'every acked tuple is in the file, including those buffered at SIGTERM');
  assert.deepEqual(ids, Array.from({ length: ids.length }, (_, i) => i), 'no gap, no duplicate');
});
