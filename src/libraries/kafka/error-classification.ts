/**
 * The one place that decides what a Kafka client error is: whether retrying can help, and which
 * family it belongs to (SASL login, TLS, unreachable broker, unknown topic or partition,
 * authorization, a record the broker refuses for good, other). Every node and the CLI ask
 * {@link classifyKafkaError}; `translateKafkaError` builds its messages, codes and `retriable`
 * flags from the answer.
 *
 * It reads what kafkajs, @platformatic/kafka and Node put on their errors — the kafkajs class
 * (`name`, which every kafkajs constructor sets), the broker error `type` and `retriable` of
 * `KafkaJSProtocolError` (`apiId` and `canRetry` of @platformatic/kafka's `ProtocolError`, its
 * `PLT_KFK_*` codes), the Node system / OpenSSL `code` that kafkajs copies onto
 * `KafkaJSConnectionError` — and never
 * message text, except in {@link textSignals}, for the three cases where the text is the only
 * signal kafkajs or Node gives.
 */
import { PunchlineError } from '../../core/errors.js';
import type { ErrorCode } from '../../core/errors.js';

/** The families of Kafka client errors. */
export type KafkaErrorKind =
  /** A broker refused the SASL login, or the listener does not take that login. */
  | 'authentication'
  /** The TLS handshake failed: a certificate was not trusted or refused, or this is no TLS listener. */
  | 'tls'
  /** No Kafka answer from a broker: connection refused, host not found, timeouts, closed connections. */
  | 'unreachable'
  /** The broker does not know the topic or partition (yet: it may be being created). */
  | 'unknown_topic_or_partition'
  /** The logged-in principal may not do this (an ACL denies it). */
  | 'authorization'
  /** The broker refused a record for good: too large, invalid topic name, invalid record. */
  | 'rejected_record'
  | 'other';

/** The finer cause within a kind, for messages and the decisions that need more than the kind. */
export type KafkaErrorReason =
  | 'sasl_mechanism_not_enabled'
  | 'sasl_login_refused'
  | 'not_a_sasl_listener'
  | 'untrusted_certificate'
  | 'host_name_mismatch'
  | 'client_certificate_refused'
  | 'not_a_tls_listener'
  | 'connection_closed'
  | 'connection_refused'
  | 'host_not_found'
  | 'connect_timeout'
  | 'no_kafka_answer'
  | 'no_broker'
  | 'unknown_topic_or_partition'
  | 'denied'
  | 'too_large'
  | 'invalid_topic'
  | 'invalid_record'
  /** An error of ours (a PunchlineError) was in the chain: its code says the kind. */
  | 'punchline_error'
  | 'broker_error'
  | 'client_error';

/** What {@link classifyKafkaError} says about an error. */
export interface KafkaErrorClassification {
  readonly kind: KafkaErrorKind;
  readonly reason: KafkaErrorReason;
  /**
   * Whether the same request may succeed later with no change of config or data: true for an
   * unreachable broker, a topic not known yet, a leader moving, a timeout; false for a refused
   * login, a failed TLS check, a denied operation, a record refused for good. kafkajs' own outer
   * `retriable: false` after it gave up retrying is not the answer: the root cause's flag is.
   */
  readonly retriable: boolean;
  /** The error says the client's view of a topic's partitions or leaders may be out of date. */
  readonly staleMetadata: boolean;
  /** The Kafka error types (`UNKNOWN_TOPIC_OR_PARTITION` …) in the chain, outermost first. */
  readonly brokerErrorTypes: readonly string[];
  /** The Node / OpenSSL codes (`ECONNREFUSED`, `CERT_HAS_EXPIRED` …) in the chain, outermost first. */
  readonly systemCodes: readonly string[];
  /** `host:port` of the broker that failed, when kafkajs says. */
  readonly broker: string | undefined;
  /** How many attempts kafkajs made before giving up, when it says. */
  readonly attempts: number | undefined;
  /** The node's certificate verification code, for kind `tls`. */
  readonly certificateCode: string | undefined;
  /** The client TLS alert the broker sent, for reason `client_certificate_refused`. */
  readonly tlsAlert: string | undefined;
  /** A PunchlineError found in the chain (a token endpoint failure, an unreadable file). */
  readonly punchlineError: PunchlineError | undefined;
  /** The first message of the chain that says something, for display only. */
  readonly message: string;
  /** Every message of the chain but @platformatic/kafka's aggregates', outermost first, for display only. */
  readonly messages: readonly string[];
  /** The innermost kafkajs SASL failure message, for display only. */
  readonly saslMessage: string | undefined;
  /** The host dialled and the names the certificate holds, for reason `host_name_mismatch`, when Node said. */
  readonly hostNameMismatch: { readonly dialled: string; readonly certificateNames: string } | undefined;
}

