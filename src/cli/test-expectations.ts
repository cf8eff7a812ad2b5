/**
 * What `punchline test` compares, and the diff it prints when a test fails: the tuples seen at an
 * output or a stream against those expected (all fields, or only the fields given) and their
 * count. Values are compared as JSON (the form the captures hold: bytes as base64), so an
 * expectation written in a test file compares with what the punchline gives as it would print.
 */
import { isDeepStrictEqual } from 'node:util';

/** A tuple as JSON: its fields by name. */
export type JsonTuple = Readonly<Record<string, unknown>>;

/** One expectation of a test file, as its schema describes it. */
export interface Expectation {
  readonly component: string;
  readonly stream?: string;
  readonly tuples?: readonly JsonTuple[];
  readonly match: 'exact' | 'fields';
  readonly count?: number;
}

/** Longest value text printed whole; longer ones are shown around their first difference. */
const SHOWN = 100;

function text(value: unknown): string {
  return value === undefined ? '(no such field)' : JSON.stringify(value);
}

/** The two texts, cut around where they first differ, with a caret under that place. */
function sideBySide(expected: unknown, actual: unknown, indent: string): string[] {
  const a = text(expected);
  const b = text(actual);
  if (a.length <= SHOWN && b.length <= SHOWN) return [`${indent}expected ${a}`, `${indent}actual   ${b}`];
  let at = 0;
  while (at < a.length && at < b.length && a[at] === b[at]) at++;
  const from = Math.max(0, at - 40);
  const cut = (s: string): string => `${from > 0 ? '…' : ''}${s.slice(from, from + SHOWN)}${s.length > from + SHOWN ? '…' : ''}`;
  return [
    `${indent}expected ${cut(a)}`,
    `${indent}actual   ${cut(b)}`,
    `${indent}         ${' '.repeat(at - from + (from > 0 ? 1 : 0))}^ first difference at character ${at + 1}`,
  ];
}

/** The differences of one tuple: one block per field that differs. */
function tupleDifferences(expected: JsonTuple, actual: JsonTuple, match: Expectation['match']): string[] {
  const names = match === 'exact' ? [...new Set([...Object.keys(expected), ...Object.keys(actual)])] : Object.keys(expected);
  const out: string[] = [];
  for (const name of names) {
    const want = Object.hasOwn(expected, name) ? expected[name] : undefined;
    const got = Object.hasOwn(actual, name) ? actual[name] : undefined;
    if (isDeepStrictEqual(want, got)) continue;
    if (want === undefined) out.push(`    field "${name}" is not expected`, `      actual   ${text(got)}`);
    else out.push(`    field "${name}":`, ...sideBySide(want, got, '      '));
  }
  return out;
}

/** Why `seen` does not meet `expectation`, as lines to print; none when it does. */
export function compareTuples(expectation: Expectation, seen: readonly JsonTuple[]): string[] {
  const out: string[] = [];
  const where = expectation.stream === undefined ? expectation.component : `${expectation.component}/${expectation.stream}`;
  if (expectation.count !== undefined && seen.length !== expectation.count) out.push(`  ${where}: expected ${expectation.count} tuple${expectation.count === 1 ? '' : 's'}, got ${seen.length}`);
  const tuples = expectation.tuples;
  if (tuples === undefined) {
    if (out.length > 0) for (const [index, tuple] of seen.entries()) out.push(`    + tuple ${index + 1}: ${JSON.stringify(tuple)}`);
    return out;
  }
  if (tuples.length !== seen.length && expectation.count === undefined) out.push(`  ${where}: expected ${tuples.length} tuple${tuples.length === 1 ? '' : 's'}, got ${seen.length}`);
  for (let index = 0; index < Math.max(tuples.length, seen.length); index++) {
    const want = tuples[index];
    const got = seen[index];
    if (want === undefined) out.push(`  ${where}: tuple ${index + 1} is not expected`, `    + ${JSON.stringify(got)}`);
    else if (got === undefined) out.push(`  ${where}: tuple ${index + 1} is missing`, `    - ${JSON.stringify(want)}`);
    else {
      const differences = tupleDifferences(want, got, expectation.match);
      if (differences.length > 0) out.push(`  ${where}: tuple ${index + 1} of ${seen.length} differs`, ...differences);
    }
  }
  return out;
}
