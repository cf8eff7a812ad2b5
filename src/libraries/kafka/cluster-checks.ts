/**
 * What the platform schema cannot say about a cluster: a secret given two ways, credentials a
 * mechanism needs, settings another mechanism would use (refused, like a typo, rather than
 * ignored), a client certificate without its key, and GSSAPI, which the Kafka client we use
 * (kafkajs) cannot do — rejected when the config is validated, not when a node connects.
 */
import type { KafkaClusterConfig } from './cluster-config.js';

/** A problem in one cluster, at a JSON pointer relative to the cluster. */
export interface ClusterProblem {
  readonly path: string;
  readonly message: string;
  readonly hint?: string;
}

/** Every problem of one cluster declaration. */
export function checkCluster(cluster: KafkaClusterConfig): ClusterProblem[] {
  const problems: ClusterProblem[] = [];
  const { sasl, tls } = cluster;
  if (tls !== undefined && (tls.cert_file === undefined) !== (tls.key_file === undefined)) {
    problems.push({ path: '/tls', message: 'a client certificate needs both cert_file and key_file' });
  }
  if (sasl === undefined) return problems;
  if (sasl.mechanism === 'GSSAPI') {
    problems.push({
      path: '/sasl/mechanism',
      message: 'GSSAPI (Kerberos) is not supported: kafkajs, the Kafka client of punchline, has no Kerberos implementation',
      hint: 'use SCRAM-SHA-512 or OAUTHBEARER, which Kafka brokers offer alongside Kerberos',
    });
    return problems;
  }
  if (sasl.password !== undefined && sasl.password_file !== undefined) {
    problems.push({ path: '/sasl/password_file', message: 'give the password either with password or with password_file, not both' });
  }
  // Settings another mechanism would use do nothing here: refused like a typo, never ignored.
  const unused = sasl.mechanism === 'OAUTHBEARER'
    ? (['username', 'password', 'password_file'] as const).filter((key) => sasl[key] !== undefined)
    : (['oauth', 'extensions'] as const).filter((key) => sasl[key] !== undefined);
  for (const key of unused) {
    problems.push({ path: `/sasl/${key}`, message: `${key} does nothing with ${sasl.mechanism}`, hint: sasl.mechanism === 'OAUTHBEARER' ? 'OAUTHBEARER logs in with sasl.oauth' : 'oauth and extensions apply to OAUTHBEARER only' });
  }
  if (sasl.mechanism === 'OAUTHBEARER') {
    const oauth = sasl.oauth;
    if (oauth === undefined) {
      problems.push({ path: '/sasl', message: 'OAUTHBEARER needs an oauth block', hint: 'a static access_token, or token_url with client_id and client_secret' });
      return problems;
    }
    const staticToken = oauth.access_token !== undefined || oauth.access_token_file !== undefined;
    if (oauth.access_token !== undefined && oauth.access_token_file !== undefined) {
      problems.push({ path: '/sasl/oauth/access_token_file', message: 'give the token either with access_token or with access_token_file, not both' });
    }
    if (oauth.client_secret !== undefined && oauth.client_secret_file !== undefined) {
      problems.push({ path: '/sasl/oauth/client_secret_file', message: 'give the secret either with client_secret or with client_secret_file, not both' });
    }
    const grant = oauth.token_url !== undefined;
    if (staticToken && grant) problems.push({ path: '/sasl/oauth/token_url', message: 'a static access token and a token_url exclude each other' });
    if (!staticToken && !grant) problems.push({ path: '/sasl/oauth', message: 'no token source', hint: 'set access_token or access_token_file, or token_url with client_id and client_secret' });
    if (grant && (oauth.client_id === undefined || (oauth.client_secret === undefined && oauth.client_secret_file === undefined))) {
      problems.push({ path: '/sasl/oauth', message: 'the client-credentials grant needs client_id and client_secret (or client_secret_file)' });
    }
    return problems;
  }
  if (sasl.username === undefined) problems.push({ path: '/sasl', message: `${sasl.mechanism} needs a username` });
  if (sasl.password === undefined && sasl.password_file === undefined) problems.push({ path: '/sasl', message: `${sasl.mechanism} needs a password or password_file` });
  return problems;
}
