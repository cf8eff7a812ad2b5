/**
 * Compiles a parsed template into closures once, so rendering is a sequence of direct calls and
 * string concatenations: no re-parsing and no tree walk with string switches per event.
 */
import type { PunchlineError } from '../../core/errors.js';
import { formatGoValue } from './go-print.js';
import { GoDuration, GoMap, GoStruct, GoTime, kindOf, type TemplateValue } from './go-values.js';
import { escapeHtmlText } from './html-escape.js';
import { templateExecutionError, templateSyntaxError } from './template-errors.js';
import { TemplateCallError, goEq, goIndex, goJson, goLen, goLt, isTrue } from './template-functions.js';
import { TEXT_FUNCTIONS, parseTemplate, type Command, type Operand, type Pipeline, type TemplateNode } from './template-parser.js';

/** Options of {@link compileTemplate}. */
export interface CompileTemplateOptions {
  /** The template's name in error messages, e.g. `message`. */
  readonly name: string;
  /**
   * Render like Go's `html/template` (Kapacitor's `details`): the output of every action is
   * HTML-escaped and the `json` function is available.
   */
  readonly html?: boolean;
  /**
   * The fields the root data has (e.g. Name, ID, Level...). When given, a reference to any other
   * field of the root is rejected at compile time instead of failing at every event.
   */
  readonly fields?: readonly string[];
}

type Render = (data: TemplateValue) => string;
type Evaluate = (data: TemplateValue) => TemplateValue;

/** A compiled template. Build it with {@link compileTemplate}. */
export class CompiledTemplate {
  /** @internal Use {@link compileTemplate}. */
  constructor(
    /** The template's name. */
    readonly name: string,
    /** The template text as written. */
    readonly source: string,
    private readonly renderer: Render,
  ) {}

  /**
   * Renders the template with `data` as the dot. Throws `PunchlineError('E_TEMPLATE')` when an
   * action fails (e.g. `eq` of a string and a number), as Go's `Execute` returns an error.
   */
  render(data: TemplateValue): string {
    return this.renderer(data);
  }
}

/**
 * Parses and compiles a template once. Throws `PunchlineError('E_TEMPLATE')` with the template's
 * name, line, column and a caret on unsupported syntax, unknown functions or unknown root fields.
 */
export function compileTemplate(source: string, options: CompileTemplateOptions): CompiledTemplate {
  const functions = options.html === true ? new Set([...TEXT_FUNCTIONS, 'json']) : TEXT_FUNCTIONS;
  const nodes = parseTemplate(options.name, source, functions);
  const compiler = new TemplateCompiler(options.name, source, options.html === true, options.fields);
  return new CompiledTemplate(options.name, source, compiler.nodes(nodes));
}

class TemplateCompiler {
  private readonly knownFields: ReadonlySet<string> | undefined;

  constructor(
    private readonly name: string,
    private readonly source: string,
    private readonly html: boolean,
    fields: readonly string[] | undefined,
  ) {
    this.knownFields = fields === undefined ? undefined : new Set(fields);
  }

  private executionError(offset: number, problem: string): PunchlineError {
    return templateExecutionError(this.name, this.source, offset, problem);
  }

  nodes(nodes: readonly TemplateNode[]): Render {
    const parts = nodes.map((node) => this.node(node));
    if (parts.length === 0) return () => '';
    if (parts.length === 1) return parts[0] as Render;
    return (data) => {
      let out = '';
      for (const part of parts) out += part(data);
      return out;
    };
  }

  private node(node: TemplateNode): Render {
    switch (node.kind) {
      case 'text': {
        const text = node.text;
        return () => text;
      }
      case 'action': {
        const value = this.pipeline(node.pipeline);
        return this.html ? (data) => escapeHtmlText(formatGoValue(value(data))) : (data) => formatGoValue(value(data));
      }
      case 'if': {
        const branches = node.branches.map((branch) => ({ condition: this.pipeline(branch.condition), body: this.nodes(branch.body) }));
        const otherwise = this.nodes(node.otherwise);
        return (data) => {
          for (const branch of branches) if (isTrue(branch.condition(data))) return branch.body(data);
          return otherwise(data);
        };
      }
    }
  }

  private pipeline(pipeline: Pipeline): Evaluate {
    const [first, ...rest] = pipeline.commands;
    if (first === undefined) return () => undefined;
    let evaluate = this.command(first, undefined);
    for (const command of rest) evaluate = this.command(command, evaluate);
    return evaluate;
  }

