/**
 * A channel's topics, as its `channel_structure.json5` declares them, made real before its
 * punchlines start: a missing topic is created with its partitions, replication factor and
 * configs; an existing topic with fewer partitions than declared is an error (its keys would land
 * on other partitions than the channel's producers expect), unless `alter` says to add the missing
 * partitions. Nothing is ever deleted, and an existing topic keeps its replication and configs.
 *
 * Used by `punchline channel start` and by `punchline demo`.
 */
import type { Logger } from 'pino';
import { PunchlineError } from '../../core/errors.js';
import { createClusterAdmin } from '../../libraries/kafka/cluster-admin.js';
import type { ClusterAdmin } from '../../libraries/kafka/cluster-admin.js';
import { effective, resolveCluster } from '../../libraries/kafka/cluster-resolution.js';
import type { ResolvedCluster } from '../../libraries/kafka/cluster-resolution.js';
import { translateKafkaError } from '../../libraries/kafka/kafka-errors.js';
import type { ChannelStructure } from '../../runtime/config/channel-structure.js';
import type { PlatformConfig } from '../../runtime/config/platform-config.js';
import { createTopicsWithLeaders } from '../../../nodes/kafka_output/topic-creation.js';

/** A topic as the channel declares it. */
export type DeclaredTopic = ChannelStructure['topics'][number];

/** What was done about one declared topic. */
export interface TopicOutcome {
  readonly cluster: string;
  readonly topic: string;
  readonly action: 'created' | 'kept' | 'partitions_added';
  /** The partition count it has now. */
  readonly partitions: number;
}

/**
 * Creates the channel's missing topics and checks the others, cluster by cluster.
 * @throws {PunchlineError} `E_CONFIG_INVALID` naming every topic with fewer partitions than
 * declared (with `--alter` as the fix), before anything is created; a translated Kafka error when
 * a cluster does not answer or refuses a creation.
 */
export async function ensureChannelTopics(structure: ChannelStructure, platform: PlatformConfig, logger: Logger, options: { readonly alter: boolean }): Promise<TopicOutcome[]> {
  const byCluster = new Map<string, DeclaredTopic[]>();
  for (const topic of structure.topics) byCluster.set(topic.cluster, [...(byCluster.get(topic.cluster) ?? []), topic]);
  const outcomes: TopicOutcome[] = [];
  for (const [clusterId, topics] of byCluster) {
    const cluster = resolveCluster({ clusterId, path: '/topics' }, platform);
    const admin = createClusterAdmin(cluster, logger);
    try {
      await admin.connect();
      outcomes.push(...(await ensureOnCluster(admin, cluster, topics, structure.file, options.alter, logger)));
    } catch (error) {
      throw error instanceof PunchlineError ? error : translateKafkaError(error, cluster, 'preparing the channel topics');
    } finally {
      await admin.disconnect();
    }
  }
  return outcomes;
}

async function ensureOnCluster(admin: ClusterAdmin, cluster: ResolvedCluster, topics: readonly DeclaredTopic[], file: string, alter: boolean, logger: Logger): Promise<TopicOutcome[]> {
  const existing = new Set(await admin.listTopics());
  const present = topics.filter((t) => existing.has(t.name));
  const counts = new Map<string, number>();
  for (const t of present) counts.set(t.name, (await admin.partitionsOf(t.name)).length);
  const short = present.filter((t) => (counts.get(t.name) ?? 0) < t.partitions);
  if (short.length > 0 && !alter) {
    const list = short.map((t) => `"${t.name}" has ${counts.get(t.name) ?? 0} partition(s), ${t.partitions} declared`).join('; ');
    throw new PunchlineError('E_CONFIG_INVALID', `${file}: kafka cluster "${cluster.id}": ${list}`, {
      hint: 'add the partitions with --alter (keys then map to other partitions than before), or declare the count the topic has',
    });
  }
  const outcomes: TopicOutcome[] = [];
  for (const t of present) {
    const had = counts.get(t.name) ?? 0;
    if (had < t.partitions) {
      await admin.createPartitions(t.name, t.partitions);
      logger.info({ cluster: cluster.id, topic: t.name, from: had, to: t.partitions }, `Added partitions to topic "${t.name}": ${had} → ${t.partitions}.`);
      outcomes.push({ cluster: cluster.id, topic: t.name, action: 'partitions_added', partitions: t.partitions });
    } else {
      outcomes.push({ cluster: cluster.id, topic: t.name, action: 'kept', partitions: had });
    }
  }
  const missing = topics.filter((t) => !existing.has(t.name));
  if (missing.length > 0) {
    const specs = missing.map((t) => ({ topic: t.name, partitions: t.partitions, replicationFactor: t.replication_factor, configs: t.configs }));
    // Created as kafka_output creates its topics.
    const single = (address: string): ClusterAdmin => createClusterAdmin({ id: cluster.id, config: { ...cluster.config, brokers: [address] } }, logger, { retries: 0 });
    await createTopicsWithLeaders(admin, specs, single, { deadlineMs: Math.max(30_000, effective(cluster.config).timeoutMs) });
    for (const t of missing) {
      logger.info({ cluster: cluster.id, topic: t.name, partitions: t.partitions, replicationFactor: t.replication_factor }, `Created topic "${t.name}" with ${t.partitions} partition(s), replication factor ${t.replication_factor}.`);
      outcomes.push({ cluster: cluster.id, topic: t.name, action: 'created', partitions: t.partitions });
    }
  }
  return outcomes;
}
