/**
 * Which cluster a Kafka node talks to: the cluster its `brokers` (or `cluster`) setting names in
 * the platform config, with the addresses replaced by `bootstrap.servers` when the node gives
 * them (Punch's override for hosts that reach the brokers under other names). The cluster id stays
 * the metrics label either way.
 */
import type { ClusterCatalogue, KafkaClusterConfig } from './cluster-config.js';
import { PunchlineError } from '../../core/errors.js';
import type { SettingsProblem } from '../../core/settings-problem.js';
import { closestName } from '../../core/closest-name.js';
import { CLUSTER_DEFAULTS, withClusterDefaults } from './cluster-defaults.js';
import { BrokerContacts } from './broker-contacts.js';

/** A cluster ready for the client factory. */
export interface ResolvedCluster {
  /** The cluster id, or `bootstrap` when only `bootstrap.servers` was given. */
  readonly id: string;
  readonly config: KafkaClusterConfig;
  /**
   * The brokers that answered the clients made from this cluster (recorded by the client factory),
   * so an error can say which brokers answered besides the one that failed. Absent: not tracked.
   */
  readonly contacts?: BrokerContacts;
}

/** How a node names its cluster. */
export interface ClusterReference {
  /** The cluster id (`brokers` in Punch nodes, `cluster` in Kapacitor handlers). */
  readonly clusterId?: string | undefined;
  /** Comma-separated `host:port` list overriding the cluster's brokers. */
  readonly bootstrapServers?: string | undefined;
  /** Where the id is set in the node, for validation messages (e.g. `/settings/brokers`). */
  readonly path: string;
}


const HOST_PORT = /^[^:\s,]+:[0-9]{1,5}$/;

function parseBootstrap(servers: string): string[] {
  return servers.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function declaredIn(platform: ClusterCatalogue): string {
  return platform.file === undefined ? 'the built-in default platform config' : platform.file;
}

/** `unknown Kafka cluster "x" (declared in F: a, b)`: the message of both validation and resolution. */
function unknownCluster(id: string, platform: ClusterCatalogue): { message: string; hint: string } {
  const known = Object.keys(platform.kafka.clusters);
  const close = closestName(id, known);
  return {
    message: `unknown Kafka cluster "${id}" (declared in ${declaredIn(platform)}: ${known.join(', ') || 'none'})`,
    hint: close === undefined ? 'use one of those ids, or declare the cluster under kafka.clusters' : `did you mean "${close}"?`,
  };
}

/**
 * Validation of a cluster reference, for nodes' `check()`: the id must be declared, and
 * `bootstrap.servers` must be a comma-separated list of `host:port`.
 */
export function checkClusterReference(reference: ClusterReference, platform: ClusterCatalogue): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  if (reference.bootstrapServers !== undefined) {
    const servers = parseBootstrap(reference.bootstrapServers);
    const bad = servers.filter((server) => !HOST_PORT.test(server));
    if (servers.length === 0 || bad.length > 0) {
      problems.push({ path: reference.path, message: `bootstrap.servers must be host:port[,host:port…]${bad.length > 0 ? `, not ${bad.map((b) => JSON.stringify(b)).join(', ')}` : ''}`, severity: 'error' });
    }
  }
  if (reference.clusterId === undefined) {
    if (reference.bootstrapServers !== undefined) return problems;
    const known = Object.keys(platform.kafka.clusters);
    return [...problems, { path: reference.path, message: 'no Kafka cluster named', hint: `name one of the platform's clusters (${known.join(', ') || 'none declared'}) or give bootstrap.servers`, severity: 'error' }];
  }
  if (platform.kafka.clusters[reference.clusterId] !== undefined) return problems;
  const { message, hint } = unknownCluster(reference.clusterId, platform);
  return [...problems, { path: reference.path, message, hint, severity: 'error' }];
}

/**
 * Resolves a reference; throws `E_UNKNOWN_CLUSTER` naming the declared clusters (validation
 * normally caught it before). With `bootstrap.servers` the declaration keeps its security settings
 * and id (the metrics label); only the addresses change.
 */
export function resolveCluster(reference: ClusterReference, platform: ClusterCatalogue): ResolvedCluster {
  const bootstrap = reference.bootstrapServers === undefined ? undefined : parseBootstrap(reference.bootstrapServers);
  if (reference.clusterId === undefined) {
    if (bootstrap === undefined) throw new PunchlineError('E_UNKNOWN_CLUSTER', 'no Kafka cluster named and no bootstrap.servers given');
    return { id: 'bootstrap', config: withClusterDefaults({ brokers: bootstrap }), contacts: new BrokerContacts() };
  }
  const declared = platform.kafka.clusters[reference.clusterId];
  if (declared === undefined) {
    const { message, hint } = unknownCluster(reference.clusterId, platform);
    throw new PunchlineError('E_UNKNOWN_CLUSTER', message, { hint });
  }
  return { id: reference.clusterId, config: bootstrap === undefined ? declared : { ...declared, brokers: bootstrap }, contacts: new BrokerContacts() };
}

/** Kapacitor's rule: a zero timeout or batch setting means its default. */
export function effective(config: KafkaClusterConfig): { timeoutMs: number; batchSize: number; batchTimeoutMs: number } {
  return {
    timeoutMs: config.timeout_ms === 0 ? CLUSTER_DEFAULTS.timeout_ms : config.timeout_ms,
    batchSize: config.batch_size === 0 ? CLUSTER_DEFAULTS.batch_size : config.batch_size,
    batchTimeoutMs: config.batch_timeout_ms === 0 ? CLUSTER_DEFAULTS.batch_timeout_ms : config.batch_timeout_ms,
  };
}
