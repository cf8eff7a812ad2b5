/**
 * Go's `fmt` `%v` rendering, which `text/template` uses to print the value of an action:
 * floats as `%g` with the shortest digits (`10`, `0.5`, `1.234567e+06`, `1e-05`), maps as
 * `map[a:1 b:2]` with sorted keys, slices as `[1 2]`, structs as `{v1 v2}`, nil inside a container
 * as `<nil>`, and an invalid value (a missing map key reached by a field) as `<no value>`.
 */
import { formatGoDuration, formatGoTime } from './go-time.js';
import { GoDuration, GoMap, GoStruct, GoTime, compareGoStrings, type StructLayout, type TemplateValue } from './go-values.js';

/** The shortest decimal digits of a finite non-zero `|v|` and the position of the decimal point. */
function shortestDigits(v: number): { digits: string; pointAt: number } {
  const [mantissa = '', exponent = '0'] = Math.abs(v).toExponential().split('e');
  return { digits: mantissa.replace('.', ''), pointAt: Number(exponent) + 1 };
}

/**
 * Go `strconv.FormatFloat(v, 'g', -1, 64)`, i.e. `%v` of a float64: the shortest digits, in plain
 * notation when the decimal exponent is in [-4, 6) (`123456`, `0.0001`), else in `e` notation with
 * a sign and at least two exponent digits (`1e+06`, `1.5e-05`, `1e+21`).
 */
export function formatGoFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const sign = v < 0 ? '-' : '';
  const { digits, pointAt } = shortestDigits(v);
  const exponent = pointAt - 1;
  if (exponent < -4 || exponent >= 6) {
    const mantissa = digits.length > 1 ? `${digits[0] ?? ''}.${digits.slice(1)}` : digits;
    const expSign = exponent < 0 ? '-' : '+';
    return `${sign}${mantissa}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (pointAt <= 0) return `${sign}0.${'0'.repeat(-pointAt)}${digits}`;
  if (pointAt >= digits.length) return sign + digits + '0'.repeat(pointAt - digits.length);
  return `${sign}${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}

/** `%v` of a number under our int/float rule: integral safe integers print as ints. */
function formatNumber(v: number): string {
  return Number.isSafeInteger(v) ? String(v + 0) : formatGoFloat(v);
}

function formatEntries(entries: Readonly<Record<string, TemplateValue>>): string {
  const keys = Object.keys(entries).sort(compareGoStrings);
  return `map[${keys.map((k) => `${k}:${formatNested(entries[k])}`).join(' ')}]`;
}

function formatStruct(layout: StructLayout, values: Readonly<Record<string, TemplateValue>>): string {
  const items = layout.map((entry) => (typeof entry === 'string' ? formatNested(values[entry]) : formatStruct(entry.embedded, values)));
  return `{${items.join(' ')}}`;
}

/** `%v` of a value inside a container, where nil prints `<nil>`. */
function formatNested(value: TemplateValue): string {
  if (value === null || value === undefined) return '<nil>';
  return formatGoValue(value);
}

/** Go `%v` of any template value, as an action prints it. */
export function formatGoValue(value: TemplateValue): string {
  if (value === undefined || value === null) return '<no value>';
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return formatNumber(value);
    default:
      break;
  }
  if (value instanceof GoTime) return formatGoTime(value.epochNs);
  if (value instanceof GoDuration) return formatGoDuration(value.nanoseconds);
  if (value instanceof GoMap) return formatEntries(value.entries);
  if (value instanceof GoStruct) return formatStruct(value.layout, value.values);
  if (value instanceof Uint8Array) return `[${Array.from(value).join(' ')}]`;
  if (Array.isArray(value)) return `[${(value as readonly TemplateValue[]).map(formatNested).join(' ')}]`;
  return formatEntries(value as Readonly<Record<string, TemplateValue>>);
}
