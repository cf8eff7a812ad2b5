/* Generated from schemas/nodes/kafka_input.schema.json by `npm run gen`: do not edit. */

/**
 * Reads the records of a Kafka topic as tuples, with Punch's offset strategies, replay on failure, codecs, header mapping and consumer groups. Offsets are committed only once every record below them is acked.
 */
export interface KafkaInputSettings {
  /**
   * Id of the Kafka cluster to read from, a key of `kafka.clusters` in the platform config.
   */
  brokers?: string;
  /**
   * Comma-separated host:port list that replaces the brokers of the named cluster (hosts that reach the brokers under other names).
   */
  'bootstrap.servers'?: string;
  /**
   * The topic to read.
   */
  topic: string;
  /**
   * Where reading starts. Only last_committed commits offsets; the others start at the same place on every start and commit nothing.
   */
  start_offset_strategy: 'last_committed' | 'earliest' | 'latest' | 'from_offset' | 'from_datetime';
  /**
   * With from_offset: the offset every read partition starts at (clamped to the partition's first and next offsets).
   */
  offset?: number;
  /**
   * With from_datetime: ISO 8601 date with a time zone; each partition starts at its first record whose Kafka timestamp is at or after it.
   */
  from_datetime?: string;
  /**
   * With from_datetime: how long the offsets-by-timestamp request may take before the node gives up starting.
   */
  from_datetime_timeout_ms: number;
  /**
   * Consumer group shared by cooperating nodes; default <tenant>-<channel>-<punchline>-<component>.
   */
  'group.id'?: string;
  /**
   * Deprecated alias of group.id (Punch 5.x); accepted with a warning.
   */
  group_name?: string;
  /**
   * Consume only this partition (pinned through the group's partition assigner); default: a share of all partitions.
   */
  partition?: number;
  /**
   * Milliseconds between offset commits (last_committed only). Offsets are also committed as soon as acked progress follows a join or a rebalance, whenever the commit points moved over half max_uncommitted_records records since the last commit (topology.max.spout.pending at the default), when a partition is revoked, and at a graceful stop.
   */
  auto_commit_interval: number;
  /**
   * The most records an executor reads past its last commit (last_committed only): reading waits for a commit beyond it, so a kill -9 makes the next run read at most this many records again. Default: twice topology.max.spout.pending (4,000 at its default), so a full max pending can be in flight while the acked records before them are committed.
   */
  max_uncommitted_records?: number;
  /**
   * exit: the first failed tuple stops the punchline at once (exit code 3) without committing past it; none: failed tuples are replayed.
   */
  fail_action: 'none' | 'exit';
  /**
   * true: re-emit only the failed records; false: rewind the partition to the failed record and re-emit everything read since.
   */
  smart_replay: boolean;
  /**
   * rate: at most load_control_records_per_second; adaptative: fewer records in flight when ack latency grows; none: max pending only.
   */
  load_control: 'none' | 'rate' | 'adaptative';
  /**
   * With load_control rate: the most records the node emits per second, all executors together.
   */
  load_control_records_per_second?: number;
  key_codec?: RecordCodecSetting;
  value_codec: RecordCodecSetting1;
  /**
   * What a record whose value is null (a tombstone) becomes: dead_letter, a tuple on the _ppf_errors stream; emit, a tuple whose value fields are null (every lumberjack key, or `value`); skip, no tuple (acked at once). Always counted as a decode error of kind null_value. A 0-byte value is not null: the codec decodes it.
   */
  on_null_value: 'dead_letter' | 'emit' | 'skip';
  /**
   * Record headers copied into tuple fields; each field must be published.
   */
  headers_fields: HeaderFieldSetting[];
  /**
   * Consumer group session timeout: how long the group waits for a silent member (a crashed process) before giving its partitions to others.
   */
  session_timeout_ms: number;
}
/**
 * How record keys are read into the `key` field; without it keys are not read.
 */
