/**
 * The DAG of a punchline as Graphviz DOT: components as boxes (inputs and outputs shaped as
 * such), one edge per subscription labelled with the stream, the fields it carries and its
 * grouping (Kapacitor's groupBy: its own `group_by`, else its publisher's, inherited). The
 * picture Kapacitor's `show` gives of a task; {@link toLiveDot} adds, as `show` does for a running
 * task, what crossed each edge (`processed`) and each node's stats, as attributes and in the labels.
 */
import type { Punchline } from './config/punchline.js';
import type { LiveSnapshot } from './live-view.js';
import { ERRORS_STREAM } from './node-contract.js';

const SHAPES = { input: 'invhouse', bolt: 'box', output: 'house' } as const;

/** A DOT string literal; a newline becomes DOT's `\\n` line break. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** `name="value"` pairs of DOT attributes. */
function attributes(pairs: Readonly<Record<string, string | number>>): string {
  return Object.entries(pairs)
    .map(([name, value]) => `${name}=${name === 'shape' ? String(value) : quote(String(value))}`)
    .join(', ');
}

function header(name: string): string[] {
  return [`digraph ${quote(name)} {`, '  rankdir=LR;', '  node [fontname="Helvetica", style=rounded];', '  edge [fontname="Helvetica", fontsize=10];'];
}

/** Renders the punchline as a DOT digraph. */
export function toDot(punchline: Punchline): string {
  const { tenant, channel, name } = punchline.identity;
  const lines = header(`${tenant}/${channel}/${name}`);
  for (const node of punchline.nodes) {
    const executors = node.executors > 1 ? ` ×${node.executors}` : '';
    lines.push(`  ${quote(node.component)} [label=${quote(`${node.component}\n${node.type}${executors}`)}, shape=${SHAPES[node.definition.kind]}];`);
  }
  for (const node of punchline.nodes) {
    for (const { component, stream } of node.subscribe) {
      const upstream = punchline.nodes.find((n) => n.component === component);
      const declaration = upstream?.publish.find((p) => p.stream === stream);
      const groupBy = declaration?.group_by ?? (stream === ERRORS_STREAM ? [] : (upstream?.groupBy ?? []));
      const grouping = groupBy.length === 0 ? '' : `\ngroup_by [${groupBy.join(', ')}]`;
      lines.push(`  ${quote(component)} -> ${quote(node.component)} [label=${quote(`${stream}\n[${(declaration?.fields ?? []).join(', ')}]${grouping}`)}];`);
    }
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

const fixed = (value: number): string => value.toFixed(2);

/**
 * Renders a running punchline's snapshot as DOT: the graph's `throughput` (tuples/s the inputs
 * emit), each node's counts, pending, lag and latency, each edge's `processed` tuples and rate.
 */
export function toLiveDot(snapshot: LiveSnapshot): string {
  const { tenant, channel, name } = snapshot.punchline;
  const lines = header(`${tenant}/${channel}/${name}`);
  const throughput = snapshot.nodes.filter((n) => n.kind === 'input').reduce((sum, n) => sum + (n.rates?.received ?? 0), 0);
  lines.push(`  graph [${attributes({ throughput: `${fixed(throughput)} tuples/s` })}];`);
  for (const node of snapshot.nodes) {
    const executors = node.executors > 1 ? ` ×${node.executors}` : '';
    const { received, emitted, acked, failed, dropped } = node.counts;
    const pending = node.maxPending === null ? String(node.pending) : `${node.pending}/${node.maxPending}`;
    const label = [`${node.component}`, `${node.type}${executors}`, `in ${received} · out ${emitted}`, `acked ${acked} · failed ${failed} · dropped ${dropped}`, `pending ${pending}${node.lag === null ? '' : ` · lag ${node.lag}`}`];
    const stats: Record<string, string | number> = { received, emitted, acked, failed, dropped, pending: node.pending };
    if (node.maxPending !== null) stats.max_pending = node.maxPending;
    if (node.lag !== null) stats.lag = node.lag;
    if (node.latencyMs !== null) {
      label.push(`p50 ${fixed(node.latencyMs.p50)} ms · p95 ${fixed(node.latencyMs.p95)} ms`);
      stats.latency_p50_ms = fixed(node.latencyMs.p50);
      stats.latency_p95_ms = fixed(node.latencyMs.p95);
      stats.latency_p99_ms = fixed(node.latencyMs.p99);
    }
    lines.push(`  ${quote(node.component)} [${attributes({ label: label.join('\n'), shape: SHAPES[node.kind], ...stats })}];`);
  }
  for (const edge of snapshot.edges) {
    const rate = edge.rate === null ? '' : ` (${fixed(edge.rate)}/s)`;
    const pairs: Record<string, string | number> = { label: `${edge.stream}\n[${edge.fields.join(', ')}]\n${edge.tuples}${rate}`, processed: edge.tuples };
    if (edge.rate !== null) pairs.tuples_per_second = fixed(edge.rate);
    lines.push(`  ${quote(edge.from)} -> ${quote(edge.to)} [${attributes(pairs)}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
