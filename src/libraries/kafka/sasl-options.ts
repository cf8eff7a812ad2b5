/**
 * kafkajs SASL options of a cluster: PLAIN and SCRAM with kafkajs' own mechanisms, OAUTHBEARER with
 * ours (see `oauthbearer-mechanism.ts`). Passwords come from the config (already `${ENV}`
 * substituted) or from `password_file`, read here at client creation.
 */
import type { Mechanism, SASLOptions } from 'kafkajs';
import type { KafkaSaslConfig } from './cluster-config.js';
import { PunchlineError } from '../../core/errors.js';
import { readConfigFile } from './config-files.js';
import { oauthBearerMechanism } from './oauthbearer-mechanism.js';
import { oauthTokenSource } from './oauth-token-provider.js';

/** The SASL password of a cluster: from `password_file` (read now, its final newline dropped), else `password`. */
export function saslPassword(sasl: KafkaSaslConfig, clusterId: string): string {
  if (sasl.password_file !== undefined) return readConfigFile(sasl.password_file, 'the password file', clusterId).replace(/\r?\n$/, '');
  return sasl.password ?? '';
}

/** The kafkajs `sasl` option of a cluster, or undefined without SASL. */
export function saslOptions(sasl: KafkaSaslConfig | undefined, clusterId: string, timeoutMs: number): SASLOptions | Mechanism | undefined {
  if (sasl === undefined) return undefined;
  const username = sasl.username ?? '';
  switch (sasl.mechanism) {
    case 'PLAIN':
      return { mechanism: 'plain', username, password: saslPassword(sasl, clusterId) };
    case 'SCRAM-SHA-256':
      return { mechanism: 'scram-sha-256', username, password: saslPassword(sasl, clusterId) };
    case 'SCRAM-SHA-512':
      return { mechanism: 'scram-sha-512', username, password: saslPassword(sasl, clusterId) };
    case 'OAUTHBEARER':
      return oauthBearerMechanism(oauthTokenSource(sasl, clusterId, timeoutMs));
    case 'GSSAPI':
      // Rejected when the platform config is validated (cluster-checks.ts); kept for exhaustiveness.
      throw new PunchlineError('E_CONFIG_INVALID', `kafka cluster "${clusterId}": GSSAPI (Kerberos) is not supported by kafkajs, the Kafka client of punchline`);
  }
}

/** Who logs in, for messages: mechanism and user, never a secret. */
export function describeLogin(sasl: KafkaSaslConfig | undefined): string {
  if (sasl === undefined) return 'no SASL';
  if (sasl.mechanism === 'OAUTHBEARER') {
    const oauth = sasl.oauth;
    if (oauth?.token_url !== undefined) return `OAUTHBEARER (client "${oauth.client_id ?? ''}" at ${oauth.token_url})`;
    return 'OAUTHBEARER (static token)';
  }
  return `${sasl.mechanism} as user "${sasl.username ?? ''}"`;
}
