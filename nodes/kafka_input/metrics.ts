/**
 * The Kafka-specific telemetry of `kafka_input`, on top of the standard node metrics the runtime
 * keeps for every node. Names are stable (documented in the node's README):
 *
 * | metric | labels |
 * |---|---|
 * | `punchline_kafka_input_records_{read,emitted,acked,failed,replayed}_total` | node + topic, partition |
 * | `punchline_kafka_input_decode_errors_total` | node + topic, part (`key`/`value`/`header`), kind |
 * | `punchline_kafka_input_committed_offset`, `punchline_kafka_input_lag` | node + topic, partition |
 * | `punchline_kafka_input_assigned_partitions`, `punchline_kafka_input_inflight_window` | node |
 * | `punchline_kafka_input_rebalances_total`, `punchline_kafka_input_commit_failures_total` | node |
 * | `punchline_kafka_input_commit_latency_seconds` | node |
 *
 * Counting happens in plain numbers on the hot path; prom-client reads them at scrape time (the
 * pattern of `src/runtime/node-metrics.ts`). Several executors of a node, and several nodes, share
 * one registry, so the metric families are registered once per registry and every executor adds
 * itself to them as a {@link MetricsSource}; counters add up the deltas of every source.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { NodeContext } from '../../src/runtime/node-api.js';
import { registeredMetric } from '../../src/core/registered-metric.js';

type NodeLabelName = keyof NodeContext['metricLabels'];
type Labels = Readonly<Record<string, string>>;

const NODE_LABELS: readonly NodeLabelName[] = ['tenant', 'channel', 'punchline', 'component'];
const PARTITION_LABELS = [...NODE_LABELS, 'topic', 'partition'];
const PREFIX = 'punchline_kafka_input_';

/** Per-partition record counts of one executor; they outlive the partition's assignment. */
export class PartitionCounters {
  read = 0;
  emitted = 0;
  acked = 0;
  failed = 0;
  replayed = 0;
  constructor(readonly labels: Labels) {}
}

/** Decode errors of one (part, kind) pair. */
export interface DecodeErrorCount {
  readonly labels: Labels;
  count: number;
}

/** The record counts of one executor, per partition and per kind of decoding error. */
export class ExecutorCounts {
  readonly partitionCounters = new Map<number, PartitionCounters>();
  readonly decodeErrors = new Map<string, DecodeErrorCount>();

  constructor(
    readonly labels: Labels,
    private readonly topic: string,
  ) {}

  /** The counters of `partition`, created at its first record. */
  of(partition: number): PartitionCounters {
    let counters = this.partitionCounters.get(partition);
    if (counters === undefined) {
      counters = new PartitionCounters({ ...this.labels, topic: this.topic, partition: String(partition) });
      this.partitionCounters.set(partition, counters);
    }
    return counters;
  }

  /** Counts one record (or header) of `topic` whose `part` could not be decoded. */
  decodeError(topic: string, part: string, kind: string): void {
    const key = `${part}\u0000${kind}`;
    let count = this.decodeErrors.get(key);
    if (count === undefined) {
      count = { labels: { ...this.labels, topic, part, kind }, count: 0 };
      this.decodeErrors.set(key, count);
    }
    count.count++;
  }
}

/** A partition currently assigned to an executor, for the offset gauges. */
export interface AssignedPartition {
  readonly labels: Labels;
  /** The last committed offset (next offset a restart reads), if any. */
  committed(): number | undefined;
  /** Records in the partition not yet acked by this punchline: high watermark minus commit point. */
  lag(): number | undefined;
}

/** What one executor exposes to the metric families. */
export interface MetricsSource {
  readonly labels: Labels;
  readonly partitionCounters: ReadonlyMap<number, PartitionCounters>;
  readonly decodeErrors: ReadonlyMap<string, DecodeErrorCount>;
  assigned(): Iterable<AssignedPartition>;
  readonly rebalances: number;
  readonly commitFailures: number;
  /** The adaptive window, Infinity when no window applies. */
  window(): number;
}

const RECORD_COUNTERS = ['read', 'emitted', 'acked', 'failed', 'replayed'] as const;
const RECORD_HELP: Record<(typeof RECORD_COUNTERS)[number], string> = {
  read: 'Records fetched from Kafka and decoded (a record read again after a rewind counts again).',
  emitted: 'Tuples emitted for records, replays included, decoding errors on _ppf_errors included.',
  acked: 'Emitted records whose tuple tree was acked.',
  failed: 'Emitted records whose tuple tree failed or timed out.',
  replayed: 'Records emitted again after a failure (from memory with smart_replay, or re-read after a rewind).',
};

/** Adds `value - reported` to a counter series, remembering what was reported per source and key. */
function reportDelta(counter: Counter, reported: Map<object, number>, key: object, labels: Labels, value: number): void {
  const before = reported.get(key);
  if (before === undefined || value !== before) counter.inc(labels, value - (before ?? 0));
  reported.set(key, value);
}

/** A family whose series are read, at scrape time, from the executors reporting to it. */
interface Sourced {
  readonly sources: Set<MetricsSource>;
}

/** A counter family that knows its sources, so every node that finds it in the registry reports to it. */
class SourcedCounter extends Counter implements Sourced {
  readonly sources = new Set<MetricsSource>();
}

/** A gauge family that knows its sources (see {@link SourcedCounter}). */
class SourcedGauge extends Gauge implements Sourced {
  readonly sources = new Set<MetricsSource>();
}

