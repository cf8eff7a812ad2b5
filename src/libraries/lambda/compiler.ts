/**
 * Compiles a lambda's tree into closures, once. Every node becomes a closure specialised for its
 * operator or function, so evaluating a tuple is a chain of direct calls: no parsing, no tree walk,
 * no switch on operator names per tuple.
 *
 * The compiler also infers static types where it can (literals, typed function results) and rejects
 * at compile time what can never work (`1 + 2.5`, `"x" > 1 AND 5`, `hour("cpu")`), so such mistakes
 * are reported when the punchline is validated rather than counted as failures at run time.
 */
import type { LambdaNode } from './ast.js';
import { DYNAMIC, type CallSite, type CompiledOperand } from './function-arguments.js';
import { FUNCTIONS, UNSUPPORTED_FUNCTIONS } from './functions.js';
import { lambdaCompileError, LambdaEvaluationError } from './lambda-errors.js';
import { numericStringType } from './numeric-strings.js';
import { combine, compileBinary, compileUnary } from './operators.js';
import { RUNTIME_TYPES, Frame, isNumber, typeName, type Evaluator, type RuntimeValue } from './runtime-types.js';
import type { SourcePosition } from './source-position.js';
import type { PunchlineError } from '../../core/errors.js';

// Local copies of the type codes the closures below read on every evaluation (see RUNTIME_TYPES).
const { BOOL, DURATION, FIELD_INT, FLOAT, INT, REGEX, STRING, TIME } = RUNTIME_TYPES;

/** A field the lambda reads, where, and whether it is only tested for presence. */
export interface FieldReference {
  readonly field: string;
  readonly position: SourcePosition;
  /** True for the argument of `isPresent(...)`: the lambda copes with the field being absent. */
  readonly presenceOnly: boolean;
}

/** The result of compiling a tree. */
export interface CompiledTree {
  readonly evaluate: Evaluator;
  /** The static result type, {@link DYNAMIC} when it depends on field values. */
  readonly type: number;
  readonly references: readonly FieldReference[];
  /** Initial values of the state slots of the stateful functions (one entry per slot). */
  readonly slotInitialValues: readonly number[];
}

/** The name of the reference that gives the point time rather than a field. */
export const TIME_REFERENCE = 'time';

/** Compiles `root` (parsed from `source`). Throws `E_LAMBDA` with a caret on a static error. */
export function compileTree(source: string, root: LambdaNode): CompiledTree {
  const compiler = new TreeCompiler(source);
  const top = compiler.compile(root, false);
  if (top.type === REGEX || top.type === TIME) {
    throw lambdaCompileError(source, root.position, `the expression gives a ${typeName(top.type)}, which is not a value a lambda can return`);
  }
  return { evaluate: top.evaluate, type: top.type, references: compiler.references, slotInitialValues: compiler.slots };
}

class TreeCompiler {
  readonly references: FieldReference[] = [];
  readonly slots: number[] = [];

  constructor(private readonly source: string) {}

  fail(position: SourcePosition, problem: string, hint?: string): PunchlineError {
    return lambdaCompileError(this.source, position, problem, hint);
  }

  compile(node: LambdaNode, presenceOnly: boolean): CompiledOperand {
    switch (node.kind) {
      case 'int':
        return constant(node, INT, node.value);
      case 'float':
        return constant(node, FLOAT, node.value);
      case 'duration':
        return constant(node, DURATION, node.nanoseconds);
      case 'string':
        return constant(node, STRING, node.value);
      case 'bool':
        return constant(node, BOOL, node.value);
      case 'regex':
        return constant(node, REGEX, node.regex);
      case 'reference':
        return this.reference(node, node.name, presenceOnly);
      case 'unary':
        return this.unary(node, node.operator, node.operand);
      case 'binary':
        return this.binary(node);
      case 'call':
        return this.call(node, node.name, node.args);
    }
  }

  private reference(node: LambdaNode, name: string, presenceOnly: boolean): CompiledOperand {
    if (name === TIME_REFERENCE) {
      return {
        node,
        type: TIME,
        evaluate: (f) => {
          f.type = TIME;
          return f.timeMs;
        },
      };
    }
    this.references.push({ field: name, position: node.position, presenceOnly });
    return { node, type: DYNAMIC, evaluate: fieldReader(name, node.position) };
  }

  private unary(node: LambdaNode, operator: '-' | '!', operandNode: LambdaNode): CompiledOperand {
    const operand = this.compile(operandNode, false);
    const t = operand.type;
    if (operator === '!' && t !== DYNAMIC && t !== BOOL) {
      throw this.fail(node.position, `! needs a bool, got ${article(typeName(t))}`);
    }
    const numericLiteral = operandNode.kind === 'string' && numericStringType(operandNode.value) !== 0;
    if (operator === '-' && t !== DYNAMIC && !isNumber(t) && t !== DURATION && !numericLiteral) {
      throw this.fail(node.position, `- needs a number or a duration, got ${article(typeName(t))}`);
    }
    const type = operator === '!' ? BOOL : t === STRING ? DYNAMIC : t;
    return { node, type, evaluate: compileUnary(operator, operand.evaluate, node.position) };
  }

