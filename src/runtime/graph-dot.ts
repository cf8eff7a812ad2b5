/**
 * The DAG of a punchline as Graphviz DOT: components as boxes (inputs and outputs shaped as
 * such), one edge per subscription labelled with the stream and the fields it carries. The
 * picture Kapacitor's `show` gives of a task.
 */
import type { Punchline } from './config/punchline.js';

const SHAPES = { input: 'invhouse', bolt: 'box', output: 'house' } as const;

/** A DOT string literal; a newline becomes DOT's `\\n` line break. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Renders the punchline as a DOT digraph. */
export function toDot(punchline: Punchline): string {
  const { tenant, channel, name } = punchline.identity;
  const lines = [`digraph ${quote(`${tenant}/${channel}/${name}`)} {`, '  rankdir=LR;', '  node [fontname="Helvetica", style=rounded];', '  edge [fontname="Helvetica", fontsize=10];'];
  for (const node of punchline.nodes) {
    const executors = node.executors > 1 ? ` ×${node.executors}` : '';
    lines.push(`  ${quote(node.component)} [label=${quote(`${node.component}\n${node.type}${executors}`)}, shape=${SHAPES[node.definition.kind]}];`);
  }
  for (const node of punchline.nodes) {
    for (const { component, stream } of node.subscribe) {
      const upstream = punchline.nodes.find((n) => n.component === component);
      const fields = upstream?.publish.find((p) => p.stream === stream)?.fields ?? [];
      lines.push(`  ${quote(component)} -> ${quote(node.component)} [label=${quote(`${stream}\n[${fields.join(', ')}]`)}];`);
    }
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
