/**
 * Tuple field objects built by compiled object literals. The fields of one stream always come in
 * the same order, so a builder is compiled once per layout into a single object literal
 * (`(f) => ({ "host": f["host"] ?? null, … })`): every object then gets one fixed shape with its
 * fields in-object. That is about ten times faster than setting fields key by key, and much
 * faster than adding fields to a copy (`{ ...fields }` gives a clone whose shape V8 does not
 * extend quickly: each added field costs more than half a microsecond). The objects are smaller,
 * too: less for the GC to copy while tuples are in flight.
 *
 * Names are JSON-quoted, so any string is a literal key; `__proto__` is written as a computed key,
 * which defines an ordinary field (a plain `"__proto__":` would set the prototype).
 */
import type { FieldValue, Fields, Tuple } from './node-contract.js';

function literalKey(name: string): string {
  const key = JSON.stringify(name);
  return name === '__proto__' ? `[${key}]` : key;
}

function compile<A extends unknown[]>(parameters: readonly string[], entries: readonly string[]): (...args: A) => Fields {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the source holds JSON-quoted field names and parameter indexes only (see above)
  return new Function(...parameters, `return { ${entries.join(', ')} };`) as (...args: A) => Fields;
}

/**
 * The projection of one published stream: the declared fields, in declaration order, a field the
 * node did not set (or set to undefined) being null.
 */
export function compileProjection(declared: readonly string[]): (fields: Fields) => Fields {
  return compile(['f'], declared.map((name) => `${literalKey(name)}: f[${JSON.stringify(name)}] ?? null`));
}

/**
 * What `{ ...fields, [added[0]]: values[0], [added[1]]: values[1], … }` gives, for tuples whose own
 * fields are `base` in that order: the base fields in their order (an added field of the same name
 * replacing the value in place), then the added fields that are new, in order. When a name is
 * added twice the last value wins, as with successive assignments.
 */
export function compileExtension(base: readonly string[], added: readonly string[]): (fields: Fields, values: readonly FieldValue[]) => Fields {
  const valueIndex = new Map<string, number>();
  added.forEach((name, index) => valueIndex.set(name, index));
  const baseNames = new Set(base);
  const entries = [...baseNames].map((name) => {
    const index = valueIndex.get(name);
    return `${literalKey(name)}: ${index === undefined ? `f[${JSON.stringify(name)}]` : `v[${index}]`}`;
  });
  for (const [name, index] of valueIndex) if (!baseNames.has(name)) entries.push(`${literalKey(name)}: v[${index}]`);
  return compile(['f', 'v'], entries);
}

/**
 * What a node works out once per incoming stream from the stream's field names (the tuples of one
 * stream all carry the same fields, in the same order): `build` runs on the first tuple of each
 * source component and stream, later tuples get what it built.
 */
export function perStream<T extends object>(build: (fieldNames: readonly string[]) => T): (tuple: Tuple) => T {
  const bySource = new Map<string, Map<string, T>>();
  return (tuple) => {
    let byStream = bySource.get(tuple.source);
    if (byStream === undefined) bySource.set(tuple.source, (byStream = new Map<string, T>()));
    let built = byStream.get(tuple.stream);
    if (built === undefined) byStream.set(tuple.stream, (built = build(Object.keys(tuple.fields))));
    return built;
  };
}
