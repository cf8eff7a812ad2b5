/**
 * Which cluster a Kafka node talks to: the cluster its `brokers` (or `cluster`) setting names in
 * the platform config, with the addresses replaced by `bootstrap.servers` when the node gives
 * them (Punch's override for hosts that reach the brokers under other names). The cluster id stays
 * the metrics label either way.
 */
import type { KafkaClusterConfig, PlatformConfig } from '../config/platform-config.js';
import { PunchlineError } from '../errors.js';
import type { SettingsProblem } from '../node-api.js';
import { suggestName } from '../validation/closest-name.js';

/** A cluster ready for the client factory. */
export interface ResolvedCluster {
  /** The cluster id, or `bootstrap` when only `bootstrap.servers` was given. */
  readonly id: string;
  readonly config: KafkaClusterConfig;
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

const DEFAULTS: Omit<KafkaClusterConfig, 'brokers'> = { client_id: 'punchline', timeout_ms: 10000, batch_size: 100, batch_timeout_ms: 1000 };

function parseBootstrap(servers: string): string[] {
  return servers.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Validation of a cluster reference, for nodes' `check()`. */
export function checkClusterReference(reference: ClusterReference, platform: PlatformConfig): SettingsProblem[] {
  const known = Object.keys(platform.kafka.clusters);
  if (reference.clusterId === undefined) {
    if (reference.bootstrapServers !== undefined) return [];
    return [{ path: reference.path, message: 'no Kafka cluster named', hint: `name one of the platform's clusters (${known.join(', ') || 'none declared'}) or give bootstrap.servers`, severity: 'error' }];
  }
  if (platform.kafka.clusters[reference.clusterId] !== undefined) return [];
  const where = platform.file === undefined ? 'the built-in default platform config' : platform.file;
  return [{ path: reference.path, message: `unknown Kafka cluster "${reference.clusterId}" (declared in ${where}: ${known.join(', ') || 'none'})`, hint: suggestName(reference.clusterId, known), severity: 'error' }];
}

/** Resolves a reference; throws `E_UNKNOWN_CLUSTER` (validation normally caught it before). */
export function resolveCluster(reference: ClusterReference, platform: PlatformConfig): ResolvedCluster {
  const bootstrap = reference.bootstrapServers === undefined ? undefined : parseBootstrap(reference.bootstrapServers);
  if (reference.clusterId === undefined) {
    if (bootstrap === undefined) throw new PunchlineError('E_UNKNOWN_CLUSTER', 'no Kafka cluster named and no bootstrap.servers given');
    return { id: 'bootstrap', config: { ...DEFAULTS, brokers: bootstrap } };
  }
  const declared = platform.kafka.clusters[reference.clusterId];
  if (declared === undefined) {
    const known = Object.keys(platform.kafka.clusters);
    throw new PunchlineError('E_UNKNOWN_CLUSTER', `unknown Kafka cluster "${reference.clusterId}"`, { hint: `known: ${known.join(', ') || 'none'}` });
  }
  return { id: reference.clusterId, config: bootstrap === undefined ? declared : { ...declared, brokers: bootstrap } };
}

/** Kapacitor's rule: a zero timeout or batch setting means its default. */
export function effective(config: KafkaClusterConfig): { timeoutMs: number; batchSize: number; batchTimeoutMs: number } {
  return {
    timeoutMs: config.timeout_ms === 0 ? DEFAULTS.timeout_ms : config.timeout_ms,
    batchSize: config.batch_size === 0 ? DEFAULTS.batch_size : config.batch_size,
    batchTimeoutMs: config.batch_timeout_ms === 0 ? DEFAULTS.batch_timeout_ms : config.batch_timeout_ms,
  };
}
