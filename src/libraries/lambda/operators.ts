/**
 * The operators of the lambda language, compiled into closures. Each operator gets a closure with a
 * fast path for the common typed case (numbers against numbers, booleans for AND/OR) and falls back
 * to {@link combine}, which implements every typing rule:
 * - numbers compare freely (an int is promoted against a float);
 * - int with int: `+ - * / %`, `/` truncates, division by zero fails;
 * - float with float: `+ - * /` (no `%`);
 * - int with float in arithmetic fails, suggesting float() or int();
 * - strings: `+` concatenates, comparisons are lexicographic, `=~`/`!~` match a regex;
 * - durations: `±` durations, `*` and `/` by a number, duration / duration gives an int;
 * - booleans: `AND`, `OR` (short-circuit), `==`, `!=`;
 * - a numeric string next to a number acts as that number (see numeric-strings.ts).
 */
import type { BinaryOperator } from './ast.js';
import { LambdaEvaluationError, valueShape } from './lambda-errors.js';
import { numericStringType } from './numeric-strings.js';
import { RUNTIME_TYPES, typeName, type Evaluator, type Frame, type RuntimeValue } from './runtime-types.js';
import type { SourcePosition } from './source-position.js';

// Local copies of the type codes the closures below read on every evaluation (see RUNTIME_TYPES).
const { BOOL, DURATION, FIELD_INT, FLOAT, INT, REGEX, STRING, TIME } = RUNTIME_TYPES;

/** Bit set of the number types, for branch-light checks in the fast paths. */
const NUMBER_TYPES = (1 << INT) | (1 << FLOAT) | (1 << FIELD_INT);

/** True for the three number types (a local copy of runtime-types' isNumber, for the hot path). */
function isNumber(type: number): boolean {
  return ((NUMBER_TYPES >> type) & 1) === 1;
}

/** The field names of a binary operator's operands, when they are field references (for failure messages). */
export interface OperandFields {
  readonly left: string | undefined;
  readonly right: string | undefined;
}

const NO_FIELDS: OperandFields = { left: undefined, right: undefined };

/**
 * A type mismatch of a binary operator. When an operand is a field, the error carries the field,
 * its type and value (the left one when both are fields), so a bolt can say what the data held.
 */
function mismatch(operator: string, left: number, right: number, position: SourcePosition, l?: RuntimeValue, r?: RuntimeValue, fields: OperandFields = NO_FIELDS): LambdaEvaluationError {
  const mixesNumbers = (left === INT && right === FLOAT) || (left === FLOAT && right === INT);
  const hint = mixesNumbers ? ' (convert one side with float() or int())' : '';
  const problem = `mismatched types ${typeName(left)} ${operator} ${typeName(right)}${hint}`;
  const onLeft = fields.left !== undefined;
  const field = onLeft ? fields.left : fields.right;
  if (field === undefined) return new LambdaEvaluationError('type-mismatch', problem, position);
  return new LambdaEvaluationError('type-mismatch', problem, position, field, {
    field,
    fieldType: typeName(onLeft ? left : right),
    fieldValue: valueShape(onLeft ? l : r),
    operator,
    otherType: typeName(onLeft ? right : left),
    otherField: onLeft ? fields.right : undefined,
  });
}

/** Integer arithmetic result: stays a field int only when both sides came from data. */
function intResultType(leftWasField: boolean, rightWasField: boolean): number {
  return leftWasField && rightWasField ? FIELD_INT : INT;
}

/**
 * The general case of every binary operator except AND, OR, =~ and !~: applies the numeric-string
 * rule, resolves field ints against the other side, then checks and computes.
 */
export function combine(frame: Frame, operator: BinaryOperator, l: RuntimeValue, lt: number, r: RuntimeValue, rt: number, position: SourcePosition, fields: OperandFields = NO_FIELDS): RuntimeValue {
  if (lt === STRING && isNumber(rt)) {
    const parsed = numericStringType(l as string);
    if (parsed === 0) throw mismatch(operator, lt, rt, position, l, r, fields);
    l = Number(l);
    lt = parsed;
  } else if (rt === STRING && isNumber(lt)) {
    const parsed = numericStringType(r as string);
    if (parsed === 0) throw mismatch(operator, lt, rt, position, l, r, fields);
    r = Number(r);
    rt = parsed;
  }
  const leftWasField = lt === FIELD_INT;
  const rightWasField = rt === FIELD_INT;
  if (leftWasField) lt = rt === FLOAT ? FLOAT : INT;
  if (rightWasField) rt = lt === FLOAT ? FLOAT : INT;

  switch (operator) {
    case '==':
    case '!=': {
      const comparable = (isNumber(lt) && isNumber(rt)) || (lt === rt && lt !== REGEX);
      if (!comparable) throw mismatch(operator, lt, rt, position, l, r, fields);
      frame.type = BOOL;
      return operator === '==' ? l === r : l !== r;
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const ordered = (isNumber(lt) && isNumber(rt)) || (lt === rt && (lt === STRING || lt === DURATION || lt === TIME));
      if (!ordered) throw mismatch(operator, lt, rt, position, l, r, fields);
      frame.type = BOOL;
      if (operator === '<') return l < r;
      if (operator === '<=') return l <= r;
      if (operator === '>') return l > r;
      return l >= r;
    }
    default:
      return arithmetic(frame, operator, l, lt, r, rt, position, leftWasField, rightWasField, fields);
  }
}

