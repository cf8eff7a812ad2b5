/**
 * `${NAME}` and `${NAME:-default}` in string values, replaced from the environment, so secrets and
 * per-host addresses need not sit in files. Substitution happens on parsed values (never on the
 * raw text), so a value can never break the file's syntax and positions stay exact.
 */
import { toPointer } from '../validation/json5-document.js';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** A `${NAME}` whose variable is not set and that has no default. */
export interface UnsetVariable {
  readonly pointer: string;
  readonly name: string;
}

/** The result of substituting a document. */
export interface Substituted {
  readonly value: unknown;
  readonly unset: readonly UnsetVariable[];
  /** Pointers of the strings that took a value from the environment: treated as secrets when printed. */
  readonly substituted: ReadonlySet<string>;
}

/** Replaces every reference in every string of `value`; `$${` escapes a literal `${`. */
export function substituteEnvironment(value: unknown, env: NodeJS.ProcessEnv = process.env): Substituted {
  const unset: UnsetVariable[] = [];
  const substituted = new Set<string>();
  const walk = (node: unknown, path: (string | number)[]): unknown => {
    if (typeof node === 'string') {
      if (!node.includes('${')) return node;
      const pointer = toPointer(path);
      let replaced = false;
      const out = node
        .split('$${')
        .map((part) =>
          part.replace(REFERENCE, (_match, name: string, fallback: string | undefined) => {
            const found = env[name];
            if (found !== undefined && found !== '') {
              replaced = true;
              return found;
            }
            if (fallback !== undefined) return fallback;
            unset.push({ pointer, name });
            return '';
          }),
        )
        .join('${');
      if (replaced) substituted.add(pointer);
      return out;
    }
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index]));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item, [...path, key])]));
    }
    return node;
  };
  return { value: walk(value, []), unset, substituted };
}
