/**
 * The {@link ClusterAdmin} of clusters declared with `client: "platformatic"`: the library's
 * `Admin`, with its metadata (partitions, leaders, brokers), `listOffsets` (offset ranges, by
 * time), and its group operations (`listGroups`, `describeGroups`, `listConsumerGroupOffsets`,
 * `alterConsumerGroupOffsets`). The same addresses, timeouts, TLS and SASL as the cluster's other clients
 * (`platformatic-connection.ts`), and kafkajs' retries: 5, 300 ms doubled.
 */
import { Admin, ProtocolError } from '@platformatic/kafka';
import type {
  BrokerAddress,
  ClusterAdmin,
  ClusterAdminOptions,
  CommittedOffsets,
  GroupDescription,
  NewTopic,
  PartitionLeader,
  PartitionOffset,
  PartitionOffsetRange,
} from './cluster-admin.js';
import type { ResolvedCluster } from './cluster-resolution.js';
import { effective } from './cluster-resolution.js';
import { classifyKafkaError } from './kafka-errors.js';
import { ConnectionFailures, exponentialRetryDelay, platformaticConnection } from './platformatic-connection.js';

/** kafkajs' default retries of an admin request, and its longest delay. */
const RETRIES = 5;
const MAX_RETRY_DELAY_MS = 30_000;
/** ListOffsets' timestamps that ask for the first offset and the next one. */
const EARLIEST = -2n;
const LATEST = -1n;

export class PlatformaticClusterAdmin implements ClusterAdmin {
  readonly #admin: Admin;
  readonly #failures: ConnectionFailures;

