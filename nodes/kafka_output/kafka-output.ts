/**
 * `kafka_output`: each tuple becomes one Kafka record: Kapacitor's Kafka event handler, plus the
 * topic routing, keys and formats Healthbot and RudderStack users rely on.
 *
 * Per tuple, on arrival: decide the destination (`destination.ts`), the key (`record-key.ts`),
 * the value and headers (`record-value.ts`, `record-headers.ts`). Then batches (`batching.ts`) go
 * to the cluster writers (`cluster-writer.ts`), which choose partitions, create topics, send, and
 * say per record whether it was written, failed or rejected. The outcome follows:
 * written → ack; failed → fail (the input replays); rejected → the node API's `reject()` (an
 * emission on `_ppf_errors`, or a drop when it is not published), logged through the node's
 * throttled log. See the README for the user-facing contract.
 */
import { ERRORS_STREAM, ack, defineNode, fail, publishesErrors, reject } from '../../src/runtime/node-api.js';
import type { CheckScope, FieldUse, NodeContext, Outcome, OutputInstance, SettingsProblem, Tuple } from '../../src/runtime/node-api.js';
import { PunchlineError } from '../../src/core/errors.js';
import { effective, resolveCluster } from '../../src/libraries/kafka/cluster-resolution.js';
import type { ResolvedCluster } from '../../src/libraries/kafka/cluster-resolution.js';
import { batchedWriter } from '../../src/runtime/node-api.js';
import { ClusterWriter } from './cluster-writer.js';
import type { OutgoingRecord, RecordResult, WriterOptions } from './cluster-writer.js';
import { DestinationRouter, checkDestination, destinationFieldsRead, staticDestinations } from './destination.js';
import { KafkaOutputMetrics } from './metrics.js';
import { HeaderFieldsEncoder } from './record-headers.js';
import { recordKey } from './record-key.js';
import { RecordRejection } from './record-rejection.js';
import { PRODUCER_POOL, ProducerPool } from './shared-producers.js';
import { ValueEncoder, checkValue, valueFieldsRead } from './record-value.js';
import type { KafkaOutputSettings } from './settings.generated.js';

/** A tuple after routing and encoding: a record for a cluster writer, or the reason it has none. */
type Prepared = { readonly tuple: Tuple; readonly writer: ClusterWriter; readonly record: OutgoingRecord } | { readonly tuple: Tuple; readonly rejection: RecordRejection };

function check(settings: KafkaOutputSettings, scope: CheckScope): SettingsProblem[] {
  const problems = [...checkDestination(settings, scope.platform), ...checkValue(settings)];
  if (settings.idempotent === true && settings.acks !== 'all') {
    problems.push({ path: '/settings/acks', message: `the idempotent producer needs acks "all", not "${settings.acks}"`, hint: 'set acks "all", or idempotent false', severity: 'error' });
  }
  if (settings.idempotent === true && settings.retries < 1) {
    problems.push({ path: '/settings/retries', message: 'the idempotent producer needs retries of at least 1', hint: 'set retries ≥ 1, or idempotent false', severity: 'error' });
  }
  scope.publish.forEach((declaration, index) => {
    if (declaration.stream !== ERRORS_STREAM) {
      problems.push({ path: `/publish/${index}/stream`, message: `kafka_output emits only on "${ERRORS_STREAM}": stream "${declaration.stream}" would stay empty`, severity: 'warning' });
    }
  });
  if (!publishesErrors(scope.publish)) {
    problems.push({
      path: '/settings',
      message: `records that can never be written (too large, invalid topic, value that does not encode) are acked and dropped: "${ERRORS_STREAM}" is not published`,
      hint: `publish "${ERRORS_STREAM}" with _ppf_error_message and _ppf_error_document and subscribe an output to it to keep them`,
      severity: 'warning',
    });
  }
  return problems;
}

function fieldsRead(settings: KafkaOutputSettings): FieldUse[] {
  return [
    ...destinationFieldsRead(settings),
    ...valueFieldsRead(settings),
    ...settings.key_fields.map((field, index) => ({ field, path: `/settings/key_fields/${index}` })),
    ...settings.headers_fields.map((entry, index) => ({ field: entry.field, path: `/settings/headers_fields/${index}/field` })),
  ];
}

/**
 * Whether the producer is idempotent: only when set. It is not the default (as in the Java client
 * since Kafka 3.0) because kafkajs 2.2's idempotent producer was seen to lose acked records when
 * the broker restarted during an outage (nodes/kafka_output/README.md); without it, a request
 * retried after a lost answer or a leader change writes its records twice.
 */
export function idempotence(settings: Pick<KafkaOutputSettings, 'idempotent' | 'acks' | 'retries'>): boolean {
  return settings.idempotent ?? false;
}

function writerOptions(settings: KafkaOutputSettings): WriterOptions {
  return {
    acks: settings.acks,
    compression: settings.compression,
    idempotent: idempotence(settings),
    maxInFlightRequests: settings.max_in_flight_requests,
    retries: settings.retries,
    ackTimeoutMs: settings.ack_timeout_ms,
    maxBatchBytes: settings.max_batch_bytes,
    partitionAlgorithm: settings.disablePartitionById ? undefined : settings.partitionAlgorithm,
    topicCreation: settings.topic_creation,
  };
}

