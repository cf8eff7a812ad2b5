/**
 * `eval` with `group_by` keeps the state of its stateful functions per group (Kapacitor's eval after
 * a groupBy): count() counts each host's tuples, sigma() scores a value against its own host's
 * history. With `executors: 2` each host's tuples all go to one executor (fields grouping), so its
 * state stays whole; a stateless eval is dealt round robin.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startPunchline } from '../../test/support/run-punchline.js';
import { parseJson5Document } from '../../src/runtime/validation/json5-document.js';
import { validatePunchlineDocument } from '../../src/runtime/config/load-punchline.js';
import { DEFAULT_PLATFORM_CONFIG } from '../../src/runtime/config/load-platform-config.js';
import { TEST_CATALOGUE } from '../../test/support/test-nodes.js';
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

test('with executors 2, each host goes to one executor: count() still counts each host 1, 2, 3…; a stateless eval runs too', async () => {
  const out = join(await channelDir(), 'executors.jsonl');
  const hosts = Array.from({ length: 40 }, (_, i) => `{ host: "h${i % 5}", cpu: ${i} }`);
  const lines = await run(punchline(hosts, 'executors: 2, settings: { group_by: ["host"], expressions: [{ as: "n", lambda: "count()" }] }', out, ['host', 'n']), out);
  const byHost = new Map<string, unknown[]>();
  for (const line of lines) byHost.set(String(line.host), [...(byHost.get(String(line.host)) ?? []), line.n]);
  assert.equal(byHost.size, 5);
  for (const [host, counts] of byHost) assert.deepEqual(counts, [1, 2, 3, 4, 5, 6, 7, 8], `host ${host}: one state, in one executor`);
  const stateless = join(await channelDir(), 'stateless.jsonl');
  const plain = await run(punchline(HOSTS, 'executors: 2, settings: { expressions: [{ as: "busy", lambda: "100 - \\"cpu\\"" }] }', stateless, ['host', 'busy']), stateless);
  assert.equal(plain.length, HOSTS.length);
});

test("Kapacitor's TestStream_StateDuration and StateCount as an eval grouped by host: its rows, and the point without a value rejected without breaking the state", async () => {
  const dir = await channelDir();
  const out = join(dir, 'states.jsonl');
  const errors = join(dir, 'errors.jsonl');
  const t0 = Date.UTC(1971, 0, 1);
  // integrations/testdata/TestStream_StateTracking.srpl, one second apart once replayed.
  const rows: [string, number | null, number][] = [['serverA', 97.1, 0], ['serverB', 47.0, 0], ['serverA', 96.6, 1], ['serverB', 95.1, 1], ['serverA', 83.6, 2], ['serverB', null, 2], ['serverA', 99.1, 3], ['serverB', 96.1, 3]];
  const messages = rows.map(([host, value, second]) => `{ host: "${host}", value: ${String(value)}, t: ${t0 + second * 1000} }`).join(', ');
  const { result } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "generator_input", component: "cpu", settings: { messages: [${messages}], count: ${rows.length}, end_when_acked: true },
        publish: [{ stream: "cpu", fields: ["host", "value", "t"] }] },
      { type: "eval", component: "states", settings: { group_by: ["host"], time_field: "t", expressions: [
          { as: "my_duration", lambda: "stateDuration(\\"value\\" > 95, 1ms)" }, { as: "my_count", lambda: "stateCount(\\"value\\" > 95)" }] },
        subscribe: [{ component: "cpu", stream: "cpu" }],
        publish: [{ stream: "cpu", fields: ["host", "t", "my_duration", "my_count"] }, { stream: "_ppf_errors", fields: ["host", "t", "_ppf_error_message"] }] },
      { type: "file_output", component: "ok", settings: { path: "${out}", flush_interval_ms: 1 }, subscribe: [{ component: "states", stream: "cpu" }] },
      { type: "file_output", component: "ko", settings: { path: "${errors}", flush_interval_ms: 1 }, subscribe: [{ component: "states", stream: "_ppf_errors" }] },
    ],
  }`);
  assert.equal((await result).exitCode, 0);
  const lines = (await readFile(out, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { host: string; t: number; my_duration: number; my_count: number });
  assert.deepEqual(
    lines.map((l) => `${l.host} ${(l.t - t0) / 1000}s ${l.my_duration} ${l.my_count}`),
    ['serverA 0s 0 1', 'serverB 0s -1 -1', 'serverA 1s 1000 2', 'serverB 1s 0 1', 'serverA 2s -1 -1', 'serverA 3s 0 1', 'serverB 3s 2000 2'],
  );
  assert.match(await readFile(errors, 'utf8'), /"host":"serverB","t":31536002000,.*computing \\"my_duration\\" failed \(missing-field\)/);
});

test('group_by on an eval without a stateful function is a validation warning at its path', () => {
  const warnings = (expressions: string): string[] =>
    validatePunchlineDocument(parseJson5Document('/t/acme/unit/eval.json5', punchline(HOSTS, `settings: { group_by: ["host"], expressions: [${expressions}] }`, '/tmp/unused.jsonl', ['host'])), TEST_CATALOGUE, DEFAULT_PLATFORM_CONFIG)
      .diagnostics.filter((d) => d.severity === 'warning')
      .map((d) => `${d.path} ${d.message}`);
  assert.deepEqual(warnings('{ as: "busy", lambda: "100 - \\"cpu\\"" }'), ['/dag/1/settings/group_by group_by keeps no state here: no expression uses a stateful function; it only regroups the nodes downstream']);
  assert.deepEqual(warnings('{ as: "busy", lambda: "100 - \\"cpu\\"" }, { as: "n", lambda: "stateCount(\\"cpu\\" > 50)" }'), []);
});
