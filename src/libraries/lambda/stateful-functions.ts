/**
 * `sigma`, `count`, `spread`, `stateDuration` and `stateCount` remember what they saw. Their memory lives in numeric slots of a
 * {@link LambdaState} that the caller keeps per group (our decision: Kapacitor shares it across
 * groups), so `sigma("cpu")` grouped by host tracks each host separately.
 */
import { argument, checkArguments, invalidArgument, readBool, readFloat, type CallSite, type CompiledCall } from './function-arguments.js';
import { RUNTIME_TYPES, typeName } from './runtime-types.js';

// Local copies of the type codes the closures below read on every evaluation (see RUNTIME_TYPES).
const { DURATION, FLOAT, INT } = RUNTIME_TYPES;

/** Kapacitor's default unit of `stateDuration`: one second, in nanoseconds. */
const SECOND_NS = 1e9;

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

/**
 * `stateDuration(condition[, unit])`: Kapacitor's StateDurationNode as a function. While the
 * condition holds, how long it has held, in `unit`s (default 1s): 0 at the first point in the
 * state, then the time since that point (the point times the lambda is given); -1 when it does not
 * hold, which also ends the state. A condition that fails on a point (a missing field) fails the
 * evaluation and leaves the state as it was, as Kapacitor drops such a point.
 */
export function compileStateDuration(site: CallSite): CompiledCall {
  checkArguments(site, ['bool', 'duration'], 1);
  const condition = argument(site, 0).evaluate;
  const unit = site.args[1]?.evaluate;
  // Slots: whether a state is under way (0/1), and when it started (epoch ms).
  const inState = site.allocateSlots([0, 0]);
  const start = inState + 1;
  const { name, position } = site;
  return {
    type: FLOAT,
    evaluate: (f) => {
      const holds = readBool(f, condition(f), name, 0, position);
      let unitNs = SECOND_NS;
      if (unit !== undefined) {
        unitNs = unit(f) as number;
        if (f.type !== DURATION) throw invalidArgument(name, `the unit must be a duration such as 1s, got ${typeName(f.type)}`, position);
        if (!(unitNs > 0)) throw invalidArgument(name, 'the unit must be a positive duration', position);
      }
      const slots = f.slots;
      f.type = FLOAT;
      if (!holds) {
        slots[inState] = 0;
        return -1;
      }
      if (slots[inState] !== 1) {
        slots[inState] = 1;
        slots[start] = f.timeMs;
      }
      return ((f.timeMs - (slots[start] ?? f.timeMs)) * 1e6) / unitNs;
    },
  };
}

/**
 * `stateCount(condition)`: Kapacitor's StateCountNode as a function. While the condition holds,
 * how many points in a row it has held for (1 at the first); -1 when it does not hold, which also
 * ends the state. A condition that fails on a point leaves the state as it was.
 */
export function compileStateCount(site: CallSite): CompiledCall {
  checkArguments(site, ['bool']);
  const condition = argument(site, 0).evaluate;
  const count = site.allocateSlots([0]);
  const { name, position } = site;
  return {
    type: INT,
    evaluate: (f) => {
      const holds = readBool(f, condition(f), name, 0, position);
      const slots = f.slots;
      f.type = INT;
      if (!holds) {
        slots[count] = 0;
        return -1;
      }
      const next = (slots[count] ?? 0) + 1;
      slots[count] = next;
      return next;
    },
  };
}
