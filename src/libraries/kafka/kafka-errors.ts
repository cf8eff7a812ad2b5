/**
 * kafkajs errors translated into errors that tell the fix: which cluster and brokers, after what
 * timeout; which TLS check failed; which SASL mechanism and user were refused (never the password
 * or token). What the error is comes from {@link classifyKafkaError}, the one classifier: this
 * module only words it, and takes the code and the `retriable` flag from it. Anything unrecognised
 * keeps kafkajs' message under `E_KAFKA_PROTOCOL`.
 *
 * Every branch matches what kafkajs 2.2 and a Kafka 3.9 / 4.1 broker really produce; the tests in
 * `test/kafka-clusters/` provoke each one against the harness broker.
 */
import { PunchlineError } from '../../core/errors.js';
import type { ResolvedCluster } from './cluster-resolution.js';
import { effective } from './cluster-resolution.js';
import { classifyKafkaError, errorCodeOfKind } from './error-classification.js';
import type { KafkaErrorClassification } from './error-classification.js';
import { describeLogin } from './sasl-options.js';

export { classifyKafkaError } from './error-classification.js';
export type { KafkaErrorClassification, KafkaErrorKind, KafkaErrorReason } from './error-classification.js';

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

/** "2 attempts" when kafkajs retried, to say the failure is not a fluke. */
function attempts(c: KafkaErrorClassification): string {
  return c.attempts === undefined ? '' : `, ${c.attempts} attempt${c.attempts === 1 ? '' : 's'}`;
}

/** What to say for one classified error: the text after `<prefix>: `, and the fix. */
interface Wording {
  readonly text: string;
  readonly hint?: string;
}

function word(c: KafkaErrorClassification, cluster: ResolvedCluster): Wording {
  const { config } = cluster;
  const brokers = config.brokers.join(', ');
  const failedAt = c.broker ?? brokers;
  const tlsOn = config.tls?.enabled === true;
  const { timeoutMs } = effective(config);
  const login = describeLogin(config.sasl);
  const unreachable = `no broker answered at ${brokers}`;
  const oneDown = oneBrokerDown(c, cluster);
  if (oneDown !== undefined) return oneDown;
  switch (c.reason) {
    case 'sasl_mechanism_not_enabled':
      return {
        text: `SASL login with ${login} refused by ${failedAt}: the listener does not enable ${config.sasl?.mechanism ?? 'this mechanism'}`,
        hint: 'use a mechanism its sasl.enabled.mechanisms lists, or ask its operator to enable this one',
      };
    case 'sasl_login_refused':
      return {
        text: `SASL login with ${login} refused by ${failedAt}: ${(c.saslMessage ?? c.message).replace(/^.*? failed: /, '')}`,
        hint: 'check the user and password of this cluster in the platform config',
      };
    case 'not_a_sasl_listener':
      return {
        text: `${failedAt} does not take a SASL login (${login}): it is not a SASL listener`,
        hint: 'point brokers at a SASL_SSL or SASL_PLAINTEXT listener, or remove sasl from this cluster',
      };
    case 'untrusted_certificate': {
      const { reason, fix } = CERTIFICATE_REASONS[c.certificateCode ?? ''] ?? UNTRUSTED;
      return { text: `TLS with ${failedAt} failed: ${reason}`, hint: fix };
    }
    case 'host_name_mismatch': {
      const names = c.hostNameMismatch;
      const what = names === undefined ? '' : ` (dialled ${names.dialled}, certificate names ${names.certificateNames})`;
      return {
        text: `TLS with ${failedAt} failed: host name mismatch: the broker certificate does not name the host dialled${what}`,
        hint: 'dial a name the certificate lists, or set tls.server_name to one',
      };
    }
    case 'client_certificate_refused': {
      const certFile = config.tls?.cert_file;
      return certFile === undefined
        ? { text: `TLS with ${failedAt} failed: the broker requires a client certificate (mutual TLS) and none is configured`, hint: 'set tls.cert_file and tls.key_file of this cluster' }
        : { text: `TLS with ${failedAt} failed: the broker refused the client certificate ${certFile} (not signed by a CA it trusts, or expired)`, hint: 'use a client certificate signed by a CA in the broker truststore' };
    }
    case 'not_a_tls_listener':
      return {
        text: `TLS with ${failedAt} failed: the broker closed the connection during the TLS handshake; is this a TLS listener?`,
        hint: 'point brokers at the SSL or SASL_SSL listener, or set tls.enabled to false for a PLAINTEXT one',
      };
    case 'connection_closed':
      // A TLS listener closes a clear-text connection at once; so does a broker shutting down.
      if (!tlsOn) {
        return {
          text: `${failedAt} closed the connection before answering${attempts(c)}`,
          hint: 'if it is an SSL or SASL_SSL listener, enable tls for this cluster, with tls.ca_file; else see the broker log',
        };
      }
      return noBroker(c, unreachable);
    case 'connection_refused':
      return {
        text: `${unreachable}: connection refused by ${failedAt}${attempts(c)}`,
        hint: 'check that the brokers run and listen on these addresses, or override them with bootstrap.servers',
      };
    case 'host_not_found':
      return { text: `${unreachable}: host name of ${failedAt} not found`, hint: 'check the host names in brokers or bootstrap.servers' };
    case 'connect_timeout':
      return {
        text: `${unreachable}: no ${tlsOn ? 'TLS' : 'TCP'} connection to ${failedAt} within ${timeoutMs} ms${attempts(c)}`,
        hint: 'check the addresses and firewalls; raise timeout_ms for a slow network',
      };
    case 'no_kafka_answer':
      return {
        text: `${unreachable}: connected to ${failedAt}, but no Kafka answer within ${timeoutMs} ms`,
        hint: 'check that these addresses are Kafka listeners and the brokers are healthy; raise timeout_ms for a slow network',
      };
    case 'no_broker':
      return noBroker(c, unreachable);
    case 'denied':
      return {
        text: `${failedAt} denied it${config.sasl === undefined ? '' : ` to ${login}`}: ${c.brokerErrorTypes.find((t) => t.endsWith('_AUTHORIZATION_FAILED')) ?? c.message}`,
        hint: 'ask the cluster operator for the ACL this operation needs',
      };
    default:
      return { text: c.message };
  }
}

