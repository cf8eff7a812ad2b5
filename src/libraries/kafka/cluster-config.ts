/**
 * The Kafka clusters of a platform as this library reads them: the `kafka.clusters` section of
 * the platform config (`schemas/platform.schema.json` is its source of truth; ajv fills its
 * defaults, so every optional setting that has a default is present). Kapacitor's `[[kafka]]`
 * name of each setting is given in brackets.
 */

/** TLS to the brokers [`use-ssl`, `ssl-*`, `insecure-skip-verify`]. */
export interface KafkaTlsConfig {
  /** [`use-ssl`] Default true once a `tls` block is written. */
  readonly enabled: boolean;
  /** [`ssl-ca`] PEM CA(s) that signed the broker certificates; default: Node's bundled CAs. */
  readonly ca_file?: string;
  /** [`ssl-cert`] PEM client certificate, for mutual TLS. */
  readonly cert_file?: string;
  /** [`ssl-key`] PEM key of the client certificate. */
  readonly key_file?: string;
  /** [`insecure-skip-verify`] Skips chain and host name checks: tests only. */
  readonly insecure_skip_verify: boolean;
  /** The host name the broker certificates must name, when it differs from the address dialled. */
  readonly server_name?: string;
}

/** Where an OAUTHBEARER token comes from: a static token, or the client-credentials grant. */
export interface KafkaOauthConfig {
  /** [`sasl-access-token`] */
  readonly access_token?: string;
  /** File holding the static token, re-read at every login. */
  readonly access_token_file?: string;
  /** [`sasl-oauth-token-url`] */
  readonly token_url?: string;
  /** [`sasl-oauth-client-id`] */
  readonly client_id?: string;
  /** [`sasl-oauth-client-secret`] */
  readonly client_secret?: string;
  readonly client_secret_file?: string;
  /** [`sasl-oauth-scopes`] */
  readonly scopes: readonly string[];
  /** [`sasl-oauth-token-expiry-margin`] */
  readonly expiry_margin_ms: number;
  /** [`sasl-oauth-parameters`] Extra form fields of the token request (e.g. `audience`). */
  readonly parameters: Readonly<Record<string, string>>;
}

/** SASL authentication [`sasl-*`]. */
export interface KafkaSaslConfig {
  /** [`sasl-mechanism`] GSSAPI is in the enum only to be rejected with its reason. */
  readonly mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512' | 'OAUTHBEARER' | 'GSSAPI';
  /** [`sasl-username`] */
  readonly username?: string;
  /** [`sasl-password`] */
  readonly password?: string;
  readonly password_file?: string;
  /** [`sasl-extensions`] Sent with OAUTHBEARER logins. */
  readonly extensions?: Readonly<Record<string, string>>;
  readonly oauth?: KafkaOauthConfig;
}

/** The Kafka client libraries a cluster may be written to with. */
export type KafkaClientLibrary = 'kafkajs' | 'platformatic';

/** One named Kafka cluster (Kapacitor's `[[kafka]]` section; its `id` is the key). */
export interface KafkaClusterConfig {
  /** [`brokers`] `host:port` of the bootstrap brokers. */
  readonly brokers: readonly string[];
  readonly client_id: string;
  /** The client library Kafka inputs read with and Kafka outputs write with (and their admin operations, and the CLI's Kafka commands). */
  readonly client: KafkaClientLibrary;
  /** [`timeout`] 0 means the default, 10000. */
  readonly timeout_ms: number;
  /** [`batch-size`] 0 means the default, 100. */
  readonly batch_size: number;
  /** [`batch-timeout`] 0 means the default, 1000. */
  readonly batch_timeout_ms: number;
  readonly tls?: KafkaTlsConfig;
  readonly sasl?: KafkaSaslConfig;
}

/** Where the clusters a node names are declared: the platform config, or a part of it. */
export interface ClusterCatalogue {
  /** The file the clusters were read from, for error messages; undefined for the built-in default. */
  readonly file: string | undefined;
  readonly kafka: { readonly clusters: Readonly<Record<string, KafkaClusterConfig>> };
  /**
   * JSON pointers (e.g. `/kafka/clusters/front/sasl/password`) of the strings that took a value
   * from `${ENV}` substitution: secrets, shown as `***`; absent means none.
   */
  readonly substituted?: ReadonlySet<string>;
}
