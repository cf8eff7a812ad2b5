/**
 * The built-in functions of the lambda language (Kapacitor's set), each compiled into a closure at
 * its call site. Arguments are evaluated left to right before the call, all of them, as in
 * Kapacitor: `if(c, a, b)` evaluates both `a` and `b`, which matters for stateful functions and
 * missing fields.
 */
import { formatDuration, parseDuration } from './durations.js';
import {
  DYNAMIC,
  argument,
  checkArguments,
  invalidArgument,
  readBool,
  readFloat,
  readInt,
  readNumber,
  readString,
  type CallSite,
  type CompiledCall,
} from './function-arguments.js';
import { formatGoFloatPlain, goLogb, goPow, goPow10, humanBytes, parseGoBool, parseGoFloat, parseGoInt } from './go-numbers.js';
import {
  byteLength,
  goContainsAny,
  goCount,
  goIndex,
  goIndexAny,
  goLastIndex,
  goLastIndexAny,
  goReplace,
  goReplaceAll,
  goSubstring,
  goTrim,
  goTrimLeft,
  goTrimRight,
  goTrimSpace,
} from './go-strings.js';
import { LambdaEvaluationError } from './lambda-errors.js';
import { RUNTIME_TYPES, typeName, type Frame, type RuntimeValue } from './runtime-types.js';
import { compileCount, compileSigma, compileSpread, compileStateCount, compileStateDuration } from './stateful-functions.js';
import { dayOf, hourOf, minuteOf, monthOf, weekdayOf, yearOf } from './time-parts.js';

// Local copies of the type codes the closures below read on every evaluation (see RUNTIME_TYPES).
const { BOOL, DURATION, FIELD_INT, FLOAT, INT, STRING } = RUNTIME_TYPES;

type FunctionCompiler = (site: CallSite) => CompiledCall;

function math1(fn: (x: number) => number): FunctionCompiler {
  return (site) => {
    checkArguments(site, ['float']);
    const x = argument(site, 0).evaluate;
    const { name, position } = site;
    return {
      type: FLOAT,
      evaluate: (f) => {
        const value = readFloat(f, x(f), name, 0, position);
        f.type = FLOAT;
        return fn(value);
      },
    };
  };
}

function math2(fn: (x: number, y: number) => number): FunctionCompiler {
  return (site) => {
    checkArguments(site, ['float', 'float']);
    const x = argument(site, 0).evaluate;
    const y = argument(site, 1).evaluate;
    const { name, position } = site;
    return {
      type: FLOAT,
      evaluate: (f) => {
        const a = readFloat(f, x(f), name, 0, position);
        const b = readFloat(f, y(f), name, 1, position);
        f.type = FLOAT;
        return fn(a, b);
      },
    };
  };
}

type Reader<T> = (frame: Frame, value: RuntimeValue, fn: string, index: number, position: CallSite['position']) => T;

const READERS = { string: readString, int: readInt, float: readFloat, number: readNumber, bool: readBool } as const;

/** A function of fixed arity over plain values, e.g. `strHasPrefix(string, string) bool`. */
function plain<K extends keyof typeof READERS>(parameters: readonly K[], resultType: number, fn: (...args: never[]) => RuntimeValue): FunctionCompiler {
  return (site) => {
    checkArguments(site, parameters);
    const evaluators = parameters.map((_, i) => argument(site, i).evaluate);
    const readers = parameters.map((kind) => READERS[kind] as Reader<unknown>);
    const { name, position } = site;
    const call = fn as (...args: unknown[]) => RuntimeValue;
    const values: unknown[] = new Array<unknown>(parameters.length);
    return {
      type: resultType,
      evaluate: (f) => {
        for (let i = 0; i < evaluators.length; i++) {
          values[i] = (readers[i] as Reader<unknown>)(f, (evaluators[i] as (frame: Frame) => RuntimeValue)(f), name, i, position);
        }
        f.type = resultType;
        return call(...values);
      },
    };
  };
}

function compileIsPresent(site: CallSite): CompiledCall {
  checkArguments(site, ['reference']);
  const node = argument(site, 0).node;
  const field = node.kind === 'reference' ? node.name : '';
  if (field === 'time') {
    return {
      type: BOOL,
      evaluate: (f) => {
        f.type = BOOL;
        return true;
      },
    };
  }
  return {
    type: BOOL,
    evaluate: (f) => {
      const value = f.fields[field];
      f.type = BOOL;
      return value !== undefined && value !== null && typeof value !== 'function';
    },
  };
}

