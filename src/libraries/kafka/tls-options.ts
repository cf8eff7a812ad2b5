/**
 * Node TLS options of a cluster, shared by the kafkajs clients and the ApiVersions probe of
 * `config check`, so both dial the brokers exactly alike. Verification of the chain and of the
 * host name is on unless `insecure_skip_verify` says otherwise; without `ca_file` Node's bundled
 * CAs apply, which a private CA is not among (the usual cause of a "wrong CA" failure).
 */
import type { ConnectionOptions } from 'node:tls';
import type { KafkaTlsConfig } from './cluster-config.js';
import { readConfigFile } from './config-files.js';

/**
 * The TLS options for the cluster's connections, or undefined when TLS is off. Files are read
 * now, so a missing CA or key fails at start with the cluster and the file named.
 */
export function tlsConnectionOptions(tls: KafkaTlsConfig | undefined, clusterId: string): ConnectionOptions | undefined {
  if (tls === undefined || !tls.enabled) return undefined;
  return {
    rejectUnauthorized: !tls.insecure_skip_verify,
    ...(tls.insecure_skip_verify && { checkServerIdentity: () => undefined }),
    ...(tls.ca_file !== undefined && { ca: [readConfigFile(tls.ca_file, 'the CA file', clusterId)] }),
    ...(tls.cert_file !== undefined && { cert: readConfigFile(tls.cert_file, 'the client certificate', clusterId) }),
    ...(tls.key_file !== undefined && { key: readConfigFile(tls.key_file, 'the client key', clusterId) }),
    ...(tls.server_name !== undefined && { servername: tls.server_name }),
  };
}
