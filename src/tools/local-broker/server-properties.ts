/**
 * The broker's configuration files, derived from the cluster manifest: one `server.properties` per
 * node (a KRaft combined broker+controller) and the logging configuration. They are regenerated on
 * every start, so the manifest stays the one source of truth.
 *
 * Listeners, all on 127.0.0.1:
 * - `PLAINTEXT`: clients and inter-broker traffic;
 * - `CONTROLLER`: the KRaft quorum;
 * - `SSL` (secured clusters): TLS with the generated CA, client certificates per `ssl.client.auth`;
 * - `SASL_SSL` (secured clusters): TLS without client certificates, SCRAM-SHA-256, SCRAM-SHA-512,
 *   PLAIN and, unless disabled, OAUTHBEARER with unsigned JWS tokens.
 */
import { join } from 'node:path';
import type { ClusterManifest } from './cluster-manifest.js';
import { LOOPBACK } from './tcp-ports.js';
import { plainServerJaasConfig } from './sasl-users.js';
import type { KafkaVersion } from './kafka-version.js';
import { usesLog4j2 } from './kafka-version.js';

/** The SASL mechanisms a secured cluster enables, OAUTHBEARER last. */
export function enabledSaslMechanisms(manifest: ClusterManifest): string[] {
  return ['SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN', ...(manifest.security?.oauthBearer === true ? ['OAUTHBEARER'] : [])];
}

/** The folder of node `id` in a state folder: its properties, data, log and pid file. */
export function nodeDir(stateDir: string, id: number): string {
  return join(stateDir, `node-${id}`);
}

/** Renders `server.properties` of node `index` of the manifest. */
export function renderServerProperties(manifest: ClusterManifest, index: number, stateDir: string, version: KafkaVersion): string {
  const node = manifest.nodes[index];
  if (node === undefined) throw new RangeError(`no node ${index} in a ${manifest.nodes.length}-node cluster`);
  const size = manifest.nodes.length;
  const replication = Math.min(3, size);
  const { ports } = node;
  const listeners = [`PLAINTEXT://${LOOPBACK}:${ports.plaintext}`];
  if (ports.ssl !== undefined) listeners.push(`SSL://${LOOPBACK}:${ports.ssl}`);
  if (ports.saslSsl !== undefined) listeners.push(`SASL_SSL://${LOOPBACK}:${ports.saslSsl}`);

  const lines: [string, string | number][] = [
    ['process.roles', 'broker,controller'],
    ['node.id', node.id],
    ['controller.quorum.voters', manifest.nodes.map((voter) => `${voter.id}@${LOOPBACK}:${voter.ports.controller}`).join(',')],
    ['controller.listener.names', 'CONTROLLER'],
    ['listeners', [...listeners, `CONTROLLER://${LOOPBACK}:${ports.controller}`].join(',')],
    ['advertised.listeners', listeners.join(',')],
    ['listener.security.protocol.map', 'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT'],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['log.dirs', join(nodeDir(stateDir, node.id), 'data')],
    // Internal topics as replicated as the cluster allows (1 on a single node, 3 on three).
    ['offsets.topic.replication.factor', replication],
    ['transaction.state.log.replication.factor', replication],
    ['transaction.state.log.min.isr', Math.min(2, size)],
    ['default.replication.factor', replication],
    ['num.partitions', 1],
    // A consumer group's first member starts at once instead of after 3 s: tests and demos join often.
    ['group.initial.rebalance.delay.ms', 0],
    // Sized for a laptop or a 2-core CI runner rather than a production box.
    ['num.network.threads', 2],
    ['num.io.threads', 4],
    ['log.cleaner.dedupe.buffer.size', 16 * 1024 * 1024],
  ];
  if (version.major >= 4) {
    lines.push(['share.coordinator.state.topic.replication.factor', replication], ['share.coordinator.state.topic.min.isr', Math.min(2, size)]);
  }
  const security = manifest.security;
  if (security !== null) {
    lines.push(
      ['ssl.keystore.type', 'PEM'],
      ['ssl.keystore.location', security.tls.brokerKeystorePath],
      ['ssl.truststore.type', 'PEM'],
      ['ssl.truststore.location', security.tls.caPath],
      ['listener.name.ssl.ssl.client.auth', security.clientAuth],
      ['listener.name.sasl_ssl.ssl.client.auth', 'none'],
      ['sasl.enabled.mechanisms', enabledSaslMechanisms(manifest).join(',')],
      ['listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config', 'org.apache.kafka.common.security.scram.ScramLoginModule required;'],
      ['listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config', 'org.apache.kafka.common.security.scram.ScramLoginModule required;'],
      ['listener.name.sasl_ssl.plain.sasl.jaas.config', plainServerJaasConfig(security.users)],
    );
    if (security.oauthBearer) {
      // No sasl.server.callback.handler.class: Kafka then validates tokens with its built-in
      // unsecured JWS handler (alg "none", `sub` as the principal, `exp` required).
      lines.push(['listener.name.sasl_ssl.oauthbearer.sasl.jaas.config',
        'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="punchline-broker";']);
    }
  }
  const header = `# Written by punchline from ${join(stateDir, 'cluster.json')} on every start: edits here are lost.\n`;
  return header + lines.map(([key, value]) => `${key}=${escapeValue(String(value))}`).join('\n') + '\n';
}

/** Where the logging configuration of a state folder lives, for the broker or for short-lived tools. */
export function loggingConfigPath(stateDir: string, version: KafkaVersion, purpose: 'broker' | 'tool'): string {
  const suffix = purpose === 'tool' ? '-tools' : '';
  return join(stateDir, usesLog4j2(version) ? `log4j2${suffix}.properties` : `log4j${suffix}.properties`);
}

/** The JVM system property that points the logging backend of this Kafka at `path`. */
export function loggingSystemProperty(version: KafkaVersion, path: string): string {
  return usesLog4j2(version) ? `-Dlog4j2.configurationFile=${path}` : `-Dlog4j.configuration=file:${path}`;
}

/**
 * Logging configuration: everything to stdout (redirected to the node's `broker.log`), INFO for
 * the broker so startup and shutdown can be followed, WARN for tools such as StorageTool.
 */
export function renderLoggingConfig(version: KafkaVersion, purpose: 'broker' | 'tool'): string {
  const level = purpose === 'broker' ? 'INFO' : 'WARN';
  const quiet = ['kafka.request.logger', 'state.change.logger', 'org.apache.kafka.storage.internals.log.LogLoader'];
  if (usesLog4j2(version)) {
    return [
      'status = warn',
      'appender.stdout.type = Console',
      'appender.stdout.name = STDOUT',
      'appender.stdout.layout.type = PatternLayout',
      'appender.stdout.layout.pattern = [%d] %p %m (%c)%n',
      `rootLogger.level = ${level}`,
      'rootLogger.appenderRef.stdout.ref = STDOUT',
      ...quiet.flatMap((name, i) => [`logger.quiet${i}.name = ${name}`, `logger.quiet${i}.level = WARN`]),
      '',
    ].join('\n');
  }
  return [
    `log4j.rootLogger=${level}, stdout`,
    'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
    'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
    ...quiet.map((name) => `log4j.logger.${name}=WARN`),
    '',
  ].join('\n');
}

function escapeValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
