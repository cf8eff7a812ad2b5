/**
 * Connects to one cluster the way a node would (with the client library it names) and says what worked: reachable, authenticated,
 * the brokers' (inferred) Kafka version, how many brokers. What `punchline config check` prints
 * for each declared cluster; failures carry the translated error, which names the fix.
 */
import type { Logger } from 'pino';
import { PunchlineError } from '../../core/errors.js';
import { probeApiVersions } from './api-versions-probe.js';
import { describeBrokerVersion, inferBrokerVersion } from './broker-version.js';
import { createClusterAdmin } from './cluster-admin.js';
import type { ClusterAdmin } from './cluster-admin.js';
import type { ResolvedCluster } from './cluster-resolution.js';
import { effective } from './cluster-resolution.js';
import { classifyKafkaError } from './error-classification.js';
import { translateKafkaError } from './kafka-errors.js';
import { describeLogin } from './sasl-options.js';
import { tlsConnectionOptions } from './tls-options.js';

/** The outcome of checking one cluster. */
export interface ConnectionReport {
  readonly cluster: ResolvedCluster;
  /** A broker answered (over TLS when configured). */
  readonly reachable: boolean;
  /** The SASL login or client certificate was accepted; `undefined` when the cluster asks for none. */
  readonly authenticated: boolean | undefined;
  /** Brokers in the cluster metadata. */
  readonly brokerCount?: number;
  /** `Kafka >= 3.9 (inferred …)`, or `unknown (…)` with the reason. */
  readonly version?: string;
  /** Why the check failed. */
  readonly error?: PunchlineError;
}

/** Who the cluster logs in as: SASL login and/or client certificate, never a secret. */
export function describeAuthentication(cluster: ResolvedCluster): string | undefined {
  const { sasl, tls } = cluster.config;
  const parts = [
    ...(sasl === undefined ? [] : [describeLogin(sasl)]),
    ...(tls?.enabled === true && tls.cert_file !== undefined ? [`client certificate ${tls.cert_file}`] : []),
  ];
  return parts.length === 0 ? undefined : parts.join(' + ');
}

async function inferVersion(cluster: ResolvedCluster): Promise<string> {
  const { timeoutMs } = effective(cluster.config);
  const tls = tlsConnectionOptions(cluster.config.tls, cluster.id);
  let lastError = 'no broker address';
  for (const address of cluster.config.brokers) {
    try {
      return describeBrokerVersion(inferBrokerVersion(await probeApiVersions(address, tls, timeoutMs, cluster.config.client_id)));
    } catch (error) {
      lastError = `ApiVersions to ${address} failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return `unknown (${lastError})`;
}

/**
 * Connects an admin client to the cluster, reads the cluster metadata, infers the version, and
 * disconnects. Never throws: a failure is in `error`, with `reachable` and `authenticated` set
 * from what it proves (a refused login proves the broker reachable).
 */
export async function checkClusterConnection(cluster: ResolvedCluster, logger: Logger): Promise<ConnectionReport> {
  const asksLogin = describeAuthentication(cluster) !== undefined;
  let admin: ClusterAdmin;
  try {
    // One retry: enough to ride out a blip, few enough to answer quickly about a dead cluster.
    admin = createClusterAdmin(cluster, logger, { retries: 1 });
  } catch (error) {
    const failure = error instanceof PunchlineError ? error : translateKafkaError(error, cluster, 'creating the client');
    return { cluster, reachable: false, authenticated: undefined, error: failure };
  }
  try {
    await admin.connect();
    const brokers = await admin.brokers();
    return {
      cluster,
      reachable: true,
      authenticated: asksLogin ? true : undefined,
      brokerCount: brokers.length,
      version: await inferVersion(cluster),
    };
  } catch (error) {
    const failure = translateKafkaError(error, cluster, 'connecting');
    // A refused SASL login or client certificate proves a broker answered.
    const { kind, reason } = classifyKafkaError(error);
    const refusedLogin = kind === 'authentication' || reason === 'client_certificate_refused';
    return { cluster, reachable: refusedLogin, authenticated: refusedLogin ? false : undefined, error: failure };
  } finally {
    await admin.disconnect();
  }
}