/** Node's certificate verification codes: the broker certificate is not trusted. */
export const CERTIFICATE_CODES: ReadonlySet<string> = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
]);

/**
 * TLS alerts a broker sends when it refuses the client certificate (OpenSSL error codes in Node).
 * OpenSSL 3.2 (Node 22) renamed the TLS 1.2 ones from `sslv3 alert …` to `ssl/tls alert …`.
 */
const CLIENT_CERTIFICATE_ALERTS: ReadonlySet<string> = new Set(
  ['SSLV3_ALERT_BAD_CERTIFICATE', 'SSL/TLS_ALERT_BAD_CERTIFICATE', 'TLSV13_ALERT_CERTIFICATE_REQUIRED', 'TLSV1_ALERT_UNKNOWN_CA', 'SSLV3_ALERT_CERTIFICATE_EXPIRED', 'SSL/TLS_ALERT_CERTIFICATE_EXPIRED', 'SSLV3_ALERT_CERTIFICATE_UNKNOWN', 'SSL/TLS_ALERT_CERTIFICATE_UNKNOWN', 'TLSV1_ALERT_ACCESS_DENIED'].map((alert) => `ERR_SSL_${alert}`),
);

/** Broker error types that no retry can fix for the record concerned. */
const REJECTED_RECORD_TYPES: Readonly<Record<string, 'too_large' | 'invalid_topic' | 'invalid_record'>> = {
  MESSAGE_TOO_LARGE: 'too_large',
  RECORD_LIST_TOO_LARGE: 'too_large',
  INVALID_TOPIC_EXCEPTION: 'invalid_topic',
  INVALID_RECORD: 'invalid_record',
  INVALID_TIMESTAMP: 'invalid_record',
};

/** Broker error types after which the client's view of a topic's partitions may be wrong (kafkajs' own list). */
const STALE_METADATA_TYPES: ReadonlySet<string> = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION', 'NOT_LEADER_OR_FOLLOWER']);

/** kafkajs classes that say no broker could be reached (the socket-level cause, when known, is more precise). */
const CONNECTION_CLASSES: ReadonlySet<string> = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSBrokerNotFound', 'KafkaJSNoBrokerAvailableError']);

/** @platformatic/kafka's aggregates: the errors of its attempts, of a response's partitions. */
const PLATFORMATIC_AGGREGATE_CODES: ReadonlySet<string> = new Set(['PLT_KFK_MULTIPLE', 'PLT_KFK_RESPONSE']);

/** The fields of kafkajs, @platformatic/kafka and Node errors read here. */
interface ErrorLink {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly type?: unknown;
  readonly retriable?: unknown;
  /** @platformatic/kafka's broker error type (`ProtocolError`). */
  readonly apiId?: unknown;
  /** @platformatic/kafka's retriable flag (`ProtocolError`). */
  readonly canRetry?: unknown;
  readonly broker?: unknown;
  readonly retryCount?: unknown;
  readonly cause?: unknown;
  readonly originalError?: unknown;
  readonly errors?: unknown;
}

