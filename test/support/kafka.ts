/**
 * Kafka for tests. `npm test` (test/run.ts) starts one secured single-node broker per run and
 * hands its details to every test process through `PUNCHLINE_TEST_KAFKA`; {@link sharedKafka}
 * returns them. A test file run on its own (`node --import tsx --test some.test.ts`) gets a broker
 * of its own instead, killed when the process exits.
 *
 * Tests that change a cluster (stop brokers, other versions, other options) start their own with
 * {@link startTestCluster} and stop it in `after()`; the launcher also kills anything left under
 * its run folder, so an interrupted test never leaves a JVM behind.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { Consumer, KafkaConfig, KafkaMessage, SASLOptions } from 'kafkajs';
import { findFreePorts, isPortFree, startKafkaCluster } from '../../src/tools/local-broker/index.js';
import type { KafkaCluster, KafkaClusterDetails, SaslMechanism, StartKafkaClusterOptions } from '../../src/tools/local-broker/index.js';
import type { KafkaClientLibrary } from '../../src/runtime/config/platform-config.js';

/** The environment variables test/run.ts sets for every test process. */
export const TEST_ENV = {
  /** JSON of the shared cluster's `KafkaClusterDetails`. */
  KAFKA: 'PUNCHLINE_TEST_KAFKA',
  /** Comma-separated plaintext bootstrap servers of the shared cluster (for tools such as kcat). */
  BOOTSTRAP: 'PUNCHLINE_TEST_KAFKA_BOOTSTRAP',
  SSL_BOOTSTRAP: 'PUNCHLINE_TEST_KAFKA_SSL_BOOTSTRAP',
  SASL_SSL_BOOTSTRAP: 'PUNCHLINE_TEST_KAFKA_SASL_SSL_BOOTSTRAP',
  CA: 'PUNCHLINE_TEST_KAFKA_CA',
  CLIENT_CERT: 'PUNCHLINE_TEST_KAFKA_CLIENT_CERT',
  CLIENT_KEY: 'PUNCHLINE_TEST_KAFKA_CLIENT_KEY',
  /** Kafka version of the shared cluster. */
  VERSION: 'PUNCHLINE_TEST_KAFKA_VERSION',
  /** A folder owned by the run: clusters started by tests live under it and are killed at the end. */
  RUN_DIR: 'PUNCHLINE_TEST_RUN_DIR',
} as const;

let standalone: Promise<KafkaCluster> | undefined;

/**
 * The shared test cluster: one node with PLAINTEXT, SSL (client certificates required) and
 * SASL_SSL (SCRAM-SHA-256/512, PLAIN, OAUTHBEARER) listeners. Treat it as shared: use unique topic
 * and group names ({@link uniqueName}) and never stop it.
 */
export async function sharedKafka(): Promise<KafkaClusterDetails> {
  const json = process.env[TEST_ENV.KAFKA];
  if (json !== undefined && json !== '') return JSON.parse(json) as KafkaClusterDetails;
  standalone ??= startKafkaCluster({ security: true, onProgress: (message) => process.stderr.write(`test kafka: ${message}\n`) });
  return (await standalone).details();
}

/**
 * Starts a cluster that belongs to one test file (e.g. three nodes to stop one of them, or another
 * Kafka version). Call `cluster.stop()` in `after()`. Under `npm test` it lives in the run folder,
 * which the launcher sweeps at the end whatever happens; standalone, it is killed at process exit.
 */
export async function startTestCluster(name: string, options: Omit<StartKafkaClusterOptions, 'stateDir'> = {}): Promise<KafkaCluster> {
  const runDir = process.env[TEST_ENV.RUN_DIR];
  const stateDir = runDir === undefined || runDir === '' ? undefined : join(runDir, 'clusters', uniqueName(name));
  return startKafkaCluster({ ...options, ...(stateDir === undefined ? {} : { stateDir }) });
}

/** How a test client connects: which listener, and as whom on SASL_SSL. */
export type TestConnection =
  | { readonly listener: 'plaintext' }
  | { readonly listener: 'ssl'; readonly ca?: string; readonly clientCertificate?: boolean }
  | { readonly listener: 'sasl_ssl'; readonly mechanism: SaslMechanism; readonly password?: string; readonly ca?: string };

/**
 * A kafkajs configuration for `cluster` over `connection` (default plaintext), with kafkajs' own
 * logging silenced (`PUNCHLINE_TEST_KAFKAJS_LOG=info|debug` turns it on) and few retries, so a
 * failing test fails in seconds with the client's error.
 * `ca` overrides the trusted CA (PEM text); `password` overrides the user's password.
 */
