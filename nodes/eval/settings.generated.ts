/* Generated from schemas/nodes/eval.schema.json by `npm run gen`: do not edit. */

/**
 * Computes new fields with lambdas (Kapacitor's `|eval().as()`).
 */
export interface EvalSettings {
  /**
   * Evaluated in order; a later lambda may read the fields computed before it.
   *
   * @minItems 1
   */
  expressions: {
    /**
     * The field the result is written to.
     */
    as: string;
    /**
     * The lambda expression.
     */
    lambda: string;
  }[];
  /**
   * Input fields passed on besides the computed ones (Kapacitor's `.keep(…)`); without it every input field is passed on and `publish` chooses.
   */
  keep?: string[];
  /**
   * Fields whose values form groups: each group has its own state of the stateful functions (sigma, count, spread, stateDuration, stateCount), as after Kapacitor's `groupBy`. Without it the eval inherits the grouping of its input streams (a `group_by` on a stream upstream, or that of the node publishing it); `[]`: one state for every tuple. The nodes downstream inherit it.
   */
  group_by?: string[];
  /**
   * Field holding the tuple's time (epoch ms, or an RFC 3339 / ISO 8601 string); default: the time the tuple is processed.
   */
  time_field?: string;
}
