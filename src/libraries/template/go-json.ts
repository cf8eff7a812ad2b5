/**
 * Go's `encoding/json` output, byte for byte, for the values alerts carry: Kapacitor writes alert
 * events and the default `details` with it, and users diff or parse those bytes.
 * - strings: `<`, `>`, `&` become `\u003c`, `\u003e`, `\u0026`; U+2028/U+2029 become `\u2028`,
 *   `\u2029`; control characters `\n \r \t \b \f` or `\u00XX`; a lone surrogate (invalid UTF-8 in Go)
 *   becomes `\ufffd`;
 * - numbers: ints as digits; floats as Go formats them (`10`, `0.5`, `1e+21`, `1e-7`, `-0`);
 *   NaN and infinities, which Go refuses to encode, as `null` (our decision);
 * - maps with sorted keys, struct fields in declaration order (embedded fields promoted),
 *   `time.Time` as RFC 3339 with nanoseconds, `time.Duration` as integer nanoseconds,
 *   bytes as base64, nil as `null`.
 */
import { formatRfc3339Nano } from './go-time.js';
import { GoDuration, GoMap, GoStruct, GoTime, compareGoStrings, type StructLayout, type TemplateValue } from './go-values.js';

const HEX = '0123456789abcdef';
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const NEEDS_ESCAPING = /["\\<>&\u0000-\u001f\u2028\u2029\ud800-\udfff]/;

/** Go's JSON encoding of a string, quotes included, with HTML escaping on (Go's default). */
export function quoteGoJsonString(text: string): string {
  return `"${goJsonStringContent(text)}"`;
}

/**
 * What Go's JSON encoding of a string holds between its quotes: `text` itself when nothing in it
 * is escaped, as in most texts. For encoders that write the quotes with the text around it.
 */
export function goJsonStringContent(text: string): string {
  return NEEDS_ESCAPING.test(text) ? escaped(text) : text;
}

/** `text` with the characters Go escapes escaped. */
function escaped(text: string): string {
  let out = '';
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let escape: string;
    if (c < 0x20) {
      switch (c) {
        case 0x0a:
          escape = '\\n';
          break;
        case 0x0d:
          escape = '\\r';
          break;
        case 0x09:
          escape = '\\t';
          break;
        case 0x08:
          escape = '\\b';
          break;
        case 0x0c:
          escape = '\\f';
          break;
        default:
          escape = `\\u00${HEX[c >> 4] ?? '0'}${HEX[c & 0xf] ?? '0'}`;
      }
    } else if (c === 0x22) {
      escape = '\\"';
    } else if (c === 0x5c) {
      escape = '\\\\';
    } else if (c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
      escape = `\\u${c.toString(16).padStart(4, '0')}`;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // A well-formed surrogate pair is one valid character; a lone surrogate is invalid UTF-8 to Go.
      if (c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        i++;
        continue;
      }
      escape = '\\ufffd';
    } else {
      continue;
    }
    out += text.slice(copied, i) + escape;
    copied = i + 1;
  }
  return `${out}${text.slice(copied)}`;
}

/** Go's JSON encoding of a float64 (`encoding/json` uses the shortest digits, like JS, but keeps `-0`). */
export function formatGoJsonNumber(value: number): string {
  if (!Number.isFinite(value)) return 'null';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  return String(value);
}

function encodeEntries(entries: Readonly<Record<string, TemplateValue>>): string {
  const keys = Object.keys(entries).sort(compareGoStrings);
  return `{${keys.map((k) => `${quoteGoJsonString(k)}:${encodeGoJson(entries[k])}`).join(',')}}`;
}

function encodeStructFields(layout: StructLayout, values: Readonly<Record<string, TemplateValue>>, out: string[]): void {
  for (const entry of layout) {
    if (typeof entry === 'string') out.push(`${quoteGoJsonString(entry)}:${encodeGoJson(values[entry])}`);
    else encodeStructFields(entry.embedded, values, out);
  }
}

/** Go `json.Marshal` of a template value (no trailing newline). */
export function encodeGoJson(value: TemplateValue): string {
  if (value === undefined || value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return quoteGoJsonString(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return formatGoJsonNumber(value);
    default:
      break;
  }
  if (value instanceof GoTime) return `"${formatRfc3339Nano(value.epochNs)}"`;
  if (value instanceof GoDuration) return String(value.nanoseconds);
  if (value instanceof GoMap) return encodeEntries(value.entries);
  if (value instanceof GoStruct) {
    const fields: string[] = [];
    encodeStructFields(value.layout, value.values, fields);
    return `{${fields.join(',')}}`;
  }
  if (value instanceof Uint8Array) return `"${Buffer.from(value).toString('base64')}"`;
  if (Array.isArray(value)) return `[${(value as readonly TemplateValue[]).map(encodeGoJson).join(',')}]`;
  return encodeEntries(value as Readonly<Record<string, TemplateValue>>);
}
