/**
 * docs/platform-config.md documents every setting of the platform schema with its Kapacitor name
 * and its default, so the user doc cannot drift from the schema (the source of truth): a setting
 * added to the schema without a row in the doc, or a changed default, fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { PACKAGE_ROOT, schemaFile } from '../../src/core/package-root.js';

interface SchemaNode {
  readonly description?: string;
  readonly default?: unknown;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly $ref?: string;
}

const schema = JSON.parse(readFileSync(schemaFile('platform.schema.json'), 'utf8')) as { definitions: Record<string, SchemaNode> };
const doc = readFileSync(`${PACKAGE_ROOT}/docs/platform-config.md`, 'utf8');

/** Every setting under a cluster as `tls.ca_file`, with its schema node. */
function settings(node: SchemaNode, prefix: string): [string, SchemaNode][] {
  return Object.entries(node.properties ?? {}).flatMap(([name, child]): [string, SchemaNode][] => {
    const path = `${prefix}${name}`;
    const target = child.$ref === undefined ? child : schema.definitions[child.$ref.replace('#/definitions/', '')];
    assert.ok(target, `unresolved ${child.$ref ?? ''}`);
    return [[path, target], ...settings(target, `${path}.`)];
  });
}

const cluster = schema.definitions.cluster;
assert.ok(cluster);

for (const [path, node] of settings(cluster, '')) {
  test(`the doc has a row for ${path} with its Kapacitor name and default`, () => {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${path}\` |`));
    assert.ok(row, `no table row for ${path} in docs/platform-config.md`);
    const kapacitor = /Kapacitor `([^`]+)`/.exec(node.description ?? '')?.[1];
    if (kapacitor !== undefined) assert.ok(row.includes(`\`${kapacitor}\``), `the row of ${path} does not name Kapacitor's ${kapacitor}: ${row}`);
    if (node.default !== undefined && typeof node.default !== 'object') {
      assert.ok(row.includes(`\`${JSON.stringify(node.default)}\``), `the row of ${path} does not give the default ${JSON.stringify(node.default)}: ${row}`);
    }
  });
}
