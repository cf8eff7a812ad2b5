/**
 * `eval`: computes new fields with lambdas, in order, each able to read the fields computed
 * before it (Kapacitor's `|eval().as()`). A tuple on which a lambda fails is rejected: emitted on
 * `_ppf_errors` when the node publishes it, else dropped; counted either way.
 *
 * The lambdas read a scope holding the tuple's fields and the computed ones. It is built once per
 * tuple by an object literal compiled per incoming stream (`compileExtension`), with the computed
 * fields already in place (null, or the tuple's own value for a field computed again, until
 * computed): setting a field V8 already placed is cheap, adding one to a copy is not. Lambdas
 * read null as missing, so a lambda reading a field computed later fails as it would without it.
 * Without `keep`, that scope is also what the node emits.
 *
 * State: the stateful functions (`sigma`, `count`, `spread`…) keep one state per group, the values
 * of the node's effective grouping (its `group_by`, else the one of its input streams; one group
 * when ungrouped), as Kapacitor's eval does after a `groupBy`. With a stateful lambda and
 * `executors > 1`, the runtime sends each group to one executor (fields grouping on it; every
 * tuple to one executor when ungrouped).
 */
import { map } from 'rxjs';
import { ack, compileExtension, dataStreams, defineNode, ERRORS_STREAM, perStream, reject, tupleTimeMs } from '../../src/runtime/node-api.js';
import type { FieldValue, FieldUse, SettingsProblem, Tuple } from '../../src/runtime/node-api.js';
import { PunchlineError } from '../../src/core/errors.js';
import { compileLambda } from '../../src/libraries/lambda/index.js';
import type { LambdaState } from '../../src/libraries/lambda/index.js';
import { checkLambdaSetting } from '../../src/libraries/lambda/lambda-setting.js';
import { lambdaFailureCounter } from '../../src/libraries/lambda/lambda-metrics.js';
import type { EvalSettings } from './settings.generated.js';

/** Whether a lambda keeps state; one that does not compile is reported by the lambda check instead. */
function isStateful(lambda: string): boolean {
  try {
    return compileLambda(lambda).stateful;
  } catch {
    return true;
  }
}

export const evalBolt = defineNode<EvalSettings>({
  type: 'eval',
  kind: 'bolt',
  schema: 'eval.schema.json',
  check(settings, scope) {
    const known = new Set(scope.fieldsIn);
    const problems: SettingsProblem[] = [];
    settings.expressions.forEach(({ as, lambda }, index) => {
      problems.push(...checkLambdaSetting(lambda, `/settings/expressions/${index}/lambda`, known));
      known.add(as);
    });
    if (settings.group_by !== undefined && settings.group_by.length > 0 && !settings.expressions.some(({ lambda }) => isStateful(lambda))) {
      problems.push({ path: '/settings/group_by', message: 'group_by keeps no state here: no expression uses a stateful function; it only regroups the nodes downstream', hint: 'to regroup the stream, a group_by on the stream this node publishes says so; else remove it', severity: 'warning' });
    }
    const available = new Set([...(settings.keep ?? scope.fieldsIn), ...settings.expressions.map((e) => e.as)]);
    scope.publish.forEach(({ stream, fields }, s) => {
      if (stream === ERRORS_STREAM) return;
      fields.forEach((field, f) => {
        if (!available.has(field)) {
          problems.push({ path: `/publish/${s}/fields/${f}`, message: `eval does not pass on field "${field}"`, hint: settings.keep === undefined ? 'it is neither computed nor received' : 'add it to `keep` or compute it', severity: 'error' });
        }
      });
    });
    return problems;
  },
  // Stateful functions keep a state per group: each group goes to one executor (all tuples to one
  // executor when ungrouped). A stateless eval is dealt round robin.
  groupBy: (settings) => settings.group_by,
  groupingFields: (settings, groupBy) => (settings.expressions.some((e) => isStateful(e.lambda)) ? groupBy : undefined),
  fieldsRead(settings) {
    const computed = new Set<string>();
    const reads: FieldUse[] = [];
    for (const [index, { as, lambda }] of settings.expressions.entries()) {
      for (const field of compileLambda(lambda).fields) if (!computed.has(field)) reads.push({ field, path: `/settings/expressions/${index}/lambda` });
      computed.add(as);
    }
    for (const [index, field] of (settings.keep ?? []).entries()) reads.push({ field, path: `/settings/keep/${index}` });
    if (settings.time_field !== undefined) reads.push({ field: settings.time_field, path: '/settings/time_field' });
    (settings.group_by ?? []).forEach((field, i) => reads.push({ field, path: `/settings/group_by/${i}` }));
    return reads;
  },
  create(settings, ctx) {
    const expressions = settings.expressions.map(({ as, lambda }) => ({ as, compiled: compileLambda(lambda) }));
    const stateful = expressions.some((e) => e.compiled.stateful);
    /** One state per expression, per group (the JSON of the group's values). */
    const states = new Map<string, LambdaState[]>();
    const newStates = (): LambdaState[] => expressions.map((e) => e.compiled.newState());
    const groupBy = ctx.groupBy;
    const statesOf = (tuple: Tuple): LambdaState[] => {
      const key = groupBy.length === 0 ? '' : JSON.stringify(groupBy.map((field) => tuple.fields[field] ?? null));
      let found = states.get(key);
      if (found === undefined) {
        found = newStates();
        states.set(key, found);
      }
      return found;
    };
    const keep = settings.keep;
    const computed = expressions.map((e) => e.as);
    const failed = lambdaFailureCounter(ctx, { sources: Object.fromEntries(settings.expressions.map(({ as, lambda }) => [as, lambda])), outcome: 'the tuple is rejected' });
    const streams = dataStreams(ctx.publish).map((p) => p.stream);
    const scopeBuilderOf = perStream((names) => compileExtension(names, computed));
    const scopeOf = (tuple: Tuple): Record<string, FieldValue> => scopeBuilderOf(tuple)(tuple.fields, computed.map((name) => tuple.fields[name] ?? null));
    return (tuples) =>
      tuples.pipe(
        map((tuple) => {
          const scope = scopeOf(tuple);
          let fields = scope;
          if (keep !== undefined) {
            fields = {};
            for (const name of keep) fields[name] = tuple.fields[name] ?? null;
          }
          const time = tupleTimeMs(tuple.fields, settings.time_field) ?? Date.now();
          const groupStates = stateful ? statesOf(tuple) : undefined;
          for (const [index, { as, compiled }] of expressions.entries()) {
            try {
              const value = compiled.evaluate(scope, time, groupStates?.[index]);
              scope[as] = value;
              if (fields !== scope) fields[as] = value;
            } catch (error) {
              const kind = failed(as, error);
              const reason = error instanceof Error ? error.message : String(error);
              return reject(tuple, new PunchlineError('E_LAMBDA', `${ctx.label}: computing "${as}" failed (${kind}): ${reason}`, { cause: error }), ctx.publish);
            }
          }
          return ack(tuple, ...streams.map((stream) => ({ stream, fields })));
        }),
      );
  },
});
