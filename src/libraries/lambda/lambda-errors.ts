/**
 * The two ways a lambda goes wrong: it cannot be compiled (a settings problem, reported when the
 * punchline is validated), or one evaluation fails on one tuple (a data problem, counted by the bolt
 * and never fatal).
 */
import { PunchlineError } from '../../core/errors.js';
import { caretExcerpt, describePosition, type SourcePosition } from './source-position.js';

/**
 * A lambda that cannot be compiled: bad syntax, unknown function, types that can never match.
 * The message names the column and shows the expression with a caret under it, because the
 * expression usually sits inside a JSON string where the user cannot count characters.
 */
export function lambdaCompileError(source: string, position: SourcePosition, problem: string, hint?: string): PunchlineError {
  const message = `at ${describePosition(source, position)}: ${problem}\n${caretExcerpt(source, position)}`;
  return new PunchlineError('E_LAMBDA', message, {
    context: { line: position.line, column: position.column },
    ...(hint === undefined ? {} : { hint }),
  });
}

/**
 * Why one evaluation failed, with a small fixed set of values so a bolt can use it as a metric
 * label without exploding cardinality.
 */
export type LambdaFailure = 'missing-field' | 'type-mismatch' | 'invalid-argument' | 'division-by-zero';

/**
 * One evaluation of a lambda failed on one tuple. Callers treat it as "the lambda did not match",
 * count it by {@link LambdaEvaluationError.failure} and log it at debug level; it is never fatal.
 */
export class LambdaEvaluationError extends PunchlineError {
  readonly failure: LambdaFailure;
  /** The field concerned: the missing one for `missing-field`, the mismatched one for `type-mismatch` when a field was an operand. */
  readonly field: string | undefined;
  /** The problem without the position, e.g. `mismatched types int + float`. */
  readonly problem: string;
  /** For a `type-mismatch` on a field: what the field held and what it met, so a warning can say why the data never fits. */
  readonly mismatch: TypeMismatchDetail | undefined;

  constructor(failure: LambdaFailure, problem: string, position: SourcePosition, field?: string, mismatch?: TypeMismatchDetail) {
    const where = position.line === 1 ? `column ${position.column}` : `line ${position.line}, column ${position.column}`;
    super('E_LAMBDA', `at ${where}: ${problem}`, { context: { line: position.line, column: position.column } });
    this.failure = failure;
    this.field = field ?? mismatch?.field;
    this.problem = problem;
    this.mismatch = mismatch;
  }
}

/** A type mismatch on a field operand: the field, its runtime type and value, and the other side. */
export interface TypeMismatchDetail {
  readonly field: string;
  /** The field's runtime type as a user names it (`string`, `int`, `float`, `bool`…). */
  readonly fieldType: string;
  /** The field's value as JSON, shortened to 40 characters: its shape, not the whole record. */
  readonly fieldValue: string;
  /** The operator the field met (`>`, `+`, `=~`, `AND`…). */
  readonly operator: string;
  /** The type of the other operand, or undefined for a unary operator. */
  readonly otherType: string | undefined;
  /** The other operand is a field too: its name. */
  readonly otherField: string | undefined;
}

/** A value's JSON, shortened for a log line. */
export function valueShape(value: unknown): string {
  const json = value instanceof RegExp ? String(value) : JSON.stringify(value) ?? String(value);
  return json.length <= 40 ? json : `${json.slice(0, 37)}...`;
}
