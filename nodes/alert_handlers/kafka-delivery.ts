/**
 * The `kafka` handler kind: Kapacitor's Kafka handler options (`cluster`, `topic`, `template`,
 * `disablePartitionById`, `partitionAlgorithm`). The record's key is the alert id, its value the
 * alert JSON (or `template` rendered on the alert data), its partition the id's hash by
 * `partitionAlgorithm` (crc32, Kapacitor's default; murmur2; fnv-1a) over the topic's partitions,
 * by the partitioners `kafka_output` uses; with `disablePartitionById` the record has no key and
 * the producer spreads records.
 *
 * One producer and one admin client per cluster per node (of the client library the cluster
 * names), connected at start, disconnected at close. The record is
 * confirmed once the broker acknowledged it (acks all). The topic must exist: the partition count
 * is read from its metadata once.
 */
import type { NodeContext, PlatformConfig, SettingsProblem } from '../../src/runtime/node-api.js';
import { PunchlineError } from '../../src/core/errors.js';
import { alertTemplateData } from '../../src/libraries/alerting/index.js';
import type { HandlerSpec, KafkaOptions } from '../../src/libraries/alerting/index.js';
import { compileTemplate } from '../../src/libraries/template/index.js';
import { checkClusterReference, effective, resolveCluster } from '../../src/libraries/kafka/cluster-resolution.js';
import type { ResolvedCluster } from '../../src/libraries/kafka/cluster-resolution.js';
import { createRecordProducer } from '../../src/libraries/kafka/record-producer.js';
import type { RecordProducer } from '../../src/libraries/kafka/record-producer.js';
import { createClusterAdmin } from '../../src/libraries/kafka/cluster-admin.js';
import type { ClusterAdmin } from '../../src/libraries/kafka/cluster-admin.js';
import { translateKafkaError } from '../../src/libraries/kafka/kafka-errors.js';
import { partitionFor } from '../../src/libraries/kafka/partitioning/partition-for.js';
import type { Delivery } from './deliveries.js';

/** The cluster a spec writes to: its `cluster`, else the platform's only cluster. */
function clusterIdOf(options: Pick<KafkaOptions, 'cluster'>, platform: PlatformConfig): string | undefined {
  if (options.cluster !== undefined) return options.cluster;
  const ids = Object.keys(platform.kafka.clusters);
  return ids.length === 1 ? ids[0] : undefined;
}

/** Validation of a kafka spec's cluster against the platform config. */
export function kafkaSpecProblems(spec: HandlerSpec, index: number, platform: PlatformConfig): SettingsProblem[] {
  if (spec.kind !== 'kafka') return [];
  return checkClusterReference({ clusterId: clusterIdOf(spec.options, platform), path: `/settings/specs/${index}` }, platform).map((p) => ({ ...p, message: `handler "${spec.id}": ${p.message}` }));
}

/** A cluster's producer and metadata, shared by the kafka specs of a node. */
export class ClusterProducer {
  readonly #producer: RecordProducer;
  readonly #admin: ClusterAdmin;
  readonly #partitions = new Map<string, Promise<number>>();

  constructor(readonly cluster: ResolvedCluster, ctx: NodeContext) {
    this.#producer = createRecordProducer(cluster, ctx.logger, { idempotent: false, maxInFlightRequests: 1, retries: 5, ackTimeoutMs: effective(cluster.config).timeoutMs });
    this.#admin = createClusterAdmin(cluster, ctx.logger);
  }

  async start(): Promise<void> {
    try {
      await this.#producer.connect();
      await this.#admin.connect();
    } catch (error) {
      throw translateKafkaError(error, this.cluster, 'connecting the alert handlers producer');
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.#producer.disconnect(), this.#admin.disconnect()]);
  }

  /** The partition count of `topic`, read once. */
  partitions(topic: string): Promise<number> {
    let count = this.#partitions.get(topic);
    if (count === undefined) {
      count = this.#admin.partitionsOf(topic).then((partitions) => partitions.length);
      count.catch(() => this.#partitions.delete(topic));
      this.#partitions.set(topic, count);
    }
    return count;
  }

  async send(topic: string, key: string | null, value: string, partition: number | undefined): Promise<void> {
    try {
      await this.#producer.send([{ topic, records: [{ key: key === null ? null : Buffer.from(key), value: Buffer.from(value), ...(partition !== undefined && { partition }) }] }], { acks: -1, compression: 'none' });
    } catch (error) {
      throw translateKafkaError(error, this.cluster, `writing to ${topic}`);
    }
  }
}

/** The producers of a node, by cluster id. */
export type KafkaDeliveries = Map<string, ClusterProducer>;

export function kafkaDelivery(options: KafkaOptions, ctx: NodeContext, producers: KafkaDeliveries): Delivery {
  const id = clusterIdOf(options, ctx.platform);
  const cluster = resolveCluster({ clusterId: id, path: '/settings/specs' }, ctx.platform);
  let producer = producers.get(cluster.id);
  if (producer === undefined) {
    producer = new ClusterProducer(cluster, ctx);
    producers.set(cluster.id, producer);
  }
  const writer = producer;
  const template = options.template === undefined ? undefined : compileTemplate(options.template, { name: 'template' });
  return async ({ json, event }) => {
    const value = template === undefined ? json : template.render(alertTemplateData(event));
    if (options.disablePartitionById) return writer.send(options.topic, null, value, undefined);
    const count = await writer.partitions(options.topic);
    if (count < 1) throw new PunchlineError('E_KAFKA_WRITE', `topic "${options.topic}" of cluster "${cluster.id}" does not exist or has no partitions`, { hint: 'create it (channel_structure topics)' });
    await writer.send(options.topic, event.id, value, partitionFor(options.partitionAlgorithm, event.id, count));
  };
}
