/**
 * Parses a lambda into a {@link LambdaNode} tree with Kapacitor's grammar: binary operators by
 * precedence (low to high) `OR` < `AND` < `== != =~ !~` < `> >= < <=` < `+ -` < `* / %`, all
 * left-associative; unary `-` and `!` bind tighter than any binary operator and apply to the value
 * right after them; function calls `name(arg, ...)`; parentheses.
 */
import type { BinaryOperator, LambdaNode } from './ast.js';
import { parseDuration } from './durations.js';
import { compileGoRegex } from './go-regex.js';
import { lambdaCompileError } from './lambda-errors.js';
import { tokenize, type Token } from './lexer.js';
import { LineIndex } from './source-position.js';
import type { PunchlineError } from '../../core/errors.js';

const PRECEDENCE: Readonly<Record<BinaryOperator, number>> = {
  OR: 0,
  AND: 1,
  '==': 2,
  '!=': 2,
  '=~': 2,
  '!~': 2,
  '<': 3,
  '<=': 3,
  '>': 3,
  '>=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
};

function binaryOperator(token: Token): BinaryOperator | undefined {
  if (token.kind !== 'operator') return undefined;
  return token.text in PRECEDENCE ? (token.text as BinaryOperator) : undefined;
}

/**
 * Parses a complete lambda. A leading `lambda:` (as written in a TICKscript) is accepted and
 * ignored. Throws `E_LAMBDA` with the column and a caret on the first syntax error.
 */
export function parseLambda(source: string): LambdaNode {
  const lines = new LineIndex(source);
  const prefix = /^\s*lambda\s*:/.exec(source);
  const tokens = tokenize(prefix === null ? source : ' '.repeat(prefix[0].length) + source.slice(prefix[0].length), lines);
  return new Parser(source, lines, tokens).parseAll();
}

class Parser {
  private index = 0;

  constructor(
    private readonly source: string,
    private readonly lines: LineIndex,
    private readonly tokens: readonly Token[],
  ) {}

  parseAll(): LambdaNode {
    if (this.peek().kind === 'end') throw this.fail(this.peek(), 'the expression is empty');
    const node = this.expression(0);
    const rest = this.peek();
    if (rest.kind !== 'end') {
      const hint = rest.kind === 'identifier' ? identifierHint(rest.text) : rest.kind === 'reference' || rest.kind === 'string' ? 'is an operator missing before it?' : undefined;
      throw this.fail(rest, `unexpected ${describe(rest)} after a complete expression`, hint);
    }
    return node;
  }

  private peek(): Token {
    return this.tokens[this.index] ?? this.tokens[this.tokens.length - 1]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private fail(token: Token, problem: string, hint?: string): PunchlineError {
    return lambdaCompileError(this.source, this.lines.at(token.offset), problem, hint);
  }

  /** Precedence climbing: parses operators of precedence >= `minimum`, left-associative. */
  private expression(minimum: number): LambdaNode {
    let left = this.unary();
    for (;;) {
      const token = this.peek();
      const operator = binaryOperator(token);
      if (operator === undefined || PRECEDENCE[operator] < minimum) return left;
      this.next();
      const right = this.expression(PRECEDENCE[operator] + 1);
      left = { kind: 'binary', operator, left, right, position: this.lines.at(token.offset) };
    }
  }

  private unary(): LambdaNode {
    const token = this.peek();
    if (token.kind === 'operator' && (token.text === '-' || token.text === '!')) {
      this.next();
      const operand = this.unary();
      return { kind: 'unary', operator: token.text, operand, position: this.lines.at(token.offset) };
    }
    return this.primary();
  }

  private primary(): LambdaNode {
    const token = this.next();
    const position = this.lines.at(token.offset);
    switch (token.kind) {
      case 'number':
        return this.number(token);
      case 'duration': {
        const nanoseconds = parseDuration(token.text);
        if (nanoseconds === undefined) throw this.fail(token, `invalid duration ${token.text}`);
        return { kind: 'duration', nanoseconds, literal: token.text, position };
      }
      case 'string':
        return { kind: 'string', value: token.value, position };
      case 'reference':
        if (token.value === '') throw this.fail(token, 'empty field reference ""');
        return { kind: 'reference', name: token.value, position };
      case 'true':
      case 'false':
        return { kind: 'bool', value: token.kind === 'true', position };
      case 'regex':
        try {
          return { kind: 'regex', pattern: token.value, regex: compileGoRegex(token.value), position };
        } catch (error) {
          throw this.fail(token, `invalid regex /${token.value}/: ${error instanceof Error ? error.message : String(error)}`);
        }
      case '(': {
        const inner = this.expression(0);
        const close = this.next();
        if (close.kind !== ')') {
          throw this.fail(close, `expected ")" to close the "(" at column ${position.column}, found ${describe(close)}`);
        }
        return inner;
      }
      case 'identifier':
        if (this.peek().kind === '(') return this.call(token);
        throw this.fail(token, `unexpected name ${token.text}`, identifierHint(token.text));
      default:
        throw this.fail(token, token.kind === 'end' ? 'the expression ends where a value is expected' : `expected a value, found ${describe(token)}`);
    }
  }

  private number(token: Token): LambdaNode {
    const position = this.lines.at(token.offset);
    const text = token.text;
    if (text.includes('.')) return { kind: 'float', value: Number(text.startsWith('.') ? `0${text}` : text), position };
    const octal = text.length > 1 && text.startsWith('0');
    if (octal && !/^[0-7]+$/.test(text)) {
      throw this.fail(token, `invalid number ${text}`, 'an integer starting with 0 is octal (as in Kapacitor): drop the leading zeros');
    }
    const value = octal ? parseInt(text, 8) : Number(text);
    if (!Number.isSafeInteger(value)) throw this.fail(token, `integer ${text} is too large`, 'integers are exact up to 9007199254740991; write a float (with a .) for larger values');
    return { kind: 'int', value, position };
  }

  private call(name: Token): LambdaNode {
    this.next(); // (
    const args: LambdaNode[] = [];
    if (this.peek().kind !== ')') {
      for (;;) {
        args.push(this.expression(0));
        const separator = this.next();
        if (separator.kind === ')') break;
        if (separator.kind !== ',') {
          throw this.fail(separator, `expected "," or ")" in the arguments of ${name.text}(), found ${describe(separator)}`);
        }
      }
    } else {
      this.next();
    }
    return { kind: 'call', name: name.text, args, position: this.lines.at(name.offset) };
  }
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the expression';
    case 'reference':
      return `field reference ${token.text}`;
    case 'string':
      return `string ${token.text}`;
    default:
      return JSON.stringify(token.text);
  }
}

function identifierHint(word: string): string {
  const upper = word.toUpperCase();
  if (upper === 'TRUE' || upper === 'FALSE' || upper === 'AND' || upper === 'OR') return `keywords are upper case: write ${upper}`;
  return `write "${word}" for the field named ${word}, or '${word}' for the text ${word}`;
}
