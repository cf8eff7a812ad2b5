/**
 * Number conversions the way Go's `strconv` and `math` do them, for the conversion and math
 * functions of lambdas (Kapacitor implements them with these Go functions).
 */

/** Go `strconv.ParseBool`. */
export function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

/** Go `strconv.ParseInt(text, 10, 64)` within JS's safe integers. */
export function parseGoInt(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const value = Number(text) + 0;
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Go `strconv.ParseFloat(text, 64)` for decimal syntax, `inf`/`infinity` and `nan` (any case). */
export function parseGoFloat(text: string): number | undefined {
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) return Number(text);
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(text);
  if (special === null) return undefined;
  if ((special[2] ?? '').toLowerCase() === 'nan') return special[1] === '' ? Number.NaN : undefined;
  return special[1] === '-' ? -Infinity : Infinity;
}

/**
 * Go `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest digits that read back as `v`, never with
 * an exponent (`1e21` prints as `1000000000000000000000`), `-0` for negative zero, `+Inf`, `NaN`.
 */
export function formatGoFloatPlain(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mantissa = '', exponentText = '0'] = Math.abs(v).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const pointAt = Number(exponentText) + 1;
  let body: string;
  if (pointAt <= 0) body = `0.${'0'.repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) body = digits + '0'.repeat(pointAt - digits.length);
  else body = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return v < 0 ? `-${body}` : body;
}

/** Go `math.Pow`, whose special cases differ from JS `**` for a base of ±1. */
export function goPow(x: number, y: number): number {
  if (x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return x ** y;
}

/** Go `math.Pow10`: exactly the decimal 1e`n`. */
export function goPow10(n: number): number {
  return Number(`1e${n}`);
}

/** Go `math.Logb`: the binary exponent of `x`. */
export function goLogb(x: number): number {
  if (x === 0) return -Infinity;
  if (!Number.isFinite(x)) return Number.isNaN(x) ? x : Infinity;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const biased = (view.getUint16(0) >> 4) & 0x7ff;
  if (biased !== 0) return biased - 1023;
  // Subnormal: normalize by scaling up 2^64.
  view.setFloat64(0, Math.abs(x) * 2 ** 64);
  return ((view.getUint16(0) >> 4) & 0x7ff) - 1023 - 64;
}

/** Rounds to an integer with ties to even, as Go's `%.0f` does. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * go-humanize's `Bytes`, which Kapacitor's `humanBytes()` calls: SI units (`kB`, `MB`...),
 * one decimal below 10 (`8.2 MB`), none above (`83 MB`), `B` below 10 bytes.
 */
export function humanBytes(bytes: number): string {
  const value = Math.max(0, Math.trunc(bytes));
  if (value < 10) return `${value} B`;
  const sizes = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  const exponent = Math.floor(Math.log(value) / Math.log(1000));
  const suffix = sizes[exponent] ?? 'EB';
  const scaled = Math.floor((value / 1000 ** exponent) * 10 + 0.5) / 10;
  return `${scaled < 10 ? scaled.toFixed(1) : String(roundHalfEven(scaled))} ${suffix}`;
}
