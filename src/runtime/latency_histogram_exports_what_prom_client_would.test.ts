/**
 * The tuple latency histogram is counted by the runtime itself (a bucket bump per tuple) and only
 * turned into prom-client's format when scraped. What a scrape shows must be exactly what a
 * prom-client histogram fed the same observations shows: same buckets, cumulative counts, sum,
 * count, labels, in the text format and in JSON.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Histogram, Registry } from 'prom-client';
import { NodeMetrics } from './node-metrics.js';

const NAME = 'punchline_node_tuple_latency_seconds';
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const LABELS = ['tenant', 'channel', 'punchline', 'component'];

function node(component: string): Record<'tenant' | 'channel' | 'punchline' | 'component', string> {
  return { tenant: 't', channel: 'c', punchline: 'p', component };
}

/** Latencies in ms: on every bucket bound, between bounds, zero, and past the last bound. */
function latenciesMs(): number[] {
  const values = [0, 0.0001, 45_000, 123_456.7];
  for (const bound of BUCKETS) values.push(bound * 1000, bound * 1000 * 1.5, bound * 1000 * 0.999);
  for (let i = 0; i < 500; i++) values.push(((i * 7919) % 10_007) / 97);
  return values;
}

async function bothRegistries(): Promise<{ ours: Registry; reference: Registry }> {
  const ours = new Registry();
  const reference = new Registry();
  const metrics = new NodeMetrics(ours);
  const histogram = new Histogram({ name: NAME, help: 'For an input, emission to ack of a tuple tree; for a bolt or output, receipt to outcome of a tuple.', labelNames: LABELS, buckets: BUCKETS, registers: [reference] });
  for (const component of ['in', 'out']) {
    const counters = metrics.forNode(node(component));
    const values = component === 'in' ? latenciesMs() : latenciesMs().slice(0, 17);
    for (const ms of values) {
      counters.observeLatency(ms);
      histogram.observe(node(component), ms / 1000);
    }
  }
  return Promise.resolve({ ours, reference });
}

test('the latency histogram scrapes as the text a prom-client histogram with the same observations gives', async () => {
  const { ours, reference } = await bothRegistries();
  const text = await ours.getSingleMetricAsString(NAME);
  assert.equal(text, await reference.getSingleMetricAsString(NAME));
  assert.match(text, /punchline_node_tuple_latency_seconds_bucket\{le="0\.0005",tenant="t",channel="c",punchline="p",component="in"\} \d+/);
  assert.match(text, /punchline_node_tuple_latency_seconds_count\{tenant="t",channel="c",punchline="p",component="out"\} 17/);
});

test('the latency histogram reads as the JSON a prom-client histogram with the same observations gives', async () => {
  const { ours, reference } = await bothRegistries();
  const json = (await ours.getMetricsAsJSON()).find((m) => m.name === NAME);
  assert.deepEqual(json, (await reference.getMetricsAsJSON()).find((m) => m.name === NAME));
});

test('a node that has seen no tuple yet shows zero counts rather than no series', async () => {
  const registry = new Registry();
  new NodeMetrics(registry).forNode(node('idle'));
  const text = await registry.getSingleMetricAsString(NAME);
  assert.match(text, /_bucket\{le="\+Inf",tenant="t",channel="c",punchline="p",component="idle"\} 0/);
  assert.match(text, /_count\{tenant="t",channel="c",punchline="p",component="idle"\} 0/);
});