export interface RecordCodecSetting {
  /**
   * string (UTF-8), bytes (as is), epoch (8-byte big-endian epoch milliseconds), lumberjack frames, json (a value: an object whose members are fields; a key: any JSON value), influx (InfluxDB line protocol: as a value, one tuple per line of the record; as a key, one line), or telegraf_json (Telegraf's json serializer: as a value, one tuple per metric of a batch; as a key, one metric).
   */
  type: 'string' | 'bytes' | 'epoch' | 'lumberjack' | 'json' | 'influx' | 'telegraf_json';
  /**
   * lumberjack only: a record holding several data frames is a decoding error, keeps the last frame, or merges all frames.
   */
  multiple_frames: 'error' | 'last' | 'merge';
  /**
   * lumberjack, json, influx and telegraf_json: fields read through a JSON pointer (RFC 6901) into the decoded record, `{ host: "/tags/host" }`; a pointer that leads nowhere gives null. For the metric codecs the pointer reads Telegraf's json layout (`/name`, `/tags/…`, `/fields/…`, `/timestamp`).
   */
  fields: {
    [k: string]: string;
  };
  /**
   * influx only: the unit of line protocol timestamps (InfluxDB's write precision).
   */
  precision: 'ns' | 'us' | 'ms' | 's';
  /**
   * telegraf_json only: the unit of integer timestamps, as Telegraf's json_timestamp_units.
   */
  json_timestamp_units: '1ns' | '1us' | '1ms' | '1s';
  /**
   * What a key or value that does not decode (or one line / metric of a record holding several) becomes: DEAD_LETTER, a tuple on the _ppf_errors stream (the input goes on); CRASH, the punchline stops (exit code 1) naming the record, nothing committed past it, on every restart until the record is gone; WARN, the tuple is emitted with the part's fields null (the key and its pointer fields; the value's fields, which publish null) and a throttled warning; PASS, the same logged at debug level. Counted in the decode errors whatever the policy. A null value follows on_null_value instead.
   */
  on_decoding_error: 'DEAD_LETTER' | 'CRASH' | 'WARN' | 'PASS';
}
/**
 * How record values are read: lumberjack, json, influx and telegraf_json give one field per member of the record (a metric's tags and fields, `_measurement`, `_time` and its tag names in `_tags`); string, bytes and epoch give one field `value`.
 */
export interface RecordCodecSetting1 {
  /**
   * string (UTF-8), bytes (as is), epoch (8-byte big-endian epoch milliseconds), lumberjack frames, json (a value: an object whose members are fields; a key: any JSON value), influx (InfluxDB line protocol: as a value, one tuple per line of the record; as a key, one line), or telegraf_json (Telegraf's json serializer: as a value, one tuple per metric of a batch; as a key, one metric).
   */
  type: 'string' | 'bytes' | 'epoch' | 'lumberjack' | 'json' | 'influx' | 'telegraf_json';
  /**
   * lumberjack only: a record holding several data frames is a decoding error, keeps the last frame, or merges all frames.
   */
  multiple_frames: 'error' | 'last' | 'merge';
  /**
   * lumberjack, json, influx and telegraf_json: fields read through a JSON pointer (RFC 6901) into the decoded record, `{ host: "/tags/host" }`; a pointer that leads nowhere gives null. For the metric codecs the pointer reads Telegraf's json layout (`/name`, `/tags/…`, `/fields/…`, `/timestamp`).
   */
  fields: {
    [k: string]: string;
  };
  /**
   * influx only: the unit of line protocol timestamps (InfluxDB's write precision).
   */
  precision: 'ns' | 'us' | 'ms' | 's';
  /**
   * telegraf_json only: the unit of integer timestamps, as Telegraf's json_timestamp_units.
   */
  json_timestamp_units: '1ns' | '1us' | '1ms' | '1s';
  /**
   * What a key or value that does not decode (or one line / metric of a record holding several) becomes: DEAD_LETTER, a tuple on the _ppf_errors stream (the input goes on); CRASH, the punchline stops (exit code 1) naming the record, nothing committed past it, on every restart until the record is gone; WARN, the tuple is emitted with the part's fields null (the key and its pointer fields; the value's fields, which publish null) and a throttled warning; PASS, the same logged at debug level. Counted in the decode errors whatever the policy. A null value follows on_null_value instead.
   */
  on_decoding_error: 'DEAD_LETTER' | 'CRASH' | 'WARN' | 'PASS';
}
export interface HeaderFieldSetting {
  /**
   * The record header to read (the last one when the key repeats).
   */
  header: string;
  /**
   * The tuple field it goes to; must be published.
   */
  field: string;
  /**
   * string (text), integer (4 bytes), long (8 bytes) or bytes (as is).
   */
  type: 'string' | 'integer' | 'long' | 'bytes';
  /**
   * Text encoding of string headers (UTF_8, ISO_8859_1, UTF-16BE...).
   */
  encoding: string;
  /**
   * Byte order of integer and long headers.
   */
  ordering: 'big_endian' | 'little_endian';
  /**
   * DEAD_LETTER: the whole record goes to the _ppf_errors stream (counted; acked and committed past, so the input goes on); CRASH: log and stop the punchline (exit code 1), committing nothing past the record, on every restart until the record is gone; WARN: log a warning and set the field to null; PASS: set it to null, logged at debug level. A header with a null value is not an error: the field is null, as for a missing header.
   */
  on_decoding_error: 'DEAD_LETTER' | 'CRASH' | 'WARN' | 'PASS';
}