  constructor(cluster: ResolvedCluster, options: ClusterAdminOptions) {
    const { timeoutMs } = effective(cluster.config);
    const retries = options.retries ?? RETRIES;
    this.#admin = new Admin({
      ...platformaticConnection(cluster),
      timeout: timeoutMs,
      requestTimeout: timeoutMs,
      retries: retries === 0 ? false : retries,
      retryDelay: exponentialRetryDelay(MAX_RETRY_DELAY_MS),
      autocreateTopics: false,
    });
    this.#failures = new ConnectionFailures(this.#admin);
  }

  /**
   * The library connects on the first request: this one asks for the brokers, so that an
   * unreachable cluster, a refused login or client certificate fails here.
   */
  async connect(): Promise<void> {
    try {
      await this.#admin.metadata({ topics: [], forceUpdate: true });
    } catch (error) {
      throw this.#failures.explain(error);
    }
  }

  listTopics(): Promise<string[]> {
    return this.#admin.listTopics({ includeInternals: true });
  }

  async partitionsOf(topic: string): Promise<PartitionLeader[]> {
    // The library retries the metadata of a topic that does not exist for as long as any other
    // failure, then says so in an error of its own: asked first, it fails at once, as kafkajs.
    if (!(await this.listTopics()).includes(topic)) throw new ProtocolError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${topic}" does not exist`);
    const metadata = await this.#admin.metadata({ topics: [topic], forceUpdate: true });
    const partitions = metadata.topics.get(topic)?.partitions ?? [];
    return partitions.map((p, partition) => ({ partition, leader: p.leader }));
  }

  async topicOffsets(topic: string): Promise<PartitionOffsetRange[]> {
    const partitions = await this.partitionsOf(topic);
    const [low, high] = await Promise.all([this.#listOffsets(topic, partitions, EARLIEST), this.#listOffsets(topic, partitions, LATEST)]);
    return partitions.map(({ partition }) => ({ partition, low: String(low.get(partition) ?? 0n), high: String(high.get(partition) ?? 0n) }));
  }

  async offsetsAtTime(topic: string, timestamp: number): Promise<PartitionOffset[]> {
    const partitions = await this.partitionsOf(topic);
    const [atTime, high] = await Promise.all([this.#listOffsets(topic, partitions, BigInt(timestamp)), this.#listOffsets(topic, partitions, LATEST)]);
    return partitions.map(({ partition }) => {
      const offset = atTime.get(partition) ?? -1n;
      // -1: no record at or after the time; reading starts after the last one, as kafkajs answers.
      return { partition, offset: String(offset >= 0n ? offset : (high.get(partition) ?? 0n)) };
    });
  }

  async createTopics(topics: readonly NewTopic[]): Promise<void> {
    // One request per topic: the library's request takes its configuration for every topic.
    for (const t of topics) {
      try {
        await this.#admin.createTopics({
          topics: [{ topic: t.topic, partitions: t.partitions, replicas: t.replicationFactor }],
          ...(t.configs !== undefined && { configs: Object.entries(t.configs).map(([name, value]) => ({ name, value })) }),
        });
      } catch (error) {
        // As kafkajs: a topic that exists already is left as it is, without an error.
        const types = classifyKafkaError(error).brokerErrorTypes;
        if (types.length === 0 || types.some((type) => type !== 'TOPIC_ALREADY_EXISTS')) throw error;
      }
    }
  }

  async createPartitions(topic: string, count: number): Promise<void> {
    await this.#admin.createPartitions({ topics: [{ name: topic, count }] });
  }

  async listGroups(): Promise<string[]> {
    return [...(await this.#admin.listGroups()).keys()].sort();
  }

  async describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]> {
    if (groupIds.length === 0) return [];
    const groups = await this.#admin.describeGroups({ groups: [...groupIds] });
    return groupIds.map((groupId) => {
      const group = groups.get(groupId);
      if (group === undefined) return { groupId, state: 'Dead', members: [] };
      return {
        groupId,
        state: group.state,
        members: [...group.members.values()].map((m) => ({
          memberId: m.id,
          clientId: m.clientId,
          host: m.clientHost,
          assignment: [...(m.assignments?.values() ?? [])]
            .filter((a) => a.partitions.length > 0)
            .map((a) => ({ topic: a.topic, partitions: [...a.partitions].sort((x, y) => x - y) }))
            .sort((a, b) => a.topic.localeCompare(b.topic)),
        })),
      };
    });
  }

  async committedOffsets(groupId: string, topics?: readonly string[]): Promise<CommittedOffsets[]> {
    if (topics === undefined) {
      const [group] = await this.#admin.listConsumerGroupOffsets({ groups: [groupId] });
      return (group?.topics ?? [])
        .map((t) => ({
          topic: t.name,
          partitions: t.partitions
            .filter((p) => p.committedOffset >= 0n)
            .map((p) => ({ partition: p.partitionIndex, offset: String(p.committedOffset) }))
            .sort((a, b) => a.partition - b.partition),
        }))
        .filter((t) => t.partitions.length > 0);
    }
    // Every partition of the topics named, as kafkajs lists them: the broker answers -1 where nothing is committed.
    const named: { name: string; partitionIndexes: number[] }[] = [];
    for (const topic of topics) named.push({ name: topic, partitionIndexes: (await this.partitionsOf(topic)).map((p) => p.partition) });
    const [group] = await this.#admin.listConsumerGroupOffsets({ groups: [{ groupId, topics: named }] });
    return named.map(({ name, partitionIndexes }) => {
      const answered = new Map((group?.topics.find((t) => t.name === name)?.partitions ?? []).map((p) => [p.partitionIndex, p.committedOffset]));
      return {
        topic: name,
        partitions: partitionIndexes.map((partition) => {
          const offset = answered.get(partition) ?? -1n;
          return { partition, offset: String(offset >= 0n ? offset : -1n) };
        }),
      };
    });
  }

  async setCommittedOffsets(groupId: string, topic: string, partitions: readonly PartitionOffset[]): Promise<void> {
    await this.#admin.alterConsumerGroupOffsets({ groupId, topics: [{ name: topic, partitionOffsets: partitions.map(({ partition, offset }) => ({ partition, offset: BigInt(offset) })) }] });
  }

  async brokers(): Promise<BrokerAddress[]> {
    const metadata = await this.#admin.metadata({ topics: [], forceUpdate: true });
    return [...metadata.brokers].map(([nodeId, { host, port }]) => ({ nodeId, host, port }));
  }

  async disconnect(): Promise<void> {
    await this.#admin.close().catch(() => undefined);
  }

  /** The offsets `ListOffsets` answers for `timestamp` on every partition, by partition. */
  async #listOffsets(topic: string, partitions: readonly PartitionLeader[], timestamp: bigint): Promise<Map<number, bigint>> {
    const answer = await this.#admin.listOffsets({ topics: [{ name: topic, partitions: partitions.map(({ partition }) => ({ partitionIndex: partition, timestamp })) }] });
    return new Map((answer.find((t) => t.name === topic)?.partitions ?? []).map((p) => [p.partitionIndex, p.offset]));
  }
}
