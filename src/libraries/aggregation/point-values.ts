/**
 * How the values of one field across a window's points get a type, the way Kapacitor's InfluxQL
 * nodes type them. Kapacitor picks its reducer from the type of the first point's field (float,
 * integer, string or boolean) and skips the later points whose field has another type. Tuples
 * here come from JSON or lumberjack, which cannot tell `3` from `3.0` and often carry numbers as
 * strings, so our rule is:
 * - a number, or a string that is a complete decimal number, is numeric; integral values written
 *   as integers (`42`, `"42"`) are integers, anything else (`42.5`, `"4.2e1"`, NaN) a float;
 * - the window is integer-typed when every numeric value is an integer, float-typed otherwise
 *   (so `95` next to `95.5` is a float, as Kapacitor would see `95.0`);
 * - other strings are strings, booleans are booleans; the first point that has the field decides
 *   the class (numeric, string or boolean), and points of another class are skipped, as in
 *   Kapacitor;
 * - a point without the field (absent or null) is skipped, as Kapacitor skips it.
 */
import type { FieldValue, Fields } from '../../core/fields.js';

/** The value types of Kapacitor's reducers. */
export type ValueKind = 'int' | 'float' | 'string' | 'bool';

/** One point of a window: its time (epoch ms) and its fields. */
export interface WindowPoint {
  readonly time: number;
  readonly fields: Fields;
}

/** A point whose field was usable, with its value as the reducers read it. */
export interface TypedPoint<V> {
  readonly time: number;
  readonly value: V;
  /** The point it came from (selectors and derivative carry its other fields on). */
  readonly point: WindowPoint;
}

/** The field's values of a window, typed: one class, in arrival order. */
export type TypedValues =
  | { readonly kind: 'int' | 'float'; readonly points: readonly TypedPoint<number>[]; readonly skipped: number }
  | { readonly kind: 'string'; readonly points: readonly TypedPoint<string>[]; readonly skipped: number }
  | { readonly kind: 'bool'; readonly points: readonly TypedPoint<boolean>[]; readonly skipped: number }
  | { readonly kind: 'none'; readonly points: readonly []; readonly skipped: number };

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

type Classified = { readonly kind: 'int' | 'float'; readonly value: number } | { readonly kind: 'string'; readonly value: string } | { readonly kind: 'bool'; readonly value: boolean };

/** The class and value of one field value; undefined when it is missing or of no reducer type (bytes, arrays, objects). */
function classify(value: FieldValue | undefined): Classified | undefined {
  if (typeof value === 'number') return { kind: Number.isSafeInteger(value) ? 'int' : 'float', value };
  if (typeof value === 'boolean') return { kind: 'bool', value };
  if (typeof value !== 'string') return undefined;
  if (DECIMAL.test(value)) {
    const number = Number(value);
    if (Number.isFinite(number)) return { kind: INTEGER.test(value) && Number.isSafeInteger(number) ? 'int' : 'float', value: number };
  }
  return { kind: 'string', value };
}

const classOf = (kind: ValueKind): string => (kind === 'int' || kind === 'float' ? 'numeric' : kind);

/** Types the values of `field` over `points` (see the module doc). */
export function typedValues(points: readonly WindowPoint[], field: string): TypedValues {
  let skipped = 0;
  let first: string | undefined;
  let allIntegers = true;
  const kept: { time: number; value: number | string | boolean; point: WindowPoint }[] = [];
  for (const point of points) {
    const classified = classify(point.fields[field]);
    if (classified === undefined) {
      skipped++;
      continue;
    }
    first ??= classOf(classified.kind);
    if (classOf(classified.kind) !== first) {
      skipped++;
      continue;
    }
    if (classified.kind === 'float') allIntegers = false;
    kept.push({ time: point.time, value: classified.value, point });
  }
  if (first === undefined) return { kind: 'none', points: [], skipped };
  if (first === 'numeric') return { kind: allIntegers ? 'int' : 'float', points: kept as TypedPoint<number>[], skipped };
  if (first === 'string') return { kind: 'string', points: kept as TypedPoint<string>[], skipped };
  return { kind: 'bool', points: kept as TypedPoint<boolean>[], skipped };
}
