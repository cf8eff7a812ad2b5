/**
 * The {@link ClusterAdmin} of clusters declared with `client: "kafkajs"` (the default): a kafkajs
 * admin client built by the client factory.
 */
import type { Admin } from 'kafkajs';
import type { Logger } from 'pino';
import { createKafkaClient } from './client-factory.js';
import type { BrokerAddress, ClusterAdmin, ClusterAdminOptions, NewTopic, PartitionLeader, PartitionOffset, PartitionOffsetRange } from './cluster-admin.js';
import type { ResolvedCluster } from './cluster-resolution.js';

export class KafkajsClusterAdmin implements ClusterAdmin {
  readonly #admin: Admin;

  constructor(cluster: ResolvedCluster, logger: Logger, options: ClusterAdminOptions) {
    this.#admin = createKafkaClient(cluster, logger, options.retries === undefined ? {} : { retry: { retries: options.retries } }).admin();
  }

  connect(): Promise<void> {
    return this.#admin.connect();
  }

  listTopics(): Promise<string[]> {
    return this.#admin.listTopics();
  }

  async partitionsOf(topic: string): Promise<PartitionLeader[]> {
    const metadata = await this.#admin.fetchTopicMetadata({ topics: [topic] });
    const partitions = metadata.topics.find((t) => t.name === topic)?.partitions ?? [];
    return partitions.map((p) => ({ partition: p.partitionId, leader: p.leader })).sort((a, b) => a.partition - b.partition);
  }

  async topicOffsets(topic: string): Promise<PartitionOffsetRange[]> {
    const offsets = await this.#admin.fetchTopicOffsets(topic);
    return offsets.map((o) => ({ partition: o.partition, low: o.low, high: o.high })).sort((a, b) => a.partition - b.partition);
  }

  async offsetsAtTime(topic: string, timestamp: number): Promise<PartitionOffset[]> {
    // kafkajs answers the next offset of a partition that has no record at or after the time.
    const offsets = await this.#admin.fetchTopicOffsetsByTimestamp(topic, timestamp);
    return offsets.map((o) => ({ partition: o.partition, offset: o.offset })).sort((a, b) => a.partition - b.partition);
  }

  async createTopics(topics: readonly NewTopic[]): Promise<void> {
    await this.#admin.createTopics({
      topics: topics.map((t) => ({
        topic: t.topic,
        numPartitions: t.partitions,
        replicationFactor: t.replicationFactor,
        ...(t.configs !== undefined && { configEntries: Object.entries(t.configs).map(([name, value]) => ({ name, value })) }),
      })),
      waitForLeaders: false,
    });
  }

  async brokers(): Promise<BrokerAddress[]> {
    const { brokers } = await this.#admin.describeCluster();
    return brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port }));
  }

  async disconnect(): Promise<void> {
    await this.#admin.disconnect().catch(() => undefined);
  }
}
