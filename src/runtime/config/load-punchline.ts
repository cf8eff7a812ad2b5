/**
 * Loading a punchline file: JSON5, `${ENV}` substitution, identity, envelope schema, each node's
 * settings schema (defaults filled), then the graph checks. Every problem is collected, so a user
 * fixes them all in one pass, compiler style.
 */
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import type { NodeDefinition, PunchlineIdentity, StreamDeclaration, TopologySettings } from '../node-contract.js';
import type { PlatformConfig } from './platform-config.js';
import { readJson5Document } from '../validation/json5-document.js';
import type { Json5Document } from '../validation/json5-document.js';
import { substituteEnvironment } from './env-substitution.js';
import { validateAgainstSchema } from '../validation/schema-validator.js';
import { checkGraph } from './graph-checks.js';
import { resolveGroupings } from './grouping.js';
import type { UngroupedNode } from './grouping.js';
import type { UntypedNode } from './graph-checks.js';
import { diagnose, sortDiagnostics } from '../validation/diagnostic.js';
import type { Diagnostic } from '../validation/diagnostic.js';
import { suggestName } from '../../core/closest-name.js';
import type { NodeDeclaration, Punchline, Subscription } from './punchline.js';

/** Identity parts given on the command line; they win over the file and the path. */
export type IdentityOverrides = Partial<PunchlineIdentity>;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Tenant, channel and name: command line, then the file, then the path `<tenant>/<channel>/<name>.json5`. */
export function resolveIdentity(file: string, fromFile: IdentityOverrides, overrides: IdentityOverrides): PunchlineIdentity {
  const absolute = resolve(file);
  const channelDir = basename(dirname(absolute));
  const tenantDir = basename(dirname(dirname(absolute)));
  const pick = (candidate: string): string => (NAME.test(candidate) ? candidate : 'default');
  return {
    tenant: overrides.tenant ?? fromFile.tenant ?? pick(tenantDir),
    channel: overrides.channel ?? fromFile.channel ?? pick(channelDir),
    name: overrides.name ?? fromFile.name ?? pick(basename(absolute, extname(absolute))),
  };
}

interface RawNode {
  type: string;
  component?: string;
  settings: Record<string, unknown>;
  executors: number;
  publish: StreamDeclaration[];
  subscribe: Subscription[];
}

interface RawPunchline {
  tenant?: string;
  channel?: string;
  name?: string;
  dag: unknown[];
  settings: TopologySettings;
}