/** The unreachable reasons, as a broker that failed while others answered: what it did to the client. */
const FAILED_ONE: Partial<Record<KafkaErrorClassification['reason'], (timeoutMs: number, tls: boolean) => string>> = {
  connection_refused: () => 'refused connections',
  connect_timeout: (timeoutMs, tls) => `accepted no ${tls ? 'TLS' : 'TCP'} connection within ${timeoutMs} ms`,
  no_kafka_answer: (timeoutMs) => `gave no Kafka answer within ${timeoutMs} ms`,
  connection_closed: () => 'closed the connection before answering',
  no_broker: () => 'could not be reached',
};

/**
 * An unreachable broker while other brokers of the cluster answer this client: the failing broker
 * (from the classification) and the answering ones (from the cluster's {@link BrokerContacts}), and
 * what the request needed it for. `undefined` when no other broker answered recently (then no
 * broker answered, and the usual wording says so) or the error names no broker.
 */
function oneBrokerDown(c: KafkaErrorClassification, cluster: ResolvedCluster): Wording | undefined {
  const failed = c.broker;
  const what = FAILED_ONE[c.reason];
  if (c.kind !== 'unreachable' || failed === undefined || what === undefined || cluster.contacts === undefined) return undefined;
  const { timeoutMs } = effective(cluster.config);
  // Recent enough to be the same outage: kafkajs' retries of one request last about this long.
  const rank = (broker: string): number => (cluster.config.brokers.includes(broker) ? cluster.config.brokers.indexOf(broker) : cluster.config.brokers.length);
  const answered = cluster.contacts.answeredWithin(Math.max(30_000, 3 * timeoutMs)).filter((b) => b !== failed).sort((a, b) => rank(a) - rank(b));
  if (answered.length === 0) return undefined;
  const roles = cluster.contacts.rolesOf(failed);
  const needed = roles.length === 0
    ? 'the cluster metadata names it the leader of a partition, or the group coordinator, this request needs'
    : roles.map((role) => (role === 'group coordinator' ? "it is the coordinator of this client's consumer group" : 'it leads partitions this client reads or writes')).join(', and ');
  return {
    text: `broker ${failed} ${what(timeoutMs, cluster.config.tls?.enabled === true)} (${answered.join(', ')} answered)${attempts(c)}: ${needed}`,
    hint: `start ${failed} again, or wait until its partitions and coordinators move to live replicas (topics need a replication factor above 1 for that)`,
  };
}

function noBroker(c: KafkaErrorClassification, unreachable: string): Wording {
  const reason = c.messages.find((m) => !m.startsWith('No brokers')) ?? 'no broker available';
  return {
    text: `${unreachable}: ${reason.replace(/^Connection error: /, '')}${attempts(c)}`,
    hint: 'check that the brokers run and that these addresses reach them from this host',
  };
}

/**
 * Translates an error from kafkajs while `action` (e.g. `connecting`, `sending to mytopic`) on
 * `cluster`. The message starts `kafka cluster "<id>": <action>: `; an error that already is a
 * PunchlineError (a token endpoint failure, an unreadable file) keeps its code and gets the prefix.
 * The code follows the kind of the error, and `retriable` is the classifier's.
 */
export function translateKafkaError(error: unknown, cluster: ResolvedCluster, action: string): PunchlineError {
  const prefix = `kafka cluster "${cluster.id}": ${action}`;
  const c = classifyKafkaError(error);
  const ours = c.punchlineError;
  if (ours !== undefined) return ours.message.startsWith('kafka cluster "') ? ours : ours.within(prefix);
  const { text, hint } = word(c, cluster);
  return new PunchlineError(errorCodeOfKind(c.kind), `${prefix}: ${text}`, {
    cause: error,
    retriable: c.retriable,
    ...(hint === undefined ? {} : { hint }),
  });
}
