/**
 * kafkajs errors translated into errors that tell the fix: which cluster and brokers, after what
 * timeout; which TLS check failed; which SASL mechanism and user were refused (never the password
 * or token). Anything else keeps kafkajs' message under `E_KAFKA_PROTOCOL`.
 *
 * Every branch matches what kafkajs 2.2 and a Kafka 3.9 / 4.1 broker really produce; the tests in
 * `test/kafka-clusters/` provoke each one against the harness broker. kafkajs wraps the error of
 * the last attempt in `KafkaJSNumberOfRetriesExceeded` (or `KafkaJSNonRetriableError`), with the
 * Node socket error's `code` on the inner `KafkaJSConnectionError`.
 */
import { PunchlineError } from '../../core/errors.js';
import type { ResolvedCluster } from './cluster-resolution.js';
import { effective } from './cluster-resolution.js';
import { describeLogin } from './sasl-options.js';

/** Node's certificate verification codes, as a user should read them, with the fix. */
const UNTRUSTED = { reason: 'the broker certificate is signed by a CA this client does not trust: wrong or missing tls.ca_file', fix: 'give the CA that signed the broker certificates as tls.ca_file' };
const CERTIFICATE_REASONS: Readonly<Record<string, { readonly reason: string; readonly fix: string }>> = {
  CERT_HAS_EXPIRED: { reason: 'the broker certificate has expired', fix: 'the broker needs a renewed certificate; or check the clock of this host' },
  CERT_NOT_YET_VALID: { reason: 'the broker certificate is not valid yet', fix: 'check the clocks of this host and of the CA' },
  DEPTH_ZERO_SELF_SIGNED_CERT: { reason: 'the broker certificate is self-signed and not trusted: wrong tls.ca_file', fix: 'give the broker certificate itself as tls.ca_file' },
  SELF_SIGNED_CERT_IN_CHAIN: UNTRUSTED,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: UNTRUSTED,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: UNTRUSTED,
  UNABLE_TO_GET_ISSUER_CERT: UNTRUSTED,
  CERT_SIGNATURE_FAILURE: { reason: 'the broker certificate signature does not verify: wrong tls.ca_file', fix: 'give the CA that signed the broker certificates as tls.ca_file' },
  CERT_REVOKED: { reason: 'the broker certificate is revoked', fix: 'the broker needs a new certificate' },
};

/** TLS alerts a broker sends when it refuses the client certificate (OpenSSL error codes in Node). */
const CLIENT_CERTIFICATE_ALERTS = new Set([
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
]);

/** The fields of kafkajs (and Node) errors this module reads. */
interface ErrorLink {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly type?: unknown;
  readonly broker?: unknown;
  readonly retryCount?: unknown;
  readonly cause?: unknown;
  readonly originalError?: unknown;
}

