/**
 * The platform config as `punchline config show` prints it: every default filled (zeros that mean
 * "the default" replaced by the value used) and every secret shown as `***` — passwords, tokens,
 * client secrets, and any value that came from `${ENV}` substitution, whatever its key (but a
 * cluster's `client`, which names a library: the loader does not count it as substituted). Paths of
 * files holding secrets are shown: they are not secrets, and a user needs them to debug.
 */
import type { ClusterCatalogue, KafkaClusterConfig } from './cluster-config.js';
import { effective } from './cluster-resolution.js';

/** What a masked value is replaced with, in dumps, errors and logs alike. */
export const MASK = '***';

/** Keys whose values are secrets wherever they appear in a cluster declaration. */
const SECRET_KEYS: ReadonlySet<string> = new Set(['password', 'client_secret', 'access_token']);

function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function mask(value: unknown, pointer: string, substituted: ReadonlySet<string>): unknown {
  if (typeof value === 'string') return substituted.has(pointer) ? MASK : value;
  if (Array.isArray(value)) return value.map((item: unknown, index) => mask(item, `${pointer}/${index}`, substituted));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, SECRET_KEYS.has(key) && typeof item === 'string' ? MASK : mask(item, `${pointer}/${escapeToken(key)}`, substituted)]),
    );
  }
  return value;
}

function withEffectiveValues(cluster: KafkaClusterConfig): KafkaClusterConfig {
  const { timeoutMs, batchSize, batchTimeoutMs } = effective(cluster);
  return { ...cluster, timeout_ms: timeoutMs, batch_size: batchSize, batch_timeout_ms: batchTimeoutMs };
}

/** The effective platform config as plain data, secrets masked; safe to print or log. */
export function displayablePlatformConfig(config: ClusterCatalogue): { kafka: { clusters: Record<string, unknown> } } {
  const substituted = config.substituted ?? new Set<string>();
  const clusters = Object.fromEntries(
    Object.entries(config.kafka.clusters).map(([id, cluster]) => [id, mask(withEffectiveValues(cluster), `/kafka/clusters/${escapeToken(id)}`, substituted)]),
  );
  return { kafka: { clusters } };
}
