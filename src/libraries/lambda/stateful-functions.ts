/**
 * `sigma`, `count` and `spread` remember what they saw. Their memory lives in numeric slots of a
 * {@link LambdaState} that the caller keeps per group (our decision: Kapacitor shares it across
 * groups), so `sigma("cpu")` grouped by host tracks each host separately.
 */
import { argument, checkArguments, readFloat, type CallSite, type CompiledCall } from './function-arguments.js';
import { RUNTIME_TYPES } from './runtime-types.js';

// Local copies of the type codes the closures below read on every evaluation (see RUNTIME_TYPES).
const { FLOAT, INT } = RUNTIME_TYPES;

/**
 * `sigma(x)`: how many sample standard deviations `x` is from the running mean of every value seen
 * so far, the current one included (Welford's online algorithm). 0 until two values were seen or
 * while they are all equal.
 */
export function compileSigma(site: CallSite): CompiledCall {
  checkArguments(site, ['float']);
  const x = argument(site, 0).evaluate;
  const n = site.allocateSlots([0, 0, 0]);
  const mean = n + 1;
  const m2 = n + 2;
  const { name, position } = site;
  return {
    type: FLOAT,
    evaluate: (f) => {
      const value = readFloat(f, x(f), name, 0, position);
      const slots = f.slots;
      const count = (slots[n] ?? 0) + 1;
      const delta = value - (slots[mean] ?? 0);
      const newMean = (slots[mean] ?? 0) + delta / count;
      const newM2 = (slots[m2] ?? 0) + delta * (value - newMean);
      slots[n] = count;
      slots[mean] = newMean;
      slots[m2] = newM2;
      f.type = FLOAT;
      const variance = newM2 / (count - 1);
      if (count < 2 || variance === 0) return 0;
      return Math.abs(value - newMean) / Math.sqrt(variance);
    },
  };
}

/** `count()`: 1 on the first evaluation, then 2, 3... */
export function compileCount(site: CallSite): CompiledCall {
  checkArguments(site, []);
  const n = site.allocateSlots([0]);
  return {
    type: INT,
    evaluate: (f) => {
      const count = (f.slots[n] ?? 0) + 1;
      f.slots[n] = count;
      f.type = INT;
      return count;
    },
  };
}

/** `spread(x)`: the running maximum minus the running minimum of the values seen. */
export function compileSpread(site: CallSite): CompiledCall {
  checkArguments(site, ['float']);
  const x = argument(site, 0).evaluate;
  const min = site.allocateSlots([Infinity, -Infinity]);
  const max = min + 1;
  const { name, position } = site;
  return {
    type: FLOAT,
    evaluate: (f) => {
      const value = readFloat(f, x(f), name, 0, position);
      const slots = f.slots;
      if (value < (slots[min] ?? Infinity)) slots[min] = value;
      if (value > (slots[max] ?? -Infinity)) slots[max] = value;
      f.type = FLOAT;
      return (slots[max] ?? 0) - (slots[min] ?? 0);
    },
  };
}
