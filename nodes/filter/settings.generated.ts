/* Generated from schemas/nodes/filter.schema.json by `npm run gen`: do not edit. */

/**
 * Passes on the tuples for which a lambda is true (Kapacitor's `|where()`).
 */
export interface FilterSettings {
  /**
   * A boolean lambda, e.g. `"host" == 'web-1' AND "usage_idle" < 10`. Double quotes name fields; single quotes are strings.
   */
  where: string;
  /**
   * Field holding the tuple's time (epoch ms, or an RFC 3339 / ISO 8601 string) for time functions such as `hour("time")`; default: the time the tuple is processed.
   */
  time_field?: string;
}
