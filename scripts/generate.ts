/**
 * Generates what follows from the schemas and the error catalogue, so it can never drift:
 * - `nodes/<type>/settings.generated.ts`: the settings type of each node, from its schema (a
 *   property with a default is required in the type: ajv has filled it before the node sees it);
 * - the settings table of each node's README, between `<!-- settings:start -->` and
 *   `<!-- settings:end -->`;
 * - `docs/errors.md`, from `src/core/errors.ts`.
 *
 * `npm run gen` writes them; `npm run gen -- --check` (run by CI) fails when one is stale.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from 'json-schema-to-typescript';
import type { JSONSchema } from 'json-schema-to-typescript';
import { ERROR_CATALOGUE } from '../src/core/errors.js';
import { PACKAGE_ROOT } from '../src/core/package-root.js';

const check = process.argv.includes('--check');
const stale: string[] = [];

interface SchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  additionalProperties?: boolean | SchemaNode;
  $ref?: string;
  definitions?: Record<string, SchemaNode>;
  minimum?: number;
  maximum?: number;
  [key: string]: unknown;
}

/** Makes every property with a default required, recursively: the shape after ajv's useDefaults. */
function withDefaultsRequired(schema: SchemaNode): SchemaNode {
  const copy: SchemaNode = { ...schema };
  if (copy.properties) {
    const properties = copy.properties;
    copy.properties = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, withDefaultsRequired(value)]));
    const withDefault = Object.entries(properties).filter(([, value]) => value.default !== undefined).map(([key]) => key);
    copy.required = [...new Set([...(copy.required ?? []), ...withDefault])];
  }
  if (copy.items) copy.items = withDefaultsRequired(copy.items);
  if (typeof copy.additionalProperties === 'object') copy.additionalProperties = withDefaultsRequired(copy.additionalProperties);
  if (copy.definitions) copy.definitions = Object.fromEntries(Object.entries(copy.definitions).map(([k, v]) => [k, withDefaultsRequired(v)]));
  return copy;
}

async function emit(file: string, content: string): Promise<void> {
  const current = existsSync(file) ? await readFile(file, 'utf8') : undefined;
  if (current === content) return;
  if (check) stale.push(file);
  else await writeFile(file, content);
}

function typeOf(node: SchemaNode, root: SchemaNode): string {
  if (node.$ref) {
    const target = root.definitions?.[node.$ref.replace('#/definitions/', '')];
    return target ? typeOf(target, root) : node.$ref;
  }
  if (node.enum) return node.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
  if (node.const !== undefined) return `\`${JSON.stringify(node.const)}\``;
  if (node.type === 'array') return `array of ${node.items ? typeOf(node.items, root) : 'any'}`;
  const type = Array.isArray(node.type) ? node.type.join(' \\| ') : (node.type ?? 'any');
  const range = [node.minimum !== undefined ? `≥ ${node.minimum}` : '', node.maximum !== undefined ? `≤ ${node.maximum}` : ''].filter(Boolean).join(', ');
  return range ? `${type} (${range})` : type;
}

function rows(node: SchemaNode, root: SchemaNode, prefix: string): string[] {
  const out: string[] = [];
  const resolved = node.$ref ? (root.definitions?.[node.$ref.replace('#/definitions/', '')] ?? node) : node;
  for (const [name, property] of Object.entries(resolved.properties ?? {})) {
    const target = property.$ref ? (root.definitions?.[property.$ref.replace('#/definitions/', '')] ?? property) : property;
    const path = `${prefix}${name}`;
    const required = resolved.required?.includes(name) ? 'yes' : '';
    const fallback = target.default ?? property.default;
    const defaultText = fallback === undefined ? '' : `\`${JSON.stringify(fallback)}\``;
    const description = (property.description ?? target.description ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
    out.push(`| \`${path}\` | ${typeOf(property, root)} | ${required} | ${defaultText} | ${description} |`);
    if (target.properties) out.push(...rows(target, root, `${path}.`));
    if (target.type === 'array' && target.items) {
      const items = target.items.$ref ? (root.definitions?.[target.items.$ref.replace('#/definitions/', '')] ?? target.items) : target.items;
      if (items.properties) out.push(...rows(items, root, `${path}[].`));
    }
  }
  return out;
}

/** The settings table of a schema, as Markdown. */
export function settingsTable(schema: SchemaNode): string {
  return ['| setting | type | required | default | description |', '|---|---|---|---|---|', ...rows(schema, schema, '')].join('\n');
}

const START = '<!-- settings:start (generated from the schema by `npm run gen`) -->';
const END = '<!-- settings:end -->';

async function generateNode(schemaFile: string): Promise<void> {
  const type = schemaFile.replace('.schema.json', '');
  const schema = JSON.parse(await readFile(join(PACKAGE_ROOT, 'schemas/nodes', schemaFile), 'utf8')) as SchemaNode;
  const dir = join(PACKAGE_ROOT, 'nodes', type);
  if (!existsSync(dir)) throw new Error(`schemas/nodes/${schemaFile} has no node folder nodes/${type}`);
  const { $id: _id, ...body } = withDefaultsRequired(schema);
  const ts = await compile(body as JSONSchema, typeof schema.title === 'string' ? schema.title : type, {
    bannerComment: `/* Generated from schemas/nodes/${schemaFile} by \`npm run gen\`: do not edit. */`,
    additionalProperties: false,
    format: true,
    ignoreMinAndMaxItems: true,
    style: { singleQuote: true, printWidth: 120 },
  });
  await emit(join(dir, 'settings.generated.ts'), ts);

  const readme = join(dir, 'README.md');
  if (!existsSync(readme)) throw new Error(`nodes/${type}/README.md is missing`);
  const text = await readFile(readme, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`nodes/${type}/README.md has no settings markers (${START} … ${END})`);
  await emit(readme, `${text.slice(0, start + START.length)}\n${settingsTable(schema)}\n${text.slice(end)}`);
}

async function generateErrorDocs(): Promise<void> {
  const lines = [
    '# Error codes',
    '',
    'Every error punchline reports carries one of these codes (generated from `src/core/errors.ts` by `npm run gen`).',
    'A retriable error may go away by itself (the runtime or the Kafka client retries it); the others need the fix.',
    '',
    '| code | retriable | meaning | fix |',
    '|---|---|---|---|',
    ...Object.entries(ERROR_CATALOGUE).map(([code, e]) => `| \`${code}\` | ${e.retriable ? 'yes' : 'no'} | ${e.summary} | ${e.fix} |`),
    '',
  ];
  await emit(join(PACKAGE_ROOT, 'docs/errors.md'), lines.join('\n'));
}

const schemaFiles = (await readdir(join(PACKAGE_ROOT, 'schemas/nodes'))).filter((f) => f.endsWith('.schema.json')).sort();
for (const file of schemaFiles) await generateNode(file);
await generateErrorDocs();
if (stale.length > 0) {
  process.stderr.write(`generated files are stale, run \`npm run gen\`:\n${stale.map((f) => `  ${f}`).join('\n')}\n`);
  process.exitCode = 1;
}
