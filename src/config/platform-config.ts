/**
 * The platform config: what a whole platform shares, declared once and named by nodes. Today
 * that is the Kafka clusters: `brokers: "front"` in a node names `kafka.clusters.front`.
 * Its published schema is `schemas/platform.schema.json`; ajv fills the defaults, so every
 * optional setting below that has a default is present after loading.
 */

/** TLS to the brokers. */
export interface KafkaTlsConfig {
  readonly enabled: boolean;
  readonly ca_file?: string;
  readonly cert_file?: string;
  readonly key_file?: string;
  readonly insecure_skip_verify: boolean;
  readonly server_name?: string;
}

/** Where an OAUTHBEARER token comes from. */
export interface KafkaOauthConfig {
  readonly access_token?: string;
  readonly access_token_file?: string;
  readonly token_url?: string;
  readonly client_id?: string;
  readonly client_secret?: string;
  readonly client_secret_file?: string;
  readonly scopes: readonly string[];
  readonly expiry_margin_ms: number;
  readonly parameters: Readonly<Record<string, string>>;
}

/** SASL authentication. */
export interface KafkaSaslConfig {
  readonly mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512' | 'OAUTHBEARER' | 'GSSAPI';
  readonly username?: string;
  readonly password?: string;
  readonly password_file?: string;
  readonly extensions?: Readonly<Record<string, string>>;
  readonly oauth?: KafkaOauthConfig;
}

/** One named Kafka cluster (Kapacitor's `[[kafka]]` section). */
export interface KafkaClusterConfig {
  /** `host:port` of the bootstrap brokers. */
  readonly brokers: readonly string[];
  readonly client_id: string;
  /** 0 means the default, 10000. */
  readonly timeout_ms: number;
  /** 0 means the default, 100. */
  readonly batch_size: number;
  /** 0 means the default, 1000. */
  readonly batch_timeout_ms: number;
  readonly tls?: KafkaTlsConfig;
  readonly sasl?: KafkaSaslConfig;
}

/** The parsed platform config. */
export interface PlatformConfig {
  /** The file it was read from, for error messages; undefined for the built-in default. */
  readonly file: string | undefined;
  readonly kafka: { readonly clusters: Readonly<Record<string, KafkaClusterConfig>> };
}
