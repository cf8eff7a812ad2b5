/**
 * `aggregate`: one of Kapacitor's aggregations (`|percentile('used', 95.0)`, `|mean('value')`,
 * `|derivative('bytes')`…) applied to each batch tuple a `window` emits, with the functions of
 * `src/libraries/aggregation`. Like Kapacitor, one function per node: an aggregate or a selector
 * gives one point (the batch tuple's other fields, the result in `as`, at the window's time), a
 * selector also the fields of the point it selected; `distinct` and the transformations give a
 * batch tuple (the same shape as the window's, the results in its points).
 *
 * Acks: the batch tuple is acked with its result, anchored to it; a window that gives no result
 * (an empty window for `mean`, a percentile without rank) is dropped deliberately. A batch tuple
 * that is not one (no points array, a point or window without a time) or a field of a type the
 * function refuses (`max` of strings) is rejected. Stateless: any number of executors.
 */
import { map } from 'rxjs';
import { ack, dataStreams, defineNode, drop, reject, tupleTimeMs } from '../../src/runtime/node-api.js';
import type { FieldValue, Fields, SettingsProblem, Tuple } from '../../src/runtime/node-api.js';
import { PunchlineError } from '../../src/core/errors.js';
import { aggregate, carriesPointFields, givesBatch } from '../../src/libraries/aggregation/index.js';
import type { AggregationSpec, ResultPoint, WindowPoint } from '../../src/libraries/aggregation/index.js';
import type { AggregateSettings } from './settings.generated.js';

/** The functions whose result may take its point's time with `use_point_times`. */
const POINT_TIME_FUNCTIONS = new Set(['first', 'last', 'min', 'max', 'percentile', 'distinct']);

/** Kapacitor's default result name: the function's, the field's own for derivative. */
function resultName(settings: AggregateSettings): string {
  return settings.as ?? (settings.function === 'derivative' ? settings.field : settings.function);
}

export const aggregateBolt = defineNode<AggregateSettings>({
  type: 'aggregate',
  kind: 'bolt',
  schema: 'aggregate.schema.json',
  check(settings) {
    const problems: SettingsProblem[] = [];
    const fn = settings.function;
    if (fn === 'percentile' && settings.percentile === undefined) problems.push({ path: '/settings', message: 'percentile needs its rank in `percentile`', hint: 'percentile: 95 is Kapacitor\'s percentile(field, 95.0)', severity: 'error' });
    if (fn !== 'percentile' && settings.percentile !== undefined) problems.push({ path: '/settings/percentile', message: `percentile only applies to the percentile function, not ${fn}`, severity: 'error' });
    if (fn === 'moving_average' && settings.window === undefined) problems.push({ path: '/settings', message: 'moving_average needs `window`, the number of points each average spans', severity: 'error' });
    if (fn !== 'moving_average' && settings.window !== undefined) problems.push({ path: '/settings/window', message: `window only applies to moving_average, not ${fn}`, severity: 'error' });
    if (fn !== 'derivative' && settings.non_negative) problems.push({ path: '/settings/non_negative', message: `non_negative only applies to derivative, not ${fn}`, severity: 'error' });
    if (settings.use_point_times && !POINT_TIME_FUNCTIONS.has(fn)) {
      problems.push({ path: '/settings/use_point_times', message: `${fn} gives ${givesBatch(fn) ? 'each result at its point\'s time already' : 'a value of no single point: it always takes the window\'s time'}`, severity: 'warning' });
    }
    return problems;
  },
  fieldsRead(settings) {
    return [
      { field: settings.points_field, path: '/settings/points_field' },
      { field: settings.time_field, path: '/settings/time_field' },
    ];
  },
  create(settings, ctx) {
    const spec: AggregationSpec = {
      function: settings.function,
      field: settings.field,
      unitMs: settings.unit_ms,
      nonNegative: settings.non_negative,
      ...(settings.percentile !== undefined && { percentile: settings.percentile }),
      ...(settings.window !== undefined && { window: settings.window }),
    };
    const as = resultName(settings);
    const { points_field: pointsField, time_field: timeField, field } = settings;
    const batch = givesBatch(settings.function);
    // Transformations always give their points' times; selectors and distinct only when asked.
    const pointTimes = (batch && settings.function !== 'distinct') || settings.use_point_times;
    const withPointFields = carriesPointFields(settings.function);
    const renames = settings.function !== 'derivative' && as !== field;
    const streams = dataStreams(ctx.publish).map((p) => p.stream);

    /** The fields of one result: its point's (selectors drop the field they renamed to `as`), the result, its time. */
    const resultFields = (result: ResultPoint, windowTime: number): Record<string, FieldValue> => {
      const fields: Record<string, FieldValue> = withPointFields && result.from !== undefined ? { ...result.from } : {};
      if (renames) delete fields[field];
      fields[as] = result.value;
      fields[timeField] = pointTimes ? (result.time ?? windowTime) : windowTime;
      return fields;
    };

    const refuse = (tuple: Tuple, reason: string): ReturnType<typeof reject> => reject(tuple, new PunchlineError('E_TUPLE_FAILED', `${ctx.label}: ${reason}`, { retriable: false }), ctx.publish);

    return (tuples) =>
      tuples.pipe(
        map((tuple) => {
          const raw = tuple.fields[pointsField];
          if (!Array.isArray(raw)) return refuse(tuple, `field "${pointsField}" is not an array of points (is a window upstream, with the same points_field?)`);
          const windowTime = tupleTimeMs(tuple.fields, timeField);
          if (windowTime === undefined) return refuse(tuple, `field "${timeField}" of the batch is not a time (set time_field to the window's)`);
          const points: WindowPoint[] = [];
          for (const item of raw as readonly FieldValue[]) {
            const time = item !== null && typeof item === 'object' && !Array.isArray(item) && !(item instanceof Uint8Array) ? tupleTimeMs(item as Fields, timeField) : undefined;
            if (time === undefined) return refuse(tuple, `a point of "${pointsField}" has no time in "${timeField}": ${JSON.stringify(item)}`);
            points.push({ time, fields: item as Fields });
          }
          let result;
          try {
            result = aggregate(spec, points);
          } catch (error) {
            if (error instanceof PunchlineError) return reject(tuple, error.within(ctx.label), ctx.publish);
            throw error;
          }
          if (result.skipped > 0) {
            ctx.throttledLog.warn('skipped', { field, skipped: result.skipped, points: points.length }, `${ctx.label}: points without "${field}", or with a value of another type than the window's first, were left out of the ${settings.function}`);
          }
          const base: Record<string, FieldValue> = { ...tuple.fields };
          delete base[pointsField];
          let out: Fields;
          if (batch) {
            out = { ...base, [pointsField]: result.points.map((r) => resultFields(r, windowTime)), [timeField]: windowTime };
          } else {
            const only = result.points[0];
            if (only === undefined) return drop(tuple, `no ${settings.function} for this window`);
            out = { ...base, ...resultFields(only, windowTime) };
          }
          return ack(tuple, ...streams.map((stream) => ({ stream, fields: out })));
        }),
      );
  },
});
