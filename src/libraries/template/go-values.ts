/**
 * The values templates see, modelled on the Go values Kapacitor hands to `text/template`, so that
 * printing, comparing, indexing and JSON-encoding them gives Go's output byte for byte.
 *
 * Plain JS values map to Go as follows: a string is a `string`, a boolean a `bool`, a number an
 * `int64` when it is an integral safe integer and a `float64` otherwise (the same rule as lambdas),
 * `null` a nil interface, an array a `[]interface{}`, a plain object a `map[string]interface{}`,
 * bytes a `[]byte`. Go types with their own printing (`time.Time`, `time.Duration`, typed maps,
 * structs) are the classes below.
 */
import type { FieldValue } from '../../core/fields.js';

/** A `time.Time` in UTC, with nanosecond precision. */
export class GoTime {
  constructor(
    /** Nanoseconds since the Unix epoch. */
    readonly epochNs: bigint,
  ) {}
}

/** A `time.Duration`: an int64 number of nanoseconds that prints as `1m30s`. */
export class GoDuration {
  constructor(readonly nanoseconds: bigint) {}
}

/**
 * A Go map with string keys. `zero` is what `index` returns for a missing key: `""` for a
 * `map[string]string` (Kapacitor's Tags), `null` (a nil interface) for a `map[string]interface{}`
 * (Fields).
 */
export class GoMap {
  constructor(
    readonly entries: Readonly<Record<string, TemplateValue>>,
    readonly zero: '' | null,
  ) {}
}

/** The order of a struct's fields; an embedded struct contributes its own fields at its place. */
export type StructLayout = ReadonlyArray<string | { readonly embedded: StructLayout }>;

/**
 * A Go struct. Field lookup is flat (Go promotes the fields of embedded structs); the layout keeps
 * the declaration order and nesting that `%v` printing and JSON encoding follow.
 */
export class GoStruct {
  constructor(
    readonly layout: StructLayout,
    readonly values: Readonly<Record<string, TemplateValue>>,
  ) {}

  /** True when the struct (or one it embeds) declares `name`. */
  has(name: string): boolean {
    return Object.hasOwn(this.values, name);
  }
}

/**
 * Any value a template can hold. `undefined` is Go's invalid value (what a missing field of a map
 * evaluates to), printed `<no value>`.
 */
export type TemplateValue = FieldValue | undefined | GoTime | GoDuration | GoMap | GoStruct;

/** The Go kinds that matter for comparisons and printing. */
export type GoKind = 'invalid' | 'nil' | 'bool' | 'int' | 'float' | 'string' | 'time' | 'map' | 'slice' | 'bytes' | 'struct';

/** The Go kind of `value` (a `time.Duration` is an int64, as in Go). */
export function kindOf(value: TemplateValue): GoKind {
  if (value === undefined) return 'invalid';
  if (value === null) return 'nil';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isSafeInteger(value) ? 'int' : 'float';
    default:
      break;
  }
  if (value instanceof GoDuration) return 'int';
  if (value instanceof GoTime) return 'time';
  if (value instanceof GoStruct) return 'struct';
  if (value instanceof Uint8Array) return 'bytes';
  if (Array.isArray(value)) return 'slice';
  return 'map';
}

/**
 * Go's string order (`sort.Strings`, map keys in `fmt` and `encoding/json`): by UTF-8 bytes, which
 * is code point order. JS's default sort compares UTF-16 units and differs above U+FFFF.
 */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(i) ?? 0;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
