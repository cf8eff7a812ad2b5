// Property: a metric whose names and values hold every character line protocol treats specially
// (commas, equals signs, spaces, backslashes, double quotes, '#', newlines in strings, non-ASCII)
// comes back unchanged once written with the escaping rules of InfluxDB's reference. The writer
// below is the test's own, written from those rules; the parser never sees it. Mutations of such
// lines either parse or fail with a typed DecodeError, never with another exception.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldValue } from '../../core/fields.js';
import { DecodeError } from './decode-error.js';
import { parseLineProtocol } from './line-protocol.js';

const ALPHABET = ['a', 'b', 'Z', '0', '9', '_', '-', '.', ',', '=', ' ', '\\', '"', '#', "'", 'é', '🚀', '\t'];

function randomText(maxLength: number, allowed: readonly string[] = ALPHABET): string {
  const length = 1 + Math.floor(Math.random() * maxLength);
  let text = '';
  for (let i = 0; i < length; i++) text += allowed[Math.floor(Math.random() * allowed.length)];
  return text;
}

/** The measurement escapes commas, spaces and backslashes. */
const escapeMeasurement = (name: string): string => name.replace(/[\\, ]/g, (c) => `\\${c}`);
/** Tag keys, tag values and field keys escape commas, equals signs, spaces and backslashes. */
const escapeKey = (name: string): string => name.replace(/[\\,= ]/g, (c) => `\\${c}`);
/** String field values escape double quotes and backslashes. */
const quote = (text: string): string => `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

function writeValue(value: number | boolean | string, kind: 'float' | 'integer' | 'unsigned' | 'string' | 'boolean'): string {
  if (typeof value === 'string') return quote(value);
  if (kind === 'integer') return `${value}i`;
  if (kind === 'unsigned') return `${value}u`;
  return String(value);
}

interface Generated {
  readonly line: string;
  readonly expected: { name: string; tags: Record<string, string>; fields: Record<string, FieldValue> };
}

function generate(): Generated {
  // A measurement may not start with '#' (a comment) and must not look empty; keys must be unique.
  const name = `m${randomText(8)}`;
  const tags: Record<string, string> = {};
  for (let i = Math.floor(Math.random() * 4); i > 0; i--) tags[`t${i}${randomText(5)}`] = randomText(8);
  const fields: Record<string, FieldValue> = {};
  const written: string[] = [];
  for (let i = 1 + Math.floor(Math.random() * 4); i > 0; i--) {
    const key = `f${i}${randomText(5)}`;
    const kinds = ['float', 'integer', 'unsigned', 'string', 'boolean'] as const;
    const kind = kinds[Math.floor(Math.random() * kinds.length)] ?? 'string';
    const value: number | boolean | string =
      kind === 'float'
        ? (Math.random() - 0.5) * 10 ** Math.floor(Math.random() * 20)
        : kind === 'integer'
          ? Math.floor((Math.random() - 0.5) * Number.MAX_SAFE_INTEGER)
          : kind === 'unsigned'
            ? Math.floor(Math.random() * Number.MAX_SAFE_INTEGER)
            : kind === 'boolean'
              ? Math.random() < 0.5
              : randomText(12, [...ALPHABET, '\n']);
    fields[key] = value;
    written.push(`${escapeKey(key)}=${writeValue(value, kind)}`);
  }
  const tagText = Object.entries(tags).map(([k, v]) => `,${escapeKey(k)}=${escapeKey(v)}`).join('');
  return { line: `${escapeMeasurement(name)}${tagText} ${written.join(',')}`, expected: { name, tags, fields } };
}

describe('line protocol reads back what an escaping writer wrote', () => {
  it('2,000 random metrics with hostile names and values, one per line in one text', () => {
    const metrics = Array.from({ length: 2000 }, generate);
    const parsed = parseLineProtocol(metrics.map((m) => m.line).join('\n'), 'ns');
    assert.equal(parsed.length, metrics.length);
    parsed.forEach(({ metric }, i) => {
      const { line, expected } = metrics[i] as Generated;
      assert.deepEqual(JSON.parse(JSON.stringify(metric)), { ...expected, timestamp: null }, `line ${i + 1}: ${line}`);
    });
  });
});

describe('line protocol survives fuzzing', () => {
  it('20,000 mutated lines either parse or fail with a DecodeError, never anything else', () => {
    const specials = [',', '=', ' ', '\\', '"', '\n', '\r', '#', 'i', 'u', '-', '.', 'e', 't', 'f', '9', '\t', ''];
    for (let i = 0; i < 20_000; i++) {
      let line = `${generate().line} ${String(Math.floor(Math.random() * 1e19))}`;
      for (let edits = 1 + Math.floor(Math.random() * 4); edits > 0; edits--) {
        const at = Math.floor(Math.random() * (line.length + 1));
        const cut = Math.random() < 0.5 ? 1 : 0;
        line = line.slice(0, at) + (specials[Math.floor(Math.random() * specials.length)] ?? '') + line.slice(at + cut);
      }
      try {
        parseLineProtocol(line, (['ns', 'us', 'ms', 's'] as const)[i % 4] ?? 'ns');
      } catch (error) {
        assert.ok(error instanceof DecodeError, `${String(error)} for ${JSON.stringify(line)}`);
        assert.ok(['invalid_line', 'out_of_range'].includes(error.kind), error.kind);
      }
    }
  });
});
