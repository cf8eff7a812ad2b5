/* Generated from schemas/nodes/kafka_output.schema.json by `npm run gen`: do not edit. */

/**
 * Writes each tuple as a Kafka record; a tuple is acked only once the broker confirmed its record per `acks`.
 */
export interface KafkaOutputSettings {
  /**
   * The id of the Kafka cluster in the platform config (Punch's name for it). Give this, `cluster`, or `bootstrap.servers`.
   */
  brokers?: string;
  /**
   * The same as `brokers`, under the name Kapacitor's Kafka handler uses. Give one of the two.
   */
  cluster?: string;
  /**
   * Comma-separated `host:port` list: overrides the named cluster's brokers, or stands alone with the cluster defaults.
   */
  'bootstrap.servers'?: string;
  /**
   * The topic every record goes to. One of `topic`, `topic_template` and `topics` is required: the primary destination.
   */
  topic?: string;
  /**
   * A Go-style template rendered on the tuple's fields to name the topic of each record, e.g. Healthbot's `{{ .group }}.{{ index . "device-id" }}.{{ .topic }}.{{ .rule }}.{{ .trigger }}`. A primary destination.
   */
  topic_template?: string;
  /**
   * A topic per subscribed stream (Punch's per-stream topics). A tuple of a stream not listed goes to `_ppf_errors`. A primary destination.
   *
   * @minItems 1
   */
  topics?: {
    /**
     * A stream this node subscribes to.
     */
    stream: string;
    /**
     * The topic its tuples go to.
     */
    topic: string;
  }[];
  /**
   * Ordered rules tried before the primary destination: the first whose `match` lambda is true names the topic (and optionally another cluster). A rule whose lambda fails on a tuple does not match.
   */
  routes: {
    /**
     * A lambda over the tuple's fields, e.g. `"severity" == 'major'`.
     */
    match: string;
    /**
     * The topic of the records it matches.
     */
    topic: string;
    /**
     * A cluster id of the platform config to write those records to instead of the node's cluster.
     */
    cluster?: string;
  }[];
  /**
   * A field naming the topic of its own record; when present and non-empty it wins over routes and the primary destination (RudderStack's integrations object).
   */
  topic_field?: string;
  /**
   * Keys leading to the topic inside `topic_field`'s object, e.g. `["Kafka", "topic"]` for `integrations.Kafka.topic`.
   */
  topic_field_path: string[];
  /**
   * The record key is the first of these fields that is present and not empty (e.g. `["userId", "anonymousId"]`; `["id"]` for alerts); else an empty key when one is present and empty (`""`). None present gives a record without a key.
   */
  key_fields: string[];
  /**
   * How a key picks its partition: crc32 as librdkafka / confluent-kafka-go / kcat, murmur2 as the Java client, fnv-1a as sarama.
   */
  partitionAlgorithm: 'crc32' | 'murmur2' | 'fnv-1a';
  /**
   * Leave the partition to the client's default spreading instead of choosing it from the key (the key is still written).
   */
  disablePartitionById: boolean;
  /**
   * How the record value is written; `alert` writes an alert bolt's event as Kapacitor's Kafka handler does.
   */
  value_format: 'json' | 'lumberjack' | 'string' | 'template' | 'avro' | 'alert';
  /**
   * For json, lumberjack and avro: the fields written, in this order; empty writes every field of the tuple.
   */
  value_fields: string[];
  /**
   * One field whose value is the record: written as is (json, avro), as text (string), as the data of the template (template), or as the alert event it holds, the alert bolt's `event_field` (alert).
   */
  value_field?: string;
  /**
   * For lumberjack: `1D` key/value text frames (what Punch and lumberjack libraries read), or `2J` JSON frames keeping value types.
   */
  lumberjack_frame: '1D' | '2J';
  /**
   * A Go-style template: for the template format, rendered on `value_field`'s value or on the tuple's fields; for the alert format, Kapacitor's `template` option, rendered on the alert data (`.ID`, `.Level`, `.Time`...).
   */
  template?: string;
  /**
   * For the avro format: the schemas, and which one each record uses. `bytes` and `fixed` fields take byte fields as they are; a `long` is exact over int64, given as an integer or, beyond ±(2^53−1), as its decimal text.
   */
  avro?: {
    /**
     * The schemas records may use, each by id.
     *
     * @minItems 1
     */
    schemas: {
      /**
       * The id settings and tuples name the schema by (RudderStack's `schemaId`).
       */
      id: string;
      /**
       * The Avro schema, inline (JSON). Give this or `schema_file`.
       */
      schema?: {
        [k: string]: unknown;
      };
      /**
       * A `.avsc` file holding the schema; a relative path is taken from the working directory.
       */
      schema_file?: string;
      /**
       * The schema's id in a Confluent Schema Registry, written in the header with the confluent wire format.
       */
      confluent_id?: number;
    }[];
    /**
     * The schema of every record, unless `schema_id_field` gives one.
     */
    schema_id?: string;
    /**
     * A field naming the schema of its own record (RudderStack passes `integrations.KAFKA.schemaId`).
     */
    schema_id_field?: string;
    /**
     * Keys leading to the schema id inside `schema_id_field`'s object, e.g. `["KAFKA", "schemaId"]`.
     */
    schema_id_field_path: string[];
    /**
     * `avro`: the Avro body alone. `confluent`: magic byte 0 and the 4-byte schema `confluent_id` before it.
     */
    wire_format: 'avro' | 'confluent';
  };
  /**
   * Record headers written from fields (the mirror of kafka_input's headers_fields). A field that is missing or null writes no header.
   */
  headers_fields: {
    /**
     * The header key.
     */
    header: string;
    /**
     * The field holding its value.
     */
    field: string;
    /**
     * `string`: UTF-8 text (numbers and booleans as text, objects as JSON); `integer` / `long`: a 4 / 8-byte signed integer; `bytes`: a byte array or a string's UTF-8 bytes.
     */
    type: 'string' | 'integer' | 'long' | 'bytes';
    /**
     * Byte order of `integer` and `long` headers.
     */
    ordering: 'big_endian' | 'little_endian';
  }[];
  /**
   * Records sent together at most (Kapacitor's batch-size); default: the cluster's batch_size.
   */
  batch_size?: number;
  /**
   * Longest a record waits for its batch to fill (Kapacitor's batch-timeout); default: the cluster's batch_timeout_ms.
   */
  batch_timeout_ms?: number;
  /**
   * A partial batch is sent as soon as the upstream has nothing more to give and fewer than max_in_flight_requests batches await the broker (as the Java producer with linger.ms 0), instead of waiting for batch_size records or batch_timeout_ms; while every request slot is busy, batches still fill. false: Kapacitor's batching, size or time only.
   */
  send_when_idle: boolean;
  /**
   * A batch is sent in produce requests of at most this many bytes of keys, values and headers, under the broker's message.max.bytes.
   */
  max_batch_bytes: number;
  /**
   * What the broker confirms before a tuple is acked: `all` in-sync replicas, `1` the leader, `0` nothing (at-most-once).
   */
  acks: 'all' | '1' | '0';
  /**
   * Compression of the produce requests.
   */
  compression: 'none' | 'gzip';
  /**
   * The idempotent producer: a produce request retried after a lost answer or a leader change is not written twice. Off unless set: with kafkajs 2.2 it was seen to lose acked records when a broker restarted during an outage (see the README), so it is not yet the default it is in the Java client. `true` needs `acks: "all"` and `retries` ≥ 1. `false` lifts its one-produce-request-per-broker-at-a-time limit (more throughput with `max_in_flight_requests` > 1) at the price of duplicates on retries.
   */
  idempotent?: boolean;
  /**
   * Produce requests in flight at once, per broker connection and for the node's batches.
   */
  max_in_flight_requests: number;
  /**
   * Client retries of a produce request before its tuples fail (with exponential back-off from 300 ms).
   */
  retries: number;
  /**
   * How long the broker may wait for the replicas `acks` asks for before answering with an error.
   */
  ack_timeout_ms: number;
  /**
   * Creating topics that do not exist, on first use. Off by default: a missing topic is an error, so a typo in a topic name never becomes a new topic.
   */
  topic_creation: {
    /**
     * Create a missing topic. When false, a missing topic stops the node at start (topics the settings name) or sends its records to _ppf_errors (topics chosen per record), both with the cluster's closest topic as a suggestion.
     */
    enabled: boolean;
    /**
     * Partitions of a created topic; -1 takes the broker's num.partitions.
     */
    partitions: number;
    /**
     * Replicas of a created topic; -1 takes the broker's default.replication.factor.
     */
    replication_factor: number;
  };
  /**
   * Distinct topic label values in this node's metrics; records on further topics are counted under `_other`.
   */
  metrics_max_topics: number;
}