  /** A command; `piped` is the previous command of the pipeline, whose result becomes the last argument. */
  private command(command: Command, piped: Evaluate | undefined): Evaluate {
    const [head, ...operands] = command.operands;
    if (head === undefined) return () => undefined;
    if (head.kind !== 'function') return this.operand(head);
    const args = operands.map((operand) => this.operand(operand));
    if (piped !== undefined) args.push(piped);
    return this.call(head.name, args, head.offset);
  }

  private call(name: string, args: readonly Evaluate[], offset: number): Evaluate {
    const guard = (fn: Evaluate): Evaluate => (data) => {
      try {
        return fn(data);
      } catch (error) {
        if (error instanceof TemplateCallError) throw this.executionError(offset, `error calling ${name}: ${error.message}`);
        throw error;
      }
    };
    const [a = (): TemplateValue => undefined, b = (): TemplateValue => undefined] = args;
    const rest = args.slice(1);
    switch (name) {
      case 'and':
        return (data) => {
          let value: TemplateValue;
          for (const arg of args) {
            value = arg(data);
            if (!isTrue(value)) return value;
          }
          return value;
        };
      case 'or':
        return (data) => {
          let value: TemplateValue;
          for (const arg of args) {
            value = arg(data);
            if (isTrue(value)) return value;
          }
          return value;
        };
      case 'not':
        return (data) => !isTrue(a(data));
      case 'eq':
        if (args.length === 2) return guard((data) => goEq(a(data), b(data)));
        return guard((data) => goEq(a(data), ...rest.map((arg) => arg(data))));
      case 'ne':
        return guard((data) => !goEq(a(data), b(data)));
      case 'lt':
        return guard((data) => goLt(a(data), b(data)));
      case 'le':
        return guard((data) => {
          const x = a(data);
          const y = b(data);
          return goLt(x, y) || goEq(x, y);
        });
      case 'gt':
        return guard((data) => {
          const x = a(data);
          const y = b(data);
          return !(goLt(x, y) || goEq(x, y));
        });
      case 'ge':
        return guard((data) => !goLt(a(data), b(data)));
      case 'index':
        // `index .Tags "host"`, one key, the usual form: no array of keys per evaluation.
        if (args.length === 2) return guard((data) => goIndex(a(data), b(data)));
        return guard((data) => goIndex(a(data), ...rest.map((arg) => arg(data))));
      case 'len':
        return guard((data) => goLen(a(data)));
      case 'json':
        return (data) => goJson(a(data));
      default:
        throw templateSyntaxError(this.name, this.source, offset, `function ${name} is not defined`);
    }
  }

  private operand(operand: Operand): Evaluate {
    switch (operand.kind) {
      case 'literal': {
        const value = operand.value;
        return () => value;
      }
      case 'function':
        return this.call(operand.name, [], operand.offset);
      case 'field': {
        const path = operand.path;
        const head = path[0];
        if (head !== undefined && this.knownFields !== undefined && !this.knownFields.has(head)) {
          throw templateSyntaxError(this.name, this.source, operand.offset, `field .${head} does not exist`, `available: ${[...this.knownFields].map((f) => `.${f}`).join(', ')}`);
        }
        return this.fieldChain((data) => data, path, operand.offset);
      }
      case 'group':
        return this.fieldChain(this.pipeline(operand.pipeline), operand.path, operand.offset);
    }
  }

  /** Follows `.A.B...` from what `start` gives. */
  private fieldChain(start: Evaluate, path: readonly string[], offset: number): Evaluate {
    if (path.length === 0) return start;
    const [only] = path;
    if (path.length === 1 && only !== undefined) return (data) => this.field(start(data), only, offset);
    return (data) => {
      let value = start(data);
      for (const name of path) value = this.field(value, name, offset);
      return value;
    };
  }

  /** Go's field access: struct fields, map keys (a missing key is `<no value>`), errors on anything else. */
  private field(receiver: TemplateValue, name: string, offset: number): TemplateValue {
    if (receiver === undefined) return undefined;
    if (receiver instanceof GoStruct) {
      if (!receiver.has(name)) throw this.executionError(offset, `can't evaluate field ${name} in type struct`);
      return receiver.values[name];
    }
    if (receiver instanceof GoMap) return Object.hasOwn(receiver.entries, name) ? receiver.entries[name] : undefined;
    if (receiver === null) throw this.executionError(offset, `nil pointer evaluating interface {}.${name}`);
    if (typeof receiver === 'object' && !(receiver instanceof GoTime) && !(receiver instanceof GoDuration) && kindOf(receiver) === 'map') {
      const entries = receiver as Readonly<Record<string, TemplateValue>>;
      return Object.hasOwn(entries, name) ? entries[name] : undefined;
    }
    throw this.executionError(offset, `can't evaluate field ${name} in type ${kindOf(receiver)}`);
  }
}
