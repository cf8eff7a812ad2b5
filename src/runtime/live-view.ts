/**
 * What the live page, `punchline top`, `punchline graph --live` and `run`'s status line show of a
 * running punchline: one snapshot of its DAG with counts, rates, pending, latency percentiles, the
 * series nodes add (kafka_input's lag and committed offsets per partition, alert's events by level)
 * and the last tuples of every stream (the `_ppf_errors` samples, an alert's last events).
 *
 * Every number is read from the run's prom-client registry, the way `/metrics` reads it (the same
 * `collect()` calls): the page and a Prometheus scrape never disagree. Rates and percentiles are
 * over the interval since the previous snapshot. The snapshot holds no setting at all, so no
 * secret of the punchline or the platform config can reach it; tuple values are cut to
 * {@link SAMPLE_TEXT_LIMIT} characters.
 */
import type { Registry, MetricObjectWithValues, MetricValue, MetricValueWithName } from 'prom-client';
import type { Punchline } from './config/punchline.js';
import type { FieldValue, Fields } from './node-contract.js';
import { ERRORS_STREAM } from './node-contract.js';

/** The standard counters of a node (see `node-metrics.ts`). */
export interface NodeCounts {
  readonly received: number;
  readonly emitted: number;
  readonly acked: number;
  readonly failed: number;
  readonly dropped: number;
}

