/**
 * The platform config: what a whole platform shares, declared once and named by nodes.
 * Today that is the Kafka clusters (`brokers: "front"` in a node names `kafka.clusters.front`).
 * Its published schema is `schemas/platform.schema.json`.
 */

/** One named Kafka cluster. The security and client options are added by the cluster layer. */
export interface KafkaClusterConfig {
  /** `host:port` of the bootstrap brokers. */
  readonly brokers: readonly string[];
}

/** The parsed platform config. */
export interface PlatformConfig {
  /** The file it was read from, for error messages; undefined for the built-in default. */
  readonly file: string | undefined;
  readonly kafka: { readonly clusters: Readonly<Record<string, KafkaClusterConfig>> };
}