function isRawNode(value: unknown): value is RawNode {
  return value !== null && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string';
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function isSubscription(value: unknown): value is Subscription {
  return isObject(value) && isString(value.component) && isString(value.stream);
}

function isStreamDeclaration(value: unknown): value is StreamDeclaration {
  return isObject(value) && isString(value.stream) && Array.isArray(value.fields) && value.fields.every(isString);
}

/**
 * Whether the parts of a node the graph checks and the node's code read have the types the
 * envelope schema says. When not, the schema has reported them, and the node only takes part in
 * the graph checks by its name, so no code meets a number where it expects a name.
 */
function isWellFormed(entry: RawNode): boolean {
  return (
    (entry.component === undefined || isString(entry.component)) &&
    (entry.settings === undefined || isObject(entry.settings)) &&
    (entry.executors === undefined || typeof entry.executors === 'number') &&
    (entry.publish === undefined || (Array.isArray(entry.publish) && entry.publish.every(isStreamDeclaration))) &&
    (entry.subscribe === undefined || (Array.isArray(entry.subscribe) && entry.subscribe.every(isSubscription)))
  );
}

/** The result of validating a punchline: the punchline itself only when there is no error. */
export interface ValidationResult {
  readonly punchline?: Punchline;
  readonly diagnostics: readonly Diagnostic[];
}

/** Validates an already parsed document against the catalogue of node types. */
export function validatePunchlineDocument(
  document: Json5Document,
  catalogue: readonly NodeDefinition[],
  platform: PlatformConfig,
  overrides: IdentityOverrides = {},
): ValidationResult {
  const { value, unset, substituted } = substituteEnvironment(document.value);
  const diagnostics: Diagnostic[] = unset.map(({ pointer, name }) =>
    diagnose(document, pointer, `environment variable ${name} is not set`, { hint: `export ${name}=… or write \${${name}:-default}` }),
  );
  const unsetPointers = new Set(unset.map((u) => u.pointer));
  const schemaProblems = (relative: string, data: unknown, base: string): Diagnostic[] =>
    validateAgainstSchema(relative, data, document, base).filter((d) => !unsetPointers.has(d.path));
  for (const diagnostic of schemaProblems('punchline.schema.json', value, '')) diagnostics.push(diagnostic);
  const raw = value as Partial<RawPunchline> | null;
  const dag = Array.isArray(raw?.dag) ? raw.dag : [];
  const byType = new Map(catalogue.map((definition) => [definition.type, definition]));

  const ungrouped: UngroupedNode[] = [];
  /** Nodes whose type is unknown: subscribing to them is not a second error. */
  const untyped: UntypedNode[] = [];
  dag.forEach((entry, index) => {
    if (!isRawNode(entry)) return;
    const pointer = `/dag/${index}`;
    const definition = byType.get(entry.type);
    if (definition === undefined || !isWellFormed(entry)) {
      // A malformed node's subscriptions are checked once the schema errors are fixed.
      const subscribe = definition === undefined && Array.isArray(entry.subscribe) && entry.subscribe.every(isSubscription) ? entry.subscribe : [];
      untyped.push({ component: isString(entry.component) ? entry.component : entry.type, pointer, subscribe });
      if (definition === undefined) diagnostics.push(diagnose(document, `${pointer}/type`, `unknown node type "${entry.type}"`, { hint: suggestName(entry.type, [...byType.keys()]) }));
      return;
    }
    const settings = entry.settings ?? {};
    const settingsDiagnostics = schemaProblems(isAbsolute(definition.schema) ? definition.schema : `nodes/${definition.schema}`, settings, `${pointer}/settings`);
    for (const diagnostic of settingsDiagnostics) diagnostics.push(diagnostic);
    ungrouped.push({
      definition,
      type: entry.type,
      component: entry.component ?? entry.type,
      settings,
      executors: entry.executors ?? 1,
      publish: entry.publish ?? [],
      subscribe: entry.subscribe ?? [],
      pointer,
      settingsValid: settingsDiagnostics.length === 0 && !unset.some((u) => u.pointer.startsWith(`${pointer}/`)),
    });
  });
  const { groupings, diagnostics: groupingDiagnostics } = resolveGroupings(ungrouped, document);
  for (const diagnostic of groupingDiagnostics) diagnostics.push(diagnostic);
  const nodes: NodeDeclaration[] = ungrouped.map((node) => ({ ...node, groupBy: groupings.get(node.component) ?? [] }));
  for (const diagnostic of checkGraph(nodes, untyped, document, platform)) diagnostics.push(diagnostic);

  const sorted = sortDiagnostics(diagnostics);
  if (sorted.some((d) => d.severity === 'error') || raw === null) return { diagnostics: sorted };
  const identity = resolveIdentity(document.file, { ...(raw.tenant && { tenant: raw.tenant }), ...(raw.channel && { channel: raw.channel }), ...(raw.name && { name: raw.name }) }, overrides);
  return {
    punchline: { file: document.file, identity, nodes, topology: raw.settings as TopologySettings, secrets: substituted },
    diagnostics: sorted,
  };
}

/** Reads and validates a punchline file. Syntax errors throw; everything else is diagnostics. */
export async function loadPunchline(
  file: string,
  catalogue: readonly NodeDefinition[],
  platform: PlatformConfig,
  overrides: IdentityOverrides = {},
): Promise<ValidationResult> {
  return validatePunchlineDocument(await readJson5Document(file), catalogue, platform, overrides);
}
