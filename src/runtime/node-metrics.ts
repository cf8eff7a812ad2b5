/**
 * The standard telemetry of every node, with the same names and labels everywhere:
 * `punchline_node_tuples_{received,emitted,acked,failed,dropped}_total`,
 * `punchline_node_tuples_pending` and `punchline_node_tuple_latency_seconds`, labelled
 * tenant / channel / punchline / component (bounded cardinality: one series per node).
 *
 * Counting happens in plain numbers on the hot path; prom-client reads them at scrape time.
 * Latency is, for an input, emission to ack of the whole tuple tree; for a bolt or an output,
 * receipt to outcome of each tuple.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

/** The label set of one node. */
export type NodeLabels = Readonly<Record<'tenant' | 'channel' | 'punchline' | 'component', string>>;

const LABELS = ['tenant', 'channel', 'punchline', 'component'] as const;
const COUNTERS = ['received', 'emitted', 'acked', 'failed', 'dropped'] as const;
type CounterName = (typeof COUNTERS)[number];

const HELP: Record<CounterName, string> = {
  received: 'Tuples a node received (for an input: records it emitted as tuples).',
  emitted: 'Tuples a node published, counted once per stream and subscriber.',
  acked: 'Tuples a node processed successfully (for an input: tuple trees fully acked).',
  failed: 'Tuples a node failed (for an input: tuple trees that failed or timed out).',
  dropped: 'Tuples a node deliberately did not pass on, or published on a stream nobody subscribes to.',
};

/** The counters of one node, incremented directly on the hot path. */
export class NodeCounters {
  received = 0;
  emitted = 0;
  acked = 0;
  failed = 0;
  dropped = 0;
  /** Tuples received and without an outcome yet (inputs: trees in flight). */
  pending = 0;

  /** The node's latency series, bound once: per-call label lookups cost more than the observation. */
  private readonly latency: ReturnType<Histogram['labels']>;

  constructor(
    readonly labels: NodeLabels,
    latency: Histogram,
  ) {
    this.latency = latency.labels(labels);
  }

  /** Records a latency in milliseconds. */
  observeLatency(ms: number): void {
    this.latency.observe(ms / 1000);
  }
}

/** Registers the standard metric families on `registry` and hands out per-node counters. */
export class NodeMetrics {
  private readonly nodes: NodeCounters[] = [];
  private readonly latency: Histogram;

  constructor(registry: Registry) {
    const nodes = this.nodes;
    for (const name of COUNTERS) {
      const reported = new Map<NodeCounters, number>();
      new Counter({
        name: `punchline_node_tuples_${name}_total`,
        help: HELP[name],
        labelNames: LABELS,
        registers: [registry],
        collect() {
          for (const node of nodes) {
            const delta = node[name] - (reported.get(node) ?? 0);
            if (delta > 0) this.inc(node.labels, delta);
            else if (!reported.has(node)) this.inc(node.labels, 0);
            reported.set(node, node[name]);
          }
        },
      });
    }
    new Gauge({
      name: 'punchline_node_tuples_pending',
      help: 'Tuples a node received and has not resolved yet (for an input: tuple trees in flight).',
      labelNames: LABELS,
      registers: [registry],
      collect() {
        for (const node of nodes) this.set(node.labels, node.pending);
      },
    });
    this.latency = new Histogram({
      name: 'punchline_node_tuple_latency_seconds',
      help: 'For an input, emission to ack of a tuple tree; for a bolt or output, receipt to outcome of a tuple.',
      labelNames: LABELS,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
  }

  /** The counters of a node (one set per component, shared by its executors). */
  forNode(labels: NodeLabels): NodeCounters {
    const counters = new NodeCounters(labels, this.latency);
    this.nodes.push(counters);
    return counters;
  }
}
