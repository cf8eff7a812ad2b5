/**
 * Chooses the level of a point from the level lambdas and the group's current level, exactly in
 * Kapacitor's order, because the order decides which stateful functions (`sigma`...) see the point:
 * 1. evaluate `crit`, `warn`, `info` from CRITICAL down to the current level inclusive; the first
 *    true wins and the lower ones are not evaluated;
 * 2. if none matched and the current level has a reset lambda that is false, the level stays;
 * 3. otherwise evaluate from the current level down to INFO; the first true wins, else OK.
 * A lambda that fails counts as not matching (a failing reset lambda counts as false); the failure
 * is reported to the caller, never thrown.
 */
import type { Fields } from '../../core/fields.js';
import { LambdaEvaluationError, type CompiledLambda, type LambdaState } from '../lambda/index.js';
import type { AlertGroupState } from './group-state.js';

/** The lambdas of an alert, by the names the settings use. */
export interface LevelLambdas {
  readonly crit?: CompiledLambda;
  readonly warn?: CompiledLambda;
  readonly info?: CompiledLambda;
  readonly crit_reset?: CompiledLambda;
  readonly warn_reset?: CompiledLambda;
  readonly info_reset?: CompiledLambda;
}

/** Which lambda of an alert. */
export type LevelLambdaRole = keyof LevelLambdas;

/** Told about every lambda evaluation that failed on a point: count it, log it at debug level. */
export type LambdaFailureListener = (role: LevelLambdaRole, error: LambdaEvaluationError) => void;

const LEVEL_ROLES: ReadonlyArray<LevelLambdaRole | undefined> = [undefined, 'info', 'warn', 'crit'];
const RESET_ROLES: ReadonlyArray<LevelLambdaRole | undefined> = [undefined, 'info_reset', 'warn_reset', 'crit_reset'];

/** The lambdas arranged by rank, with the slot of their per-group state. */
export class LevelChooser {
  private readonly levels: ReadonlyArray<CompiledLambda | undefined>;
  private readonly resets: ReadonlyArray<CompiledLambda | undefined>;

  constructor(
    lambdas: LevelLambdas,
    private readonly onFailure: LambdaFailureListener,
  ) {
    this.levels = LEVEL_ROLES.map((role) => (role === undefined ? undefined : lambdas[role]));
    this.resets = RESET_ROLES.map((role) => (role === undefined ? undefined : lambdas[role]));
  }

  /** Fresh per-group lambda states: index `rank` for level lambdas, `rank + 3` for resets. */
  newStates(): LambdaState[] {
    const states: LambdaState[] = [];
    for (let rank = 0; rank <= 3; rank++) states.push(this.levels[rank]?.newState() ?? EMPTY_STATE);
    for (let rank = 1; rank <= 3; rank++) states.push(this.resets[rank]?.newState() ?? EMPTY_STATE);
    return states;
  }

  /** The rank (0 OK .. 3 CRITICAL) of the point. */
  choose(group: AlertGroupState, scope: Fields, timeMs: number): number {
    return this.chooseFrom(group.currentRank, group, scope, timeMs);
  }

  /** The rank of the point from the level `current` (a batch gives all its points the level before it). */
  chooseFrom(current: number, group: AlertGroupState, scope: Fields, timeMs: number): number {
    const higher = this.firstMatch(group, 3, Math.max(current, 1), scope, timeMs);
    if (higher !== 0) return higher;
    const reset = this.resets[current];
    if (reset !== undefined && !this.passes(reset, group.lambdaStates[current + 3], RESET_ROLES[current], scope, timeMs)) return current;
    return this.firstMatch(group, current, 1, scope, timeMs);
  }

  /** Evaluates level lambdas from rank `from` down to `to` inclusive; the first true gives its rank, none gives 0. */
  private firstMatch(group: AlertGroupState, from: number, to: number, scope: Fields, timeMs: number): number {
    for (let rank = from; rank >= to; rank--) {
      const lambda = this.levels[rank];
      if (lambda !== undefined && this.passes(lambda, group.lambdaStates[rank], LEVEL_ROLES[rank], scope, timeMs)) return rank;
    }
    return 0;
  }

  private passes(lambda: CompiledLambda, state: LambdaState | undefined, role: LevelLambdaRole | undefined, scope: Fields, timeMs: number): boolean {
    try {
      return lambda.test(scope, timeMs, state);
    } catch (error) {
      if (error instanceof LambdaEvaluationError && role !== undefined) {
        this.onFailure(role, error);
        return false;
      }
      throw error;
    }
  }
}

const EMPTY_STATE: LambdaState = { slots: new Float64Array(0) };
