/**
 * The one place kafkajs clients are built, from a resolved cluster: addresses, timeouts, TLS
 * (verification on unless `insecure_skip_verify`), SASL (PLAIN, SCRAM, OAUTHBEARER), client id,
 * and logging into our logger. Every Kafka node and command goes through it, so security options
 * behave the same everywhere.
 *
 * Secrets are read here, at start (files) or already substituted (`${ENV}`), and never logged.
 */
import type { ConnectionOptions } from 'node:tls';
import { Kafka } from 'kafkajs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaSaslConfig, KafkaTlsConfig } from '../config/platform-config.js';
import { PunchlineError } from '../errors.js';
import type { ResolvedCluster } from './cluster-resolution.js';
import { effective } from './cluster-resolution.js';
import { kafkajsLevel, kafkajsLogCreator } from './kafkajs-logging.js';
import { oauthBearerProvider } from './oauth-token-provider.js';
import { readConfigFile } from './config-files.js';

function tlsOptions(tls: KafkaTlsConfig | undefined, clusterId: string): ConnectionOptions | undefined {
  if (tls === undefined || !tls.enabled) return undefined;
  return {
    rejectUnauthorized: !tls.insecure_skip_verify,
    ...(tls.insecure_skip_verify && { checkServerIdentity: () => undefined }),
    ...(tls.ca_file !== undefined && { ca: [readConfigFile(tls.ca_file, 'the CA file', clusterId)] }),
    ...(tls.cert_file !== undefined && { cert: readConfigFile(tls.cert_file, 'the client certificate', clusterId) }),
    ...(tls.key_file !== undefined && { key: readConfigFile(tls.key_file, 'the client key', clusterId) }),
    ...(tls.server_name !== undefined && { servername: tls.server_name }),
  };
}

function password(sasl: KafkaSaslConfig, clusterId: string): string {
  if (sasl.password_file !== undefined) return readConfigFile(sasl.password_file, 'the password file', clusterId).replace(/\r?\n$/, '');
  return sasl.password ?? '';
}

function saslOptions(sasl: KafkaSaslConfig | undefined, clusterId: string, timeoutMs: number): SASLOptions | undefined {
  if (sasl === undefined) return undefined;
  const username = sasl.username ?? '';
  switch (sasl.mechanism) {
    case 'PLAIN':
      return { mechanism: 'plain', username, password: password(sasl, clusterId) };
    case 'SCRAM-SHA-256':
      return { mechanism: 'scram-sha-256', username, password: password(sasl, clusterId) };
    case 'SCRAM-SHA-512':
      return { mechanism: 'scram-sha-512', username, password: password(sasl, clusterId) };
    case 'OAUTHBEARER':
      return { mechanism: 'oauthbearer', oauthBearerProvider: oauthBearerProvider(sasl, clusterId, timeoutMs) };
    case 'GSSAPI':
      // Rejected when the platform config is validated; kept exhaustive for the type checker.
      throw new PunchlineError('E_CONFIG_INVALID', `kafka cluster "${clusterId}": GSSAPI is not supported`);
  }
}

/** The kafkajs configuration of a cluster (exposed for tests and `config check`). */
export function kafkaConfig(cluster: ResolvedCluster, logger: Logger): KafkaConfig {
  const { config } = cluster;
  const { timeoutMs } = effective(config);
  const ssl = tlsOptions(config.tls, cluster.id);
  const sasl = saslOptions(config.sasl, cluster.id, timeoutMs);
  return {
    clientId: config.client_id,
    brokers: [...config.brokers],
    connectionTimeout: timeoutMs,
    authenticationTimeout: timeoutMs,
    requestTimeout: Math.max(timeoutMs, 30000),
    ...(ssl !== undefined && { ssl }),
    ...(sasl !== undefined && { sasl }),
    logLevel: kafkajsLevel(logger),
    logCreator: kafkajsLogCreator(logger.child({ cluster: cluster.id })),
  };
}

/** A kafkajs client for the cluster. Producers, consumers and admins made from it share its settings. */
export function createKafkaClient(cluster: ResolvedCluster, logger: Logger): Kafka {
  return new Kafka(kafkaConfig(cluster, logger));
}
