/**
 * The one place kafkajs clients are built, from a resolved cluster: addresses, timeouts, TLS
 * (verification on unless `insecure_skip_verify`), SASL (PLAIN, SCRAM, OAUTHBEARER), client id,
 * and every kafkajs log line routed into our logger. Every Kafka node and command goes through
 * it, so security options behave the same everywhere.
 *
 * Files (CA, certificate, key, password, token) are read when the client is created, so a missing
 * file fails at start with the cluster named. Secrets are never logged: kafkajs logs none, and
 * the logger redacts secret keys besides.
 *
 * A `Kafka` object holds no connection; its producers, consumers and admins do, and whoever
 * creates one disconnects it. Outputs share one producer per cluster through the `ProducerPool` of kafka_output, which the run hands them (`ctx.connection`).
 */
import { connect as netConnect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ConnectionOptions } from 'node:tls';
import { Kafka } from 'kafkajs';
import type { Admin, AdminConfig, Consumer, ConsumerConfig, ISocketFactory, KafkaConfig, Producer, ProducerConfig, RetryOptions } from 'kafkajs';
import type { BrokerContacts } from './broker-contacts.js';
import type { Logger } from 'pino';
import type { ResolvedCluster } from './cluster-resolution.js';
import { effective } from './cluster-resolution.js';
import { kafkajsLevel, kafkajsLogCreator } from './kafkajs-logging.js';
import { saslOptions } from './sasl-options.js';
import { tlsConnectionOptions } from './tls-options.js';

/** Choices a caller may make beyond the cluster declaration. */
export interface KafkaClientOptions {
  /**
   * kafkajs retries of connections and retriable requests; default kafkajs' 5 (about 10 s of
   * back-off in all). `config check` uses fewer, to answer quickly about a dead cluster.
   */
  readonly retry?: RetryOptions;
}

/** kafkajs' keep-alive delay on its sockets. */
const KEEP_ALIVE_DELAY_MS = 60_000;

/**
 * kafkajs' own socket factory, with Nagle's algorithm off (`setNoDelay`), as the Java client
 * (`TCP_NODELAY`) and @platformatic/kafka set it. kafkajs leaves it on: a request written while
 * the previous one's bytes are not yet acknowledged by the peer (a fetch long-polling, a produce
 * answered) waits for that acknowledgement, which the peer may delay by up to 40 ms.
 */
const noDelaySocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  // kafkajs hands over the client's `ssl` as it was given (true, TLS options), or null without it.
  const tls = ssl as ConnectionOptions | boolean | null | undefined;
  const socket =
    tls === null || tls === undefined || tls === false
      ? netConnect({ host, port }, onConnect)
      : tlsConnect({ host, port, ...(isIP(host) === 0 && { servername: host }), ...(tls === true ? {} : tls) }, onConnect);
  socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
  socket.setNoDelay(true);
  return socket;
};

/** The kafkajs configuration of a cluster (exposed for tests and `config check`). */
export function kafkaConfig(cluster: ResolvedCluster, logger: Logger, options: KafkaClientOptions = {}): KafkaConfig {
  const { config } = cluster;
  const { timeoutMs } = effective(config);
  const ssl = tlsConnectionOptions(config.tls, cluster.id);
  const sasl = saslOptions(config.sasl, cluster.id, timeoutMs);
  return {
    clientId: config.client_id,
    brokers: [...config.brokers],
    connectionTimeout: timeoutMs,
    authenticationTimeout: timeoutMs,
    // Kapacitor's `timeout` bounds every network operation. kafkajs lengthens it on its own where a
    // broker legitimately holds a request (fetch long polls, group joins); a producer waiting for
    // acks=all must keep its `timeout` below this one.
    requestTimeout: timeoutMs,
    socketFactory: noDelaySocketFactory,
    ...(ssl !== undefined && { ssl }),
    ...(sasl !== undefined && { sasl }),
    ...(options.retry !== undefined && { retry: options.retry }),
    logLevel: kafkajsLevel(logger),
    logCreator: kafkajsLogCreator(logger.child({ cluster: cluster.id })),
  };
}

/**
 * A kafkajs client for the cluster. Producers, consumers and admins made from it share its
 * settings. Throws `E_FILE_IO` when a file the declaration names cannot be read.
 */
export function createKafkaClient(cluster: ResolvedCluster, logger: Logger, options: KafkaClientOptions = {}): Kafka {
  const config = kafkaConfig(cluster, logger, options);
  return cluster.contacts === undefined ? new Kafka(config) : new ContactRecordingKafka(config, cluster.contacts);
}

/**
 * A kafkajs client whose producers, consumers and admins record every broker that answers them
 * in the cluster's {@link BrokerContacts}, for error messages that say which brokers answered.
 */
class ContactRecordingKafka extends Kafka {
  readonly #contacts: BrokerContacts;

  constructor(config: KafkaConfig, contacts: BrokerContacts) {
    super(config);
    this.#contacts = contacts;
  }

  override producer(config?: ProducerConfig): Producer {
    const producer = super.producer(config);
    producer.on(producer.events.REQUEST, ({ payload }) => this.#contacts.answered(payload.broker, payload.apiName));
    return producer;
  }

  override consumer(config: ConsumerConfig): Consumer {
    const consumer = super.consumer(config);
    consumer.on(consumer.events.REQUEST, ({ payload }) => this.#contacts.answered(payload.broker, payload.apiName));
    return consumer;
  }

  override admin(config?: AdminConfig): Admin {
    const admin = super.admin(config);
    admin.on(admin.events.REQUEST, ({ payload }) => this.#contacts.answered(payload.broker, payload.apiName));
    return admin;
  }
}
