/**
 * Cluster defaults as the platform schema states them, for the places that build a cluster without
 * a platform file (the built-in `local` cluster, a node giving only `bootstrap.servers`) and for
 * Kapacitor's rule that 0 means the default. Read from the schema rather than repeated here, so
 * the schema stays the one source of truth.
 */
import type { KafkaClusterConfig } from './cluster-config.js';
import { PunchlineError } from '../../core/errors.js';
import { schemaValidator } from '../../core/schema-files.js';

/** A cluster declaration with every default the schema gives filled in (ajv `useDefaults`). */
export function withClusterDefaults(declaration: { readonly brokers: readonly string[] }): KafkaClusterConfig {
  const document = { kafka: { clusters: { cluster: structuredClone(declaration) } } };
  const validate = schemaValidator('platform.schema.json');
  if (!validate(document)) {
    throw new PunchlineError('E_CONFIG_INVALID', `kafka cluster: invalid built-in declaration: ${JSON.stringify(validate.errors?.[0]?.message ?? 'schema error')}`);
  }
  return document.kafka.clusters.cluster as KafkaClusterConfig;
}

/** Timeout and batch defaults, what a 0 in those settings stands for. */
export const CLUSTER_DEFAULTS: Pick<KafkaClusterConfig, 'client_id' | 'timeout_ms' | 'batch_size' | 'batch_timeout_ms'> = withClusterDefaults({ brokers: ['localhost:9092'] });