function arithmetic(
  frame: Frame,
  operator: BinaryOperator,
  l: RuntimeValue,
  lt: number,
  r: RuntimeValue,
  rt: number,
  position: SourcePosition,
  leftWasField: boolean,
  rightWasField: boolean,
  fields: OperandFields,
): RuntimeValue {
  const a = l as number;
  const b = r as number;
  if (lt === INT && rt === INT) {
    frame.type = intResultType(leftWasField, rightWasField);
    switch (operator) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        if (b === 0) throw new LambdaEvaluationError('division-by-zero', 'integer division by zero', position);
        return Math.trunc(a / b) + 0;
      case '%':
        if (b === 0) throw new LambdaEvaluationError('division-by-zero', 'integer modulo by zero', position);
        return (a % b) + 0;
      default:
        break;
    }
  } else if (lt === FLOAT && rt === FLOAT) {
    frame.type = FLOAT;
    switch (operator) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        return a / b;
      case '%':
        throw new LambdaEvaluationError('type-mismatch', '% needs two ints (use mod() for floats)', position);
      default:
        break;
    }
  } else if (lt === STRING && rt === STRING && operator === '+') {
    frame.type = STRING;
    return (l as string) + (r as string);
  } else if (lt === DURATION || rt === DURATION) {
    const result = durationArithmetic(operator, a, lt, b, rt);
    if (result !== undefined) {
      frame.type = result.type;
      return result.value;
    }
  }
  throw mismatch(operator, lt, rt, position, l, r, fields);
}

function durationArithmetic(operator: BinaryOperator, a: number, lt: number, b: number, rt: number): { type: number; value: number } | undefined {
  if (lt === DURATION && rt === DURATION) {
    if (operator === '+') return { type: DURATION, value: a + b };
    if (operator === '-') return { type: DURATION, value: a - b };
    if (operator === '/' && b !== 0) return { type: INT, value: Math.trunc(a / b) + 0 };
    return undefined;
  }
  if (operator === '*' && lt === DURATION && isNumber(rt)) return { type: DURATION, value: Math.trunc(a * b) + 0 };
  if (operator === '*' && rt === DURATION && isNumber(lt)) return { type: DURATION, value: Math.trunc(a * b) + 0 };
  if (operator === '/' && lt === DURATION && isNumber(rt) && b !== 0) return { type: DURATION, value: Math.trunc(a / b) + 0 };
  return undefined;
}

/**
 * Compiles a binary operator over two compiled operands. `position` is the operator's; `fields`
 * names the operands that are field references, for the messages of type mismatches.
 */
