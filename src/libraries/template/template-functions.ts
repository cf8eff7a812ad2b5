/**
 * The functions templates can call, with Go `text/template` semantics: `eq` compares basic kinds
 * and errors on incompatible ones (an int with a float, a string with a number), `index` gives the
 * zero value of the map's element type for a missing key (`""` for Tags, nil for Fields), `and` and
 * `or` return the deciding argument, truth is Go's (zero values are false).
 */
import { encodeGoJson } from './go-json.js';
import { GoDuration, GoMap, GoStruct, GoTime, kindOf, type TemplateValue } from './go-values.js';

/** A failed call: the message is completed with the template position by the caller. */
export class TemplateCallError extends Error {}

/** Go's truth of a value in `if`, `and`, `or`, `not`. */
export function isTrue(value: TemplateValue): boolean {
  if (value === undefined || value === null) return false;
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'number':
      return value !== 0;
    case 'string':
      return value !== '';
    default:
      break;
  }
  if (value instanceof GoDuration) return value.nanoseconds !== 0n;
  if (value instanceof GoTime || value instanceof GoStruct) return true;
  if (value instanceof GoMap) return Object.keys(value.entries).length > 0;
  if (value instanceof Uint8Array || Array.isArray(value)) return value.length > 0;
  return Object.keys(value).length > 0;
}

function intValue(value: TemplateValue): bigint {
  return value instanceof GoDuration ? value.nanoseconds : BigInt(value as number);
}

/** Go `eq arg1 arg2...`: true when `arg1` equals any of the others. */
export function goEq(first: TemplateValue, ...others: TemplateValue[]): boolean {
  const k1 = kindOf(first);
  for (const other of others) {
    const k2 = kindOf(other);
    let equal: boolean;
    if (k1 !== k2) {
      const bothValid = first !== undefined && first !== null && other !== undefined && other !== null;
      if (bothValid) throw new TemplateCallError(`incompatible types for comparison: ${k1} and ${k2}`);
      equal = false;
    } else {
      switch (k1) {
        case 'bool':
        case 'float':
        case 'string':
          equal = first === other;
          break;
        case 'int':
          equal = intValue(first) === intValue(other);
          break;
        case 'nil':
        case 'invalid':
          equal = true;
          break;
        case 'time':
          equal = (first as GoTime).epochNs === (other as GoTime).epochNs;
          break;
        default:
          throw new TemplateCallError(`non-comparable type ${k1}`);
      }
    }
    if (equal) return true;
  }
  return false;
}

/** Go `lt a b`: ordered comparison of two values of the same basic kind (ints, floats, strings). */
export function goLt(a: TemplateValue, b: TemplateValue): boolean {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka !== 'int' && ka !== 'float' && ka !== 'string') throw new TemplateCallError(`invalid type for comparison: ${ka}`);
  if (ka !== kb) throw new TemplateCallError(`incompatible types for comparison: ${ka} and ${kb}`);
  if (ka === 'int') return intValue(a) < intValue(b);
  return (a as number | string) < (b as number | string);
}

/** Go `index item keys...`. */
export function goIndex(item: TemplateValue, ...keys: TemplateValue[]): TemplateValue {
  let current = item;
  for (const key of keys) {
    if (current === undefined || current === null) throw new TemplateCallError('index of untyped nil');
    if (current instanceof GoMap) {
      if (typeof key !== 'string') throw new TemplateCallError(`value has type ${kindOf(key)}; should be string`);
      current = Object.hasOwn(current.entries, key) ? current.entries[key] : current.zero;
    } else if (Array.isArray(current) || current instanceof Uint8Array || typeof current === 'string') {
      const sequence = typeof current === 'string' ? Buffer.from(current, 'utf8') : current;
      if (typeof key !== 'number' || !Number.isSafeInteger(key)) throw new TemplateCallError(`cannot index slice/array with type ${kindOf(key)}`);
      if (key < 0 || key >= sequence.length) throw new TemplateCallError(`index out of range: ${key}`);
      current = sequence[key] as TemplateValue;
    } else if (typeof current === 'object' && !(current instanceof GoTime) && !(current instanceof GoDuration) && !(current instanceof GoStruct)) {
      if (typeof key !== 'string') throw new TemplateCallError(`value has type ${kindOf(key)}; should be string`);
      const entries = current as Readonly<Record<string, TemplateValue>>;
      current = Object.hasOwn(entries, key) ? entries[key] : null;
    } else {
      throw new TemplateCallError(`can't index item of type ${kindOf(current)}`);
    }
  }
  return current;
}

/** Go `len x`: bytes of a string, entries of a map, elements of a slice. */
export function goLen(value: TemplateValue): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (value instanceof GoMap) return Object.keys(value.entries).length;
  if (Array.isArray(value) || value instanceof Uint8Array) return value.length;
  if (value !== null && typeof value === 'object' && kindOf(value) === 'map') return Object.keys(value).length;
  throw new TemplateCallError(`len of type ${kindOf(value)}`);
}

/** Kapacitor's `json` (details templates): `json.NewEncoder(...).Encode(v)`, hence the trailing newline. */
export function goJson(value: TemplateValue): string {
  return `${encodeGoJson(value)}\n`;
}