function compileIf(site: CallSite): CompiledCall {
  checkArguments(site, ['bool', 'any', 'any']);
  const condition = argument(site, 0).evaluate;
  const whenTrue = argument(site, 1);
  const whenFalse = argument(site, 2);
  const { name, position } = site;
  if (whenTrue.type !== DYNAMIC && whenFalse.type !== DYNAMIC && whenTrue.type !== whenFalse.type) {
    throw site.fail(whenFalse.node.position, `if() needs both results of the same type, got ${typeName(whenTrue.type)} and ${typeName(whenFalse.type)}`);
  }
  const a = whenTrue.evaluate;
  const b = whenFalse.evaluate;
  return {
    type: whenTrue.type === whenFalse.type ? whenTrue.type : DYNAMIC,
    evaluate: (f) => {
      const chosen = readBool(f, condition(f), name, 0, position);
      const first = a(f);
      let firstType = f.type;
      const second = b(f);
      let secondType = f.type;
      if (firstType !== secondType) {
        // A field int takes the type of the other branch, as it does next to an operator.
        if (firstType === FIELD_INT && (secondType === INT || secondType === FLOAT)) firstType = secondType;
        else if (secondType === FIELD_INT && (firstType === INT || firstType === FLOAT)) secondType = firstType;
        else {
          throw new LambdaEvaluationError('type-mismatch', `if() needs both results of the same type, got ${typeName(firstType)} and ${typeName(secondType)}`, position);
        }
      }
      f.type = chosen ? firstType : secondType;
      return chosen ? first : second;
    },
  };
}

function compileTimePart(part: (epochMs: number) => number): FunctionCompiler {
  return (site) => {
    checkArguments(site, ['time']);
    const time = argument(site, 0).evaluate;
    return {
      type: INT,
      evaluate: (f) => {
        const epochMs = time(f) as number;
        f.type = INT;
        return part(epochMs);
      },
    };
  };
}

function compileBool(site: CallSite): CompiledCall {
  checkArguments(site, ['any']);
  const x = argument(site, 0).evaluate;
  const { name, position } = site;
  return {
    type: BOOL,
    evaluate: (f) => {
      const value = x(f);
      const type = f.type;
      f.type = BOOL;
      if (type === BOOL) return value;
      if (type === STRING) {
        const parsed = parseGoBool(value as string);
        if (parsed === undefined) throw invalidArgument(name, `cannot convert ${JSON.stringify(value)} to a bool`, position);
        return parsed;
      }
      if ((type === INT || type === FIELD_INT || type === FLOAT) && (value === 0 || value === 1)) return value === 1;
      throw invalidArgument(name, `cannot convert ${typeName(type)} ${String(value)} to a bool`, position);
    },
  };
}

function compileInt(site: CallSite): CompiledCall {
  checkArguments(site, ['any']);
  const x = argument(site, 0).evaluate;
  const { name, position } = site;
  return {
    type: INT,
    evaluate: (f) => {
      const value = x(f);
      const type = f.type;
      f.type = INT;
      switch (type) {
        case INT:
        case FIELD_INT:
        case DURATION:
          return value;
        case FLOAT:
          if (!Number.isFinite(value)) throw invalidArgument(name, `cannot convert ${String(value)} to an int`, position);
          return Math.trunc(value as number) + 0;
        case BOOL:
          return value === true ? 1 : 0;
        case STRING: {
          const parsed = parseGoInt(value as string);
          if (parsed === undefined) throw invalidArgument(name, `cannot convert ${JSON.stringify(value)} to an int`, position);
          return parsed;
        }
        default:
          throw invalidArgument(name, `cannot convert a ${typeName(type)} to an int`, position);
      }
    },
  };
}

function compileFloat(site: CallSite): CompiledCall {
  checkArguments(site, ['any']);
  const x = argument(site, 0).evaluate;
  const { name, position } = site;
  return {
    type: FLOAT,
    evaluate: (f) => {
      const value = x(f);
      const type = f.type;
      f.type = FLOAT;
      switch (type) {
        case INT:
        case FIELD_INT:
        case FLOAT:
          return value;
        case BOOL:
          return value === true ? 1 : 0;
        case STRING: {
          const parsed = parseGoFloat(value as string);
          if (parsed === undefined) throw invalidArgument(name, `cannot convert ${JSON.stringify(value)} to a float`, position);
          return parsed;
        }
        default:
          throw invalidArgument(name, `cannot convert a ${typeName(type)} to a float`, position);
      }
    },
  };
}

