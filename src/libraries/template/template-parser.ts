/**
 * Parses the subset of Go `text/template` that alert templates use:
 * - text, and actions `{{ pipeline }}` with Go's trim markers `{{- ` and ` -}}`, comments
 *   (`{{/*` up to the closing star-slash and `}}`);
 * - fields `.Name`, chains `.Tags.host`, the dot `.`, literals (strings `"..."` and raw strings,
 *   numbers, `true`, `false`, `nil`), parenthesized pipelines, pipes `a | f`;
 * - functions `index`, `eq`, `ne`, `lt`, `le`, `gt`, `ge`, `and`, `or`, `not`, `len`, and `json` in
 *   HTML templates (details), as Kapacitor defines it there;
 * - `{{ if }}` / `{{ else if }}` / `{{ else }}` / `{{ end }}`.
 * Anything else (`range`, `with`, variables, `printf`...) is rejected at parse time with the
 * template's name, the position, and a caret.
 */
import type { PunchlineError } from '../../core/errors.js';
import { templateSyntaxError } from './template-errors.js';

/** A value inside an action. */
export type Operand =
  | { readonly kind: 'field'; readonly path: readonly string[]; readonly offset: number }
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null; readonly offset: number }
  | { readonly kind: 'function'; readonly name: string; readonly offset: number }
  | { readonly kind: 'group'; readonly pipeline: Pipeline; readonly path: readonly string[]; readonly offset: number };

/** One command: a function and its arguments, or a single value. */
export interface Command {
  readonly operands: readonly Operand[];
  readonly offset: number;
}

/** Commands joined by `|`: each result is passed as the last argument of the next command. */
export interface Pipeline {
  readonly commands: readonly Command[];
  readonly offset: number;
}

/** A node of a parsed template. */
export type TemplateNode =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'action'; readonly pipeline: Pipeline }
  | {
      readonly kind: 'if';
      readonly branches: ReadonlyArray<{ readonly condition: Pipeline; readonly body: readonly TemplateNode[] }>;
      readonly otherwise: readonly TemplateNode[];
    };

