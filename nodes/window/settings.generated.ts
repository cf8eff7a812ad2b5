/* Generated from schemas/nodes/window.schema.json by `npm run gen`: do not edit. */

/**
 * Collects each group's points into windows by event time or by count and emits each window as one batch tuple (Kapacitor's `|window()`).
 */
export interface WindowSettings {
  /**
   * Length of a time window (Kapacitor `.period()`). Give either period_ms with every_ms, or period_count with every_count.
   */
  period_ms?: number;
  /**
   * How often a time window is emitted (Kapacitor `.every()`); 0 emits the last period at every point.
   */
  every_ms?: number;
  /**
   * Align the ends of time windows on multiples of every_ms (Kapacitor `.align()`).
   */
  align: boolean;
  /**
   * Emit the first window only once it covers a whole period (Kapacitor `.fillPeriod()`).
   */
  fill_period: boolean;
  /**
   * Points in a count window (Kapacitor `.periodCount()`).
   */
  period_count?: number;
  /**
   * Emit a count window every this many points (Kapacitor `.everyCount()`).
   */
  every_count?: number;
  /**
   * Fields whose values form groups, each with its own window (Kapacitor's `groupBy`); they are copied into the batch tuple. Without it the window inherits the grouping of its input streams (a `group_by` on a stream upstream, or that of the node publishing it); `[]` makes one group of everything. The nodes downstream inherit it.
   */
  group_by?: string[];
  /**
   * Field holding a point's time (epoch ms, or an RFC 3339 / ISO 8601 string); default: the time the window receives the point. The batch tuple carries the window's time in this field (`time` without it).
   */
  time_field?: string;
  /**
   * Field of the batch tuple holding its points, oldest first: each point's fields, its time in epoch ms in the time field.
   */
  points_field: string;
  /**
   * When a group receives no point for this long (wall clock), its window is closed as if a point had come this long after its last one (Kapacitor `|barrier().idle()`), repeatedly while it holds points.
   */
  idle_timeout_ms?: number;
}