function compileString(site: CallSite): CompiledCall {
  checkArguments(site, ['any']);
  const x = argument(site, 0).evaluate;
  const { name, position } = site;
  return {
    type: STRING,
    evaluate: (f) => {
      const value = x(f);
      const type = f.type;
      f.type = STRING;
      switch (type) {
        case STRING:
          return value;
        case INT:
        case FIELD_INT:
          return String(value);
        case FLOAT:
          return formatGoFloatPlain(value as number);
        case BOOL:
          return value === true ? 'true' : 'false';
        case DURATION:
          return formatDuration(value as number);
        default:
          throw invalidArgument(name, `cannot convert a ${typeName(type)} to a string`, position);
      }
    },
  };
}

function compileDuration(site: CallSite): CompiledCall {
  checkArguments(site, ['any', 'duration'], 1);
  const x = argument(site, 0).evaluate;
  const unit = site.args[1]?.evaluate;
  const { name, position } = site;
  return {
    type: DURATION,
    evaluate: (f) => {
      const value = x(f);
      const type = f.type;
      let unitNanoseconds: number | undefined;
      if (unit !== undefined) {
        unitNanoseconds = unit(f) as number;
        if (f.type !== DURATION) throw invalidArgument(name, `the unit must be a duration such as 1s, got ${typeName(f.type)}`, position);
      }
      f.type = DURATION;
      switch (type) {
        case DURATION:
          return value;
        case STRING: {
          const parsed = parseDuration(value as string);
          if (parsed === undefined) throw invalidArgument(name, `invalid duration string ${JSON.stringify(value)}`, position);
          return parsed;
        }
        case INT:
        case FIELD_INT:
        case FLOAT:
          if (unitNanoseconds === undefined) throw invalidArgument(name, 'a number needs a unit: duration(value, 1s)', position);
          return Math.trunc((value as number) * unitNanoseconds) + 0;
        default:
          throw invalidArgument(name, `cannot convert a ${typeName(type)} to a duration`, position);
      }
    },
  };
}

function compileStrSubstring(site: CallSite): CompiledCall {
  return wrapInvalid(
    plain(['string', 'int', 'int'], STRING, (s: string, start: number, stop: number) => {
      const result = goSubstring(s, start, stop);
      if (result === undefined) throw new RangeError(`indexes ${start}:${stop} are out of range for a string of ${byteLength(s)} bytes`);
      return result;
    }),
    site,
  );
}

/** Turns a RangeError thrown by a plain function into an `invalid-argument` evaluation failure. */
function wrapInvalid(compile: FunctionCompiler, site: CallSite): CompiledCall {
  const call = compile(site);
  return {
    type: call.type,
    evaluate: (f) => {
      try {
        return call.evaluate(f);
      } catch (error) {
        if (error instanceof RangeError) throw invalidArgument(site.name, error.message, site.position);
        throw error;
      }
    },
  };
}

function compileRegexReplace(site: CallSite): CompiledCall {
  checkArguments(site, ['regex', 'string', 'string']);
  const node = argument(site, 0).node;
  const global = node.kind === 'regex' ? new RegExp(node.regex.source, `${node.regex.flags}g`) : /$^/g;
  const src = argument(site, 1).evaluate;
  const replacement = argument(site, 2).evaluate;
  const { name, position } = site;
  return {
    type: STRING,
    evaluate: (f) => {
      const text = readString(f, src(f), name, 1, position);
      const template = readString(f, replacement(f), name, 2, position);
      f.type = STRING;
      return goReplaceAll(global, text, template);
    },
  };
}

function compileHumanBytes(site: CallSite): CompiledCall {
  return plain(['number'], STRING, (bytes: number) => humanBytes(bytes))(site);
}

const s2b = (fn: (a: string, b: string) => boolean): FunctionCompiler => plain(['string', 'string'], BOOL, fn);
const s2i = (fn: (a: string, b: string) => number): FunctionCompiler => plain(['string', 'string'], INT, fn);
const s2s = (fn: (a: string, b: string) => string): FunctionCompiler => plain(['string', 'string'], STRING, fn);
const s1s = (fn: (a: string) => string): FunctionCompiler => plain(['string'], STRING, fn);

