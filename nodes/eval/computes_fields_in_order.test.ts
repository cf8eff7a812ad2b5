/**
 * `eval` computes fields in order (a later lambda reads an earlier result), `keep` chooses what
 * passes on, and a tuple a lambda cannot evaluate goes to `_ppf_errors` with the reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startPunchline } from '../../test/support/run-punchline.js';
import { channelDir } from '../../test/support/temp-dir.js';

test('computed fields chain in order, keep limits the rest, and failures go to _ppf_errors', async () => {
  const dir = await channelDir();
  const out = join(dir, 'out.jsonl');
  const errors = join(dir, 'errors.jsonl');
  const { result } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "generator_input", component: "cpu", settings: { messages: [{ host: "a", usage_idle: "92.5", secret: "s" }, { host: "b", usage_idle: "n/a", secret: "s" }], count: 2, end_when_acked: true },
        publish: [{ stream: "cpu", fields: ["host", "usage_idle", "secret"] }] },
      { type: "eval", component: "busy", settings: { keep: ["host"], expressions: [
          { as: "usage_busy", lambda: "100.0 - \\"usage_idle\\"" },
          { as: "level", lambda: "if(\\"usage_busy\\" > 5.0, 'high', 'normal')" },
        ] },
        subscribe: [{ component: "cpu", stream: "cpu" }],
        publish: [{ stream: "cpu", fields: ["host", "usage_busy", "level"] }, { stream: "_ppf_errors", fields: ["host", "_ppf_error_message"] }] },
      { type: "file_output", component: "ok", settings: { path: "${out}", flush_interval_ms: 1 }, subscribe: [{ component: "busy", stream: "cpu" }] },
      { type: "file_output", component: "ko", settings: { path: "${errors}", flush_interval_ms: 1 }, subscribe: [{ component: "busy", stream: "_ppf_errors" }] },
    ],
  }`);
  assert.equal((await result).exitCode, 0);
  assert.deepEqual(JSON.parse(await readFile(out, 'utf8')), { host: 'a', usage_busy: 7.5, level: 'high' });
  const rejected = JSON.parse(await readFile(errors, 'utf8')) as { host: string; _ppf_error_message: string };
  assert.equal(rejected.host, 'b');
  assert.match(rejected._ppf_error_message, /^eval\[busy\]: computing "usage_busy" failed \(type-mismatch\)/);
});

test('publishing a field eval neither keeps nor computes is a validation error', async () => {
  await assert.rejects(
    startPunchline(`{
      version: "1", type: "punchline",
      dag: [
        { type: "generator_input", component: "cpu", settings: { messages: [{ host: "a", usage_idle: "1" }] }, publish: [{ stream: "cpu", fields: ["host", "usage_idle"] }] },
        { type: "eval", component: "busy", settings: { keep: ["host"], expressions: [{ as: "x", lambda: "1" }] },
          subscribe: [{ component: "cpu", stream: "cpu" }], publish: [{ stream: "cpu", fields: ["host", "usage_idle", "x"] }] },
        { type: "print_output", subscribe: [{ component: "busy", stream: "cpu" }] },
      ],
    }`),
    /\/dag\/1\/publish\/0\/fields\/1 {2}eval does not pass on field "usage_idle" \(add it to `keep` or compute it\)/,
  );
});

test('without keep, a field computed again reads its old value until computed, its new value after, and the other fields pass on', async () => {
  const out = join(await channelDir(), 'out.jsonl');
  const { result } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "generator_input", component: "cpu", settings: { messages: [{ host: "a", usage_idle: "92.5", secret: "s" }], count: 1, end_when_acked: true },
        publish: [{ stream: "cpu", fields: ["host", "usage_idle", "secret"] }] },
      { type: "eval", component: "busy", settings: { expressions: [
          { as: "usage_busy", lambda: "100.0 - \\"usage_idle\\"" },
          { as: "usage_idle", lambda: "\\"usage_idle\\" / 100.0" },
          { as: "ratio", lambda: "\\"usage_busy\\" / \\"usage_idle\\"" },
        ] },
        subscribe: [{ component: "cpu", stream: "cpu" }],
        publish: [{ stream: "cpu", fields: ["host", "usage_idle", "secret", "usage_busy", "ratio"] }] },
      { type: "file_output", component: "ok", settings: { path: "${out}", flush_interval_ms: 1 }, subscribe: [{ component: "busy", stream: "cpu" }] },
    ],
  }`);
  assert.equal((await result).exitCode, 0);
  const line = (await readFile(out, 'utf8')).trim();
  assert.equal(line, JSON.stringify({ host: 'a', usage_idle: 0.925, secret: 's', usage_busy: 7.5, ratio: 7.5 / 0.925 }));
});
