/**
 * JSON Schema validation with ajv, turned into diagnostics a person can act on. The schemas under
 * `schemas/` are the single source of truth: ajv fills their defaults into the validated value
 * (never by hand in a constructor), and `additionalProperties: false` makes every typo an error.
 */
import type { ErrorObject } from 'ajv';
import { schemaValidator } from '../../core/schema-files.js';
import type { Json5Document } from './json5-document.js';
import { diagnose } from './diagnostic.js';
import type { Diagnostic } from './diagnostic.js';
import { suggestName } from '../../core/closest-name.js';

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const token of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[token.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

function knownProperties(schema: unknown): string[] {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties === undefined ? [] : Object.keys(properties);
}

function toDiagnostic(error: ErrorObject, document: Json5Document, base: string, data: unknown): Diagnostic | undefined {
  const at = base + error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      return diagnose(document, `${at}/${name}`, `unknown setting "${name}"`, { hint: suggestName(name, knownProperties(error.parentSchema)) });
    }
    case 'required':
      return diagnose(document, at, `missing required setting "${String(params.missingProperty)}"`);
    case 'type':
      return diagnose(document, at, `must be ${String(params.type)}, not ${describeType(valueAt(data, error.instancePath))}`);
    case 'enum':
      return diagnose(document, at, `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, not ${JSON.stringify(valueAt(data, error.instancePath))}`);
    case 'const':
      return diagnose(document, at, `must be ${JSON.stringify(params.allowedValue)}`);
    case 'if':
      return undefined; // the failing `then` branch says what is wrong
    default:
      return diagnose(document, at, error.message ?? `breaks the schema rule "${error.keyword}"`);
  }
}

/** `a`, `a or b`, `a, b or c`. */
function either(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1] ?? ''}`;
}

/**
 * ajv reports an `anyOf` / `oneOf` that no branch matched as the error of every branch plus one
 * "must match a schema in anyOf". Said as a person would: when every branch only wanted another
 * type, one line naming the types accepted; otherwise the branches whose type fitted say what is
 * wrong inside, and the branches of another type and the summary line are left out.
 */
function mergeAlternatives(errors: readonly ErrorObject[], data: unknown): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  const merged = new Map<ErrorObject, ErrorObject>();
  for (const choice of errors) {
    if (choice.keyword !== 'anyOf' && choice.keyword !== 'oneOf') continue;
    const branches = errors.filter((e) => e !== choice && e.schemaPath.startsWith(`${choice.schemaPath}/`));
    if (branches.length === 0) continue;
    const wrongType = branches.filter((e) => e.keyword === 'type' && e.instancePath === choice.instancePath);
    if (wrongType.length === branches.length) {
      const types = wrongType.map((e) => String((e.params as { type: unknown }).type));
      merged.set(choice, { ...choice, keyword: 'type', params: { type: either(types) }, message: `must be ${either(types)}, not ${describeType(valueAt(data, choice.instancePath))}` });
      for (const e of branches) dropped.add(e);
    } else {
      dropped.add(choice);
      for (const e of wrongType) dropped.add(e);
    }
  }
  return errors.filter((e) => !dropped.has(e)).map((e) => merged.get(e) ?? e);
}

/**
 * Validates `data` (the value at `base` in `document`) against a schema, filling defaults into
 * `data` in place, and returns one diagnostic per problem.
 */
export function validateAgainstSchema(relativePath: string, data: unknown, document: Json5Document, base: string): Diagnostic[] {
  const validate = schemaValidator(relativePath);
  if (validate(data)) return [];
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const error of mergeAlternatives(validate.errors ?? [], data)) {
    const diagnostic = toDiagnostic(error, document, base, data);
    if (diagnostic === undefined) continue;
    const key = `${diagnostic.path}\u0000${diagnostic.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(diagnostic);
    }
  }
  return out;
}
