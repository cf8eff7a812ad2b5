/* Generated from schemas/nodes/file_output.schema.json by `npm run gen`: do not edit. */

/**
 * Appends each tuple's fields as a JSON line to a file; a tuple is acked only once its line is written (and synced, with fsync).
 */
export interface FileOutputSettings {
  /**
   * The file; its folder is created when missing.
   */
  path: string;
  /**
   * Append to an existing file instead of truncating it at start.
   */
  append: boolean;
  /**
   * Sync each batch to disk before acking (survives a machine crash, not just a process crash).
   */
  fsync: boolean;
  /**
   * Longest time a tuple waits in the write buffer.
   */
  flush_interval_ms: number;
  /**
   * Tuples written per write call at most.
   */
  max_batch_size: number;
  /**
   * Write this field's text as is, one record per line (a newline is added when missing), instead of the JSON of all fields: e.g. the `alert` field of an alert bolt, Kapacitor's `.log()` format.
   */
  raw_field?: string;
}
