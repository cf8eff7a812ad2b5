/**
 * Punch tuples often carry numbers as strings (lumberjack values are strings). Our rule: a string
 * that is a complete, finite decimal number (`42`, `-3.5`, `1e3`, `.5`; no spaces, no hex, no
 * `NaN`/`Infinity`) acts as that number when the other operand is a number. Integer syntax within
 * the safe range gives a field int, anything else a float.
 */
import { RUNTIME_TYPES } from './runtime-types.js';

// Local copies of the type codes the closures below read on every evaluation (see RUNTIME_TYPES).
const { FIELD_INT, FLOAT } = RUNTIME_TYPES;

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/**
 * The number type `text` acts as ({@link FIELD_INT} or {@link FLOAT}), or 0 when it is not a
 * complete finite number. Read the value with `Number(text)`.
 */
export function numericStringType(text: string): number {
  if (!DECIMAL.test(text)) return 0;
  const value = Number(text);
  if (!Number.isFinite(value)) return 0;
  return INTEGER.test(text) && Number.isSafeInteger(value) ? FIELD_INT : FLOAT;
}
