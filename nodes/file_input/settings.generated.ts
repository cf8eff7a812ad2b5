/* Generated from schemas/nodes/file_input.schema.json by `npm run gen`: do not edit. */

/**
 * Reads lines of files (JSON lines or raw lines) as tuples, to their end or following appends (tail), with a checkpoint of the position acked so far.
 */
export interface FileInputSettings {
  /**
   * Files or glob patterns (`*` and `?` within a name, `[abc]`, `**` for any folders below); relative ones from the working folder. A name starting with a dot is matched only by a pattern starting with a dot.
   *
   * @minItems 1
   */
  paths: string[];
  /**
   * json_lines: each line is a JSON object whose members become fields (a line that is not one goes to `_ppf_errors`); lines: each line's text is the field `line_field`; recording: a punchline recording (docs/recording-format.md), each record's value read with `record_codec` and its coordinates in the `_ppf_topic_name`, `_ppf_partition_id`, `_ppf_partition_offset` and `_ppf_kafka_timestamp` fields.
   */
  format: 'json_lines' | 'lines' | 'recording';
  /**
   * With format lines: the field holding the line's text (without its newline).
   */
  line_field: string;
  /**
   * With format recording: how each record's value is read, as kafka_input's value_codec of that type with its defaults (a map's members become fields, one tuple per line or metric of a line protocol record or a Telegraf batch; string, bytes and epoch give the field `value`).
   */
  record_codec: 'lumberjack' | 'json' | 'influx' | 'telegraf_json' | 'string' | 'bytes' | 'epoch';
  /**
   * Keep following the files: read what is appended, pick up new files matching `paths`, follow truncation and rotation. Without it, the input ends once every file is read and every line acked.
   */
  tail: boolean;
  /**
   * Where a file found at start and absent from the checkpoint is read from. Files that appear later are always read from their beginning.
   */
  read_from: 'beginning' | 'end';
  /**
   * File keeping, per file read (device and inode), the position of the first line not acked yet, written atomically; a restart resumes there. Without it every start reads from `read_from`.
   */
  checkpoint_path?: string;
  /**
   * How often the checkpoint is written when the acked position moved (and at a graceful stop). A kill -9 makes the next run read again what was acked since the last write.
   */
  checkpoint_interval_ms: number;
  /**
   * With tail: how often files are checked for appended lines, truncation and rotation, and `paths` searched for new files.
   */
  poll_interval_ms: number;
  /**
   * none: a failed tuple's line is emitted again (from memory); exit: the first failed tuple stops the punchline (exit code 3) without checkpointing past its line.
   */
  fail_action: 'none' | 'exit';
}
