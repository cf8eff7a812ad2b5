/**
 * The {@link RecordProducer} of @platformatic/kafka, for clusters declared with
 * `client: "platformatic"`: the same addresses, timeouts, TLS and SASL as the kafkajs clients
 * (`platformatic-connection.ts`), records as Buffers without serializers.
 *
 * Where its defaults are not Java's, this says otherwise: a keyed record goes to Java's murmur2
 * partition (its `compatibilityPartitioner`; its own default masks differently), a record without
 * key round robin per topic (the compatibility partitioner would put them all on partition 0).
 */
import { Producer, ProduceAcks, compatibilityPartitioner } from '@platformatic/kafka';
import type { MessageToProduce } from '@platformatic/kafka';
import type { Logger } from 'pino';
import type { BrokerContacts } from './broker-contacts.js';
import type { ResolvedCluster } from './cluster-resolution.js';
import { effective } from './cluster-resolution.js';
import { ConnectionFailures, exponentialRetryDelay, platformaticConnection } from './platformatic-connection.js';
import type { RecordProducer, RecordProducerOptions, SendOptions, TopicRecords } from './record-producer.js';

/** The longest wait between two tries of a produce request, kafkajs' default. */
const MAX_RETRY_DELAY_MS = 30_000;
const ACKS: Readonly<Record<SendOptions['acks'], number>> = { [-1]: ProduceAcks.ALL, 0: ProduceAcks.NO_RESPONSE, 1: ProduceAcks.LEADER };

export class PlatformaticRecordProducer implements RecordProducer {
  readonly #producer: Producer<Buffer, Buffer, Buffer, Buffer>;
  readonly #logger: Logger;
  readonly #clusterId: string;
  readonly #roundRobin = new Map<string, number>();
  readonly #failures: ConnectionFailures;
  readonly #contacts: BrokerContacts | undefined;

  constructor(cluster: ResolvedCluster, logger: Logger, options: RecordProducerOptions) {
    const { timeoutMs } = effective(cluster.config);
    this.#logger = logger.child({ cluster: cluster.id });
    this.#clusterId = cluster.id;
    this.#producer = new Producer<Buffer, Buffer, Buffer, Buffer>({
      ...platformaticConnection(cluster),
      // The broker holds a produce request up to the ack timeout: the local timeout waits longer.
      timeout: options.ackTimeoutMs,
      requestTimeout: timeoutMs + options.ackTimeoutMs,
      retries: options.retries,
      // kafkajs' back-off (its maxRetryTime): the retries are the node's `retries`, documented as exponential.
      retryDelay: exponentialRetryDelay(MAX_RETRY_DELAY_MS),
      maxInflights: options.maxInFlightRequests,
      idempotent: options.idempotent,
      autocreateTopics: false,
      partitioner: (message, key) => (key === undefined ? this.#nextRoundRobin(message.topic) : compatibilityPartitioner(message, key)),
    });
    this.#failures = new ConnectionFailures(this.#producer);
    this.#contacts = cluster.contacts;
    const contacts = cluster.contacts;
    if (contacts !== undefined) {
      this.#producer.on('client:broker:connect', (event: { broker?: { host?: string; port?: number } }) => {
        if (event.broker?.host !== undefined) contacts.answered(`${event.broker.host}:${String(event.broker.port)}`, 'Metadata'); // connected: no role is known from it
      });
    }
  }

  #nextRoundRobin(topic: string): number {
    const next = this.#roundRobin.get(topic) ?? 0;
    this.#roundRobin.set(topic, (next + 1) % 0x7fffffff);
    return next;
  }

  /** Connects to the bootstrap brokers and reads the cluster's metadata, so a wrong address, login or client certificate fails here. */
  async connect(): Promise<void> {
    try {
      await this.#producer.metadata({ topics: [] });
    } catch (error) {
      throw this.#failures.explain(error);
    }
    this.#logger.debug(`Connected the @platformatic/kafka producer of cluster "${this.#clusterId}".`);
  }

  async send(batches: readonly TopicRecords[], options: SendOptions): Promise<void> {
    const messages: MessageToProduce<Buffer, Buffer, Buffer, Buffer>[] = [];
    for (const { topic, records } of batches) {
      for (const record of records) {
        const message: MessageToProduce<Buffer, Buffer, Buffer, Buffer> = { topic, value: record.value };
        if (record.key !== null) message.key = record.key;
        if (record.partition !== undefined) message.partition = record.partition;
        // Without serializers, header names travel as bytes too.
        if (record.headers !== undefined) message.headers = new Map(Object.entries(record.headers).map(([name, value]) => [Buffer.from(name, 'utf8'), value]));
        messages.push(message);
      }
    }
    await this.#producer.send({ messages, acks: ACKS[options.acks], ...(options.compression === 'gzip' && { compression: 'gzip' }) });
    if (this.#contacts !== undefined) this.#leadersAnswered(this.#contacts, batches);
  }

  /**
   * Records the leaders of the partitions just written as having answered a produce request (the
   * library tells no request's broker): a broker that fails later is then named as a leader
   * this client writes to. A record without a partition may have gone to any of its topic's.
   */
  #leadersAnswered(contacts: BrokerContacts, batches: readonly TopicRecords[]): void {
    const metadata = this.#producer.currentMetadata;
    if (metadata === undefined) return;
    for (const { topic, records } of batches) {
      const partitions = metadata.topics.get(topic)?.partitions ?? [];
      const written = records.every((record) => record.partition !== undefined) ? new Set(records.map((record) => record.partition)) : undefined;
      const leaders = new Set(partitions.filter((_, partition) => written === undefined || written.has(partition)).map((p) => p.leader));
      for (const leader of leaders) {
        const broker = metadata.brokers.get(leader);
        if (broker !== undefined) contacts.answered(`${broker.host}:${String(broker.port)}`, 'Produce');
      }
    }
  }

  async disconnect(): Promise<void> {
    await this.#producer.close();
  }
}
