/**
 * kafkajs errors translated into errors that tell the fix: which cluster, which brokers, after
 * what timeout; which TLS check failed; which SASL mechanism and user were refused (never the
 * password). Anything else keeps kafkajs' message under `E_KAFKA_PROTOCOL`.
 */
import { PunchlineError } from '../errors.js';
import type { ResolvedCluster } from './cluster-resolution.js';
import { effective } from './cluster-resolution.js';

/** Node's TLS verification codes, with what they mean for a user. */
const TLS_REASONS: Readonly<Record<string, string>> = {
  CERT_HAS_EXPIRED: 'the broker certificate has expired',
  CERT_NOT_YET_VALID: 'the broker certificate is not valid yet (check the clocks)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the broker certificate is self-signed and not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'the broker certificate chain ends in a CA that is not trusted (wrong ca_file?)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the broker certificate is not signed by a trusted CA (wrong ca_file?)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the CA that signed the broker certificate is not trusted (wrong ca_file?)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'host name mismatch: the broker certificate does not name the address dialled',
  ECONNRESET: 'the broker closed the connection during the handshake (does it require a client certificate, or is this not a TLS port?)',
};

interface KafkaJsErrorShape {
  name?: string;
  message?: string;
  code?: string;
  type?: string;
  cause?: unknown;
  originalError?: unknown;
}

/** Walks kafkajs' wrapping (`cause`, `originalError`) to collect names, codes and messages. */
function chain(error: unknown): KafkaJsErrorShape[] {
  const out: KafkaJsErrorShape[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 6; depth++) {
    const shape = current as KafkaJsErrorShape;
    out.push(shape);
    current = shape.originalError ?? shape.cause;
  }
  return out;
}

/** Translates an error from kafkajs while connecting to or using `cluster`. */
export function translateKafkaError(error: unknown, cluster: ResolvedCluster, action: string): PunchlineError {
  if (error instanceof PunchlineError) return error;
  const links = chain(error);
  const prefix = `kafka cluster "${cluster.id}": ${action}`;
  const brokers = cluster.config.brokers.join(', ');
  const text = links.map((l) => `${l.name ?? ''} ${l.message ?? ''} ${l.code ?? ''} ${l.type ?? ''}`).join(' ');

  const sasl = links.find((l) => l.name === 'KafkaJSSASLAuthenticationError');
  if (sasl !== undefined || /SASL_AUTHENTICATION_FAILED|Authentication failed/i.test(text)) {
    const mechanism = cluster.config.sasl?.mechanism ?? 'none';
    const user = cluster.config.sasl?.username;
    return new PunchlineError('E_KAFKA_AUTH', `${prefix}: SASL ${mechanism} authentication${user === undefined ? '' : ` of user "${user}"`} refused by the broker`, {
      cause: error,
      hint: 'check the mechanism, the user and the password (or token) of this cluster in the platform config',
    });
  }

  const tlsCode = links.map((l) => l.code).find((code): code is string => code !== undefined && code in TLS_REASONS && (code !== 'ECONNRESET' || cluster.config.tls?.enabled === true));
  if (tlsCode !== undefined || /certificate|SSL routines|TLS/i.test(text)) {
    const reason = tlsCode === undefined ? (links.at(-1)?.message ?? 'TLS handshake failed') : (TLS_REASONS[tlsCode] as string);
    return new PunchlineError('E_KAFKA_TLS', `${prefix}: TLS with ${brokers} failed: ${reason}`, {
      cause: error,
      hint: 'check tls.ca_file, tls.cert_file/key_file and tls.server_name of this cluster',
    });
  }

  if (links.some((l) => l.name === 'KafkaJSConnectionError' || l.name === 'KafkaJSNumberOfRetriesExceeded' || l.name === 'KafkaJSBrokerNotFound' || l.name === 'KafkaJSConnectionClosedError' || l.code === 'ECONNREFUSED' || l.code === 'ETIMEDOUT')) {
    const { timeoutMs } = effective(cluster.config);
    const refused = links.some((l) => l.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(l.message ?? ''));
    return new PunchlineError('E_KAFKA_UNREACHABLE', `${prefix}: no broker answered at ${brokers} (${refused ? 'connection refused' : `timeout ${timeoutMs} ms`})`, {
      cause: error,
      hint: 'check that the brokers run and that these addresses reach them from this host (or set bootstrap.servers)',
    });
  }

  const message = links.map((l) => l.message).find((m) => m !== undefined && m !== '') ?? String(error);
  return new PunchlineError('E_KAFKA_PROTOCOL', `${prefix}: ${message}`, { cause: error });
}
