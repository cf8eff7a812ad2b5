/**
 * Each kind of mistake a user makes in a punchline is reported at the right JSON path and line,
 * with a message that names the problem. Table-driven: one punchline per mistake.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJson5Document } from '../../src/runtime/validation/json5-document.js';
import { validatePunchlineDocument } from '../../src/runtime/config/load-punchline.js';
import { DEFAULT_PLATFORM_CONFIG } from '../../src/runtime/config/load-platform-config.js';
import { formatDiagnostic } from '../../src/runtime/validation/diagnostic.js';
import { PunchlineError } from '../../src/core/errors.js';
import { TEST_CATALOGUE } from '../support/test-nodes.js';

const GEN = `{ type: "generator_input", component: "gen", settings: { messages: [{ a: "x" }] }, publish: [{ stream: "s", fields: ["a"] }] }`;
const OUT = `{ type: "print_output", subscribe: [{ component: "gen", stream: "s" }] }`;

/** A punchline whose dag is `nodes` (one per line, starting on line 4). */
function punchline(nodes: string[], extra = ''): string {
  return `{
  version: "1", type: "punchline",
  dag: [
${nodes.map((n) => `    ${n},`).join('\n')}
  ],${extra}
}`;
}

const cases: { mistake: string; text: string; path: string; line: number; message: RegExp }[] = [
  { mistake: 'unknown node type', text: punchline([GEN, `{ type: "print_outptu", subscribe: [{ component: "gen", stream: "s" }] }`]), path: '/dag/1/type', line: 5, message: /unknown node type "print_outptu" \(did you mean "print_output"\?\)/ },
  { mistake: 'unknown setting (typo)', text: punchline([`{ type: "generator_input", component: "gen", settings: { messages: [{ a: "x" }], cuont: 3 }, publish: [{ stream: "s", fields: ["a"] }] }`, OUT]), path: '/dag/0/settings/cuont', line: 4, message: /unknown setting "cuont" \(did you mean "count"\?\)/ },
  { mistake: 'wrong setting type', text: punchline([GEN, `{ type: "file_output", settings: { path: "/tmp/x", fsync: "yes" }, subscribe: [{ component: "gen", stream: "s" }] }`]), path: '/dag/1/settings/fsync', line: 5, message: /must be boolean, not string "yes"/ },
  { mistake: 'missing required setting', text: punchline([GEN, `{ type: "file_output", settings: {}, subscribe: [{ component: "gen", stream: "s" }] }`]), path: '/dag/1/settings', line: 5, message: /missing required setting "path"/ },
  { mistake: 'subscribe to an unknown component', text: punchline([GEN, `{ type: "print_output", subscribe: [{ component: "generator", stream: "s" }] }`]), path: '/dag/1/subscribe/0/component', line: 5, message: /unknown component "generator"/ },
  { mistake: 'subscribe to a stream the component does not publish', text: punchline([GEN, `{ type: "print_output", subscribe: [{ component: "gen", stream: "logs" }] }`]), path: '/dag/1/subscribe/0/stream', line: 5, message: /component "gen" does not publish a stream "logs"/ },
  { mistake: 'duplicate component names', text: punchline([GEN, OUT, OUT]), path: '/dag/2/component', line: 6, message: /duplicate component name "print_output"/ },
  {
    mistake: 'a cycle between bolts',
    text: punchline([GEN, `{ type: "scripted_bolt", component: "b1", subscribe: [{ component: "gen", stream: "s" }, { component: "b2", stream: "s" }], publish: [{ stream: "s", fields: ["a"] }] }`, `{ type: "scripted_bolt", component: "b2", subscribe: [{ component: "b1", stream: "s" }], publish: [{ stream: "s", fields: ["a"] }] }`]),
    path: '/dag/1/subscribe', line: 5, message: /cycle: b1 -> b2 -> b1/,
  },
  { mistake: 'an output that subscribes to nothing', text: punchline([GEN, OUT, `{ type: "print_output", component: "orphan" }`]), path: '/dag/2', line: 6, message: /orphan\] subscribes to nothing/ },
  { mistake: 'an input that subscribes', text: punchline([GEN, OUT, `{ type: "generator_input", component: "gen2", settings: { messages: [{ a: "x" }] }, subscribe: [{ component: "gen", stream: "s" }] }`]), path: '/dag/2/subscribe', line: 6, message: /is an input: it cannot subscribe/ },
  { mistake: 'unknown topology setting', text: punchline([GEN, OUT], `\n  settings: { "topology.max.spout.pendng": 10 },`), path: '/settings/topology.max.spout.pendng', line: 7, message: /did you mean "topology.max.spout.pending"/ },
  { mistake: 'unset environment variable', text: punchline([GEN, `{ type: "file_output", settings: { path: "\${PUNCHLINE_TEST_SURELY_UNSET}/out" }, subscribe: [{ component: "gen", stream: "s" }] }`]), path: '/dag/1/settings/path', line: 5, message: /environment variable PUNCHLINE_TEST_SURELY_UNSET is not set/ },
  { mistake: 'a node-level check (generator placeholder)', text: punchline([`{ type: "generator_input", component: "gen", settings: { messages: [{ a: "%{countr}" }] }, publish: [{ stream: "s", fields: ["a"] }] }`, OUT]), path: '/dag/0/settings/messages/0', line: 4, message: /unknown placeholder %\{countr\}/ },
  { mistake: 'wrong file version', text: punchline([GEN, OUT]).replace('version: "1"', 'version: "2"'), path: '/version', line: 2, message: /must be "1"/ },
];

