/**
 * The {@link RecordProducer} of kafkajs: one kafkajs producer with Java's default partitioner, no
 * topic auto-creation, `sendBatch` per send.
 */
import { CompressionTypes, Partitioners } from 'kafkajs';
import type { Message, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { createKafkaClient } from './client-factory.js';
import type { ResolvedCluster } from './cluster-resolution.js';
import type { RecordProducer, RecordProducerOptions, SendOptions, TopicRecords } from './record-producer.js';

export class KafkajsRecordProducer implements RecordProducer {
  readonly #producer: Producer;
  readonly #ackTimeoutMs: number;

  constructor(cluster: ResolvedCluster, logger: Logger, options: RecordProducerOptions) {
    const { idempotent, maxInFlightRequests, retries } = options;
    this.#ackTimeoutMs = options.ackTimeoutMs;
    this.#producer = createKafkaClient(cluster, logger).producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      idempotent,
      maxInFlightRequests,
      retry: { retries },
    });
  }

  connect(): Promise<void> {
    return this.#producer.connect();
  }

  async send(batches: readonly TopicRecords[], options: SendOptions): Promise<void> {
    await this.#producer.sendBatch({
      topicMessages: batches.map(({ topic, records }) => ({ topic, messages: records.map(message) })),
      acks: options.acks,
      timeout: this.#ackTimeoutMs,
      compression: options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
    });
  }

  disconnect(): Promise<void> {
    return this.#producer.disconnect();
  }
}

function message(record: TopicRecords['records'][number]): Message {
  const sent: Message = { key: record.key, value: record.value };
  if (record.partition !== undefined) sent.partition = record.partition;
  if (record.headers !== undefined) sent.headers = { ...record.headers };
  return sent;
}
