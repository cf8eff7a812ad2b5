/**
 * `filter`: passes on the tuples for which the `where` lambda is true, and drops the others
 * (Kapacitor's `|where()`). A lambda that fails on a tuple (a missing field…) counts as false, is
 * counted in `punchline_lambda_failures_total`, and the tuple is dropped.
 */
import { map } from 'rxjs';
import { ack, dataStreams, defineNode, drop, tupleTimeMs } from '../../src/runtime/node-api.js';
import { compileLambda } from '../../src/libraries/lambda/index.js';
import { checkLambdaSetting } from '../../src/libraries/lambda/lambda-setting.js';
import { lambdaFailureCounter } from '../../src/libraries/lambda/lambda-metrics.js';
import type { FilterSettings } from './settings.generated.js';

export const filter = defineNode<FilterSettings>({
  type: 'filter',
  kind: 'bolt',
  schema: 'filter.schema.json',
  check: (settings, scope) => checkLambdaSetting(settings.where, '/settings/where', scope.fieldsIn, { predicate: true }),
  fieldsRead: (settings) => [
    ...compileLambda(settings.where).fields.map((field) => ({ field, path: '/settings/where' })),
    ...(settings.time_field === undefined ? [] : [{ field: settings.time_field, path: '/settings/time_field' }]),
  ],
  create(settings, ctx) {
    const where = compileLambda(settings.where, { predicate: true });
    const state = where.newState();
    const failed = lambdaFailureCounter(ctx, { sources: { where: settings.where }, outcome: 'the tuple is dropped' });
    const streams = dataStreams(ctx.publish).map((p) => p.stream);
    return (tuples) =>
      tuples.pipe(
        map((tuple) => {
          let pass: boolean;
          try {
            pass = where.test(tuple.fields, tupleTimeMs(tuple.fields, settings.time_field) ?? Date.now(), state);
          } catch (error) {
            return drop(tuple, `where failed: ${failed('where', error)}`);
          }
          return pass ? ack(tuple, ...streams.map((stream) => ({ stream, fields: tuple.fields }))) : drop(tuple, 'where is false');
        }),
      );
  },
});