/**
 * The metric families as one node sees them. Families are registered once per registry (several
 * `kafka_input` nodes share the run's registry), and each family holds the executors reporting to
 * it, so nothing is kept outside the registry and the node's own scope.
 */
export class KafkaInputMetrics {
  /** The families of `ctx`'s registry, looked up once per node and shared by its executors. */
  static of(ctx: NodeContext): KafkaInputMetrics {
    return ctx.shared('kafka_input:metrics', () => new KafkaInputMetrics(ctx.metrics));
  }

  readonly commitLatency: Histogram;
  readonly #families: Sourced[] = [];

  private constructor(registry: Registry) {
    const families = this.#families;
    // A name already taken in this registry (by another kafka_input node) is reused.
    for (const name of RECORD_COUNTERS) {
      const reported = new Map<object, number>();
      const metric = `${PREFIX}records_${name}_total`;
      families.push(
        registeredMetric(registry, metric, SourcedCounter, () =>
          new SourcedCounter({
            name: metric,
            help: RECORD_HELP[name],
            labelNames: PARTITION_LABELS,
            registers: [registry],
            collect() {
              for (const source of (this as SourcedCounter).sources) for (const counters of source.partitionCounters.values()) reportDelta(this, reported, counters, counters.labels, counters[name]);
            },
          }),
        ),
      );
    }
    const reportedErrors = new Map<object, number>();
    families.push(
      registeredMetric(registry, `${PREFIX}decode_errors_total`, SourcedCounter, () =>
        new SourcedCounter({
          name: `${PREFIX}decode_errors_total`,
          help: 'Records (or headers) that could not be decoded, by part of the record and kind of defect.',
          labelNames: [...NODE_LABELS, 'topic', 'part', 'kind'],
          registers: [registry],
          collect() {
            for (const source of (this as SourcedCounter).sources) for (const errors of source.decodeErrors.values()) reportDelta(this, reportedErrors, errors, errors.labels, errors.count);
          },
        }),
      ),
    );
    const partitionGauge = (name: string, help: string, read: (partition: AssignedPartition) => number | undefined): void => {
      families.push(
        registeredMetric(registry, name, SourcedGauge, () =>
          new SourcedGauge({
            name,
            help,
            labelNames: PARTITION_LABELS,
            registers: [registry],
            collect() {
              this.reset();
              for (const source of (this as SourcedGauge).sources) {
                for (const partition of source.assigned()) {
                  const value = read(partition);
                  if (value !== undefined) this.set(partition.labels, value);
                }
              }
            },
          }),
        ),
      );
    };
    partitionGauge(`${PREFIX}committed_offset`, 'Last offset committed per assigned partition: where a restart resumes (last_committed only).', (p) => p.committed());
    partitionGauge(`${PREFIX}lag`, 'Records of an assigned partition not yet acked: high watermark of the last fetch minus the commit point.', (p) => p.lag());
    const nodeGauge = (name: string, help: string, value: (source: MetricsSource) => number, aggregate: (a: number, b: number) => number): void => {
      families.push(
        registeredMetric(registry, name, SourcedGauge, () =>
          new SourcedGauge({
            name,
            help,
            labelNames: NODE_LABELS,
            registers: [registry],
            collect() {
              this.reset();
              const byNode = new Map<string, { labels: Labels; value: number }>();
              for (const source of (this as SourcedGauge).sources) {
                const key = NODE_LABELS.map((l) => source.labels[l]).join('\u0000');
                const current = byNode.get(key);
                byNode.set(key, { labels: source.labels, value: current === undefined ? value(source) : aggregate(current.value, value(source)) });
              }
              for (const { labels, value: v } of byNode.values()) if (Number.isFinite(v)) this.set(labels, v);
            },
          }),
        ),
      );
    };
    nodeGauge(`${PREFIX}assigned_partitions`, 'Partitions assigned to the node (all executors).', (s) => [...s.assigned()].length, (a, b) => a + b);
    nodeGauge(`${PREFIX}inflight_window`, 'The adaptive load control window on records in flight (load_control: adaptative), summed over executors.', (s) => s.window(), (a, b) => a + b);
    const nodeCounter = (name: string, help: string, value: (source: MetricsSource) => number): void => {
      const reported = new Map<object, number>();
      families.push(
        registeredMetric(registry, name, SourcedCounter, () =>
          new SourcedCounter({
            name,
            help,
            labelNames: NODE_LABELS,
            registers: [registry],
            collect() {
              for (const source of (this as SourcedCounter).sources) reportDelta(this, reported, source, source.labels, value(source));
            },
          }),
        ),
      );
    };
    nodeCounter(`${PREFIX}rebalances_total`, 'Consumer group rebalances an executor went through (each new assignment counts once).', (s) => s.rebalances);
    nodeCounter(`${PREFIX}commit_failures_total`, 'Offset commits the broker refused or that timed out (retried at the next interval).', (s) => s.commitFailures);
    this.commitLatency = registeredMetric(registry, `${PREFIX}commit_latency_seconds`, Histogram, () =>
      new Histogram({
        name: `${PREFIX}commit_latency_seconds`,
        help: 'Duration of successful offset commits.',
        labelNames: NODE_LABELS,
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers: [registry],
      }),
    );
  }

  /**
   * Adds an executor for the rest of the run. A closed executor stays, so its counts are still
   * reported at the next scrape; it just has no assigned partition any more.
   */
  add(source: MetricsSource): void {
    for (const family of this.#families) family.sources.add(source);
  }
}