/** Every function a lambda may call, by name. */
export const FUNCTIONS: ReadonlyMap<string, FunctionCompiler> = new Map<string, FunctionCompiler>([
  ['bool', compileBool],
  ['int', compileInt],
  ['float', compileFloat],
  ['string', compileString],
  ['duration', compileDuration],

  ['abs', math1(Math.abs)],
  ['acos', math1(Math.acos)],
  ['acosh', math1(Math.acosh)],
  ['asin', math1(Math.asin)],
  ['asinh', math1(Math.asinh)],
  ['atan', math1(Math.atan)],
  ['atan2', math2(Math.atan2)],
  ['atanh', math1(Math.atanh)],
  ['cbrt', math1(Math.cbrt)],
  ['ceil', math1(Math.ceil)],
  ['cos', math1(Math.cos)],
  ['cosh', math1(Math.cosh)],
  ['exp', math1(Math.exp)],
  ['exp2', math1((x) => 2 ** x)],
  ['expm1', math1(Math.expm1)],
  ['floor', math1(Math.floor)],
  ['hypot', math2(Math.hypot)],
  ['log', math1(Math.log)],
  ['log10', math1(Math.log10)],
  ['log1p', math1(Math.log1p)],
  ['log2', math1(Math.log2)],
  ['logb', math1(goLogb)],
  ['max', math2(Math.max)],
  ['min', math2(Math.min)],
  ['mod', math2((x, y) => x % y)],
  ['pow', math2(goPow)],
  ['pow10', plain(['int'], FLOAT, goPow10)],
  ['sin', math1(Math.sin)],
  ['sinh', math1(Math.sinh)],
  ['sqrt', math1(Math.sqrt)],
  ['tan', math1(Math.tan)],
  ['tanh', math1(Math.tanh)],
  ['trunc', math1(Math.trunc)],

  ['strContains', s2b((s, sub) => s.includes(sub))],
  ['strContainsAny', s2b(goContainsAny)],
  ['strCount', s2i(goCount)],
  ['strHasPrefix', s2b((s, prefix) => s.startsWith(prefix))],
  ['strHasSuffix', s2b((s, suffix) => s.endsWith(suffix))],
  ['strIndex', s2i(goIndex)],
  ['strIndexAny', s2i(goIndexAny)],
  ['strLastIndex', s2i(goLastIndex)],
  ['strLastIndexAny', s2i(goLastIndexAny)],
  ['strLength', plain(['string'], INT, byteLength)],
  ['strReplace', plain(['string', 'string', 'string', 'int'], STRING, goReplace)],
  ['strSubstring', compileStrSubstring],
  ['strToLower', s1s((s) => s.toLowerCase())],
  ['strToUpper', s1s((s) => s.toUpperCase())],
  ['strTrim', s2s(goTrim)],
  ['strTrimLeft', s2s(goTrimLeft)],
  ['strTrimPrefix', s2s((s, prefix) => (s.startsWith(prefix) ? s.slice(prefix.length) : s))],
  ['strTrimRight', s2s(goTrimRight)],
  ['strTrimSpace', s1s(goTrimSpace)],
  ['strTrimSuffix', s2s((s, suffix) => (suffix !== '' && s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s))],
  ['regexReplace', compileRegexReplace],

  ['hour', compileTimePart(hourOf)],
  ['minute', compileTimePart(minuteOf)],
  ['weekday', compileTimePart(weekdayOf)],
  ['day', compileTimePart(dayOf)],
  ['month', compileTimePart(monthOf)],
  ['year', compileTimePart(yearOf)],
  ['unixNano', compileTimePart((epochMs) => Math.round(epochMs * 1e6))],

  ['humanBytes', compileHumanBytes],
  ['isPresent', compileIsPresent],
  ['if', compileIf],

  ['sigma', compileSigma],
  ['count', compileCount],
  ['spread', compileSpread],
  ['stateDuration', compileStateDuration],
  ['stateCount', compileStateCount],
]);

/** Kapacitor functions punchline does not provide, so the error can say so rather than "unknown". */
export const UNSUPPORTED_FUNCTIONS: ReadonlySet<string> = new Set(['erf', 'erfc', 'gamma', 'j0', 'j1', 'jn', 'y0', 'y1', 'yn', 'now']);