/** Functions every template may call. */
export const TEXT_FUNCTIONS: ReadonlySet<string> = new Set(['index', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or', 'not', 'len']);
/** Go template built-ins we do not provide: rejected with a clear message. */
const UNSUPPORTED_BUILTINS: ReadonlySet<string> = new Set(['print', 'printf', 'println', 'html', 'js', 'urlquery', 'call', 'slice']);
const UNSUPPORTED_KEYWORDS: ReadonlySet<string> = new Set(['range', 'with', 'define', 'template', 'block', 'break', 'continue']);

type ActionToken =
  | { readonly kind: 'field'; readonly path: string[]; readonly offset: number; readonly attached: boolean }
  | { readonly kind: 'dot' | '(' | ')' | '|'; readonly offset: number }
  | { readonly kind: 'identifier'; readonly name: string; readonly offset: number }
  | { readonly kind: 'literal'; readonly value: string | number; readonly offset: number };

const SPACE = /[ \t\r\n]/;
const IDENTIFIER_PART = /[\p{L}\p{Nd}_]/u;

/** Parses `source`. `functions` are the function names allowed (text functions, plus `json` for HTML templates). */
export function parseTemplate(name: string, source: string, functions: ReadonlySet<string>): TemplateNode[] {
  return new TemplateParser(name, source, functions).parse();
}

/** What an action holds once its keyword is known. */
type Action =
  | { readonly kind: 'pipeline'; readonly pipeline: Pipeline }
  | { readonly kind: 'if'; readonly condition: Pipeline; readonly offset: number }
  | { readonly kind: 'else'; readonly condition: Pipeline | undefined; readonly offset: number }
  | { readonly kind: 'end'; readonly offset: number }
  | { readonly kind: 'comment' };

interface OpenIf {
  readonly offset: number;
  readonly branches: Array<{ condition: Pipeline; body: TemplateNode[] }>;
  otherwise: TemplateNode[] | undefined;
}

class TemplateParser {
  private position = 0;

  constructor(
    private readonly name: string,
    private readonly source: string,
    private readonly functions: ReadonlySet<string>,
  ) {}

  private fail(offset: number, problem: string, hint?: string): PunchlineError {
    return templateSyntaxError(this.name, this.source, offset, problem, hint);
  }

  parse(): TemplateNode[] {
    const root: TemplateNode[] = [];
    const stack: OpenIf[] = [];
    const currentBody = (): TemplateNode[] => {
      const open = stack[stack.length - 1];
      if (open === undefined) return root;
      return open.otherwise ?? (open.branches[open.branches.length - 1]?.body as TemplateNode[]);
    };
    let trimNextText = false;
    const source = this.source;
    while (this.position < source.length) {
      const open = source.indexOf('{{', this.position);
      let text = source.slice(this.position, open === -1 ? source.length : open);
      if (trimNextText) text = text.replace(/^[ \t\r\n]+/, '');
      const trimBefore = open !== -1 && source[open + 2] === '-' && SPACE.test(source[open + 3] ?? '');
      if (trimBefore) text = text.replace(/[ \t\r\n]+$/, '');
      if (text !== '') currentBody().push({ kind: 'text', text });
      if (open === -1) break;
      const { action, end, trimAfter } = this.action(open, trimBefore ? open + 3 : open + 2);
      this.position = end;
      trimNextText = trimAfter;
      switch (action.kind) {
        case 'comment':
          break;
        case 'pipeline':
          currentBody().push({ kind: 'action', pipeline: action.pipeline });
          break;
        case 'if':
          stack.push({ offset: action.offset, branches: [{ condition: action.condition, body: [] }], otherwise: undefined });
          break;
        case 'else': {
          const top = stack[stack.length - 1];
          if (top === undefined) throw this.fail(action.offset, '{{else}} without a matching {{if}}');
          if (top.otherwise !== undefined) throw this.fail(action.offset, '{{else}} after the {{else}} of the same {{if}}');
          if (action.condition === undefined) top.otherwise = [];
          else top.branches.push({ condition: action.condition, body: [] });
          break;
        }
        case 'end': {
          const top = stack.pop();
          if (top === undefined) throw this.fail(action.offset, '{{end}} without a matching {{if}}');
          const node: TemplateNode = { kind: 'if', branches: top.branches, otherwise: top.otherwise ?? [] };
          currentBody().push(node);
          break;
        }
      }
    }
    const unclosed = stack[stack.length - 1];
    if (unclosed !== undefined) throw this.fail(unclosed.offset, '{{if}} without a matching {{end}}');
    return root;
  }

  /** Parses the action starting at `open` (the `{{`), its content starting at `start`. */
  private action(open: number, start: number): { action: Action; end: number; trimAfter: boolean } {
    let i = start;
    while (SPACE.test(this.source[i] ?? '')) i++;
    if (this.source.startsWith('/*', i)) {
      const close = this.source.indexOf('*/', i + 2);
      if (close === -1) throw this.fail(i, 'unclosed comment');
      const after = this.closing(close + 2);
      if (after === undefined) throw this.fail(close + 2, 'a comment must end right before }}');
      return { action: { kind: 'comment' }, ...after };
    }
    const { tokens, end, trimAfter } = this.tokenize(open, i);
    const first = tokens[0];
    if (first === undefined) throw this.fail(open, 'empty action {{}}');
    if (first.kind === 'identifier') {
      switch (first.name) {
        case 'if':
          return { action: { kind: 'if', condition: this.pipelineOf(tokens.slice(1), first.offset, 'if'), offset: first.offset }, end, trimAfter };
        case 'else': {
          const rest = tokens.slice(1);
          const next = rest[0];
          if (next === undefined) return { action: { kind: 'else', condition: undefined, offset: first.offset }, end, trimAfter };
          if (next.kind === 'identifier' && next.name === 'if') {
            return { action: { kind: 'else', condition: this.pipelineOf(rest.slice(1), next.offset, 'else if'), offset: first.offset }, end, trimAfter };
          }
          throw this.fail(next.offset, 'unexpected content after else', 'write {{else}} or {{else if ...}}');
        }
        case 'end':
          if (tokens.length > 1) throw this.fail(tokens[1]?.offset ?? first.offset, 'unexpected content after end');
          return { action: { kind: 'end', offset: first.offset }, end, trimAfter };
        default:
          if (UNSUPPORTED_KEYWORDS.has(first.name)) throw this.fail(first.offset, `{{${first.name}}} is not supported in punchline templates`, 'use {{if}}, fields and index');
      }
    }
    return { action: { kind: 'pipeline', pipeline: this.pipelineOf(tokens, first.offset, 'action') }, end, trimAfter };
  }

  /** The end of an action whose content ends at `i`: `}}` or ` -}}`. */
  private closing(i: number): { end: number; trimAfter: boolean } | undefined {
    let j = i;
    while (SPACE.test(this.source[j] ?? '')) j++;
    if (j > i && this.source[j] === '-' && this.source.startsWith('}}', j + 1)) return { end: j + 3, trimAfter: true };
    if (this.source.startsWith('}}', j)) return { end: j + 2, trimAfter: false };
    return undefined;
  }

  private tokenize(open: number, start: number): { tokens: ActionToken[]; end: number; trimAfter: boolean } {
    const source = this.source;
    const tokens: ActionToken[] = [];
    let i = start;
    for (;;) {
      const closing = this.closing(i);
      if (closing !== undefined) return { tokens, ...closing };
      const spaced = SPACE.test(source[i] ?? '');
      while (SPACE.test(source[i] ?? '')) i++;
      const c = source[i];
      if (c === undefined) throw this.fail(open, 'unclosed action', 'close it with }}');
      if (this.closing(i) !== undefined) continue;
      const offset = i;
      if (c === '(' || c === ')' || c === '|') {
        tokens.push({ kind: c, offset });
        i++;
      } else if (c === '.' && IDENTIFIER_PART.test(source[i + 1] ?? '') && !/\d/.test(source[i + 1] ?? '')) {
        const path: string[] = [];
        while (source[i] === '.' && IDENTIFIER_PART.test(source[i + 1] ?? '')) {
          let j = i + 1;
          while (IDENTIFIER_PART.test(source[j] ?? '')) j++;
          path.push(source.slice(i + 1, j));
          i = j;
        }
        tokens.push({ kind: 'field', path, offset, attached: !spaced && tokens.length > 0 && tokens[tokens.length - 1]?.kind === ')' });
      } else if (c === '.' && !/\d/.test(source[i + 1] ?? '')) {
        tokens.push({ kind: 'dot', offset });
        i++;
      } else if (c === '"' || c === '`') {
        const { value, end } = this.string(i);
        tokens.push({ kind: 'literal', value, offset });
        i = end;
      } else if (/[-+\d.]/.test(c)) {
        const match = /^[-+]?(?:0[xX][\da-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/.exec(source.slice(i));
        if (match === null) throw this.fail(offset, `unexpected ${JSON.stringify(c)}`);
        tokens.push({ kind: 'literal', value: Number(match[0].replace(/^\+/, '')), offset });
        i += match[0].length;
      } else if (IDENTIFIER_PART.test(c)) {
        let j = i;
        while (IDENTIFIER_PART.test(source[j] ?? '')) j++;
        tokens.push({ kind: 'identifier', name: source.slice(i, j), offset });
        i = j;
      } else if (c === '$') {
        throw this.fail(offset, 'variables are not supported in punchline templates');
      } else if (c === "'") {
        throw this.fail(offset, 'character constants are not supported', 'write a string in double quotes');
      } else if (c === '=' || (c === ':' && source[i + 1] === '=')) {
        throw this.fail(offset, 'assignments are not supported in punchline templates');
      } else {
        throw this.fail(offset, `unexpected ${JSON.stringify(c)} in an action`);
      }
    }
  }

  /** A Go string literal: `"..."` with Go escapes, or a raw `` `...` `` string. */
  private string(start: number): { value: string; end: number } {
    const source = this.source;
    if (source[start] === '`') {
      const close = source.indexOf('`', start + 1);
      if (close === -1) throw this.fail(start, 'unterminated raw string');
      return { value: source.slice(start + 1, close), end: close + 1 };
    }
    let value = '';
    let i = start + 1;
    for (;;) {
      const c = source[i];
      if (c === undefined || c === '\n') throw this.fail(start, 'unterminated string');
      if (c === '"') return { value, end: i + 1 };
      if (c !== '\\') {
        value += c;
        i++;
        continue;
      }
      const e = source[i + 1] ?? '';
      const simple: Readonly<Record<string, string>> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };
      const mapped = simple[e];
      if (mapped !== undefined) {
        value += mapped;
        i += 2;
        continue;
      }
      const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      if (hex > 0) {
        const digits = source.slice(i + 2, i + 2 + hex);
        if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) throw this.fail(i, `invalid escape \\${e}${digits}`);
        value += String.fromCodePoint(parseInt(digits, 16));
        i += 2 + hex;
        continue;
      }
      const octal = source.slice(i + 1, i + 4);
      if (/^[0-7]{3}$/.test(octal)) {
        value += String.fromCharCode(parseInt(octal, 8));
        i += 4;
        continue;
      }
      throw this.fail(i, `invalid escape \\${e}`);
    }
  }

  private pipelineOf(tokens: readonly ActionToken[], offset: number, context: string): Pipeline {
    if (tokens.length === 0) throw this.fail(offset, `missing value for ${context}`);
    const reader = { tokens, index: 0 };
    const pipeline = this.pipeline(reader, offset);
    const rest = tokens[reader.index];
    if (rest !== undefined) throw this.fail(rest.offset, `unexpected ${rest.kind === ')' ? '")"' : 'token'} in ${context}`);
    return pipeline;
  }

  private pipeline(reader: { tokens: readonly ActionToken[]; index: number }, offset: number): Pipeline {
    const commands: Command[] = [];
    for (;;) {
      const command = this.command(reader);
      commands.push(command);
      const next = reader.tokens[reader.index];
      if (next?.kind !== '|') break;
      reader.index++;
    }
    commands.forEach((command, position) => this.checkCommand(command, position > 0));
    return { commands, offset };
  }

  private command(reader: { tokens: readonly ActionToken[]; index: number }): Command {
    const operands: Operand[] = [];
    const start = reader.tokens[reader.index];
    for (;;) {
      const token = reader.tokens[reader.index];
      if (token === undefined || token.kind === '|' || token.kind === ')') break;
      reader.index++;
      operands.push(this.operand(token, reader));
    }
    if (operands.length === 0) {
      throw this.fail(start?.offset ?? this.source.length, 'missing value in the pipeline');
    }
    return { operands, offset: start?.offset ?? 0 };
  }

  private operand(token: ActionToken, reader: { tokens: readonly ActionToken[]; index: number }): Operand {
    switch (token.kind) {
      case 'field':
        return { kind: 'field', path: token.path, offset: token.offset };
      case 'dot':
        return { kind: 'field', path: [], offset: token.offset };
      case 'literal':
        return { kind: 'literal', value: token.value, offset: token.offset };
      case 'identifier':
        if (token.name === 'true' || token.name === 'false') return { kind: 'literal', value: token.name === 'true', offset: token.offset };
        if (token.name === 'nil') return { kind: 'literal', value: null, offset: token.offset };
        if (this.functions.has(token.name)) return { kind: 'function', name: token.name, offset: token.offset };
        if (UNSUPPORTED_BUILTINS.has(token.name) || token.name === 'json') {
          throw this.fail(token.offset, `function ${token.name} is not supported in ${token.name === 'json' ? 'this template' : 'punchline templates'}`, token.name === 'json' ? 'json is only available in details templates' : undefined);
        }
        throw this.fail(token.offset, `function ${token.name} is not defined`, `known functions: ${[...this.functions].join(', ')}`);
      case '(': {
        const inner = this.pipeline(reader, token.offset);
        const close = reader.tokens[reader.index];
        if (close?.kind !== ')') throw this.fail(close?.offset ?? token.offset, 'unclosed parenthesis');
        reader.index++;
        const chained = reader.tokens[reader.index];
        if (chained?.kind === 'field' && chained.attached) {
          reader.index++;
          return { kind: 'group', pipeline: inner, path: chained.path, offset: token.offset };
        }
        return { kind: 'group', pipeline: inner, path: [], offset: token.offset };
      }
      default:
        throw this.fail(token.offset, `unexpected ${JSON.stringify(token.kind)}`);
    }
  }

  /** Go's static checks: arguments only go to functions, `nil` is not a command, arities. */
  private checkCommand(command: Command, piped: boolean): void {
    const [head, ...args] = command.operands;
    if (head === undefined) return;
    if (head.kind !== 'function') {
      if (args.length > 0 || piped) {
        throw this.fail((args[0] ?? head).offset, 'cannot give an argument to a value that is not a function');
      }
      if (head.kind === 'literal' && head.value === null) throw this.fail(head.offset, 'nil is not a command');
      return;
    }
    const count = args.length + (piped ? 1 : 0);
    const arity: Readonly<Record<string, readonly [number, number]>> = {
      eq: [2, Infinity],
      ne: [2, 2],
      lt: [2, 2],
      le: [2, 2],
      gt: [2, 2],
      ge: [2, 2],
      and: [1, Infinity],
      or: [1, Infinity],
      not: [1, 1],
      len: [1, 1],
      json: [1, 1],
      index: [1, Infinity],
    };
    const [min, max] = arity[head.name] ?? [0, Infinity];
    if (count < min || count > max) {
      const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      throw this.fail(head.offset, `${head.name} takes ${expected} argument${min === 1 && max === 1 ? '' : 's'}, got ${count}`);
    }
  }
}
