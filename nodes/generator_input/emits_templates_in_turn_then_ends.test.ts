/**
 * `generator_input` as its README describes it: messages used in turn (or by weight), placeholders
 * replaced (a lone numeric placeholder gives a number), the sequence number in `id_field`, a rate,
 * `count` split between executors, a bounded run that ends by itself with `end_when_acked`, and a
 * failed tuple that is not replayed. What it emits is read back from a file_output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startPunchline } from '../../test/support/run-punchline.js';
import { channelDir } from '../../test/support/temp-dir.js';

type Line = Record<string, unknown>;

/** Runs `generator` (settings and extra node fields) into a file, to its end; the file's lines. */
async function generate(generator: string, fields: readonly string[], between = ''): Promise<{ lines: Line[]; ms: number }> {
  const file = join(await channelDir(), 'out.jsonl');
  const upstream = between === '' ? 'gen' : 'between';
  const started = Date.now();
  const { result } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "generator_input", component: "gen", ${generator}, publish: [{ stream: "s", fields: ${JSON.stringify(fields)} }] },
      ${between}
      { type: "file_output", settings: { path: "${file}", flush_interval_ms: 1 }, subscribe: [{ component: "${upstream}", stream: "s" }] },
    ],
  }`);
  const { exitCode, reason } = await result;
  const ms = Date.now() - started;
  assert.equal(exitCode, 0, reason);
  const text = await readFile(file, 'utf8');
  return { lines: text === '' ? [] : text.trimEnd().split('\n').map((line) => JSON.parse(line) as Line), ms };
}

test('messages are used in turn with their placeholders replaced, the sequence number in id_field, and a bounded run ends by itself', async () => {
  const before = Date.now();
  const { lines } = await generate(
    `settings: { count: 6, end_when_acked: true, id_field: "seq", messages: [
      { kind: "first", n: "%{counter}", label: "n=%{counter}", host: "web-%{cycle:a|b|c}", f: "%{random:-1.5:2}", i: "%{random_int:3:5}", at: "%{now}", iso: "%{now_iso}", fixed: "plain" },
      { kind: "second", n: "%{counter}", label: "n=%{counter}", host: "web-%{cycle:a|b|c}", f: "%{random:-1.5:2}", i: "%{random_int:3:5}", at: "%{now}", iso: "%{now_iso}", fixed: "plain" },
    ] }`,
    ['kind', 'n', 'label', 'host', 'f', 'i', 'at', 'iso', 'fixed', 'seq'],
  );
  const after = Date.now();
  assert.equal(lines.length, 6, 'exactly count tuples');
  lines.forEach((line, seq) => {
    assert.equal(line.seq, seq);
    assert.equal(line.kind, seq % 2 === 0 ? 'first' : 'second', 'messages in turn');
    assert.equal(line.n, seq, 'a lone %{counter} is a number');
    assert.equal(line.label, `n=${seq}`, 'a placeholder inside text gives a string');
    assert.equal(line.host, `web-${['a', 'b', 'c'][seq % 3]}`, '%{cycle} picks by sequence number');
    assert.equal(typeof line.f, 'number');
    assert.ok((line.f as number) >= -1.5 && (line.f as number) <= 2, `random within bounds: ${String(line.f)}`);
    assert.equal(Math.round((line.f as number) * 10), (line.f as number) * 10, 'one decimal');
    assert.ok([3, 4, 5].includes(line.i as number), `random_int within bounds, included: ${String(line.i)}`);
    assert.equal(typeof line.at, 'number');
    assert.ok((line.at as number) >= before && (line.at as number) <= after, 'now is the emission time in epoch ms');
    assert.equal(line.iso, new Date(line.at as number).toISOString(), 'now_iso is the same instant in ISO 8601');
    assert.equal(line.fixed, 'plain');
  });
});

test('without id_field, the sequence number is in _ppf_id', async () => {
  const { lines } = await generate(`settings: { count: 3, end_when_acked: true, messages: [{ m: "x" }] }`, ['m', '_ppf_id']);
  assert.deepEqual(lines, [0, 1, 2].map((id) => ({ m: 'x', _ppf_id: id })));
});

test('messages_per_second paces the emission', async () => {
  const { lines, ms } = await generate(`settings: { count: 10, messages_per_second: 20, end_when_acked: true, messages: [{ at: "%{now}" }] }`, ['at', '_ppf_id']);
  assert.equal(lines.length, 10);
  const spread = (lines[9]?.at as number) - (lines[0]?.at as number);
  // 10 tuples at 20 per second: the last one about 450 ms after the first.
  assert.ok(spread >= 350, `the last tuple ${spread} ms after the first`);
  assert.ok(ms >= 350 && ms < 10_000, `the run took ${ms} ms`);
});

test('with weights, each tuple picks its message by weight: a weight of 0 is never picked', async () => {
  const { lines } = await generate(`settings: { count: 40, end_when_acked: true, weights: [0, 1, 0], messages: [{ m: "a" }, { m: "b" }, { m: "c" }] }`, ['m', '_ppf_id']);
  assert.equal(lines.length, 40);
  assert.deepEqual([...new Set(lines.map((l) => l.m))], ['b']);
});

test('executors split count between them and interleave sequence numbers: each number once', async () => {
  const { lines } = await generate(`executors: 3, settings: { count: 10, end_when_acked: true, messages: [{ m: "%{counter}" }] }`, ['m', '_ppf_id']);
  assert.deepEqual(lines.map((l) => l._ppf_id).sort((a, b) => (a as number) - (b as number)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  for (const line of lines) assert.equal(line.m, line._ppf_id, 'the counter is the sequence number');
});

test('a failed tuple is not replayed, and the bounded run still ends once every tuple is acked or failed', async () => {
  const { lines } = await generate(
    // The test bolt fails the tuples whose `id` field it lists: the sequence number goes there.
    `settings: { count: 6, end_when_acked: true, id_field: "id", messages: [{ m: "x" }] }`,
    ['m', 'id'],
    `{ type: "scripted_bolt", component: "between", settings: { fail_ids: [2, 4] }, subscribe: [{ component: "gen", stream: "s" }], publish: [{ stream: "s", fields: ["m", "id"] }] },`,
  );
  assert.deepEqual(lines.map((l) => l.id), [0, 1, 3, 5], 'each tuple once: 2 and 4 failed and were not emitted again');
});

test('literal numbers, booleans and null in a message stay typed; a quoted "7" stays text', async () => {
  const { lines } = await generate(
    `settings: { count: 2, end_when_acked: true, messages: [{ host: "web-1", usage_idle: 7.5, cores: 4, up: true, down: false, note: null, text: "7" }] }`,
    ['host', 'usage_idle', 'cores', 'up', 'down', 'note', 'text', '_ppf_id'],
  );
  assert.deepEqual(lines, [0, 1].map((id) => ({ host: 'web-1', usage_idle: 7.5, cores: 4, up: true, down: false, note: null, text: '7', _ppf_id: id })));
});

test('a lambda compares a literal number of a message as a number', async () => {
  const { lines } = await generate(
    `settings: { count: 4, end_when_acked: true, messages: [{ host: "low", usage_idle: 7.5 }, { host: "high", usage_idle: 70 }] }`,
    ['host', 'usage_idle'],
    `{ type: "filter", component: "between", settings: { where: "\\"usage_idle\\" < 10.0" }, subscribe: [{ component: "gen", stream: "s" }], publish: [{ stream: "s", fields: ["host", "usage_idle"] }] },`,
  );
  assert.deepEqual(lines, [{ host: 'low', usage_idle: 7.5 }, { host: 'low', usage_idle: 7.5 }]);
});
