/**
 * How @platformatic/kafka clients (producers and consumers of clusters declared with
 * `client: "platformatic"`) reach a cluster: the same addresses, connection timeout, TLS
 * (`tls-options.ts`, verification on unless `insecure_skip_verify`) and SASL (PLAIN, SCRAM,
 * OAUTHBEARER from the same password and token sources) as the kafkajs clients.
 */
import type { ConnectionOptions, SASLOptions } from '@platformatic/kafka';
import { PunchlineError } from '../../core/errors.js';
import type { KafkaSaslConfig } from './cluster-config.js';
import type { ResolvedCluster } from './cluster-resolution.js';
import { effective } from './cluster-resolution.js';
import { kafkaErrorChain } from './error-classification.js';
import { oauthTokenSource } from './oauth-token-provider.js';
import { oauthBearerRefusal } from './oauthbearer-mechanism.js';
import { saslPassword } from './sasl-options.js';
import { tlsConnectionOptions } from './tls-options.js';

const FIRST_RETRY_DELAY_MS = 300;

/**
 * The `retryDelay` of a @platformatic/kafka client: 300 ms doubled at each attempt up to `maxMs`,
 * as kafkajs waits (the library's own delay is fixed, so 30 retries of a produce request cover
 * only 9 s, less than a partition can stay leaderless after its broker crashed).
 */
export function exponentialRetryDelay(maxMs: number): (client: unknown, operation: string, attempt: number) => number {
  return (_client, _operation, attempt) => Math.min(FIRST_RETRY_DELAY_MS * 2 ** (attempt - 1), maxMs);
}

/** The options every @platformatic/kafka client of `cluster` starts from. */
export interface PlatformaticConnection extends ConnectionOptions {
  readonly clientId: string;
  readonly bootstrapBrokers: string[];
}

/**
 * The connection options of `cluster`. Throws `E_FILE_IO` when a file the declaration names (CA,
 * certificate, password) cannot be read.
 */
export function platformaticConnection(cluster: ResolvedCluster): PlatformaticConnection {
  const { config } = cluster;
  const { timeoutMs } = effective(config);
  const tls = tlsConnectionOptions(config.tls, cluster.id);
  const sasl = saslOptions(config.sasl, cluster.id, timeoutMs);
  return {
    clientId: config.client_id,
    bootstrapBrokers: [...config.brokers],
    connectTimeout: timeoutMs,
    ...(tls !== undefined && { tls }),
    ...(config.tls?.server_name !== undefined && { tlsServerName: config.tls.server_name }),
    ...(sasl !== undefined && { sasl }),
  };
}

/** The @platformatic/kafka `sasl` option of a cluster, or undefined without SASL. */
function saslOptions(sasl: KafkaSaslConfig | undefined, clusterId: string, timeoutMs: number): SASLOptions | undefined {
  if (sasl === undefined) return undefined;
  const username = sasl.username ?? '';
  switch (sasl.mechanism) {
    case 'PLAIN':
    case 'SCRAM-SHA-256':
    case 'SCRAM-SHA-512':
      return { mechanism: sasl.mechanism, username, password: saslPassword(sasl, clusterId) };
    case 'OAUTHBEARER': {
      const source = oauthTokenSource(sasl, clusterId, timeoutMs);
      // The token last sent: what a refusal describes (its subject and expiry).
      let sent = '';
      return {
        mechanism: 'OAUTHBEARER',
        token: async () => (sent = (await source()).value),
        oauthBearerExtensions: async () => ({ ...(await source()).extensions }),
        // A broker refusing a token answers with a server challenge, which the library would take
        // for a success (and the next request fails with ILLEGAL_SASL_STATE): an empty answer is one.
        authBytesValidator: (authBytes, callback) => {
          const challenge = authBytes.toString('utf8');
          if (challenge === '') callback(null, authBytes);
          else callback(oauthBearerRefusal(challenge, sent));
        },
      };
    }
    case 'GSSAPI':
      // Rejected when the platform config is validated (cluster-checks.ts); kept for exhaustiveness.
      throw new PunchlineError('E_CONFIG_INVALID', `kafka cluster "${clusterId}": GSSAPI (Kerberos) is not supported`);
  }
}

/** What {@link ConnectionFailures} needs of a @platformatic/kafka client: its connections as they connect. */
interface ConnectingClient {
  on(event: 'client:broker:connect', listener: (payload: { readonly broker: { readonly host: string; readonly port: number }; readonly connection: { on(event: 'error', listener: (error: Error) => void): unknown } }) => void): unknown;
}

/**
 * The socket errors of a client's connections. A broker refusing the client certificate (or
 * missing one) says so with a TLS alert after the handshake; the library reports it on the
 * connection only, and the request then pending fails with a bare `Connection closed`. kafkajs
 * fails the request with the alert, which names the fix: {@link explain} puts it back in the chain.
 */
export class ConnectionFailures {
  #last: { readonly broker: string; readonly error: Error } | undefined;

  constructor(client: ConnectingClient) {
    client.on('client:broker:connect', ({ broker, connection }) => {
      connection.on('error', (error) => {
        this.#last = { broker: `${broker.host}:${String(broker.port)}`, error };
      });
    });
  }

  /**
   * `error` as it is, or, when it is a connection closed after a socket error, both: an aggregate
   * naming the broker (then the socket error is forgotten).
   */
  explain(error: unknown): unknown {
    const last = this.#last;
    if (last === undefined || !kafkaErrorChain(error).some((link) => link.message === 'Connection closed')) return error;
    this.#last = undefined;
    return Object.assign(new AggregateError([error, last.error], `the connection to ${last.broker} failed`), { broker: last.broker });
  }
}