/**
 * kafkajs' wrapping unrolled, outermost first: `originalError` or `cause` of each error, and the
 * errors of an aggregate (`KafkaJSAggregateError` of a request to several brokers).
 */
export function kafkaErrorChain(error: unknown): readonly ErrorLink[] {
  const links: ErrorLink[] = [];
  const seen = new Set<unknown>();
  const visit = (current: unknown, depth: number): void => {
    if (current === null || typeof current !== 'object' || seen.has(current) || depth > 8 || links.length >= 32) return;
    seen.add(current);
    const link = current as ErrorLink;
    links.push(link);
    if (Array.isArray(link.errors)) for (const inner of link.errors as unknown[]) visit(inner, depth + 1);
    visit(link.originalError ?? link.cause, depth + 1);
  };
  visit(error, 0);
  return links;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * The signals only message text carries. Each is a message kafkajs or Node writes with no class,
 * type or code of its own to tell it apart; matched exactly as kafkajs 2.2 and Node 20 write them.
 */
function textSignals(links: readonly ErrorLink[]): {
  saslMechanismNotEnabled: boolean;
  tlsHandshakeClosed: boolean;
  connectTimeout: boolean;
  brokerNotConnected: boolean;
  hostNameMismatch: { readonly dialled: string; readonly certificateNames: string } | undefined;
  platformaticBroker: string | undefined;
  platformaticAttempts: number | undefined;
  platformaticHandshakeFailed: boolean;
  platformaticClosed: boolean;
} {
  const messages = links.map((l) => text(l.message));
  // kafkajs' own check of the broker's enabled mechanisms throws a bare KafkaJSSASLAuthenticationError
  // (the same class as a refused password) when a broker omits the UNSUPPORTED_SASL_MECHANISM code.
  const saslMechanismNotEnabled = messages.some((m) => m.includes('mechanism is not supported by the server'));
  // Node reports a TLS listener-less peer that hangs up mid-handshake as a plain ECONNRESET; only
  // its message says the handshake had not completed.
  const tlsHandshakeClosed = messages.some((m) => m.includes('before secure TLS connection was established'));
  // kafkajs' connect timer raises a KafkaJSConnectionError with no code, like every other connection
  // failure; @platformatic/kafka's a PLT_KFK_NETWORK error, as every other network failure.
  const connectTimeout = messages.some((m) => m === 'Connection timeout' || /^Connection (?:to \S+ timed out\.|ready timed out after \d+ms\.)$/.test(m));
  // kafkajs throws a plain Error when a request goes to a broker whose socket is open but that
  // never answered its first request (a listener that is not Kafka, a hung broker);
  // @platformatic/kafka times the request out with a PLT_KFK_NETWORK error of that message.
  const brokerNotConnected = messages.includes('Broker not connected') || messages.includes('Request timed out');
  // kafkajs copies only the message and code of Node's ERR_TLS_CERT_ALTNAME_INVALID, not its host
  // and cert fields: the message is where the names are (display only).
  const altnames = messages.map((m) => /Host: (.*?)\. is not in the cert's altnames: (.*)$/.exec(m)).find((m) => m !== null);
  const hostNameMismatch = altnames === undefined || altnames === null ? undefined : { dialled: altnames[1] ?? '?', certificateNames: altnames[2] ?? '?' };
  // @platformatic/kafka names the broker of a failed connection only in its message
  // (`Connection to host:port failed.` / `timed out.`), and its attempts only in the message of
  // the aggregate it gives up with (`metadata failed 2 times.`).
  const platformaticBroker = messages.map((m) => /^Connection to (\S+:\d+) (?:failed|timed out)\.$/.exec(m)?.[1]).find((b) => b !== undefined);
  const gaveUp = messages.map((m) => /^\w+ failed (\d+) times\.$/.exec(m)?.[1]).find((n) => n !== undefined);
  const platformaticAttempts = gaveUp === undefined ? undefined : Number(gaveUp);
  // @platformatic/kafka calls any failed SaslHandshake an authentication error of this message,
  // whatever its cause (a listener without SASL, a connection closed): the cause says which.
  const platformaticHandshakeFailed = messages.includes('Cannot find a suitable SASL mechanism.');
  // Its requests pending when a connection closes fail with a PLT_KFK_NETWORK error of this message.
  const platformaticClosed = links.some((l) => l.code === 'PLT_KFK_NETWORK' && l.message === 'Connection closed');
  return { saslMechanismNotEnabled, tlsHandshakeClosed, connectTimeout, brokerNotConnected, hostNameMismatch, platformaticBroker, platformaticAttempts, platformaticHandshakeFailed, platformaticClosed };
}

/** The kind of an error of ours found in the chain, from its catalogue code. */
const KIND_OF_CODE: Partial<Record<ErrorCode, KafkaErrorKind>> = {
  E_KAFKA_AUTH: 'authentication',
  E_KAFKA_TLS: 'tls',
  E_KAFKA_UNREACHABLE: 'unreachable',
  E_KAFKA_DENIED: 'authorization',
  E_KAFKA_REJECTED: 'rejected_record',
};

/**
 * What an error thrown by kafkajs (or by our Kafka layer, or Node's sockets under kafkajs) is.
 * Total: any value is classified, unknown ones as `other`, not retriable unless kafkajs says so.
 */
export function classifyKafkaError(error: unknown): KafkaErrorClassification {
  const links = kafkaErrorChain(error);
  const names = links.map((l) => text(l.name));
  const codes = links.map((l) => text(l.code)).filter((c) => c !== '');
  const types = links.map((l) => text(l.type) || text(l.apiId)).filter((t) => t !== '');
  const signals = textSignals(links);
  const retryCount = links.map((l) => l.retryCount).find((n): n is number => typeof n === 'number');
  const saslLink = links.find((l) => l.name === 'KafkaJSSASLAuthenticationError');
  const base = {
    staleMetadata: types.some((t) => STALE_METADATA_TYPES.has(t)),
    brokerErrorTypes: types,
    systemCodes: codes,
    broker: links.map((l) => text(l.broker)).find((b) => b !== '' && !b.includes('undefined')) ?? signals.platformaticBroker,
    attempts: retryCount === undefined ? signals.platformaticAttempts : retryCount + 1,
    certificateCode: codes.find((c) => CERTIFICATE_CODES.has(c)),
    tlsAlert: codes.find((c) => CLIENT_CERTIFICATE_ALERTS.has(c)),
    punchlineError: links.find((l): l is PunchlineError => l instanceof PunchlineError),
    // @platformatic/kafka wraps what failed in aggregates that only say that something did.
    message: links.filter((l) => !PLATFORMATIC_AGGREGATE_CODES.has(text(l.code))).map((l) => text(l.message)).find((m) => m !== '') ?? String(error),
    messages: links.filter((l) => !PLATFORMATIC_AGGREGATE_CODES.has(text(l.code))).map((l) => text(l.message)).filter((m) => m !== ''),
    saslMessage: saslLink === undefined ? undefined : text(saslLink.message),
    hostNameMismatch: signals.hostNameMismatch,
  };
  const as = (kind: KafkaErrorKind, reason: KafkaErrorReason, retriable: boolean): KafkaErrorClassification => ({ kind, reason, retriable, ...base });

  const ours = base.punchlineError;
  if (ours !== undefined) return as(KIND_OF_CODE[ours.code] ?? 'other', 'punchline_error', ours.retriable);

  // SASL: the broker answers the handshake with UNSUPPORTED_SASL_MECHANISM, or kafkajs checks the enabled list itself.
  if (types.includes('UNSUPPORTED_SASL_MECHANISM') || (saslLink !== undefined && signals.saslMechanismNotEnabled)) return as('authentication', 'sasl_mechanism_not_enabled', false);
  if (types.includes('ILLEGAL_SASL_STATE') && saslLink === undefined) return as('authentication', 'not_a_sasl_listener', false);
  if (saslLink !== undefined || types.includes('SASL_AUTHENTICATION_FAILED') || (codes.includes('PLT_KFK_AUTHENTICATION') && !signals.platformaticHandshakeFailed)) {
    return as('authentication', 'sasl_login_refused', false);
  }

  // TLS: Node's certificate checks, OpenSSL alerts from the broker, a listener that speaks no TLS.
  if (base.certificateCode !== undefined) return as('tls', 'untrusted_certificate', false);
  if (codes.includes('ERR_TLS_CERT_ALTNAME_INVALID')) return as('tls', 'host_name_mismatch', false);
  if (base.tlsAlert !== undefined) return as('tls', 'client_certificate_refused', false);
  if (codes.includes('ERR_SSL_WRONG_VERSION_NUMBER') || signals.tlsHandshakeClosed) return as('tls', 'not_a_tls_listener', false);

  // Unreachable: the socket-level cause first, then kafkajs' connection classes.
  if (codes.includes('ECONNREFUSED')) return as('unreachable', 'connection_refused', true);
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) return as('unreachable', 'host_not_found', true);
  if (names.includes('KafkaJSConnectionClosedError') || signals.platformaticClosed) return as('unreachable', 'connection_closed', true);
  if (signals.connectTimeout) return as('unreachable', 'connect_timeout', true);
  // A listener that accepts connections but never answers (not Kafka, or a hung broker): kafkajs
  // times the first request out, and on retry takes the open socket for a connected broker.
  if (names.includes('KafkaJSRequestTimeoutError') || signals.brokerNotConnected) return as('unreachable', 'no_kafka_answer', true);
  if (names.some((n) => CONNECTION_CLASSES.has(n)) || codes.includes('PLT_KFK_NETWORK') || codes.some((c) => c === 'ECONNRESET' || c === 'ETIMEDOUT' || c === 'EHOSTUNREACH' || c === 'ENETUNREACH' || c === 'EPIPE')) {
    return as('unreachable', 'no_broker', true);
  }

  // What the broker answered.
  if (types.some((t) => t.endsWith('_AUTHORIZATION_FAILED'))) return as('authorization', 'denied', false);
  const rejected = types.map((t) => REJECTED_RECORD_TYPES[t]).find((r) => r !== undefined);
  if (rejected !== undefined) return as('rejected_record', rejected, false);
  if (types.includes('UNKNOWN_TOPIC_OR_PARTITION')) return as('unknown_topic_or_partition', 'unknown_topic_or_partition', true);

  // kafkajs gave up finding the group's coordinator (a broker down, a coordinator moving): it marks
  // that not retriable, but the same join succeeds once a broker answers for the group again.
  if (names.includes('KafkaJSGroupCoordinatorNotFound')) return as('other', 'client_error', true);

  // Anything else: the root cause's own flag. kafkajs marks the wrappers it adds when it gives up
  // (KafkaJSNumberOfRetriesExceeded, KafkaJSNonRetriableError) not retriable, whatever the cause.
  const root = [...links].reverse().find((l) => typeof l.retriable === 'boolean' || typeof l.canRetry === 'boolean');
  return as('other', types.length > 0 ? 'broker_error' : 'client_error', root?.retriable === true || root?.canRetry === true);
}

/** The catalogue code for errors of a kind, when the translation has no more precise one. */
export function errorCodeOfKind(kind: KafkaErrorKind): ErrorCode {
  switch (kind) {
    case 'authentication':
      return 'E_KAFKA_AUTH';
    case 'tls':
      return 'E_KAFKA_TLS';
    case 'unreachable':
      return 'E_KAFKA_UNREACHABLE';
    case 'authorization':
      return 'E_KAFKA_DENIED';
    case 'rejected_record':
      return 'E_KAFKA_REJECTED';
    case 'unknown_topic_or_partition':
    case 'other':
      return 'E_KAFKA_PROTOCOL';
  }
}