export function compileBinary(operator: BinaryOperator, left: Evaluator, right: Evaluator, leftPosition: SourcePosition, rightPosition: SourcePosition, position: SourcePosition, fields: OperandFields = NO_FIELDS): Evaluator {
  switch (operator) {
    case 'AND':
    case 'OR':
      return compileLogical(operator, left, right, leftPosition, rightPosition);
    case '=~':
    case '!~':
      return compileRegexMatch(operator === '=~', left, right, position, fields);
    case '<':
      return (f) => {
        const l = left(f);
        const lt = f.type;
        const r = right(f);
        const rt = f.type;
        if ((NUMBER_TYPES >> lt) & (NUMBER_TYPES >> rt) & 1) {
          f.type = BOOL;
          return l < r;
        }
        return combine(f, operator, l, lt, r, rt, position, fields);
      };
    case '<=':
      return (f) => {
        const l = left(f);
        const lt = f.type;
        const r = right(f);
        const rt = f.type;
        if ((NUMBER_TYPES >> lt) & (NUMBER_TYPES >> rt) & 1) {
          f.type = BOOL;
          return l <= r;
        }
        return combine(f, operator, l, lt, r, rt, position, fields);
      };
    case '>':
      return (f) => {
        const l = left(f);
        const lt = f.type;
        const r = right(f);
        const rt = f.type;
        if ((NUMBER_TYPES >> lt) & (NUMBER_TYPES >> rt) & 1) {
          f.type = BOOL;
          return l > r;
        }
        return combine(f, operator, l, lt, r, rt, position, fields);
      };
    case '>=':
      return (f) => {
        const l = left(f);
        const lt = f.type;
        const r = right(f);
        const rt = f.type;
        if ((NUMBER_TYPES >> lt) & (NUMBER_TYPES >> rt) & 1) {
          f.type = BOOL;
          return l >= r;
        }
        return combine(f, operator, l, lt, r, rt, position, fields);
      };
    case '==':
      return (f) => {
        const l = left(f);
        const lt = f.type;
        const r = right(f);
        const rt = f.type;
        if ((lt === rt && lt !== REGEX) || (NUMBER_TYPES >> lt) & (NUMBER_TYPES >> rt) & 1) {
          f.type = BOOL;
          return l === r;
        }
        return combine(f, operator, l, lt, r, rt, position, fields);
      };
    case '!=':
      return (f) => {
        const l = left(f);
        const lt = f.type;
        const r = right(f);
        const rt = f.type;
        if ((lt === rt && lt !== REGEX) || (NUMBER_TYPES >> lt) & (NUMBER_TYPES >> rt) & 1) {
          f.type = BOOL;
          return l !== r;
        }
        return combine(f, operator, l, lt, r, rt, position, fields);
      };
    case '+':
      return (f) => {
        const l = left(f);
        const lt = f.type;
        const r = right(f);
        const rt = f.type;
        if (floatArithmetic(lt, rt)) {
          f.type = FLOAT;
          return (l as number) + (r as number);
        }
        return combine(f, operator, l, lt, r, rt, position, fields);
      };
    case '-':
      return (f) => {
        const l = left(f);
        const lt = f.type;
        const r = right(f);
        const rt = f.type;
        if (floatArithmetic(lt, rt)) {
          f.type = FLOAT;
          return (l as number) - (r as number);
        }
        return combine(f, operator, l, lt, r, rt, position, fields);
      };
    case '*':
      return (f) => {
        const l = left(f);
        const lt = f.type;
        const r = right(f);
        const rt = f.type;
        if (floatArithmetic(lt, rt)) {
          f.type = FLOAT;
          return (l as number) * (r as number);
        }
        return combine(f, operator, l, lt, r, rt, position, fields);
      };
    case '/':
      return (f) => {
        const l = left(f);
        const lt = f.type;
        const r = right(f);
        const rt = f.type;
        if (floatArithmetic(lt, rt)) {
          f.type = FLOAT;
          return (l as number) / (r as number);
        }
        return combine(f, operator, l, lt, r, rt, position, fields);
      };
    default:
      return (f) => {
        const l = left(f);
        const lt = f.type;
        const r = right(f);
        return combine(f, operator, l, lt, r, f.type, position, fields);
      };
  }
}

/** Float arithmetic applies: two floats, or a float and a field int (which then acts as a float). */
function floatArithmetic(lt: number, rt: number): boolean {
  return (lt === FLOAT && (rt === FLOAT || rt === FIELD_INT)) || (lt === FIELD_INT && rt === FLOAT);
}

function notBool(operator: string, type: number, position: SourcePosition): LambdaEvaluationError {
  return new LambdaEvaluationError('type-mismatch', `${operator} needs bools, got ${typeName(type)}`, position);
}

function compileLogical(operator: 'AND' | 'OR', left: Evaluator, right: Evaluator, leftPosition: SourcePosition, rightPosition: SourcePosition): Evaluator {
  const shortCircuitOn = operator === 'OR';
  return (f) => {
    const l = left(f);
    if (f.type !== BOOL) throw notBool(operator, f.type, leftPosition);
    if (l === shortCircuitOn) return l;
    const r = right(f);
    if (f.type !== BOOL) throw notBool(operator, f.type, rightPosition);
    return r;
  };
}

function compileRegexMatch(matches: boolean, left: Evaluator, right: Evaluator, position: SourcePosition, fields: OperandFields): Evaluator {
  return (f) => {
    const l = left(f);
    const lt = f.type;
    const r = right(f);
    if (lt !== STRING || f.type !== REGEX) throw mismatch(matches ? '=~' : '!~', lt, f.type, position, l, r, fields);
    f.type = BOOL;
    return (r as RegExp).test(l as string) === matches;
  };
}

/** Compiles unary `-` (numbers and durations; a numeric string becomes its number) and `!` (bools). */
export function compileUnary(operator: '-' | '!', operand: Evaluator, position: SourcePosition): Evaluator {
  if (operator === '!') {
    return (f) => {
      const v = operand(f);
      if (f.type !== BOOL) throw new LambdaEvaluationError('type-mismatch', `! needs a bool, got ${typeName(f.type)}`, position);
      return !v;
    };
  }
  return (f) => {
    let v = operand(f);
    if (f.type === STRING) {
      const parsed = numericStringType(v as string);
      if (parsed === 0) throw new LambdaEvaluationError('type-mismatch', `- needs a number or a duration, got string`, position);
      v = Number(v);
      f.type = parsed;
    }
    if (f.type === FLOAT) return -(v as number);
    if (f.type === INT || f.type === FIELD_INT || f.type === DURATION) return 0 - (v as number);
    throw new LambdaEvaluationError('type-mismatch', `- needs a number or a duration, got ${typeName(f.type)}`, position);
  };
}
