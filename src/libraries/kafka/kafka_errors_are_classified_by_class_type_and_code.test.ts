// One classifier decides what a Kafka client error is and whether retrying can help, from the
// kafkajs class, the broker error type and the Node system code. Every row builds the error the
// way kafkajs 2.2 does (its own classes, its own table of broker errors), wrapped as kafkajs wraps
// it when it gives up, or the way @platformatic/kafka does (its own classes, aggregated as it
// aggregates the errors of its retries); the translated PunchlineError takes its code and
// `retriable` from the answer.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import kafkajs from 'kafkajs';
import { AuthenticationError, MultipleErrors, NetworkError, ProtocolError, ResponseError, TimeoutError } from '@platformatic/kafka';
import { PunchlineError } from '../../core/errors.js';
import type { ErrorCode } from '../../core/errors.js';
import { classifyKafkaError } from './error-classification.js';
import type { KafkaErrorKind, KafkaErrorReason } from './error-classification.js';
import { translateKafkaError } from './kafka-errors.js';
import type { ResolvedCluster } from './cluster-resolution.js';

const {
  KafkaJSAggregateError,
  KafkaJSConnectionClosedError,
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSRequestTimeoutError,
  KafkaJSSASLAuthenticationError,
} = kafkajs as unknown as Record<string, new (...args: never[]) => Error>;

/** kafkajs' own table of broker error codes, as its protocol decoder raises them. */
const { createErrorFromCode } = createRequire(import.meta.url)('kafkajs/src/protocol/error.js') as { createErrorFromCode: (code: number) => Error };

const BROKER = '127.0.0.1:9092';
/** @platformatic/kafka giving up a connection after 2 attempts, as its metadata request does. */
const platformaticGaveUp = (cause: Error): Error => new MultipleErrors('metadata failed 2 times.', [1, 2].map(() => new MultipleErrors('Cannot connect to any broker.', [cause])));
/** @platformatic/kafka's SaslHandshake failing for `cause`, on the connection to BROKER. */
const saslHandshakeFailed = (cause: Error): Error => new NetworkError(`Connection to ${BROKER} failed.`, { cause: new AuthenticationError('Cannot find a suitable SASL mechanism.', { cause }) });
/** A Node socket error, as Node raises it (a message and a system or OpenSSL `code`). */
const systemError = (code: string, message = `${code} error`): Error => Object.assign(new Error(message), { code });
/** What kafkajs' connection makes of a socket error: the code copied, the cause dropped. */
const connectionError = (cause: Error & { code?: string }): Error =>
  new (KafkaJSConnectionError as new (m: string, o: object) => Error)(`Connection error: ${cause.message}`, { broker: BROKER, code: cause.code });
/** kafkajs giving up after retries. */
const gaveUp = (cause: Error, retryCount = 2): Error =>
  new (KafkaJSNumberOfRetriesExceeded as new (e: Error, o: object) => Error)(cause, { retryCount, retryTime: 1000 });
/** kafkajs stopping at once on an error it marks non-retriable. */
const stopped = (cause: Error): Error => new (KafkaJSNonRetriableError as new (e: Error, o: object) => Error)(cause, { cause });
const brokerError = (code: number): Error => createErrorFromCode(code);
const saslError = (message: string): Error => new (KafkaJSSASLAuthenticationError as new (m: string) => Error)(message);

/** A real ECONNREFUSED: a connection to a port nothing listens on. */
async function refusedConnection(): Promise<Error> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 1 });
    socket.on('error', (error) => resolve(error));
    socket.on('connect', () => {
      socket.destroy();
      resolve(systemError('ECONNREFUSED'));
    });
  });
}

interface Row {
  readonly name: string;
  readonly error: () => Error | Promise<Error>;
  readonly kind: KafkaErrorKind;
  readonly reason: KafkaErrorReason;
  readonly retriable: boolean;
  /** The catalogue code of the translated error. */
  readonly code: ErrorCode;
  readonly staleMetadata?: boolean;
}

