/**
 * Splits a lambda into tokens, following the lexical rules of Kapacitor's TICKscript lambdas so that
 * an expression copied from a TICKscript tokenizes the same way:
 * - `'text'` and `'''text'''` are strings (only `\'` is an escape in the single-quoted form),
 * - `"name"` is a field reference (only `\"` is an escape),
 * - `/re/` is a regex wherever a value is expected (only `\/` is an escape), a division elsewhere,
 * - digits followed by `u µ ms s m h d w` form a duration, digits with a `.` a float, other digits
 *   an int (a leading `0` means octal, as in Kapacitor),
 * - `AND OR TRUE FALSE` are upper-case keywords, `//` starts a comment to the end of the line.
 */
import type { PunchlineError } from '../../core/errors.js';
import { lambdaCompileError } from './lambda-errors.js';
import type { LineIndex } from './source-position.js';

/** The kinds of token a lambda is made of. */
export type TokenKind =
  | 'number'
  | 'duration'
  | 'string'
  | 'reference'
  | 'regex'
  | 'identifier'
  | 'true'
  | 'false'
  | 'operator'
  | '('
  | ')'
  | ','
  | 'end';

/** One token: its kind, its raw text, where it starts and ends, and its unescaped value. */
export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token. */
  readonly text: string;
  /** For strings, references and regexes: the content with escapes resolved. Else `text`. */
  readonly value: string;
  readonly offset: number;
  readonly end: number;
}

const DURATION_UNITS = 'uµsmhdw';

/** Tokens after which a `/` divides; anywhere else it starts a regex. */
const ENDS_AN_OPERAND: ReadonlySet<TokenKind> = new Set(['number', 'duration', 'string', 'reference', 'regex', 'identifier', 'true', 'false', ')']);

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isIdentifierStart(c: string): boolean {
  return /\p{L}/u.test(c);
}

function isIdentifierPart(c: string): boolean {
  return c === '_' || /[\p{L}\p{Nd}]/u.test(c);
}

/**
 * Tokenizes `source` completely (lambdas are short) and ends with an `end` token.
 * Throws `E_LAMBDA` with a caret on the first lexical error.
 */
export function tokenize(source: string, lines: LineIndex): Token[] {
  const tokens: Token[] = [];
  const fail = (offset: number, problem: string, hint?: string): PunchlineError =>
    lambdaCompileError(source, lines.at(offset), problem, hint);
  const push = (kind: TokenKind, offset: number, end: number, value?: string): void => {
    const text = source.slice(offset, end);
    tokens.push({ kind, text, value: value ?? text, offset, end });
  };
  const previousEndsOperand = (): boolean => {
    const last = tokens[tokens.length - 1];
    return last !== undefined && ENDS_AN_OPERAND.has(last.kind);
  };

  let i = 0;
  while (i < source.length) {
    const c = source[i] ?? '';
    const next = source[i + 1];
    if (/\s/u.test(c)) {
      i++;
      continue;
    }
    if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (isDigit(c) || (c === '.' && isDigit(next))) {
      i = lexNumberOrDuration(source, i, push, fail);
      continue;
    }
    if (c === '"') {
      i = lexQuoted(source, i, '"', 'reference', push, () =>
        fail(start, 'unterminated field reference', 'close the field name with a double quote'),
      );
      continue;
    }
    if (c === "'") {
      i = lexString(source, i, push, fail);
      continue;
    }
    if (c === '/' && !previousEndsOperand()) {
      i = lexQuoted(source, i, '/', 'regex', push, () => fail(start, 'unterminated regex', 'close the regex with a /'));
      continue;
    }
    if (isIdentifierStart(c)) {
      while (i < source.length && isIdentifierPart(source[i] ?? '')) i++;
      const word = source.slice(start, i);
      if (word === 'TRUE') push('true', start, i);
      else if (word === 'FALSE') push('false', start, i);
      else if (word === 'AND' || word === 'OR') push('operator', start, i);
      else push('identifier', start, i);
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      push(c, start, i + 1);
      i++;
      continue;
    }
    const two = source.slice(i, i + 2);
    if (two === '==' || two === '!=' || two === '<=' || two === '>=' || two === '=~' || two === '!~') {
      push('operator', start, i + 2);
      i += 2;
      continue;
    }
    if (two === '&&' || two === '||') {
      throw fail(start, `unexpected "${two}"`, `write ${two === '&&' ? 'AND' : 'OR'} instead`);
    }
    if ('+-*/%<>!'.includes(c)) {
      push('operator', start, i + 1);
      i++;
      continue;
    }
    if (c === '=') throw fail(start, 'unexpected "="', 'compare with == (a single = is not an operator)');
    throw fail(start, `unexpected character ${JSON.stringify(c)}`);
  }
  push('end', source.length, source.length);
  return tokens;
}

type Push = (kind: TokenKind, offset: number, end: number, value?: string) => void;
type Fail = (offset: number, problem: string, hint?: string) => PunchlineError;

function lexNumberOrDuration(source: string, start: number, push: Push, fail: Fail): number {
  let i = start;
  let decimal = false;
  for (;;) {
    const c = source[i];
    if (c === '.') {
      if (decimal) throw fail(i, 'a number has two decimal points');
      decimal = true;
      i++;
    } else if (isDigit(c)) {
      i++;
    } else if (!decimal && c !== undefined && DURATION_UNITS.includes(c)) {
      i++;
      if (c === 'm' && source[i] === 's') i++;
      if (i < source.length && isIdentifierPart(source[i] ?? '')) {
        throw fail(start, `invalid duration ${JSON.stringify(source.slice(start, i + 1))}`, 'durations are an integer and one unit: u, ms, s, m, h, d or w (e.g. 90s)');
      }
      push('duration', start, i);
      return i;
    } else {
      if (c !== undefined && isIdentifierPart(c)) {
        throw fail(start, `invalid number ${JSON.stringify(source.slice(start, i + 1))}`, decimal ? 'durations take no decimals: write 1500ms for 1.5s' : undefined);
      }
      push('number', start, i);
      return i;
    }
  }
}

/** A double-quoted reference or a `/regex/`: the only escape is the delimiter itself. */
function lexQuoted(source: string, start: number, delimiter: string, kind: TokenKind, push: Push, unterminated: () => PunchlineError): number {
  let i = start + 1;
  let value = '';
  for (;;) {
    const c = source[i];
    if (c === undefined) throw unterminated();
    if (c === '\\' && source[i + 1] === delimiter) {
      value += delimiter;
      i += 2;
    } else if (c === delimiter) {
      push(kind, start, i + 1, value);
      return i + 1;
    } else {
      value += c;
      i++;
    }
  }
}

/** `'text'` with `\'` as the only escape, or `'''text'''` taken verbatim (it may hold quotes and newlines). */
function lexString(source: string, start: number, push: Push, fail: Fail): number {
  if (source.startsWith("'''", start)) {
    const close = source.indexOf("'''", start + 3);
    if (close === -1) throw fail(start, 'unterminated string', "close the string with '''");
    push('string', start, close + 3, source.slice(start + 3, close));
    return close + 3;
  }
  let i = start + 1;
  let value = '';
  for (;;) {
    const c = source[i];
    if (c === undefined) throw fail(start, 'unterminated string', "close the string with a single quote (write \\' for a quote inside)");
    if (c === '\\' && source[i + 1] === "'") {
      value += "'";
      i += 2;
    } else if (c === "'") {
      push('string', start, i + 1, value);
      return i + 1;
    } else {
      value += c;
      i++;
    }
  }
}
