/**
 * The public face of a lambda: compile once when the punchline is built, then evaluate per tuple.
 *
 * Time: evaluation takes the point time as epoch milliseconds (a JS number, fractions allowed for
 * sub-millisecond precision), which is what the `"time"` reference and the time functions see.
 *
 * State: `sigma`, `count` and `spread` keep state. A caller that groups tuples keeps one
 * {@link LambdaState} per group (from {@link CompiledLambda.newState}) and passes it to each
 * evaluation; without one, the lambda uses a single default state of its own.
 */
import type { Fields } from '../../core/fields.js';
import type { LambdaNode } from './ast.js';
import { compileTree, type FieldReference } from './compiler.js';
import { DYNAMIC } from './function-arguments.js';
import { lambdaCompileError, LambdaEvaluationError } from './lambda-errors.js';
import { parseLambda } from './parser.js';
import { RUNTIME_TYPES, Frame, typeName, type Evaluator } from './runtime-types.js';

// Local copies of the type codes the closures below read on every evaluation (see RUNTIME_TYPES).
const { BOOL, REGEX, TIME } = RUNTIME_TYPES;

/** The per-group memory of a lambda's stateful functions. Opaque: create it with {@link CompiledLambda.newState}. */
export interface LambdaState {
  readonly slots: Float64Array;
}

/** What an evaluation gives: a bool, a number (ints, floats, durations in nanoseconds) or a string. */
export type LambdaResult = boolean | number | string;

/** The result type a lambda always gives, or `unknown` when it depends on field values. */
export type LambdaResultType = 'bool' | 'int' | 'float' | 'string' | 'duration' | 'unknown';

/** Options of {@link compileLambda}. */
export interface CompileLambdaOptions {
  /**
   * The lambda is a condition (`filter`, alert levels): reject at compile time an expression whose
   * type is known not to be a bool, such as `"cpu" + 1`.
   */
  readonly predicate?: boolean;
}

/** A compiled lambda. Build it with {@link compileLambda}. */
export class CompiledLambda {
  /** The unique names of the fields the lambda reads (the `"time"` reference is not a field). */
  readonly fields: readonly string[];
  private readonly frame = new Frame();
  private readonly defaultState: LambdaState;

  /** @internal Use {@link compileLambda}. */
  constructor(
    /** The expression as written. */
    readonly source: string,
    /** The parsed tree, for tooling. */
    readonly ast: LambdaNode,
    /** The static result type. */
    readonly resultType: LambdaResultType,
    /** Every field reference with its position, in source order. */
    readonly references: readonly FieldReference[],
    private readonly root: Evaluator,
    private readonly slotInitialValues: readonly number[],
  ) {
    this.fields = [...new Set(references.map((r) => r.field))];
    this.defaultState = { slots: Float64Array.from(slotInitialValues) };
  }

  /** True when the lambda uses sigma, count or spread, so its result depends on earlier evaluations. */
  get stateful(): boolean {
    return this.slotInitialValues.length > 0;
  }

  /** A fresh state for one group. Cheap (one small typed array), and shared when the lambda is stateless. */
  newState(): LambdaState {
    if (this.slotInitialValues.length === 0) return this.defaultState;
    return { slots: Float64Array.from(this.slotInitialValues) };
  }

  /**
   * Evaluates the lambda on one tuple. Throws a {@link LambdaEvaluationError} when it fails on this
   * tuple (a missing field, types that do not match): callers count it and move on.
   */
  evaluate(fields: Fields, timeMs: number, state: LambdaState = this.defaultState): LambdaResult {
    const frame = this.frame;
    frame.fields = fields;
    frame.timeMs = timeMs;
    frame.slots = state.slots;
    const value = this.root(frame);
    if (frame.type === REGEX || frame.type === TIME) {
      throw new LambdaEvaluationError('type-mismatch', `the expression gives a ${typeName(frame.type)}`, this.ast.position);
    }
    return value as LambdaResult;
  }

  /** Evaluates the lambda as a condition. Throws a {@link LambdaEvaluationError} when it fails or does not give a bool. */
  test(fields: Fields, timeMs: number, state: LambdaState = this.defaultState): boolean {
    const frame = this.frame;
    frame.fields = fields;
    frame.timeMs = timeMs;
    frame.slots = state.slots;
    const value = this.root(frame);
    if (frame.type !== BOOL) {
      throw new LambdaEvaluationError('type-mismatch', `a condition must give TRUE or FALSE, this one gives ${article(typeName(frame.type))}`, this.ast.position);
    }
    return value as boolean;
  }
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

const RESULT_TYPES: Readonly<Record<number, LambdaResultType>> = { 1: 'bool', 2: 'int', 3: 'float', 4: 'string', 5: 'duration' };

/**
 * Parses and compiles a lambda once. Throws `PunchlineError('E_LAMBDA')` with the column and a caret
 * under the expression for syntax errors, unknown functions and types that can never match.
 */
export function compileLambda(source: string, options: CompileLambdaOptions = {}): CompiledLambda {
  const ast = parseLambda(source);
  const tree = compileTree(source, ast);
  const resultType = tree.type === DYNAMIC ? 'unknown' : (RESULT_TYPES[tree.type] ?? 'unknown');
  if (options.predicate === true && resultType !== 'unknown' && resultType !== 'bool') {
    throw lambdaCompileError(source, ast.position, `a condition must give TRUE or FALSE, this expression gives ${article(resultType)}`, 'compare it with something, e.g. "cpu" > 80');
  }
  return new CompiledLambda(source, ast, resultType, tree.references, tree.evaluate, tree.slotInitialValues);
}