/** Latency percentiles, in milliseconds, over the last interval. */
export interface LatencyPercentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** A series a node adds to the registry besides the standard ones (labels other than the node's). */
export interface NodeSeries {
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A tuple as the snapshot shows it: its fields with long values cut, and when it was seen. */
export interface TupleSample {
  readonly component: string;
  readonly stream: string;
  /** Epoch milliseconds when a snapshot first held it: its publication time to within a refresh while someone watches. */
  readonly at: number;
  readonly fields: Readonly<Record<string, string | number | boolean | null>>;
}

/** One node of the DAG and its numbers. */
export interface LiveNode {
  readonly component: string;
  readonly type: string;
  readonly kind: 'input' | 'bolt' | 'output';
  readonly executors: number;
  readonly counts: NodeCounts;
  /** Per second over the last interval; null at the first snapshot. */
  readonly rates: NodeCounts | null;
  readonly pending: number;
  /** For an input: `topology.max.spout.pending` times its executors; null for others. */
  readonly maxPending: number | null;
  /** Null when no tuple resolved during the interval. */
  readonly latencyMs: LatencyPercentiles | null;
  /** Sum of the node's `*_lag` series (kafka_input: records not acked yet), null when it has none. */
  readonly lag: number | null;
  readonly series: readonly NodeSeries[];
  /** The last tuples of each stream it publishes, newest first. */
  readonly recent: readonly TupleSample[];
}

/** One subscription: a stream of `from` delivered to `to`. */
export interface LiveEdge {
  readonly from: string;
  readonly to: string;
  readonly stream: string;
  readonly fields: readonly string[];
  readonly tuples: number;
  /** Tuples per second over the last interval; null at the first snapshot. */
  readonly rate: number | null;
}

/** A running punchline at one moment: what `/api/snapshot` answers and `/api/events` pushes. */
export interface LiveSnapshot {
  readonly punchline: { readonly tenant: string; readonly channel: string; readonly name: string };
  /** Epoch milliseconds when the snapshot was taken. */
  readonly at: number;
  /** Seconds since the previous snapshot (what rates are over), null for the first. */
  readonly intervalSeconds: number | null;
  readonly ready: boolean;
  readonly nodes: readonly LiveNode[];
  readonly edges: readonly LiveEdge[];
  /** The last tuples on `_ppf_errors`, all nodes, newest first. */
  readonly errors: readonly TupleSample[];
}

/** Where the view reads what the registry does not hold (the topology). */
export interface LiveSource {
  readonly ready: boolean;
  recentTuples(component: string, stream: string): readonly { readonly at: number; readonly fields: Fields }[];
}

/** Longest text of a sampled value. */
const SAMPLE_TEXT_LIMIT = 300;
/** Samples of each data stream (the errors stream keeps all it holds). */
const SAMPLES_PER_STREAM = 10;
/** A snapshot younger than this is served again rather than taken anew. */
const REUSE_MS = 500;

const COUNTS = ['received', 'emitted', 'acked', 'failed', 'dropped'] as const;
const NODE_FAMILY = /^punchline_node_/;
const EDGE_FAMILY = 'punchline_edge_tuples_total';
const LATENCY_FAMILY = 'punchline_node_tuple_latency_seconds';
const NODE_LABELS = new Set(['tenant', 'channel', 'punchline', 'component']);

function cut(text: string): string {
  return text.length > SAMPLE_TEXT_LIMIT ? `${text.slice(0, SAMPLE_TEXT_LIMIT)}…` : text;
}

function sampleValue(value: FieldValue): string | number | boolean | null {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return cut(value);
  if (value instanceof Uint8Array) return cut(Buffer.from(value).toString('base64'));
  return cut(JSON.stringify(value, (_key, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v)));
}

function sample(component: string, stream: string, tuple: { readonly at: number; readonly fields: Fields }): TupleSample {
  const fields: Record<string, string | number | boolean | null> = {};
  for (const [name, value] of Object.entries(tuple.fields)) fields[name] = sampleValue(value);
  return { component, stream, at: tuple.at, fields };
}

/**
 * The value at quantile `q` of cumulative histogram buckets (upper bound in seconds, count), by
 * linear interpolation inside the bucket, as Prometheus' `histogram_quantile` does.
 */
function quantile(q: number, buckets: readonly (readonly [number, number])[]): number {
  const total = buckets[buckets.length - 1]?.[1] ?? 0;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [bound, count] of buckets) {
    if (count >= rank) {
      if (!Number.isFinite(bound)) return lowerBound;
      return lowerBound + (bound - lowerBound) * ((rank - lowerCount) / Math.max(count - lowerCount, 1));
    }
    lowerBound = bound;
    lowerCount = count;
  }
  return lowerBound;
}

/** What a snapshot keeps of the previous one to compute rates and interval percentiles. */
interface Totals {
  readonly at: number;
  readonly counts: ReadonlyMap<string, NodeCounts>;
  readonly edges: ReadonlyMap<string, number>;
  readonly buckets: ReadonlyMap<string, readonly (readonly [number, number])[]>;
}

/** Takes the snapshots of one run, each with rates since the one before; shared by every reader so rates stay per second. */
export class LiveView {
  private previous: Totals | undefined;
  private latest: LiveSnapshot | undefined;
  private taking: Promise<LiveSnapshot> | undefined;

  constructor(
    private readonly punchline: Punchline,
    private readonly registry: Registry,
    private readonly source: LiveSource,
  ) {}

  /** The current snapshot: a new one unless the last is younger than half a second. */
  snapshot(): Promise<LiveSnapshot> {
    if (this.latest !== undefined && Date.now() - this.latest.at < REUSE_MS) return Promise.resolve(this.latest);
    this.taking ??= this.take().finally(() => (this.taking = undefined));
    return this.taking;
  }

  private async take(): Promise<LiveSnapshot> {
    const families = await this.registry.getMetricsAsJSON();
    const at = Date.now();
    const byName = new Map<string, MetricObjectWithValues<MetricValue<string>>>(families.map((f) => [f.name, f]));
    const valueOf = (name: string, component: string): number => byName.get(name)?.values.find((v) => v.labels.component === component)?.value ?? 0;

    const previous = this.previous;
    const seconds = previous === undefined ? null : Math.max((at - previous.at) / 1000, 0.001);
    const counts = new Map<string, NodeCounts>();
    const edgeTotals = new Map<string, number>();
    const buckets = new Map<string, (readonly [number, number])[]>();
    for (const value of byName.get(LATENCY_FAMILY)?.values ?? []) {
      if ((value as MetricValueWithName<string>).metricName !== `${LATENCY_FAMILY}_bucket`) continue;
      const component = String(value.labels.component);
      const le = value.labels.le;
      const list = buckets.get(component) ?? [];
      list.push([le === '+Inf' ? Infinity : Number(le), value.value]);
      buckets.set(component, list);
    }

    const { identity, topology } = this.punchline;
    const nodes: LiveNode[] = this.punchline.nodes.map((declaration) => {
      const { component } = declaration;
      const kind = declaration.definition.kind;
      const nodeCounts = Object.fromEntries(COUNTS.map((name) => [name, valueOf(`punchline_node_tuples_${name}_total`, component)])) as unknown as NodeCounts;
      counts.set(component, nodeCounts);
      const before = previous?.counts.get(component);
      const rates = seconds === null || before === undefined ? null : (Object.fromEntries(COUNTS.map((name) => [name, Math.max(nodeCounts[name] - before[name], 0) / seconds])) as unknown as NodeCounts);
      const series: NodeSeries[] = [];
      for (const family of families) {
        if (NODE_FAMILY.test(family.name) || family.name === EDGE_FAMILY || (family.type as unknown as string) === 'histogram') continue;
        for (const value of family.values) {
          if (value.labels.component !== component) continue;
          const labels = Object.fromEntries(Object.entries(value.labels).filter(([name]) => !NODE_LABELS.has(name)).map(([name, v]) => [name, String(v)]));
          series.push({ metric: family.name, labels, value: value.value });
        }
      }
      const lagSeries = series.filter((s) => s.metric.endsWith('_lag'));
      const now = buckets.get(component) ?? [];
      const then = previous?.buckets.get(component);
      const interval = now.map(([bound, count], i) => [bound, count - (then?.[i]?.[1] ?? 0)] as const);
      const resolved = interval[interval.length - 1]?.[1] ?? 0;
      const latencyMs = resolved > 0 ? { p50: quantile(0.5, interval) * 1000, p95: quantile(0.95, interval) * 1000, p99: quantile(0.99, interval) * 1000 } : null;
      const recent = declaration.publish
        .filter((p) => p.stream !== ERRORS_STREAM)
        .flatMap((p) => this.source.recentTuples(component, p.stream).slice(0, SAMPLES_PER_STREAM).map((t) => sample(component, p.stream, t)));
      return {
        component,
        type: declaration.type,
        kind,
        executors: declaration.executors,
        counts: nodeCounts,
        rates,
        pending: valueOf('punchline_node_tuples_pending', component),
        maxPending: kind === 'input' ? topology['topology.max.spout.pending'] * declaration.executors : null,
        latencyMs,
        lag: lagSeries.length === 0 ? null : lagSeries.reduce((sum, s) => sum + s.value, 0),
        series,
        recent,
      };
    });

    const edgeValues = byName.get(EDGE_FAMILY)?.values ?? [];
    const edges: LiveEdge[] = this.punchline.nodes.flatMap((node) =>
      node.subscribe.map(({ component, stream }) => {
        const key = `${component}\u0000${stream}\u0000${node.component}`;
        const tuples = edgeValues.find((v) => v.labels.component === component && v.labels.stream === stream && v.labels.target === node.component)?.value ?? 0;
        edgeTotals.set(key, tuples);
        const before = previous?.edges.get(key);
        const fields = this.punchline.nodes.find((n) => n.component === component)?.publish.find((p) => p.stream === stream)?.fields ?? [];
        return { from: component, to: node.component, stream, fields, tuples, rate: seconds === null || before === undefined ? null : Math.max(tuples - before, 0) / seconds };
      }),
    );

    const errors = this.punchline.nodes
      .filter((node) => node.publish.some((p) => p.stream === ERRORS_STREAM))
      .flatMap((node) => this.source.recentTuples(node.component, ERRORS_STREAM).map((t) => sample(node.component, ERRORS_STREAM, t)))
      .sort((a, b) => b.at - a.at);

    this.previous = { at, counts, edges: edgeTotals, buckets };
    this.latest = {
      punchline: { tenant: identity.tenant, channel: identity.channel, name: identity.name },
      at,
      intervalSeconds: seconds,
      ready: this.source.ready,
      nodes,
      edges,
      errors,
    };
    return this.latest;
  }
}
