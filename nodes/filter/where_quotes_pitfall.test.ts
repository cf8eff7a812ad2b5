/**
 * The classic TICKscript mistake: `"host" == "server1"` compares two fields, not a field and a
 * string. Kapacitor runs it and matches nothing; punchline refuses it at validation (the field
 * `server1` is not published) with the single-quote fix, while single quotes work.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseJson5Document } from '../../src/runtime/validation/json5-document.js';
import { validatePunchlineDocument } from '../../src/runtime/config/load-punchline.js';
import { DEFAULT_PLATFORM_CONFIG } from '../../src/runtime/config/load-platform-config.js';
import { TEST_CATALOGUE } from '../../test/support/test-nodes.js';
import { metricValue, startPunchline } from '../../test/support/run-punchline.js';
import { channelDir } from '../../test/support/temp-dir.js';

function punchline(where: string, out: string): string {
  return `{
    version: "1", type: "punchline",
    dag: [
      { type: "generator_input", component: "cpu", settings: { messages: [{ host: "server1", usage_idle: "10" }, { host: "server2", usage_idle: "20" }], count: 10, end_when_acked: true },
        publish: [{ stream: "cpu", fields: ["host", "usage_idle"] }] },
      { type: "filter", component: "where", settings: { where: ${JSON.stringify(where)} },
        subscribe: [{ component: "cpu", stream: "cpu" }], publish: [{ stream: "cpu", fields: ["host", "usage_idle"] }] },
      { type: "file_output", settings: { path: "${out}", flush_interval_ms: 1 }, subscribe: [{ component: "where", stream: "cpu" }] },
    ],
  }`;
}

test('single quotes compare the host with a string: only server1 passes', async () => {
  const out = join(await channelDir(), 'single.jsonl');
  const { result, registry } = await startPunchline(punchline(`"host" == 'server1'`, out));
  assert.equal((await result).exitCode, 0);
  const hosts = (await readFile(out, 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { host: string }).host);
  assert.deepEqual(hosts, Array(5).fill('server1'));
  assert.equal(await metricValue(registry, 'punchline_node_tuples_dropped_total', 'where'), 5);
});

test('double quotes make "server1" a field: validation rejects it and suggests single quotes', async () => {
  const out = join(await channelDir(), 'double.jsonl');
  const { punchline: runnable, diagnostics } = validatePunchlineDocument(parseJson5Document('p.json5', punchline(`"host" == "server1"`, out)), TEST_CATALOGUE, DEFAULT_PLATFORM_CONFIG);
  assert.equal(runnable, undefined, 'the punchline does not run');
  const at = diagnostics.filter((d) => d.path === '/dag/1/settings/where');
  assert.ok(at.some((d) => d.severity === 'error' && /field "server1" is not published/.test(d.message)), JSON.stringify(at));
  const warning = at.find((d) => d.severity === 'warning');
  assert.match(`${warning?.message ?? ''} ${warning?.hint ?? ''}`, /write 'server1' in single quotes/);
});

test('a where lambda failing on a tuple (field published but null) drops it and counts the failure', async () => {
  const out = join(await channelDir(), 'nulls.jsonl');
  const text = punchline(`"usage_idle" < 15`, out).replace('usage_idle: "20"', 'other: "x"');
  const { result, registry } = await startPunchline(text);
  assert.equal((await result).exitCode, 0);
  assert.equal((await readFile(out, 'utf8')).trim().split('\n').length, 5, 'server1 rows pass');
  assert.equal(await metricValue(registry, 'punchline_node_tuples_dropped_total', 'where'), 5);
  const failures = await registry.getSingleMetric('punchline_lambda_failures_total')?.get();
  assert.equal(failures?.values.find((v) => v.labels.failure === 'missing-field')?.value, 5);
});
