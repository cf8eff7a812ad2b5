/**
 * Kapacitor's groupBy, written once: a `group_by` on a published stream is the grouping of every
 * window, eval and alert downstream that names none, and a node's own group_by regroups what it
 * publishes. Validation says where a grouping cannot hold: two input streams grouped
 * differently, an inherited group field that does not reach the node, a stream group_by naming a
 * field the stream does not carry. `punchline graph` shows each edge's grouping.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJson5Document } from '../../src/runtime/validation/json5-document.js';
import { validatePunchlineDocument } from '../../src/runtime/config/load-punchline.js';
import { DEFAULT_PLATFORM_CONFIG } from '../../src/runtime/config/load-platform-config.js';
import { toDot } from '../../src/runtime/graph-dot.js';
import { TEST_CATALOGUE } from '../../test/support/test-nodes.js';

const FILE = '/t/acme/unit/grouped.json5';

/** Two inputs (cpu grouped by `cpuGroup`, mem by `memGroup`), a window on both, an eval on the window, an alert with `alertSettings`. */
function punchline(cpuGroup: string, memGroup: string, windowSettings = '', alertSettings = ''): ReturnType<typeof validatePunchlineDocument> {
  return validatePunchlineDocument(
    parseJson5Document(
      FILE,
      `{
  version: "1", type: "punchline",
  dag: [
    { type: "generator_input", component: "cpu", settings: { messages: [{ host: "a", dc: "eu", v: 1 }] },
      publish: [{ stream: "points", fields: ["host", "dc", "v"]${cpuGroup} }] },
    { type: "generator_input", component: "mem", settings: { messages: [{ host: "a", dc: "eu", v: 1 }] },
      publish: [{ stream: "points", fields: ["host", "dc", "v"]${memGroup} }] },
    { type: "window", component: "w", settings: { period_count: 2, every_count: 2${windowSettings} },
      subscribe: [{ component: "cpu", stream: "points" }, { component: "mem", stream: "points" }],
      publish: [{ stream: "batches", fields: ["host", "points", "time"] }] },
    { type: "aggregate", component: "n", settings: { function: "count", field: "v" },
      subscribe: [{ component: "w", stream: "batches" }], publish: [{ stream: "counts", fields: ["host", "count", "time"] }] },
    { type: "alert", component: "al", settings: { crit: "\\"count\\" > 1"${alertSettings} },
      subscribe: [{ component: "n", stream: "counts" }], publish: [{ stream: "alerts", fields: ["alert"] }] },
    { type: "print_output", subscribe: [{ component: "al", stream: "alerts" }] },
  ],
}`,
    ),
    TEST_CATALOGUE,
    DEFAULT_PLATFORM_CONFIG,
  );
}

const errors = (result: ReturnType<typeof validatePunchlineDocument>): string[] => result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.path} ${d.message}`);
const groupings = (result: ReturnType<typeof validatePunchlineDocument>): Record<string, string> => Object.fromEntries((result.punchline?.nodes ?? []).map((n) => [n.component, n.groupBy.join(',')]));

test('a group_by on the input streams is the grouping of the window, the aggregate and the alert downstream', () => {
  const result = punchline(', group_by: ["host"]', ', group_by: ["host"]');
  assert.deepEqual(errors(result), []);
  assert.deepEqual(groupings(result), { cpu: '', mem: '', w: 'host', n: 'host', al: 'host', print_output: 'host' });
  assert.match(toDot(result.punchline as NonNullable<typeof result.punchline>), /"n" -> "al" \[label="counts\\n\[host, count, time\]\\ngroup_by \[host\]"\];/);
});

test('a node\'s own group_by overrides what it receives and is what the nodes after it inherit; [] ungroups', () => {
  assert.deepEqual(groupings(punchline(', group_by: ["dc"]', ', group_by: ["dc"]', ', group_by: ["host"]')), { cpu: '', mem: '', w: 'host', n: 'host', al: 'host', print_output: 'host' });
  assert.deepEqual(groupings(punchline(', group_by: ["host"]', ', group_by: ["host"]', '', ', group_by: []')), { cpu: '', mem: '', w: 'host', n: 'host', al: '', print_output: '' });
});

test('two input streams grouped differently are an error at the node that inherits them, unless it sets its own', () => {
  assert.deepEqual(errors(punchline(', group_by: ["host"]', ', group_by: ["dc", "host"]')), [
    '/dag/2/subscribe window[w] receives streams grouped differently: by [host] (stream "points" of cpu) and by [dc, host] (stream "points" of mem)',
  ]);
  assert.deepEqual(errors(punchline(', group_by: ["host"]', '')), ['/dag/2/subscribe window[w] receives streams grouped differently: by [host] (stream "points" of cpu) and by [] (no group_by)']);
  // The same fields in another order are the same groups.
  assert.deepEqual(errors(punchline(', group_by: ["host", "dc"]', ', group_by: ["dc", "host"]', ', group_by: ["host"]')), []);
  assert.deepEqual(errors(punchline(', group_by: ["host"]', ', group_by: ["dc"]', ', group_by: ["host"]')), []);
});

test('an inherited group field that does not reach the node, or a stream group_by naming no field of the stream, is an error', () => {
  // The window groups by host and dc but publishes only host: the alert after it cannot form those groups.
  assert.deepEqual(errors(punchline(', group_by: ["host", "dc"]', ', group_by: ["host", "dc"]')), [
    '/dag/4/subscribe alert[al] inherits group_by [host, dc] (stream "points" of cpu), but field "dc" is not published by any stream it subscribes to',
  ]);
  assert.deepEqual(errors(punchline(', group_by: ["rack"]', ', group_by: ["rack"]', ', group_by: ["host"]')), [
    '/dag/0/publish/0/group_by/0 group_by field "rack" is not a field of stream "points"',
    '/dag/1/publish/0/group_by/0 group_by field "rack" is not a field of stream "points"',
  ]);
});