/** kafkajs' wrapping (`cause`, `originalError`) unrolled, outermost first. */
function chain(error: unknown): ErrorLink[] {
  const links: ErrorLink[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== null && typeof current === 'object' && links.length < 8 && !seen.has(current)) {
    seen.add(current);
    const link = current as ErrorLink;
    links.push(link);
    current = link.originalError ?? link.cause;
  }
  return links;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** "2 attempts" when kafkajs retried, to say the failure is not a fluke. */
function attempts(links: readonly ErrorLink[]): string {
  const retries = links.map((l) => l.retryCount).find((n): n is number => typeof n === 'number');
  return retries === undefined ? '' : `, ${retries + 1} attempt${retries === 0 ? '' : 's'}`;
}

/**
 * Translates an error from kafkajs while `action` (e.g. `connecting`, `sending to mytopic`) on
 * `cluster`. The message starts `kafka cluster "<id>": <action>: `; an error that already is a
 * PunchlineError (a token endpoint failure, an unreadable file) keeps its code and gets the prefix.
 */
export function translateKafkaError(error: unknown, cluster: ResolvedCluster, action: string): PunchlineError {
  const prefix = `kafka cluster "${cluster.id}": ${action}`;
  const links = chain(error);
  const ours = links.find((l): l is PunchlineError => l instanceof PunchlineError);
  if (ours !== undefined) return ours.message.startsWith('kafka cluster "') ? ours : ours.within(prefix);

  const { config } = cluster;
  const brokers = config.brokers.join(', ');
  const failedAt = links.map((l) => text(l.broker)).find((b) => b !== '' && !b.includes('undefined')) ?? brokers;
  const codes = links.map((l) => text(l.code)).filter((c) => c !== '');
  const names = links.map((l) => text(l.name));
  const messages = links.map((l) => text(l.message));
  const tlsOn = config.tls?.enabled === true;
  const { timeoutMs } = effective(config);

  const login = describeLogin(config.sasl);
  // The broker answers the SASL handshake with UNSUPPORTED_SASL_MECHANISM; kafkajs' own check of
  // the enabled list (same meaning) only runs when a broker omits that error code.
  if (links.some((l) => l.type === 'UNSUPPORTED_SASL_MECHANISM' || /mechanism is not supported by the server/.test(text(l.message)))) {
    return new PunchlineError('E_KAFKA_AUTH', `${prefix}: SASL login with ${login} refused by ${failedAt}: the listener does not enable ${config.sasl?.mechanism ?? 'this mechanism'}`, {
      cause: error,
      hint: 'use a mechanism its sasl.enabled.mechanisms lists, or ask its operator to enable this one',
    });
  }
  const saslFailure = links.find((l) => l.name === 'KafkaJSSASLAuthenticationError' || l.type === 'SASL_AUTHENTICATION_FAILED');
  if (saslFailure !== undefined) {
    return new PunchlineError('E_KAFKA_AUTH', `${prefix}: SASL login with ${login} refused by ${failedAt}: ${text(saslFailure.message).replace(/^.*? failed: /, '')}`, {
      cause: error,
      hint: 'check the user and password of this cluster in the platform config',
    });
  }
  if (links.some((l) => l.type === 'ILLEGAL_SASL_STATE')) {
    return new PunchlineError('E_KAFKA_AUTH', `${prefix}: ${failedAt} does not take a SASL login (${login}): it is not a SASL listener`, {
      cause: error,
      hint: 'point brokers at a SASL_SSL or SASL_PLAINTEXT listener, or remove sasl from this cluster',
    });
  }

  const certificate = codes.find((c) => c in CERTIFICATE_REASONS);
  if (certificate !== undefined) {
    const { reason, fix } = CERTIFICATE_REASONS[certificate] ?? UNTRUSTED;
    return new PunchlineError('E_KAFKA_TLS', `${prefix}: TLS with ${failedAt} failed: ${reason}`, { cause: error, hint: fix });
  }
  if (codes.includes('ERR_TLS_CERT_ALTNAME_INVALID')) {
    const detail = messages.map((m) => /Host: (.*?)\. is not in the cert's altnames: (.*)$/.exec(m)).find((m) => m !== null);
    const what = detail === undefined || detail === null ? '' : ` (dialled ${detail[1] ?? '?'}, certificate names ${detail[2] ?? '?'})`;
    return new PunchlineError('E_KAFKA_TLS', `${prefix}: TLS with ${failedAt} failed: host name mismatch: the broker certificate does not name the host dialled${what}`, {
      cause: error,
      hint: 'dial a name the certificate lists, or set tls.server_name to one',
    });
  }
  const alert = codes.find((c) => CLIENT_CERTIFICATE_ALERTS.has(c));
  if (alert !== undefined) {
    const hasCert = config.tls?.cert_file !== undefined;
    return new PunchlineError('E_KAFKA_TLS', hasCert
      ? `${prefix}: TLS with ${failedAt} failed: the broker refused the client certificate ${config.tls?.cert_file ?? ''} (not signed by a CA it trusts, or expired)`
      : `${prefix}: TLS with ${failedAt} failed: the broker requires a client certificate (mutual TLS) and none is configured`, {
      cause: error,
      hint: hasCert ? 'use a client certificate signed by a CA in the broker truststore' : 'set tls.cert_file and tls.key_file of this cluster',
    });
  }
  if (tlsOn && (codes.includes('ERR_SSL_WRONG_VERSION_NUMBER') || messages.some((m) => /before secure TLS connection was established/.test(m)))) {
    return new PunchlineError('E_KAFKA_TLS', `${prefix}: TLS with ${failedAt} failed: the broker closed the connection during the TLS handshake; is this a TLS listener?`, {
      cause: error,
      hint: 'point brokers at the SSL or SASL_SSL listener, or set tls.enabled to false for a PLAINTEXT one',
    });
  }
  // A TLS listener closes a clear-text connection at once; so does a broker shutting down.
  if (!tlsOn && names.includes('KafkaJSConnectionClosedError')) {
    return new PunchlineError('E_KAFKA_UNREACHABLE', `${prefix}: ${failedAt} closed the connection before answering${attempts(links)}`, {
      cause: error,
      hint: 'if it is an SSL or SASL_SSL listener, enable tls for this cluster, with tls.ca_file; else see the broker log',
    });
  }

  if (codes.includes('ECONNREFUSED')) {
    return new PunchlineError('E_KAFKA_UNREACHABLE', `${prefix}: no broker answered at ${brokers}: connection refused by ${failedAt}${attempts(links)}`, {
      cause: error,
      hint: 'check that the brokers run and listen on these addresses, or override them with bootstrap.servers',
    });
  }
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) {
    return new PunchlineError('E_KAFKA_UNREACHABLE', `${prefix}: no broker answered at ${brokers}: host name of ${failedAt} not found`, {
      cause: error,
      hint: 'check the host names in brokers or bootstrap.servers',
    });
  }
  if (messages.includes('Connection timeout')) {
    return new PunchlineError('E_KAFKA_UNREACHABLE', `${prefix}: no broker answered at ${brokers}: no ${tlsOn ? 'TLS' : 'TCP'} connection to ${failedAt} within ${timeoutMs} ms${attempts(links)}`, {
      cause: error,
      hint: 'check the addresses and firewalls; raise timeout_ms for a slow network',
    });
  }
  // A listener that accepts connections but never answers (not Kafka, or a hung broker): kafkajs
  // times the first request out, and on retry takes the open socket for a connected broker, so
  // the next request fails with a bare "Broker not connected".
  if (names.includes('KafkaJSRequestTimeoutError') || messages.includes('Broker not connected')) {
    return new PunchlineError('E_KAFKA_UNREACHABLE', `${prefix}: no broker answered at ${brokers}: connected to ${failedAt}, but no Kafka answer within ${timeoutMs} ms`, {
      cause: error,
      hint: 'check that these addresses are Kafka listeners and the brokers are healthy; raise timeout_ms for a slow network',
    });
  }
  if (names.some((n) => n === 'KafkaJSConnectionError' || n === 'KafkaJSConnectionClosedError' || n === 'KafkaJSBrokerNotFound' || n === 'KafkaJSNoBrokerAvailableError')) {
    const reason = messages.find((m) => m !== '' && !m.startsWith('No brokers')) ?? 'no broker available';
    return new PunchlineError('E_KAFKA_UNREACHABLE', `${prefix}: no broker answered at ${brokers}: ${reason.replace(/^Connection error: /, '')}${attempts(links)}`, {
      cause: error,
      hint: 'check that the brokers run and that these addresses reach them from this host',
    });
  }

  const message = messages.find((m) => m !== '') ?? String(error);
  return new PunchlineError('E_KAFKA_PROTOCOL', `${prefix}: ${message}`, { cause: error });
}