for (const { mistake, text, path, line, message } of cases) {
  test(`a punchline with ${mistake} is rejected at ${path}, line ${line}`, () => {
    const { punchline: valid, diagnostics } = validatePunchlineDocument(parseJson5Document('p.json5', text), TEST_CATALOGUE, DEFAULT_PLATFORM_CONFIG);
    assert.equal(valid, undefined, 'an invalid punchline must not be runnable');
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const found = errors.find((d) => d.path === path && message.test(d.message + (d.hint === undefined ? '' : ` (${d.hint})`)));
    assert.ok(found, `expected ${message} at ${path}; got:\n${errors.map(formatDiagnostic).join('\n')}`);
    assert.equal(found.line, line);
    assert.match(formatDiagnostic(found), new RegExp(`^p\\.json5:${line}:\\d+  ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}  `));
  });
}

test('every mistake of a punchline is reported at once, in file order', () => {
  const text = punchline([`{ type: "generator_input", component: "gen", settings: { messages: [{ a: "x" }], cuont: 3 }, publish: [{ stream: "s", fields: ["a"] }] }`, `{ type: "print_outptu", subscribe: [{ component: "gen", stream: "s" }] }`, `{ type: "print_output", subscribe: [{ component: "gen", stream: "logs" }] }`]);
  const { diagnostics } = validatePunchlineDocument(parseJson5Document('p.json5', text), TEST_CATALOGUE, DEFAULT_PLATFORM_CONFIG);
  assert.deepEqual(diagnostics.filter((d) => d.severity === 'error').map((d) => d.line), [4, 5, 6]);
});

test('a JSON5 syntax error names the file, line and column', () => {
  assert.throws(
    () => parseJson5Document('broken.json5', '{\n  version: "1",\n  dag: [ { type: "x" } }\n}'),
    (error: unknown) => error instanceof PunchlineError && error.code === 'E_CONFIG_SYNTAX' && /^broken\.json5:3:24 {2}invalid character/.test(error.message),
  );
});

test('defaults from the schemas are filled into a valid punchline', () => {
  const { punchline: valid } = validatePunchlineDocument(parseJson5Document('p.json5', punchline([GEN, OUT])), TEST_CATALOGUE, DEFAULT_PLATFORM_CONFIG);
  assert.ok(valid);
  assert.equal(valid.topology['topology.max.spout.pending'], 2000);
  assert.deepEqual(valid.nodes[1]?.settings, { flush_interval_ms: 20, max_batch_size: 1000 });
  assert.equal(valid.nodes[1]?.component, 'print_output');
});

test('a value none of whose accepted types fits is one line naming them all, not one per alternative', () => {
  const text = punchline([`{ type: "generator_input", component: "gen", settings: { messages: [{ a: ["x", "y"] }] }, publish: [{ stream: "s", fields: ["a"] }] }`, OUT]);
  const { diagnostics } = validatePunchlineDocument(parseJson5Document('p.json5', text), TEST_CATALOGUE, DEFAULT_PLATFORM_CONFIG);
  assert.deepEqual(diagnostics.map(formatDiagnostic), ['p.json5:4:78  /dag/0/settings/messages/0/a  must be string, number, boolean or null, not an array']);
});
