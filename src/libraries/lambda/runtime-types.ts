/**
 * The types values have while a lambda runs, and the mutable frame closures share.
 *
 * A JS number cannot tell an int from a float, so every compiled closure returns the bare value and
 * writes its type into `frame.type`; the caller reads it right after the call. This keeps evaluation
 * free of allocations (no boxed `{type, value}` per node).
 *
 * How numbers get their type:
 * - a literal with a `.` is a `float`, one without is an `int`;
 * - functions and operators have fixed result types (`count()` int, `sigma()` float, int/int int...);
 * - a number read from a tuple field is a {@link FIELD_INT} when it is an integral safe integer,
 *   else a `float`. JSON cannot tell `3` from `3.0`, so a `FIELD_INT` acts as an int against ints
 *   and as a float against floats (`100.0 - "usage_idle"` works whether the field holds 42 or 42.5);
 *   a float field value against an int literal is a type mismatch, as in Kapacitor.
 * - a field holding a string that is a complete finite number acts as that number next to a numeric
 *   operand (integer syntax gives a `FIELD_INT`, anything else a `float`).
 */
import type { Fields } from '../../core/fields.js';

/** A boolean. */
export const BOOL = 1;
/** An integer with a definite int type: literals without `.`, int() and int-valued functions, int arithmetic. */
export const INT = 2;
/** A float. */
export const FLOAT = 3;
/** A string. */
export const STRING = 4;
/** A duration in nanoseconds. */
export const DURATION = 5;
/** A compiled regex (only regex literals produce one). */
export const REGEX = 6;
/** The point's time, in epoch milliseconds (only the `"time"` reference produces one). */
export const TIME = 7;
/** An integral number that came from data: an int that may also act as a float (see the module doc). */
export const FIELD_INT = 8;

/**
 * The type codes in one object. Hot modules copy them into module-local constants
 * (`const { BOOL } = RUNTIME_TYPES`): some loaders, such as tsx used by the tests and benchmarks,
 * compile every read of an imported binding into a getter call, which would cost more than the
 * comparison it feeds.
 */
export const RUNTIME_TYPES = { BOOL, INT, FLOAT, STRING, DURATION, REGEX, TIME, FIELD_INT } as const;

/** One of the runtime type codes above. */
export type RuntimeType = typeof BOOL | typeof INT | typeof FLOAT | typeof STRING | typeof DURATION | typeof REGEX | typeof TIME | typeof FIELD_INT;

/** A value while a lambda runs. */
export type RuntimeValue = number | string | boolean | RegExp;

/** The name of a runtime type in messages, as a user writes it (a field int is an `int`). */
export function typeName(type: number): string {
  return ['?', 'bool', 'int', 'float', 'string', 'duration', 'regex', 'time', 'int'][type] ?? '?';
}

/** True for the three number types, which compare with each other freely. */
export function isNumber(type: number): boolean {
  return type === INT || type === FLOAT || type === FIELD_INT;
}

/**
 * The state one evaluation runs with. A compiled lambda owns one frame and reuses it for every
 * evaluation: evaluation is synchronous and JS single-threaded, so it is never shared concurrently.
 */
export class Frame {
  fields: Fields = {};
  timeMs = 0;
  /** The per-group numeric state of the stateful functions (sigma, count, spread) of this lambda. */
  slots: Float64Array = new Float64Array(0);
  /** The type of the value the last closure returned. */
  type: number = BOOL;
}

/** A compiled node: returns its value and sets `frame.type`. */
export type Evaluator = (frame: Frame) => RuntimeValue;
