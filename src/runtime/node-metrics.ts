/**
 * The standard telemetry of every node, with the same names and labels everywhere:
 * `punchline_node_tuples_{received,emitted,acked,failed,dropped}_total`,
 * `punchline_node_tuples_pending` and `punchline_node_tuple_latency_seconds`, labelled
 * tenant / channel / punchline / component (bounded cardinality: one series per node), and
 * `punchline_edge_tuples_total` with `stream` and `target` besides (one series per subscription).
 *
 * Counting happens in plain numbers on the hot path; prom-client reads them at scrape time. That
 * holds for the latency histogram too: each observation only bumps a bucket of the node's own
 * {@link LatencyCounts} (prom-client's `observe` hashes the label set and allocates on every call,
 * a sizeable share of the per-tuple cost at 100k tuples/s), and {@link LatencyHistogram} exposes
 * those counts in prom-client's histogram format when scraped.
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

  /** The node's latency observations, exposed by {@link LatencyHistogram}. */
  readonly latency = new LatencyCounts(LATENCY_BUCKETS);

  constructor(readonly labels: NodeLabels) {}

  /** Records a latency in milliseconds. */
  observeLatency(ms: number): void {
    this.latency.observe(ms / 1000);
  }
}

/** Upper bounds (seconds) of the latency histogram's buckets. */
const LATENCY_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The observations of one histogram series, counted with no allocation: one count per bucket (not
 * cumulative; the last one is `+Inf`), the sum and the count. A value falls in the first bucket
 * whose bound it does not exceed, as in prom-client.
 */
export class LatencyCounts {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let bucket = 0;
    while (bucket < bounds.length && value > (bounds[bucket] as number)) bucket++;
    this.counts[bucket] = (this.counts[bucket] as number) + 1;
    this.sum += value;
    this.count++;
  }
}

/**
 * One value of prom-client's histogram export: `labels` are the bucket's (`le`), `sharedLabels` the
 * series'. prom-client gives buckets a null exemplar and `_sum` / `_count` an undefined one.
 */
interface HistogramValue {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly sharedLabels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly metricName: string;
  readonly exemplar: null | undefined;
}

/**
 * A prom-client histogram whose series are read from {@link LatencyCounts} at scrape time instead
 * of being fed by `observe()`. It exports exactly what a prom-client histogram holding the same
 * observations would (cumulative `_bucket` series with `le`, then `_sum` and `_count`), through
 * both ways prom-client reads a metric: `get()` (JSON) and `getForPromString()` (the text format,
 * which the registry prefers when a metric has it).
 */
export class LatencyHistogram extends Histogram<string> {
  readonly #name: string;
  readonly #help: string;

  constructor(
    configuration: { readonly name: string; readonly help: string; readonly labelNames: readonly string[]; readonly registers: Registry[] },
    private readonly series: () => Iterable<{ readonly labels: NodeLabels; readonly latency: LatencyCounts }>,
  ) {
    super({ ...configuration, labelNames: [...configuration.labelNames], buckets: [...LATENCY_BUCKETS] });
    this.#name = configuration.name;
    this.#help = configuration.help;
  }

  /** The export with prom-client's split labels: what its registry turns into text. */
  getForPromString(): { name: string; help: string; type: 'histogram'; values: HistogramValue[]; aggregator: 'sum' } {
    const values: HistogramValue[] = [];
    const bucket = `${this.#name}_bucket`;
    for (const { labels, latency } of this.series()) {
      let cumulative = 0;
      latency.bounds.forEach((bound, index) => {
        cumulative += latency.counts[index] as number;
        values.push({ labels: { le: bound }, sharedLabels: labels, value: cumulative, metricName: bucket, exemplar: null });
      });
      values.push({ labels: { le: '+Inf' }, sharedLabels: labels, value: latency.count, metricName: bucket, exemplar: null });
      values.push({ labels: {}, sharedLabels: labels, value: latency.sum, metricName: `${this.#name}_sum`, exemplar: undefined });
      values.push({ labels: {}, sharedLabels: labels, value: latency.count, metricName: `${this.#name}_count`, exemplar: undefined });
    }
    return { name: this.#name, help: this.#help, type: 'histogram', values, aggregator: 'sum' };
  }

  /** The export with each value's labels merged, as prom-client's `get()` gives it. */
  override get(): ReturnType<Histogram<string>['get']> {
    const data = this.getForPromString();
    const values = data.values.map(({ labels, sharedLabels, value, metricName, exemplar }) => ({ value, metricName, exemplar, labels: { ...labels, ...sharedLabels } }));
    // prom-client types `type` as its MetricType enum, though every metric reports a string.
    return Promise.resolve({ ...data, values } as unknown as Awaited<ReturnType<Histogram<string>['get']>>);
  }
}

/** The label set of one edge of the DAG: the publishing node's labels, its stream and the subscriber. */
export type EdgeLabels = NodeLabels & Readonly<Record<'stream' | 'target', string>>;

/** The tuples that crossed one edge (a stream to one subscriber), incremented on the hot path. */
export class EdgeCounter {
  tuples = 0;
  constructor(readonly labels: EdgeLabels) {}
}

/** Registers the standard metric families on `registry` and hands out per-node and per-edge counters. */
export class NodeMetrics {
  private readonly nodes: NodeCounters[] = [];
  private readonly edges: EdgeCounter[] = [];

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
      help: 'Tuples a node received and has not resolved yet (for an input: tuple trees in flight, a failed one until its copies have left the nodes).',
      labelNames: LABELS,
      registers: [registry],
      collect() {
        for (const node of nodes) this.set(node.labels, node.pending);
      },
    });
    const edges = this.edges;
    const reportedEdges = new Map<EdgeCounter, number>();
    new Counter({
      name: 'punchline_edge_tuples_total',
      help: 'Tuples delivered along an edge: a stream of a node (component) to one subscriber (target).',
      labelNames: [...LABELS, 'stream', 'target'],
      registers: [registry],
      collect() {
        for (const edge of edges) {
          this.inc(edge.labels, edge.tuples - (reportedEdges.get(edge) ?? 0));
          reportedEdges.set(edge, edge.tuples);
        }
      },
    });
    new LatencyHistogram(
      {
        name: 'punchline_node_tuple_latency_seconds',
        help: 'For an input, emission to ack of a tuple tree; for a bolt or output, receipt to outcome of a tuple.',
        labelNames: LABELS,
        registers: [registry],
      },
      () => nodes,
    );
  }

  /** The counters of a node (one set per component, shared by its executors). */
  forNode(labels: NodeLabels): NodeCounters {
    const counters = new NodeCounters(labels);
    this.nodes.push(counters);
    return counters;
  }

  /** The counter of an edge (one per stream and subscriber). */
  forEdge(labels: EdgeLabels): EdgeCounter {
    const counter = new EdgeCounter(labels);
    this.edges.push(counter);
    return counter;
  }
}
