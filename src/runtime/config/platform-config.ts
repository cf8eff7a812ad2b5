/**
 * The platform config: what a whole platform shares, declared once and named by nodes. Today
 * that is the Kafka clusters: `brokers: "front"` in a node names `kafka.clusters.front`.
 * Its published schema is `schemas/platform.schema.json` (the source of truth for defaults and
 * descriptions); ajv fills the defaults, so every optional setting below that has a default is
 * present after loading. Kapacitor's `[[kafka]]` name of each setting is given in brackets.
 */
import type { ClusterCatalogue } from '../../libraries/kafka/cluster-config.js';

export type { KafkaClientLibrary, KafkaClusterConfig, KafkaOauthConfig, KafkaSaslConfig, KafkaTlsConfig } from '../../libraries/kafka/cluster-config.js';

/** The parsed platform config: today, the Kafka clusters (the Kafka library's catalogue of them). */
export type PlatformConfig = ClusterCatalogue;