function create(settings: KafkaOutputSettings, ctx: NodeContext): OutputInstance {
  // One handle per node: its executors share the topic label cap.
  const metrics = ctx.shared('metrics', () => new KafkaOutputMetrics(ctx, settings.metrics_max_topics));
  const own = resolveCluster({ clusterId: settings.brokers ?? settings.cluster, bootstrapServers: settings['bootstrap.servers'], path: '/settings/brokers' }, ctx.platform);
  const options = writerOptions(settings);
  // Producers are shared by every kafka_output of the run, per cluster and options.
  const producers = ctx.connection(PRODUCER_POOL, () => new ProducerPool());
  if (!(producers instanceof ProducerPool)) throw new Error(`${ctx.label}: the run's "${PRODUCER_POOL}" connection is not a kafka_output producer pool`);
  const ownWriter = new ClusterWriter(own, options, ctx.logger, metrics, producers);
  const writers = new Map<string, ClusterWriter>([[own.id, ownWriter]]);
  const writerFor = (clusterId: string | undefined): ClusterWriter => {
    if (clusterId === undefined) return ownWriter;
    let writer = writers.get(clusterId);
    if (writer === undefined) {
      const cluster: ResolvedCluster = resolveCluster({ clusterId, path: '/settings/routes' }, ctx.platform);
      writer = new ClusterWriter(cluster, options, ctx.logger, metrics, producers);
      writers.set(clusterId, writer);
    }
    return writer;
  };
  for (const route of settings.routes) writerFor(route.cluster);

  const router = new DestinationRouter(settings, (index, error) => {
    metrics.error('route_lambda');
    ctx.logger.debug({ route: index, failure: error.failure }, `Routing rule ${index} failed on a tuple and does not match it: ${error.message}`);
  });
  const values = new ValueEncoder(settings);
  const headers = new HeaderFieldsEncoder(settings.headers_fields);
  const routed = publishesErrors(ctx.publish) ? `routed to ${ERRORS_STREAM}` : `dropped (${ERRORS_STREAM} is not published)`;

  const prepare = (tuple: Tuple): Prepared => {
    const destination = router.route(tuple);
    if (destination instanceof RecordRejection) return { tuple, rejection: destination };
    try {
      const key = recordKey(tuple.fields, settings.key_fields);
      const value = values.encode(tuple.fields);
      const recordHeaders = headers.encode(tuple.fields);
      let bytes = value.length + (key?.length ?? 0);
      if (recordHeaders !== undefined) for (const name in recordHeaders) bytes += Buffer.byteLength(name) + (recordHeaders[name]?.length ?? 0);
      return { tuple, writer: writerFor(destination.cluster), record: { tuple, topic: destination.topic, key, value, headers: recordHeaders, bytes } };
    } catch (error) {
      if (!(error instanceof PunchlineError)) throw error;
      return { tuple, rejection: new RecordRejection('encoding', `encoding a record for topic "${destination.topic}": ${error.message}`) };
    }
  };

  const outcomeOf = (tuple: Tuple, result: RecordResult | RecordRejection): Outcome => {
    if (result instanceof RecordRejection) {
      metrics.error(result.kind);
      ctx.throttledLog.warn(`rejected:${result.kind}`, { kind: result.kind, stream: tuple.stream }, `A record can never be written and is ${routed}: ${result.message}`);
      return reject(tuple, new PunchlineError('E_KAFKA_REJECTED', `${ctx.label}: ${result.message}`), ctx.publish);
    }
    switch (result.type) {
      case 'written':
        return ack(tuple);
      case 'failed':
        metrics.error(result.kind);
        return fail(tuple, result.error);
      case 'rejected':
        return outcomeOf(tuple, result.rejection);
    }
  };

  const send = async (batch: readonly Prepared[]): Promise<Outcome[]> => {
    const outcomes = new Array<Outcome>(batch.length);
    // Per writer, its records and where each one's outcome goes in the batch.
    const byWriter = new Map<ClusterWriter, { readonly indexes: number[]; readonly records: OutgoingRecord[] }>();
    batch.forEach((prepared, index) => {
      if ('rejection' in prepared) {
        outcomes[index] = outcomeOf(prepared.tuple, prepared.rejection);
        return;
      }
      let items = byWriter.get(prepared.writer);
      if (items === undefined) byWriter.set(prepared.writer, (items = { indexes: [], records: [] }));
      items.indexes.push(index);
      items.records.push(prepared.record);
    });
    await Promise.all(
      [...byWriter].map(async ([writer, { indexes, records }]) => {
        const results = await writer.write(records);
        records.forEach((record, i) => {
          outcomes[indexes[i] as number] = outcomeOf(record.tuple, results[i] as RecordResult);
        });
      }),
    );
    return outcomes;
  };

  const defaults = effective(own.config);
  return {
    write: batchedWriter(
      {
        batchSize: settings.batch_size ?? defaults.batchSize,
        batchTimeoutMs: settings.batch_timeout_ms ?? defaults.batchTimeoutMs,
        concurrency: settings.max_in_flight_requests,
        sendWhenIdle: settings.send_when_idle,
      },
      prepare,
      send,
    ),
    async start(): Promise<void> {
      const connected: ClusterWriter[] = [];
      try {
        for (const writer of writers.values()) {
          await writer.connect();
          connected.push(writer);
        }
        for (const { cluster, topic } of staticDestinations(settings)) await writerFor(cluster).ensureTopic(topic);
      } catch (error) {
        await Promise.allSettled(connected.map((writer) => writer.close()));
        throw error instanceof PunchlineError ? error.within(ctx.label) : new PunchlineError('E_KAFKA_UNREACHABLE', `${ctx.label}: starting: ${String(error)}`, { cause: error });
      }
    },
    async close(): Promise<void> {
      await Promise.all([...writers.values()].map((writer) => writer.close()));
    },
  };
}

/** The `kafka_output` node type. */
export const kafkaOutput = defineNode<KafkaOutputSettings>({
  type: 'kafka_output',
  kind: 'output',
  schema: 'kafka_output.schema.json',
  check,
  fieldsRead,
  create,
});
