/**
 * How function arguments are checked: statically when the compiler knows the argument's type (a
 * literal, a typed function result), at run time otherwise (field values). Both follow the same
 * rules as the operators: a field int or a numeric string is accepted where a float is expected,
 * a definite int is not (as in Kapacitor: `abs(3)` is an error, `abs(3.0)` or `abs(float(3))` is not).
 */
import type { LambdaNode } from './ast.js';
import type { PunchlineError } from '../../core/errors.js';
import { LambdaEvaluationError } from './lambda-errors.js';
import { numericStringType } from './numeric-strings.js';
import { RUNTIME_TYPES, typeName, type Evaluator, type Frame, type RuntimeValue } from './runtime-types.js';
import type { SourcePosition } from './source-position.js';

// Local copies of the type codes the closures below read on every evaluation (see RUNTIME_TYPES).
const { BOOL, DURATION, FIELD_INT, FLOAT, INT, REGEX, STRING, TIME } = RUNTIME_TYPES;

/** The static type the compiler could not determine (a field value). */
export const DYNAMIC = 0;

/** What a parameter accepts. `number` is an int or a float; `reference` is a field reference node itself (isPresent). */
export type ParameterKind = 'float' | 'int' | 'number' | 'string' | 'bool' | 'time' | 'regex' | 'duration' | 'any' | 'reference';

/** An argument after compilation: its closure, its static type ({@link DYNAMIC} when unknown), its node. */
export interface CompiledOperand {
  readonly evaluate: Evaluator;
  readonly type: number;
  readonly node: LambdaNode;
}

/** A compiled call: its closure and static result type. */
export interface CompiledCall {
  readonly evaluate: Evaluator;
  readonly type: number;
}

/** Everything a function needs to compile one call site. */
export interface CallSite {
  readonly name: string;
  readonly args: readonly CompiledOperand[];
  readonly position: SourcePosition;
  /** Reserves consecutive state slots with their initial values; returns the first slot's index. */
  allocateSlots(initialValues: readonly number[]): number;
  /** A compile error at `position`. */
  fail(position: SourcePosition, problem: string, hint?: string): PunchlineError;
}

/** The `index`-th argument of a call whose arity was already checked. */
export function argument(site: CallSite, index: number): CompiledOperand {
  const arg = site.args[index];
  if (arg === undefined) throw site.fail(site.position, `${site.name}() is missing argument ${index + 1}`);
  return arg;
}

function accepts(kind: ParameterKind, type: number): boolean {
  switch (kind) {
    case 'float':
      return type === FLOAT || type === STRING;
    case 'int':
      return type === INT || type === STRING;
    case 'number':
      return type === INT || type === FLOAT || type === STRING;
    case 'string':
      return type === STRING;
    case 'bool':
      return type === BOOL;
    case 'time':
      return type === TIME;
    case 'regex':
      return type === REGEX;
    case 'duration':
      return type === DURATION;
    case 'any':
    case 'reference':
      return true;
  }
}

function conversionHint(kind: ParameterKind, type: number): string | undefined {
  if (kind === 'float' && type === INT) return 'convert it with float()';
  if (kind === 'int' && type === FLOAT) return 'convert it with int()';
  return undefined;
}

/** Checks the arity and the static argument types of a call against `parameters` (the last `optional` may be omitted). */
export function checkArguments(site: CallSite, parameters: readonly ParameterKind[], optional = 0): void {
  const count = site.args.length;
  const min = parameters.length - optional;
  if (count < min || count > parameters.length) {
    const expected = optional === 0 ? `${parameters.length}` : `${min} to ${parameters.length}`;
    throw site.fail(site.position, `${site.name}() takes ${expected} argument${parameters.length === 1 ? '' : 's'}, got ${count}`);
  }
  parameters.forEach((kind, index) => {
    const arg = site.args[index];
    if (arg === undefined) return;
    if (kind === 'reference' && arg.node.kind !== 'reference') {
      throw site.fail(arg.node.position, `${site.name}() takes a field reference such as "name"`);
    }
    if (kind === 'regex' && arg.node.kind !== 'regex') {
      throw site.fail(arg.node.position, `${site.name}() takes a regex literal such as /^web/ as argument ${index + 1}`);
    }
    if (kind === 'time' && arg.type !== TIME) {
      throw site.fail(arg.node.position, `${site.name}() takes the point time`, `write ${site.name}("time")`);
    }
    if (arg.type !== DYNAMIC && !accepts(kind, arg.type)) {
      throw site.fail(arg.node.position, `${site.name}() argument ${index + 1} must be ${article(kind)}, got ${article(typeName(arg.type))}`, conversionHint(kind, arg.type));
    }
  });
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

function argumentMismatch(fn: string, index: number, kind: ParameterKind, type: number, position: SourcePosition): LambdaEvaluationError {
  const hint = conversionHint(kind, type);
  return new LambdaEvaluationError(
    'type-mismatch',
    `${fn}() argument ${index + 1} must be ${article(kind)}, got ${article(typeName(type))}${hint === undefined ? '' : ` (${hint})`}`,
    position,
  );
}

/** Reads a float argument just evaluated (its type is in `frame.type`). */
export function readFloat(frame: Frame, value: RuntimeValue, fn: string, index: number, position: SourcePosition): number {
  const type = frame.type;
  if (type === FLOAT || type === FIELD_INT) return value as number;
  if (type === STRING && numericStringType(value as string) !== 0) return Number(value);
  throw argumentMismatch(fn, index, 'float', type, position);
}

/** Reads an int argument just evaluated. */
export function readInt(frame: Frame, value: RuntimeValue, fn: string, index: number, position: SourcePosition): number {
  const type = frame.type;
  if (type === INT || type === FIELD_INT) return value as number;
  if (type === STRING && numericStringType(value as string) === FIELD_INT) return Number(value);
  throw argumentMismatch(fn, index, 'int', type, position);
}

/** Reads an int or float argument just evaluated. */
export function readNumber(frame: Frame, value: RuntimeValue, fn: string, index: number, position: SourcePosition): number {
  const type = frame.type;
  if (type === INT || type === FIELD_INT || type === FLOAT) return value as number;
  if (type === STRING && numericStringType(value as string) !== 0) return Number(value);
  throw argumentMismatch(fn, index, 'number', type, position);
}

/** Reads a string argument just evaluated. */
export function readString(frame: Frame, value: RuntimeValue, fn: string, index: number, position: SourcePosition): string {
  if (frame.type === STRING) return value as string;
  throw argumentMismatch(fn, index, 'string', frame.type, position);
}

/** Reads a bool argument just evaluated. */
export function readBool(frame: Frame, value: RuntimeValue, fn: string, index: number, position: SourcePosition): boolean {
  if (frame.type === BOOL) return value as boolean;
  throw argumentMismatch(fn, index, 'bool', frame.type, position);
}

/** A failure of a function on valid types but an unusable value (`int('abc')`, `strSubstring` out of range). */
export function invalidArgument(fn: string, problem: string, position: SourcePosition): LambdaEvaluationError {
  return new LambdaEvaluationError('invalid-argument', `${fn}(): ${problem}`, position);
}
