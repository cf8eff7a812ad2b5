/**
 * `eval` with `group_by` keeps the state of its stateful functions per group (Kapacitor's eval after
 * a groupBy): count() counts each host's tuples, sigma() scores a value against its own host's
 * history. A stateful eval refuses `executors > 1` at start, naming the node and the fix; a
 * stateless one runs with several executors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startPunchline } from '../../test/support/run-punchline.js';
import { channelDir } from '../../test/support/temp-dir.js';

function punchline(messages: readonly string[], evalNode: string, out: string, fields: readonly string[]): string {
  return `{
    version: "1", type: "punchline",
    dag: [
      { type: "generator_input", component: "cpu", settings: { messages: [${messages.join(', ')}], count: ${messages.length}, end_when_acked: true },
        publish: [{ stream: "cpu", fields: ["host", "cpu"] }] },
      { type: "eval", component: "scored", ${evalNode},
        subscribe: [{ component: "cpu", stream: "cpu" }], publish: [{ stream: "cpu", fields: ${JSON.stringify(fields)} }] },
      { type: "file_output", settings: { path: "${out}", flush_interval_ms: 1 }, subscribe: [{ component: "scored", stream: "cpu" }] },
    ],
  }`;
}

async function run(text: string, out: string): Promise<Record<string, unknown>[]> {
  const { result } = await startPunchline(text);
  assert.equal((await result).exitCode, 0);
  return (await readFile(out, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

// Host a around 10, host b around 90, interleaved; then 90 for host a (an outlier there) and for host b (ordinary).
const HOSTS = [...Array.from({ length: 12 }, (_, i) => `{ host: "${i % 2 === 0 ? 'a' : 'b'}", cpu: ${(i % 2 === 0 ? 10 : 90) + (i % 4 < 2 ? 0 : 1)} }`), '{ host: "a", cpu: 90 }', '{ host: "b", cpu: 90 }'];

test('with group_by, count() and sigma() keep one state per host', async () => {
  const out = join(await channelDir(), 'grouped.jsonl');
  const lines = await run(
    punchline(HOSTS, 'settings: { group_by: ["host"], expressions: [{ as: "n", lambda: "count()" }, { as: "sigma", lambda: "sigma(\\"cpu\\")" }] }', out, ['host', 'n', 'sigma']),
    out,
  );
  assert.deepEqual(lines.map((l) => `${String(l.host)}${String(l.n)}`), ['a1', 'b1', 'a2', 'b2', 'a3', 'b3', 'a4', 'b4', 'a5', 'b5', 'a6', 'b6', 'a7', 'b7']);
  const last = lines.slice(-2).map((l) => l.sigma as number);
  assert.ok((last[0] ?? 0) > 2, `90 is far off host a's history: sigma ${last[0]}`);
  assert.ok((last[1] ?? 99) < 1.5, `90 is ordinary for host b: sigma ${last[1]}`);
});

test('without group_by, every tuple feeds one state', async () => {
  const out = join(await channelDir(), 'ungrouped.jsonl');
  const lines = await run(punchline(HOSTS, 'settings: { expressions: [{ as: "n", lambda: "count()" }] }', out, ['host', 'n']), out);
  assert.deepEqual(lines.map((l) => l.n), Array.from({ length: HOSTS.length }, (_, i) => i + 1));
});

test('a stateful eval with executors 2 is refused at start, naming the node, the lambda and the fix; a stateless one runs', async () => {
  const out = join(await channelDir(), 'executors.jsonl');
  await assert.rejects(
    startPunchline(punchline(HOSTS, 'executors: 2, settings: { group_by: ["host"], expressions: [{ as: "busy", lambda: "100.0 - \\"cpu\\"" }, { as: "sigma", lambda: "sigma(\\"cpu\\")" }] }', out, ['host', 'sigma'])),
    (error: Error & { hint?: string }) => {
      assert.match(error.message, /eval\[scored\]: executors 2: the stateful functions of "sigma" keep each group's state in one executor/);
      assert.equal(error.hint, 'set executors: 1');
      return true;
    },
  );
  const lines = await run(punchline(HOSTS, 'executors: 2, settings: { expressions: [{ as: "busy", lambda: "100 - \\"cpu\\"" }] }', out, ['host', 'busy']), out);
  assert.equal(lines.length, HOSTS.length);
});
