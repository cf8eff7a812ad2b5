/**
 * The embedded Apache Kafka broker: what the CLI (`punchline kafka`), the test harness and
 * benchmarks use to run a real cluster on loopback. Import from here, not from the modules.
 */
export { startKafkaCluster, openKafkaCluster, describeManifest, KafkaCluster, StateFolderMismatchError } from './kafka-cluster.js';
export type { StartKafkaClusterOptions, KafkaClusterDetails, KafkaNodeDetails, KafkaNodeHealth, KafkaSecurityDetails, StopOptions } from './kafka-cluster.js';
export type { ClientAuth, KafkaNodePorts } from './cluster-manifest.js';
export { CLIENT_AUTH_MODES } from './cluster-manifest.js';
export { ensureKafkaJars, kafkaClasspath, kafkaLibsDir, KAFKA_JARS_POM } from './kafka-jars.js';
export type { EnsureKafkaJarsOptions } from './kafka-jars.js';
export { DEFAULT_KAFKA_VERSION, KAFKA_4_COMPAT_VERSION, parseKafkaVersion } from './kafka-version.js';
export { DEFAULT_SASL_USERS, SASL_MECHANISMS, generatePassword } from './sasl-users.js';
export type { SaslMechanism, SaslUser, SaslUserRequest } from './sasl-users.js';
export { generateCertificateAuthority, CLIENT_CERT_SUBJECT } from './tls-material.js';
export type { CertificateAuthority } from './tls-material.js';
export { unsecuredOAuthBearerToken } from './oauthbearer-token.js';
export type { UnsecuredTokenOptions } from './oauthbearer-token.js';
export { punchlineHome, kafkaJarCacheDir, cliBrokerStateDir } from './punchline-home.js';
export { findFreePorts, isPortFree } from './tcp-ports.js';
