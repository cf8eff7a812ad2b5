/* global document, ELK, CSS */
// The live page of a running punchline: the DAG laid out once by elkjs (served by the punchline
// itself), then every snapshot pushed on /api/events (see src/runtime/live-view.ts for its shape)
// updates the numbers in place. Plain DOM and SVG, no framework, no request leaving the machine.
// Its URLs are relative, so that the channel page (`punchline ui`) can serve it under a prefix.
import { element, follow, formatCount, formatRate } from './common.js';

const SVG = 'http://www.w3.org/2000/svg';
const NODE_WIDTH = 230;
const NODE_HEIGHT = 92;
const COUNTS = ['received', 'emitted', 'acked', 'failed', 'dropped'];

function formatMs(ms) {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

function svgElement(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

const edgeKey = (edge) => `${edge.from}->${edge.to}:${edge.stream}`;
/** An edge's first label line: its stream and fields, or how many fields when they do not fit. */
function edgeTitle(edge) {
  const full = `${edge.stream} [${edge.fields.join(', ')}]`;
  return full.length <= 40 ? full : `${edge.stream} [${edge.fields.length} fields]`;
}

/** Lays the DAG out once (nodes and edges do not change while a punchline runs). */
async function drawDag(snapshot) {
  const svg = document.getElementById('dag');
  const graph = {
    id: 'root',
    layoutOptions: { 'elk.algorithm': 'layered', 'elk.direction': 'RIGHT', 'elk.spacing.nodeNode': '40', 'elk.layered.spacing.nodeNodeBetweenLayers': '90', 'elk.edgeLabels.inline': 'false' },
    children: snapshot.nodes.map((n) => ({ id: n.component, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: snapshot.edges.map((e) => ({ id: edgeKey(e), sources: [e.from], targets: [e.to], labels: [{ text: edgeTitle(e), width: Math.max(edgeTitle(e).length, 22) * 6.2, height: 30 }] })),
  };
  const laid = await new ELK().layout(graph);
  svg.replaceChildren();
  svg.setAttribute('viewBox', `-10 -10 ${laid.width + 20} ${laid.height + 20}`);
  svg.setAttribute('height', String(Math.max(laid.height + 20, 120)));
  const defs = svgElement('defs');
  const marker = svgElement('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' });
  marker.append(svgElement('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#8893a7' }));
  defs.append(marker);
  svg.append(defs);
  for (const edge of laid.edges) {
    const data = snapshot.edges.find((e) => edgeKey(e) === edge.id);
    const group = svgElement('g', { class: `edge${data.stream === '_ppf_errors' ? ' errors' : ''}`, 'data-edge': edge.id });
    for (const section of edge.sections ?? []) {
      const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
      group.append(svgElement('path', { d: points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ') }));
    }
    const label = edge.labels?.[0];
    if (label !== undefined) {
      const title = svgElement('text', { x: label.x, y: label.y + 11 }, edgeTitle(data));
      title.append(svgElement('title', {}, `${data.stream}: ${data.fields.join(', ')}`));
      group.append(title);
      group.append(svgElement('text', { x: label.x, y: label.y + 25, 'data-edge-count': edge.id }, ''));
    }
    svg.append(group);
  }
  for (const child of laid.children) {
    const data = snapshot.nodes.find((n) => n.component === child.id);
    const group = svgElement('g', { class: `node ${data.kind}`, 'data-node': child.id, transform: `translate(${child.x},${child.y})` });
    group.append(svgElement('rect', { width: NODE_WIDTH, height: NODE_HEIGHT, rx: 6 }));
    group.append(svgElement('text', { x: 10, y: 18, class: 'title' }, child.id));
    group.append(svgElement('text', { x: 10, y: 34, class: 'sub' }, `${data.type}${data.executors > 1 ? ` ×${data.executors}` : ''}`));
    group.append(svgElement('text', { x: 10, y: 52, 'data-node-line': 'flow' }, ''));
    group.append(svgElement('text', { x: 10, y: 68, 'data-node-line': 'pending' }, ''));
    group.append(svgElement('text', { x: 10, y: 84, 'data-node-line': 'extra' }, ''));
    svg.append(group);
  }
}

function updateDag(snapshot) {
  for (const node of snapshot.nodes) {
    const group = document.querySelector(`#dag [data-node="${CSS.escape(node.component)}"]`);
    if (group === null) continue;
    const r = node.rates;
    const flow = node.kind === 'input' ? `in ${formatCount(node.counts.received)} ${formatRate(r?.received)}` : `in ${formatCount(node.counts.received)} · out ${formatCount(node.counts.emitted)}`;
    group.querySelector('[data-node-line="flow"]').textContent = flow;
    const pending = node.maxPending === null ? `pending ${formatCount(node.pending)}` : `pending ${formatCount(node.pending)} / ${formatCount(node.maxPending)}`;
    group.querySelector('[data-node-line="pending"]').textContent = `${pending}${node.counts.failed > 0 ? ` · failed ${formatCount(node.counts.failed)}` : ''}`;
    const extra = [];
    if (node.lag !== null) extra.push(`lag ${formatCount(node.lag)}`);
    if (node.latencyMs !== null) extra.push(`p95 ${formatMs(node.latencyMs.p95)}`);
    group.querySelector('[data-node-line="extra"]').textContent = extra.join(' · ');
    group.classList.toggle('failing', (r?.failed ?? 0) > 0);
  }
  for (const edge of snapshot.edges) {
    const text = document.querySelector(`#dag [data-edge-count="${CSS.escape(edgeKey(edge))}"]`);
    if (text !== null) text.textContent = `${formatCount(edge.tuples)} tuples ${formatRate(edge.rate)}`;
  }
}

function countCell(node, name) {
  const cell = element('td', { class: 'num', 'data-count': `${node.component}:${name}` }, formatCount(node.counts[name]));
  if (node.rates !== null) cell.append(element('span', { class: 'rate' }, formatRate(node.rates[name])));
  return cell;
}

function updateNodes(snapshot) {
  const rows = snapshot.nodes.map((node) => {
    const row = element('tr', { 'data-row': node.component });
    row.append(element('td', {}, node.component), element('td', {}, node.type), element('td', { class: 'num' }, String(node.executors)));
    for (const name of COUNTS) row.append(countCell(node, name));
    row.append(element('td', { class: 'num', 'data-count': `${node.component}:pending` }, node.maxPending === null ? formatCount(node.pending) : `${formatCount(node.pending)} / ${formatCount(node.maxPending)}`));
    const l = node.latencyMs;
    row.append(element('td', { class: 'num' }, l === null ? '–' : `${formatMs(l.p50)} / ${formatMs(l.p95)} / ${formatMs(l.p99)}`));
    return row;
  });
  document.querySelector('#nodes tbody').replaceChildren(...rows);
}

function seriesOf(node, metric) {
  return node.series.filter((s) => s.metric === metric);
}

function updatePartitions(snapshot) {
  const rows = [];
  for (const node of snapshot.nodes) {
    const lags = seriesOf(node, 'punchline_kafka_input_lag');
    const committed = seriesOf(node, 'punchline_kafka_input_committed_offset');
    const read = seriesOf(node, 'punchline_kafka_input_records_read_total');
    const keys = new Map();
    for (const s of [...lags, ...committed]) keys.set(`${s.labels.topic}\u0000${s.labels.partition}`, s.labels);
    for (const labels of [...keys.values()].sort((a, b) => a.topic.localeCompare(b.topic) || Number(a.partition) - Number(b.partition))) {
      const find = (list) => list.find((s) => s.labels.topic === labels.topic && s.labels.partition === labels.partition)?.value;
      const lag = find(lags);
      const offset = find(committed);
      const row = element('tr', { 'data-partition': `${node.component}:${labels.topic}:${labels.partition}` });
      row.append(
        element('td', {}, node.component),
        element('td', {}, labels.topic),
        element('td', { class: 'num' }, labels.partition),
        element('td', { class: 'num', 'data-lag': '' }, lag === undefined ? '–' : formatCount(lag)),
        element('td', { class: 'num' }, offset === undefined ? '–' : formatCount(offset)),
        element('td', { class: 'num' }, formatCount(find(read) ?? 0)),
      );
      rows.push(row);
    }
  }
  document.getElementById('kafka-panel').hidden = rows.length === 0;
  document.querySelector('#partitions tbody').replaceChildren(...rows);
}

function updateAlerts(snapshot) {
  const blocks = [];
  for (const node of snapshot.nodes) {
    const byLevel = seriesOf(node, 'punchline_alert_events_total');
    if (node.type !== 'alert' && byLevel.length === 0) continue;
    const block = element('div', { class: 'alert-node', 'data-alerts': node.component });
    block.append(element('strong', {}, node.component), element('span', { class: 'muted' }, ' events: '));
    const counts = byLevel.map((s) => `${s.labels.level} ${formatCount(s.value)}`);
    block.append(element('span', {}, counts.length === 0 ? 'none yet' : counts.join(' · ')));
    // The last event of each level, from the newest tuples the node published.
    const last = new Map();
    for (const tuple of node.recent) {
      const level = tuple.fields.level;
      if (typeof level === 'string' && !last.has(level)) last.set(level, tuple);
    }
    if (last.size > 0) {
      const table = element('table');
      for (const [level, tuple] of last) {
        const row = element('tr');
        row.append(element('td', { class: `level-${level}` }, level), element('td', {}, String(tuple.fields.time ?? new Date(tuple.at).toISOString())), element('td', {}, String(tuple.fields.id ?? '')), element('td', {}, String(tuple.fields.message ?? '')));
        table.append(row);
      }
      block.append(table);
    }
    blocks.push(block);
  }
  document.getElementById('alerts-panel').hidden = blocks.length === 0;
  document.getElementById('alerts').replaceChildren(...blocks);
}

function updateErrors(snapshot) {
  const rows = snapshot.errors.map((error) => {
    const f = error.fields;
    const where = f._ppf_topic_name !== undefined ? `${f._ppf_topic_name}/${f._ppf_partition_id}@${f._ppf_partition_offset}` : '';
    const row = element('tr', { 'data-error': '' });
    row.append(
      element('td', {}, new Date(error.at).toISOString().slice(11, 23)),
      element('td', {}, error.component),
      element('td', {}, where),
      element('td', { class: 'message' }, String(f._ppf_error_message ?? JSON.stringify(f))),
    );
    return row;
  });
  document.getElementById('errors-count').textContent = rows.length === 0 ? '(none)' : `(last ${rows.length})`;
  document.querySelector('#errors tbody').replaceChildren(...rows);
}

let laidOut;
function render(snapshot) {
  const { tenant, channel, name } = snapshot.punchline;
  document.getElementById('title').textContent = `${tenant}/${channel}/${name}`;
  document.title = `${name} · punchline`;
  const state = document.getElementById('state');
  state.textContent = snapshot.ready ? 'running' : 'not ready';
  state.className = `state${snapshot.ready ? ' ready' : ''}`;
  document.getElementById('updated').textContent = `updated ${new Date(snapshot.at).toLocaleTimeString()}`;
  document.body.dataset.snapshotAt = String(snapshot.at);
  updateNodes(snapshot);
  updatePartitions(snapshot);
  updateAlerts(snapshot);
  updateErrors(snapshot);
  laidOut ??= drawDag(snapshot);
  void laidOut.then(() => updateDag(snapshot));
}

follow(render);