const ROWS: readonly Row[] = [
  // SASL
  { name: 'a refused SCRAM password', error: () => gaveUp(saslError('SASL SCRAM SHA256 authentication failed: Invalid credentials'), 0), kind: 'authentication', reason: 'sasl_login_refused', retriable: false, code: 'E_KAFKA_AUTH' },
  { name: 'SASL_AUTHENTICATION_FAILED from the broker', error: () => brokerError(58), kind: 'authentication', reason: 'sasl_login_refused', retriable: false, code: 'E_KAFKA_AUTH' },
  { name: 'UNSUPPORTED_SASL_MECHANISM from the broker', error: () => stopped(brokerError(33)), kind: 'authentication', reason: 'sasl_mechanism_not_enabled', retriable: false, code: 'E_KAFKA_AUTH' },
  { name: "kafkajs' own check of the enabled mechanisms", error: () => saslError('SASL SCRAM-SHA-512 mechanism is not supported by the server'), kind: 'authentication', reason: 'sasl_mechanism_not_enabled', retriable: false, code: 'E_KAFKA_AUTH' },
  { name: 'ILLEGAL_SASL_STATE: not a SASL listener', error: () => brokerError(34), kind: 'authentication', reason: 'not_a_sasl_listener', retriable: false, code: 'E_KAFKA_AUTH' },
  // TLS
  { name: 'an expired broker certificate', error: () => gaveUp(connectionError(systemError('CERT_HAS_EXPIRED', 'certificate has expired'))), kind: 'tls', reason: 'untrusted_certificate', retriable: false, code: 'E_KAFKA_TLS' },
  { name: 'a broker certificate of an unknown CA', error: () => connectionError(systemError('SELF_SIGNED_CERT_IN_CHAIN')), kind: 'tls', reason: 'untrusted_certificate', retriable: false, code: 'E_KAFKA_TLS' },
  { name: 'a host name the certificate does not list', error: () => connectionError(systemError('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames: Host: kafka.example. is not in the cert's altnames: DNS:localhost")), kind: 'tls', reason: 'host_name_mismatch', retriable: false, code: 'E_KAFKA_TLS' },
  { name: 'the broker requires a client certificate', error: () => connectionError(systemError('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED')), kind: 'tls', reason: 'client_certificate_refused', retriable: false, code: 'E_KAFKA_TLS' },
  { name: 'a TLS 1.2 broker refusing the missing client certificate (OpenSSL 3.2 naming, Node 22)', error: () => connectionError(systemError('ERR_SSL_SSL/TLS_ALERT_BAD_CERTIFICATE', 'ssl/tls alert bad certificate')), kind: 'tls', reason: 'client_certificate_refused', retriable: false, code: 'E_KAFKA_TLS' },
  { name: 'the same with OpenSSL 3.0 naming (Node 20)', error: () => connectionError(systemError('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'sslv3 alert bad certificate')), kind: 'tls', reason: 'client_certificate_refused', retriable: false, code: 'E_KAFKA_TLS' },
  { name: 'a PLAINTEXT listener answering a TLS hello', error: () => connectionError(systemError('ERR_SSL_WRONG_VERSION_NUMBER')), kind: 'tls', reason: 'not_a_tls_listener', retriable: false, code: 'E_KAFKA_TLS' },
  { name: 'a hang-up during the TLS handshake', error: () => connectionError(systemError('ECONNRESET', 'Client network socket disconnected before secure TLS connection was established')), kind: 'tls', reason: 'not_a_tls_listener', retriable: false, code: 'E_KAFKA_TLS' },
  // Unreachable
  { name: 'a real refused connection, after retries', error: async () => gaveUp(connectionError(await refusedConnection())), kind: 'unreachable', reason: 'connection_refused', retriable: true, code: 'E_KAFKA_UNREACHABLE' },
  { name: 'a host name DNS does not know', error: () => connectionError(systemError('ENOTFOUND', 'getaddrinfo ENOTFOUND kafka.invalid')), kind: 'unreachable', reason: 'host_not_found', retriable: true, code: 'E_KAFKA_UNREACHABLE' },
  { name: 'DNS not answering', error: () => connectionError(systemError('EAI_AGAIN')), kind: 'unreachable', reason: 'host_not_found', retriable: true, code: 'E_KAFKA_UNREACHABLE' },
  { name: 'no TCP connection within the timeout', error: () => gaveUp(new (KafkaJSConnectionError as new (m: string, o: object) => Error)('Connection timeout', { broker: BROKER })), kind: 'unreachable', reason: 'connect_timeout', retriable: true, code: 'E_KAFKA_UNREACHABLE' },
  { name: 'a connection the broker closed', error: () => new (KafkaJSConnectionClosedError as new (m: string, o: object) => Error)('Closed connection', { host: '127.0.0.1', port: 9092 }), kind: 'unreachable', reason: 'connection_closed', retriable: true, code: 'E_KAFKA_UNREACHABLE' },
  { name: 'a request with no answer', error: () => new (KafkaJSRequestTimeoutError as new (m: string, o: object) => Error)('Request Metadata(key: 3, version: 6) timed out', { broker: BROKER }), kind: 'unreachable', reason: 'no_kafka_answer', retriable: true, code: 'E_KAFKA_UNREACHABLE' },
  { name: 'a reset connection', error: () => gaveUp(connectionError(systemError('ECONNRESET', 'read ECONNRESET'))), kind: 'unreachable', reason: 'no_broker', retriable: true, code: 'E_KAFKA_UNREACHABLE' },
  // What the broker answered
  { name: 'UNKNOWN_TOPIC_OR_PARTITION', error: () => gaveUp(brokerError(3)), kind: 'unknown_topic_or_partition', reason: 'unknown_topic_or_partition', retriable: true, code: 'E_KAFKA_PROTOCOL', staleMetadata: true },
  { name: 'TOPIC_AUTHORIZATION_FAILED', error: () => brokerError(29), kind: 'authorization', reason: 'denied', retriable: false, code: 'E_KAFKA_DENIED' },
  { name: 'GROUP_AUTHORIZATION_FAILED', error: () => brokerError(30), kind: 'authorization', reason: 'denied', retriable: false, code: 'E_KAFKA_DENIED' },
  { name: 'CLUSTER_AUTHORIZATION_FAILED', error: () => brokerError(31), kind: 'authorization', reason: 'denied', retriable: false, code: 'E_KAFKA_DENIED' },
  { name: 'MESSAGE_TOO_LARGE, stopped at once', error: () => stopped(brokerError(10)), kind: 'rejected_record', reason: 'too_large', retriable: false, code: 'E_KAFKA_REJECTED' },
  { name: 'RECORD_LIST_TOO_LARGE in an aggregate of brokers', error: () => new (KafkaJSAggregateError as new (m: string, e: Error[]) => Error)('Failed', [brokerError(18)]), kind: 'rejected_record', reason: 'too_large', retriable: false, code: 'E_KAFKA_REJECTED' },
  { name: 'INVALID_TOPIC_EXCEPTION', error: () => brokerError(17), kind: 'rejected_record', reason: 'invalid_topic', retriable: false, code: 'E_KAFKA_REJECTED' },
  { name: 'INVALID_RECORD', error: () => brokerError(87), kind: 'rejected_record', reason: 'invalid_record', retriable: false, code: 'E_KAFKA_REJECTED' },
  { name: 'INVALID_TIMESTAMP', error: () => brokerError(32), kind: 'rejected_record', reason: 'invalid_record', retriable: false, code: 'E_KAFKA_REJECTED' },
  // Other: the root cause's own flag, not the one of kafkajs' give-up wrapper
  { name: 'NOT_LEADER_FOR_PARTITION after retries', error: () => gaveUp(brokerError(6)), kind: 'other', reason: 'broker_error', retriable: true, code: 'E_KAFKA_PROTOCOL', staleMetadata: true },
  { name: 'REQUEST_TIMED_OUT after retries', error: () => gaveUp(brokerError(7)), kind: 'other', reason: 'broker_error', retriable: true, code: 'E_KAFKA_PROTOCOL' },
  { name: 'POLICY_VIOLATION', error: () => brokerError(44), kind: 'other', reason: 'broker_error', retriable: false, code: 'E_KAFKA_PROTOCOL' },
  { name: 'INVALID_REPLICATION_FACTOR', error: () => brokerError(38), kind: 'other', reason: 'broker_error', retriable: false, code: 'E_KAFKA_PROTOCOL' },
  // @platformatic/kafka: its classes, its broker error table, its aggregate of the attempts
  { name: '@platformatic/kafka: a refused connection', error: async () => new MultipleErrors('Producing messages failed.', [new NetworkError('Connection failed.', { cause: await refusedConnection() })]), kind: 'unreachable', reason: 'connection_refused', retriable: true, code: 'E_KAFKA_UNREACHABLE' },
  // Its TimeoutError carries the code of its network errors: its message tells which timeout expired.
  { name: '@platformatic/kafka: a request with no answer', error: () => new MultipleErrors('listApis failed 2 times.', [new TimeoutError('Request timed out'), new TimeoutError('Request timed out')]), kind: 'unreachable', reason: 'no_kafka_answer', retriable: true, code: 'E_KAFKA_UNREACHABLE' },
  { name: '@platformatic/kafka: no connection within the timeout', error: () => platformaticGaveUp(new TimeoutError(`Connection to ${BROKER} timed out.`)), kind: 'unreachable', reason: 'connect_timeout', retriable: true, code: 'E_KAFKA_UNREACHABLE' },
  { name: '@platformatic/kafka: a connection closed before the answer', error: () => new MultipleErrors('metadata failed 2 times.', [new NetworkError('Connection closed'), new NetworkError('Connection closed')]), kind: 'unreachable', reason: 'connection_closed', retriable: true, code: 'E_KAFKA_UNREACHABLE' },
  // Any failed SaslHandshake is its "Cannot find a suitable SASL mechanism.": its cause says why.
  { name: '@platformatic/kafka: SASL to a listener without SASL', error: () => platformaticGaveUp(saslHandshakeFailed(new ProtocolError('ILLEGAL_SASL_STATE'))), kind: 'authentication', reason: 'not_a_sasl_listener', retriable: false, code: 'E_KAFKA_AUTH' },
  { name: '@platformatic/kafka: SASL to a TLS listener without TLS', error: () => platformaticGaveUp(saslHandshakeFailed(new NetworkError('Connection closed'))), kind: 'unreachable', reason: 'connection_closed', retriable: true, code: 'E_KAFKA_UNREACHABLE' },
  { name: '@platformatic/kafka: a refused SASL login', error: () => new AuthenticationError('SASL authentication failed.'), kind: 'authentication', reason: 'sasl_login_refused', retriable: false, code: 'E_KAFKA_AUTH' },
  { name: '@platformatic/kafka: MESSAGE_TOO_LARGE', error: () => new MultipleErrors('Producing messages failed.', [new ProtocolError('MESSAGE_TOO_LARGE')]), kind: 'rejected_record', reason: 'too_large', retriable: false, code: 'E_KAFKA_REJECTED' },
  { name: '@platformatic/kafka: TOPIC_AUTHORIZATION_FAILED', error: () => new ProtocolError('TOPIC_AUTHORIZATION_FAILED'), kind: 'authorization', reason: 'denied', retriable: false, code: 'E_KAFKA_DENIED' },
  { name: '@platformatic/kafka: UNKNOWN_TOPIC_OR_PARTITION', error: () => new ProtocolError('UNKNOWN_TOPIC_OR_PARTITION'), kind: 'unknown_topic_or_partition', reason: 'unknown_topic_or_partition', retriable: true, code: 'E_KAFKA_PROTOCOL', staleMetadata: true },
  { name: '@platformatic/kafka: NOT_LEADER_OR_FOLLOWER after retries', error: () => new MultipleErrors('Producing messages failed.', [new ProtocolError('NOT_LEADER_OR_FOLLOWER'), new ProtocolError('NOT_LEADER_OR_FOLLOWER')]), kind: 'other', reason: 'broker_error', retriable: true, code: 'E_KAFKA_PROTOCOL', staleMetadata: true },
  { name: '@platformatic/kafka: POLICY_VIOLATION', error: () => new ProtocolError('POLICY_VIOLATION'), kind: 'other', reason: 'broker_error', retriable: false, code: 'E_KAFKA_PROTOCOL' },
  { name: 'a TypeError (a bug, never retried)', error: () => new TypeError('x is not a function'), kind: 'other', reason: 'client_error', retriable: false, code: 'E_KAFKA_PROTOCOL' },
];

const cluster: ResolvedCluster = { id: 'front', config: { brokers: [BROKER], client_id: 'punchline', client: 'kafkajs', timeout_ms: 0, batch_size: 0, batch_timeout_ms: 0 } };

describe('classifyKafkaError', () => {
  for (const row of ROWS) {
    it(`classifies ${row.name} as ${row.kind} / ${row.reason}, ${row.retriable ? '' : 'not '}retriable`, async () => {
      const error = await row.error();
      const classification = classifyKafkaError(error);
      assert.deepEqual(
        { kind: classification.kind, reason: classification.reason, retriable: classification.retriable, staleMetadata: classification.staleMetadata },
        { kind: row.kind, reason: row.reason, retriable: row.retriable, staleMetadata: row.staleMetadata ?? false },
      );
      const translated = translateKafkaError(error, cluster, 'connecting');
      assert.equal(translated.code, row.code);
      assert.equal(translated.retriable, row.retriable, 'the translated error carries the classifier’s retriable flag');
      assert.ok(translated.message.startsWith('kafka cluster "front": connecting: '), translated.message);
      assert.equal(translated.cause, error);
    });
  }

  it("says what @platformatic/kafka's aggregates hold, not that producing failed", () => {
    // As its producer raises it: the produce response's partition errors, in the attempts' aggregate, in the send's.
    const response = new ResponseError(0, 11, { '/responses/0/partitions/0': [10, null] }, {});
    const tooLarge = new MultipleErrors('Producing messages failed.', [new MultipleErrors('produce failed 1 times.', [response])]);
    assert.equal(classifyKafkaError(tooLarge).reason, 'too_large');
    assert.match(translateKafkaError(tooLarge, cluster, 'writing').message, /larger than the max message size/);
  });

  it('says how many attempts kafkajs made and which broker failed', () => {
    const classification = classifyKafkaError(gaveUp(connectionError(systemError('ECONNREFUSED')), 4));
    assert.equal(classification.attempts, 5);
    assert.equal(classification.broker, BROKER);
    assert.match(translateKafkaError(gaveUp(connectionError(systemError('ECONNREFUSED')), 4), cluster, 'connecting').message, /connection refused by 127\.0\.0\.1:9092, 5 attempts$/);
  });

  it('says how many attempts @platformatic/kafka made and which broker failed, from its messages', () => {
    const error = platformaticGaveUp(new NetworkError(`Connection to ${BROKER} failed.`, { cause: systemError('ECONNREFUSED') }));
    const classification = classifyKafkaError(error);
    assert.deepEqual([classification.reason, classification.attempts, classification.broker], ['connection_refused', 2, BROKER]);
    assert.match(translateKafkaError(error, cluster, 'connecting').message, /: no broker answered at 127\.0\.0\.1:9092: connection refused by 127\.0\.0\.1:9092, 2 attempts$/);
  });

  it('keeps the kind and retriable flag of an error of ours in the chain', () => {
    const ours = new PunchlineError('E_KAFKA_AUTH', 'token request to https://idp/token failed: 503', { retriable: true });
    const classification = classifyKafkaError(new (KafkaJSNonRetriableError as new (e: Error, o: object) => Error)(ours, { cause: ours }));
    assert.deepEqual([classification.kind, classification.reason, classification.retriable], ['authentication', 'punchline_error', true]);
  });

  it('names the host and the certificate names of a host name mismatch', () => {
    const error = connectionError(systemError('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames: Host: kafka.example. is not in the cert's altnames: DNS:localhost"));
    assert.match(translateKafkaError(error, cluster, 'connecting').message, /\(dialled kafka\.example, certificate names DNS:localhost\)$/);
  });

  it('classifies anything thrown, even what is no error', () => {
    for (const thrown of [undefined, null, 'a string', 42, {}]) {
      const classification = classifyKafkaError(thrown);
      assert.deepEqual([classification.kind, classification.retriable], ['other', false], JSON.stringify(thrown) ?? 'undefined');
    }
  });
});
