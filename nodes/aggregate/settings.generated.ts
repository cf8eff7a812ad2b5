/* Generated from schemas/nodes/aggregate.schema.json by `npm run gen`: do not edit. */

/**
 * Applies one of Kapacitor's aggregations (`|mean()`, `|percentile()`, `|derivative()`…) to each batch tuple a window emits.
 */
export interface AggregateSettings {
  /**
   * The aggregation, by its Kapacitor name (`movingAverage` and `cumulativeSum` are written moving_average and cumulative_sum).
   */
  function:
    | 'count'
    | 'distinct'
    | 'sum'
    | 'mean'
    | 'median'
    | 'mode'
    | 'min'
    | 'max'
    | 'first'
    | 'last'
    | 'spread'
    | 'stddev'
    | 'percentile'
    | 'elapsed'
    | 'difference'
    | 'derivative'
    | 'moving_average'
    | 'cumulative_sum';
  /**
   * The field of the points it reads.
   */
  field: string;
  /**
   * The field the result is written to (Kapacitor `.as()`); default: the function's name, the field's own name for derivative.
   */
  as?: string;
  /**
   * percentile: the rank, 0 to 100 (Kapacitor `percentile(field, 95.0)`).
   */
  percentile?: number;
  /**
   * elapsed and derivative: the unit of time the result counts in (Kapacitor `elapsed(field, 1s)`, `.unit(1s)`).
   */
  unit_ms: number;
  /**
   * derivative: drop the points where the value decreased (Kapacitor `.nonNegative()`).
   */
  non_negative: boolean;
  /**
   * moving_average: how many points each average spans (Kapacitor `movingAverage(field, 10)`).
   */
  window?: number;
  /**
   * A selector's result (first, last, min, max, percentile) and distinct's take the time of their point instead of the window's (Kapacitor `.usePointTimes()`).
   */
  use_point_times: boolean;
  /**
   * The field of the batch tuple holding its points (the window's points_field).
   */
  points_field: string;
  /**
   * The field holding the time of the batch tuple and of each point (the window's time_field, `time` when it has none).
   */
  time_field: string;
}
