/* Generated from schemas/nodes/alert.schema.json by `npm run gen`: do not edit. */

/**
 * Raises alerts with Kapacitor's AlertNode semantics: level lambdas, per-group state, state changes, flapping, and the exact Kapacitor alert JSON.
 */
export interface AlertSettings {
  /**
   * Lambda that makes a point CRITICAL.
   */
  crit?: string;
  /**
   * Lambda that makes a point WARNING.
   */
  warn?: string;
  /**
   * Lambda that makes a point INFO.
   */
  info?: string;
  /**
   * While CRITICAL, the level only goes down once this lambda is true (Kapacitor `.critReset()`).
   */
  crit_reset?: string;
  /**
   * While WARNING, the level only goes down once this lambda is true.
   */
  warn_reset?: string;
  /**
   * While INFO, the level only goes down once this lambda is true.
   */
  info_reset?: string;
  /**
   * Template of the alert id (Kapacitor `.id()`).
   */
  id: string;
  /**
   * Template of the message (Kapacitor `.message()`).
   */
  message: string;
  /**
   * Template of the details, rendered like Kapacitor's html/template (Kapacitor `.details()`).
   */
  details: string;
  /**
   * Fields whose values form alert groups: they play Kapacitor's tags (ids, templates, the `tags` of the event). Without it the alert inherits the grouping of its input streams (a `group_by` on a stream upstream, or that of the node publishing it); `[]`: one group. The nodes downstream inherit it.
   */
  group_by?: string[];
  /**
   * Fields that are tags of the point besides the `group_by` ones (Kapacitor's points carry every tag of their series): in the event's `data.series[0].tags` (sorted) instead of its columns, and in `{{ .Tags }}`; a missing one is left out.
   */
  tags: string[];
  /**
   * A field listing the names of the point's tags, read when the tuple carries it: the `influx` and `telegraf_json` codecs of `kafka_input` give each metric's tag names in `_tags` (publish it with the other fields), so a Telegraf point's tags are tags here as in Kapacitor without naming them.
   */
  tags_field: string;
  /**
   * The measurement name of the alert data (`{{ .Name }}`).
   */
  name: string;
  /**
   * Take the measurement name from this field instead of `name`.
   */
  name_field?: string;
  /**
   * `{{ .TaskName }}`; default: the punchline name.
   */
  task_name?: string;
  /**
   * The alert topic its events are published to (Kapacitor `.topic()`): letters, digits, `-`, `:`, `.` and `_`. The event tuple carries it in `topic`, with `taskName`, for the handler specs of an `alert_handlers` node; default: `<punchline>:<component>`, as Kapacitor names the topic of a task's alert node.
   */
  topic?: string;
  /**
   * The category of this alert's events (Kapacitor `.category()`): the name the `inhibit` of other alerts gives.
   */
  category?: string;
  /**
   * Kapacitor `.inhibit(category, tags…)`: while a group of this alert is at a level other than OK, the events of alerts of `category` whose tags have the group's values for `tags` (all of them; none: every event of the category) are not emitted, their state advancing all the same. Holds between the alert nodes of one punchline process, and their executors; not across processes.
   */
  inhibit: {
    /**
     * The category inhibited.
     */
    category: string;
    /**
     * Tags whose values must be equal between this alert's group and the inhibited event.
     */
    tags: string[];
  }[];
  /**
   * Keep the groups' state in a compacted Kafka topic: restored from it before the first point, written to it through the stream `stream` (route it to a kafka_output writing `topic` keyed by `state_key`, value `state`). The input must be partitioned by the group_by fields.
   */
  changelog?: {
    /**
     * The platform config's cluster; default: its only cluster.
     */
    cluster?: string;
    /**
     * The changelog topic (cleanup.policy compact).
     */
    topic: string;
    /**
     * The stream the bolt publishes each processed group's snapshot on, with the fields `state_key` and `state`.
     */
    stream: string;
  };
  /**
   * Field holding the point's time (epoch ms, or an RFC 3339 / ISO 8601 string whose nanoseconds are kept through the event's `time`, `duration` and JSON); default: the time the tuple is processed.
   */
  time_field?: string;
  /**
   * Fields written in the event data (`{{ .Fields }}`, `data.series`); default: every field of the tuple except the tags (`group_by`, `tags`, those listed in `tags_field`), the name/time fields and `_ppf_*` fields.
   */
  data_fields?: string[];
  /**
   * Emit an event only when the level changes (Kapacitor `.stateChangesOnly()`).
   */
  state_changes_only: boolean;
  /**
   * With state_changes_only: still emit an unchanged non-OK level once this long has passed since the last event (Kapacitor `.stateChangesOnly(10m)`).
   */
  state_changes_only_max_interval_ms?: number;
  /**
   * Suppress events while the group flaps (Kapacitor `.flapping(low, high)`).
   */
  flapping?: {
    /**
     * A flapping group stops flapping below this state-change ratio.
     */
    low: number;
    /**
     * A group starts flapping above this state-change ratio.
     */
    high: number;
  };
  /**
   * Levels remembered per group for flapping detection (Kapacitor `.history()`).
   */
  history: number;
  /**
   * With points_field: the batch is at a level only when all its points are (its level is the lowest of its points'), instead of the highest (Kapacitor `.all()`).
   */
  all: boolean;
  /**
   * Alert on batches (a window's batch tuples): the field holding their points, `points` for a window's. Each point is evaluated, the batch raises at most one event, as Kapacitor alerts on a batch; the lambdas read the points' fields and the group_by fields. Without it, every tuple is a point.
   */
  points_field?: string;
  /**
   * Do not emit OK (recovery) events (Kapacitor `.noRecoveries()`).
   */
  no_recoveries: boolean;
  /**
   * Also write the level name into this field (Kapacitor `.levelField()`).
   */
  level_field?: string;
  /**
   * Also write the level name into this field as a tag of the point (Kapacitor `.levelTag()`): its name is added to the tag names in `tags_field` of the event tuple, for the nodes downstream.
   */
  level_tag?: string;
  /**
   * Also write the message into this field (Kapacitor `.messageField()`).
   */
  message_field?: string;
  /**
   * Also write the alert id into this field (Kapacitor `.idField()`).
   */
  id_field?: string;
  /**
   * Also write the alert id into this field as a tag of the point (Kapacitor `.idTag()`): its name is added to the tag names in `tags_field` of the event tuple, for the nodes downstream.
   */
  id_tag?: string;
  /**
   * Also write the duration (ns) into this field (Kapacitor `.durationField()`).
   */
  duration_field?: string;
  /**
   * Field holding the whole event as Kapacitor's JSON text, trailing newline included, encoded once: kafka_output writes it with `value_format: "alert"`, file_output with `raw_field`.
   */
  event_field: string;
}
