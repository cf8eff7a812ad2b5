/**
 * The {@link ClusterAdmin} of clusters declared with `client: "kafkajs"` (the default): a kafkajs
 * admin client built by the client factory.
 */
import { AssignerProtocol } from 'kafkajs';
import type { Admin } from 'kafkajs';
import type { Logger } from 'pino';
import { createKafkaClient } from './client-factory.js';
import type {
  BrokerAddress,
  ClusterAdmin,
  ClusterAdminOptions,
  CommittedOffsets,
  GroupDescription,
  GroupMember,
  NewTopic,
  PartitionLeader,
  PartitionOffset,
  PartitionOffsetRange,
} from './cluster-admin.js';
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

  async createPartitions(topic: string, count: number): Promise<void> {
    await this.#admin.createPartitions({ topicPartitions: [{ topic, count }] });
  }

  async listGroups(): Promise<string[]> {
    return (await this.#admin.listGroups()).groups.map((g) => g.groupId).sort();
  }

  async describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]> {
    if (groupIds.length === 0) return [];
    const { groups } = await this.#admin.describeGroups([...groupIds]);
    return groupIds.map((groupId) => {
      const group = groups.find((g) => g.groupId === groupId);
      if (group === undefined) return { groupId, state: 'Dead', members: [] };
      return {
        groupId,
        state: group.state,
        members: group.members.map((m) => ({ memberId: m.memberId, clientId: m.clientId, host: m.clientHost, assignment: decodeAssignment(m.memberAssignment) })),
      };
    });
  }

  async committedOffsets(groupId: string, topics?: readonly string[]): Promise<CommittedOffsets[]> {
    // kafkajs lists every partition of the topics named, and asks the broker for the others.
    for (const topic of topics ?? []) await this.partitionsOf(topic);
    const committed = await this.#admin.fetchOffsets(topics === undefined ? { groupId } : { groupId, topics: [...topics] });
    return committed
      .map(({ topic, partitions }) => ({
        topic,
        partitions: partitions
          .filter((p) => topics !== undefined || Number(p.offset) >= 0)
          .map((p) => ({ partition: p.partition, offset: Number(p.offset) >= 0 ? p.offset : '-1' }))
          .sort((a, b) => a.partition - b.partition),
      }))
      .filter((t) => t.partitions.length > 0 || topics !== undefined);
  }

  async setCommittedOffsets(groupId: string, topic: string, partitions: readonly PartitionOffset[]): Promise<void> {
    await this.#admin.setOffsets({ groupId, topic, partitions: partitions.map(({ partition, offset }) => ({ partition, offset })) });
  }

  async brokers(): Promise<BrokerAddress[]> {
    const { brokers } = await this.#admin.describeCluster();
    return brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port }));
  }

  async disconnect(): Promise<void> {
    await this.#admin.disconnect().catch(() => undefined);
  }
}

/** A member's assignment, which `describeGroups` gives as the consumer protocol's bytes. */
function decodeAssignment(bytes: Buffer): GroupMember['assignment'] {
  const decoded = bytes.length === 0 ? null : AssignerProtocol.MemberAssignment.decode(bytes);
  if (decoded === null) return [];
  return Object.entries(decoded.assignment)
    .map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }))
    .sort((a, b) => a.topic.localeCompare(b.topic));
}