export function kafkaConfig(cluster: KafkaClusterDetails, connection: TestConnection = { listener: 'plaintext' }, overrides: Partial<KafkaConfig> = {}): KafkaConfig {
  const base: KafkaConfig = {
    clientId: 'punchline-test',
    brokers: [...cluster.bootstrapServers],
    logLevel: kafkajsLogLevel(),
    connectionTimeout: 5_000,
    retry: { retries: 3, initialRetryTime: 200 },
  };
  if (connection.listener === 'plaintext') return { ...base, ...overrides };
  const security = cluster.security;
  if (security === null) throw new Error(`test kafka: the cluster in ${cluster.stateDir} has no ${connection.listener} listener (start it with security: true)`);
  const ca = connection.ca ?? readFileSync(security.caPath, 'utf8');
  if (connection.listener === 'ssl') {
    const withCertificate = connection.clientCertificate ?? true;
    return {
      ...base,
      brokers: [...security.sslBootstrapServers],
      ssl: withCertificate ? { ca, cert: readFileSync(security.clientCertPath, 'utf8'), key: readFileSync(security.clientKeyPath, 'utf8') } : { ca },
      ...overrides,
    };
  }
  const user = security.users.find((candidate) => candidate.mechanism === connection.mechanism);
  if (user === undefined) throw new Error(`test kafka: the cluster has no ${connection.mechanism} user`);
  return {
    ...base,
    brokers: [...security.saslSslBootstrapServers],
    ssl: { ca },
    sasl: saslOptions(connection.mechanism, user.username, connection.password ?? user.password),
    ...overrides,
  };
}

/** A kafkajs client for `cluster`; see {@link kafkaConfig}. */
export function kafkaClient(cluster: KafkaClusterDetails, connection?: TestConnection, overrides?: Partial<KafkaConfig>): Kafka {
  return new Kafka(kafkaConfig(cluster, connection, overrides));
}

/** A topic or group name no other test (or earlier run on a resumed broker) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/**
 * Runs `consumer` on `topic` from the beginning until `count` messages arrived, then stops it and
 * returns them in arrival order. No timeout of its own: the test runner's timeout applies.
 */
export async function consumeMessages(consumer: Consumer, topic: string, count: number): Promise<KafkaMessage[]> {
  const received: KafkaMessage[] = [];
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer.run({
      eachMessage: ({ message }) => {
        received.push(message);
        if (received.length >= count) resolve();
        return Promise.resolve();
      },
    }).catch(reject);
  });
  await consumer.stop();
  return received;
}

/**
 * Retries `action` while it fails with an error kafkajs marks retriable (metadata not yet
 * propagated to every broker, a leader election under way), every 200 ms, `attempts` times.
 */
export async function eventually<T>(action: () => Promise<T>, attempts = 50): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      // kafkajs wraps a retriable broker error it gave up on (NOT_COORDINATOR) in a non-retriable
      // "retries exceeded": the root cause says whether trying again can help.
      let root: unknown = error;
      while (typeof root === 'object' && root !== null && 'cause' in root && root.cause !== undefined) root = root.cause;
      const retriable = typeof root === 'object' && root !== null && 'retriable' in root && root.retriable === true;
      if (!retriable || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/**
 * Waits until every broker of `cluster` answers metadata for `topic` with a leader for each
 * partition. Right after a topic is created, a broker that has not caught up yet answers "unknown
 * topic", and kafkajs gives up on that in several places (subscribe, createTopics' waitForLeaders).
 */
export async function waitForTopicOnEveryBroker(cluster: KafkaClusterDetails, topic: string): Promise<void> {
  for (const broker of cluster.bootstrapServers) {
    await eventually(async () => {
      const admin = new Kafka({ ...kafkaConfig(cluster), brokers: [broker], retry: { retries: 0 } }).admin();
      try {
        await admin.connect();
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
        if (topics[0]?.partitions.some((partition) => partition.leader < 0) !== false) {
          throw Object.assign(new Error(`${broker} knows no leader for every partition of ${topic} yet`), { retriable: true });
        }
      } finally {
        await admin.disconnect();
      }
    });
  }
}

function kafkajsLogLevel(): logLevel {
  switch (process.env.PUNCHLINE_TEST_KAFKAJS_LOG) {
    case 'debug':
      return logLevel.DEBUG;
    case 'info':
      return logLevel.INFO;
    case 'warn':
      return logLevel.WARN;
    case 'error':
      return logLevel.ERROR;
    default:
      return logLevel.NOTHING;
  }
}

function saslOptions(mechanism: SaslMechanism, username: string, password: string): SASLOptions {
  switch (mechanism) {
    case 'PLAIN':
      return { mechanism: 'plain', username, password };
    case 'SCRAM-SHA-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'SCRAM-SHA-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}

/**
 * The client library the Kafka input and output tests read and write with: kafkajs, or the one
 * `PUNCHLINE_TEST_KAFKA_CLIENT` names (`.ci/run` runs the Kafka node tests once per library).
 */
export function testKafkaClient(): KafkaClientLibrary {
  const client = process.env.PUNCHLINE_TEST_KAFKA_CLIENT ?? 'kafkajs';
  if (client !== 'kafkajs' && client !== 'platformatic') throw new Error(`PUNCHLINE_TEST_KAFKA_CLIENT must be kafkajs or platformatic, not ${JSON.stringify(client)}`);
  return client;
}

/**
 * The environment that makes the example punchlines (their platform config reads
 * `PUNCHLINE_KAFKA_CLIENT`) use the test's client library.
 */
export function examplePlatformEnv(): NodeJS.ProcessEnv {
  return { PUNCHLINE_KAFKA_CLIENT: testKafkaClient() };
}

/**
 * A base port for `punchline kafka start --port`: its plaintext listener (base) and its
 * controller (base + 300) both free.
 */
export async function freeBasePort(): Promise<number> {
  for (;;) {
    const [base] = await findFreePorts(1);
    if (base !== undefined && base + 300 < 65536 && (await isPortFree(base + 300))) return base;
  }
}
