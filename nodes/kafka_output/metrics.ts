/**
 * The metrics of `kafka_output`, besides the standard node telemetry the runtime keeps: what was
 * written per topic, how many produce requests it took, how long the broker took to confirm, and
 * which errors happened, by kind.
 *
 * The families are registered once per registry (`registeredMetric`: every `kafka_output` of a
 * punchline shares the run's registry) and each node gets one handle bound to its labels, which
 * its executors share (`ctx.shared`). Topic names come from data when a template or an override
 * field picks them, so the number of distinct `topic` label values per node is capped: past the
 * cap, counts go to `topic="_other"` and the cardinality of the series stays bounded.
 */
import { Counter, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import { registeredMetric } from '../../src/runtime/node-api.js';
import type { NodeContext } from '../../src/runtime/node-api.js';

/**
 * Why a record was not written, as a bounded set of label values:
 * - `encoding`: its value, key or headers could not be encoded (Avro mismatch, wrong type);
 * - `no_destination`: no topic could be chosen for it (template failed, stream without a topic);
 * - `invalid_topic`: the chosen topic name is not a legal Kafka topic name;
 * - `too_large`: the broker refused it as too large;
 * - `invalid_record`: the broker refused it as malformed (bad timestamp, invalid record);
 * - `topic_missing`: its topic (chosen from the data) does not exist and may not be created here;
 * - `write_failed`: the broker did not confirm it after the client's retries (the tuple fails);
 * - `route_lambda`: a routing rule's `match` failed to evaluate on the tuple (it counts as no match).
 */
export type KafkaOutputErrorKind = 'encoding' | 'no_destination' | 'invalid_topic' | 'too_large' | 'invalid_record' | 'topic_missing' | 'write_failed' | 'route_lambda';

/** The `topic` label value that collects topics past the cap. */
export const OTHER_TOPIC_LABEL = '_other';

const BASE_LABELS = ['tenant', 'channel', 'punchline', 'component'] as const;

interface Families {
  readonly records: Counter<string>;
  readonly bytes: Counter<string>;
  readonly batches: Counter<string>;
  readonly errors: Counter<string>;
  readonly latency: Histogram<string>;
}

/** The families of `registry`, registered by the first node that asks. */
function families(registry: Registry): Families {
  const registers = [registry];
  const counter = (name: string, help: string, label: string): Counter<string> =>
    registeredMetric(registry, name, Counter, () => new Counter({ name, help, labelNames: [...BASE_LABELS, label], registers }));
  return {
    records: counter('punchline_kafka_output_records_total', 'Records the broker confirmed, per topic.', 'topic'),
    bytes: counter('punchline_kafka_output_bytes_total', 'Bytes of key, value and headers of the records the broker confirmed, per topic (before compression).', 'topic'),
    batches: counter('punchline_kafka_output_batches_total', 'Produce requests that the broker confirmed, per cluster.', 'cluster'),
    errors: counter(
      'punchline_kafka_output_errors_total',
      'Records not written, by kind: routed to _ppf_errors (encoding, no_destination, invalid_topic, topic_missing, too_large, invalid_record) or failed (write_failed); route_lambda counts rule evaluations that failed.',
      'kind',
    ),
    latency: registeredMetric(registry, 'punchline_kafka_output_send_latency_seconds', Histogram, () =>
      new Histogram({
        name: 'punchline_kafka_output_send_latency_seconds',
        help: 'Time from handing a produce request to the client to the broker confirming it (retries included).',
        labelNames: [...BASE_LABELS, 'cluster'],
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
        registers,
      }),
    ),
  };
}

/** The metrics of one node, bound to its labels; its executors share it. */
export class KafkaOutputMetrics {
  readonly #families: Families;
  readonly #labels: NodeContext['metricLabels'];
  readonly #maxTopics: number;
  readonly #topics = new Set<string>();

  /** Registers the families on `ctx.metrics` if no other node did yet. */
  constructor(ctx: Pick<NodeContext, 'metrics' | 'metricLabels'>, maxTopics: number) {
    this.#families = families(ctx.metrics);
    this.#labels = ctx.metricLabels;
    this.#maxTopics = maxTopics;
  }

  /** The label value for `topic`: itself while under the cap, then {@link OTHER_TOPIC_LABEL}. */
  topicLabel(topic: string): string {
    if (this.#topics.has(topic)) return topic;
    if (this.#topics.size >= this.#maxTopics) return OTHER_TOPIC_LABEL;
    this.#topics.add(topic);
    return topic;
  }

  /** `count` records of `bytes` bytes in total were confirmed on `topic`. */
  written(topic: string, count: number, bytes: number): void {
    const labels = { ...this.#labels, topic: this.topicLabel(topic) };
    this.#families.records.inc(labels, count);
    this.#families.bytes.inc(labels, bytes);
  }

  /** A produce request to `cluster` was confirmed after `seconds`. */
  batchConfirmed(cluster: string, seconds: number): void {
    const labels = { ...this.#labels, cluster };
    this.#families.batches.inc(labels);
    this.#families.latency.observe(labels, seconds);
  }

  /** `count` records (or rule evaluations) went wrong for the reason `kind`. */
  error(kind: KafkaOutputErrorKind, count = 1): void {
    this.#families.errors.inc({ ...this.#labels, kind }, count);
  }
}