  private binary(node: Extract<LambdaNode, { kind: 'binary' }>): CompiledOperand {
    const left = this.compile(node.left, false);
    const right = this.compile(node.right, false);
    const type = this.staticBinaryType(node, left, right);
    const fieldOf = (operand: LambdaNode): string | undefined => (operand.kind === 'reference' && operand.name !== TIME_REFERENCE ? operand.name : undefined);
    const fields = { left: fieldOf(node.left), right: fieldOf(node.right) };
    return { node, type, evaluate: compileBinary(node.operator, left.evaluate, right.evaluate, node.left.position, node.right.position, node.position, fields) };
  }

  /** The static type of a binary node, or a compile error when the operand types can never work. */
  private staticBinaryType(node: Extract<LambdaNode, { kind: 'binary' }>, left: CompiledOperand, right: CompiledOperand): number {
    const operator = node.operator;
    if (operator === 'AND' || operator === 'OR') {
      for (const side of [left, right]) {
        if (side.type !== DYNAMIC && side.type !== BOOL) {
          throw this.fail(side.node.position, `${operator} needs bools on both sides, got ${article(typeName(side.type))}`, 'compare it with something, e.g. "x" > 0');
        }
      }
      return BOOL;
    }
    if (operator === '=~' || operator === '!~') {
      if (right.node.kind !== 'regex') throw this.fail(right.node.position, `the right side of ${operator} must be a regex literal such as /^web/`);
      if (left.type !== DYNAMIC && left.type !== STRING) throw this.fail(left.node.position, `${operator} needs a string on its left, got ${article(typeName(left.type))}`);
      return BOOL;
    }
    for (const side of [left, right]) {
      if (side.type === REGEX) throw this.fail(side.node.position, `a regex can only be used on the right of =~ or !~`);
    }
    const comparison = ['==', '!=', '<', '<=', '>', '>='].includes(operator);
    if (left.type === DYNAMIC || right.type === DYNAMIC) {
      const known = left.type === DYNAMIC ? right : left;
      if (!comparison && (known.type === BOOL || known.type === TIME)) {
        throw this.fail(known.node.position, `${operator} cannot apply to ${article(typeName(known.type))}`);
      }
      return comparison ? BOOL : DYNAMIC;
    }
    // A string that is not a literal may hold a number at run time: decided then.
    const undecidedString = (side: CompiledOperand, other: CompiledOperand): boolean =>
      side.type === STRING && side.node.kind !== 'string' && isNumber(other.type);
    if (undecidedString(left, right) || undecidedString(right, left)) return comparison ? BOOL : DYNAMIC;
    const frame = new Frame();
    try {
      combine(frame, operator, sampleValue(left), left.type, sampleValue(right), right.type, node.position);
    } catch (error) {
      if (error instanceof LambdaEvaluationError) throw this.fail(node.position, error.problem);
      throw error;
    }
    return frame.type === FIELD_INT ? INT : frame.type;
  }

  private call(node: LambdaNode, name: string, argNodes: readonly LambdaNode[]): CompiledOperand {
    const compileFunction = FUNCTIONS.get(name);
    if (compileFunction === undefined) {
      if (UNSUPPORTED_FUNCTIONS.has(name)) throw this.fail(node.position, `function ${name}() is not available in punchline lambdas`);
      throw this.fail(node.position, `unknown function ${name}()`, suggestFunction(name));
    }
    const args = argNodes.map((arg) => this.compile(arg, name === 'isPresent'));
    const site: CallSite = {
      name,
      args,
      position: node.position,
      allocateSlots: (initialValues) => {
        const first = this.slots.length;
        this.slots.push(...initialValues);
        return first;
      },
      fail: (position, problem, hint) => this.fail(position, problem, hint),
    };
    const compiled = compileFunction(site);
    return { node, type: compiled.type, evaluate: compiled.evaluate };
  }
}

function constant(node: LambdaNode, type: number, value: RuntimeValue): CompiledOperand {
  return {
    node,
    type,
    evaluate: (f) => {
      f.type = type;
      return value;
    },
  };
}

/**
 * Reads a field of the tuple. A number is a field int when it is an integral safe integer, else a
 * float; `null`, an absent key, or a key only found on the prototype (`"constructor"`) is missing.
 */
function fieldReader(name: string, position: SourcePosition): Evaluator {
  return (f) => {
    const value = f.fields[name];
    switch (typeof value) {
      case 'number':
        f.type = Number.isSafeInteger(value) ? FIELD_INT : FLOAT;
        return value;
      case 'string':
        f.type = STRING;
        return value;
      case 'boolean':
        f.type = BOOL;
        return value;
      default:
        if (value === undefined || value === null || !Object.hasOwn(f.fields, name)) {
          throw new LambdaEvaluationError('missing-field', `field "${name}" is missing`, position, name);
        }
        throw new LambdaEvaluationError('type-mismatch', `field "${name}" holds ${describeStructured(value)}, which lambdas cannot read`, position, name);
    }
  };
}

function describeStructured(value: unknown): string {
  if (value instanceof Uint8Array) return 'bytes';
  if (Array.isArray(value)) return 'an array';
  return 'an object';
}

function sampleValue(operand: CompiledOperand): RuntimeValue {
  const node = operand.node;
  if (node.kind === 'int' || node.kind === 'float' || node.kind === 'string' || node.kind === 'bool') return node.value;
  switch (operand.type) {
    case INT:
    case DURATION:
      return 1;
    case FLOAT:
      return 1.5;
    case STRING:
      return 'text';
    case BOOL:
      return true;
    default:
      return 0;
  }
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

function suggestFunction(name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const known of FUNCTIONS.keys()) {
    if (known.toLowerCase() === lower) return `did you mean ${known}()?`;
  }
  return undefined;
}
