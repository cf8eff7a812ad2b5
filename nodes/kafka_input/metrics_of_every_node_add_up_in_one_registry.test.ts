/**
 * The Kafka metrics of `kafka_input` (pure, fake executors): the families are registered once per
 * registry and found there by every node, each node keeps its view in its own scope (shared by its
 * executors), and every executor of every node is reported.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import type { NodeContext } from '../../src/runtime/node-api.js';
import { ExecutorCounts, KafkaInputMetrics } from './metrics.js';
import type { MetricsSource } from './metrics.js';

/** The part of a node's context the metrics use: its registry, its labels, its own scope. */
function nodeContext(registry: Registry, component: string): NodeContext {
  const scope = new Map<string, unknown>();
  return {
    metrics: registry,
    metricLabels: { tenant: 't', channel: 'c', punchline: 'p', component },
    shared: <T>(key: string, create: () => T): T => {
      if (!scope.has(key)) scope.set(key, create());
      return scope.get(key) as T;
    },
  } as unknown as NodeContext;
}

/** An executor that read `read` records of partition 0 and went through `rebalances` rebalances. */
function executor(ctx: NodeContext, read: number, rebalances: number): MetricsSource {
  const counts = new ExecutorCounts(ctx.metricLabels, 'logs');
  counts.of(0).read = read;
  counts.decodeError('logs', 'value', 'invalid_json');
  return { labels: counts.labels, partitionCounters: counts.partitionCounters, decodeErrors: counts.decodeErrors, assigned: () => [], rebalances, commitFailures: 0, window: () => Infinity };
}

async function byComponent(registry: Registry, name: string): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric(name)?.get();
  const totals: Record<string, number> = {};
  for (const { labels, value } of metric?.values ?? []) totals[String(labels['component'])] = (totals[String(labels['component'])] ?? 0) + value;
  return totals;
}

describe('kafka_input metrics', () => {
  it('reports every executor of every node of the registry', async () => {
    const registry = new Registry();
    const a = nodeContext(registry, 'a');
    const b = nodeContext(registry, 'b');
    assert.equal(KafkaInputMetrics.of(a), KafkaInputMetrics.of(a), 'one view per node, shared by its executors');
    assert.notEqual(KafkaInputMetrics.of(a), KafkaInputMetrics.of(b));
    KafkaInputMetrics.of(a).add(executor(a, 3, 1));
    KafkaInputMetrics.of(a).add(executor(a, 4, 0));
    KafkaInputMetrics.of(b).add(executor(b, 10, 2));
    assert.deepEqual(await byComponent(registry, 'punchline_kafka_input_records_read_total'), { a: 7, b: 10 });
    assert.deepEqual(await byComponent(registry, 'punchline_kafka_input_rebalances_total'), { a: 1, b: 2 });
    assert.deepEqual(await byComponent(registry, 'punchline_kafka_input_decode_errors_total'), { a: 2, b: 1 });
  });

  it('counts only what happened since the last scrape into the counters', async () => {
    const registry = new Registry();
    const ctx = nodeContext(registry, 'a');
    const source = executor(ctx, 5, 0);
    KafkaInputMetrics.of(ctx).add(source);
    assert.deepEqual(await byComponent(registry, 'punchline_kafka_input_records_read_total'), { a: 5 });
    (source.partitionCounters.get(0) as { read: number }).read = 8;
    assert.deepEqual(await byComponent(registry, 'punchline_kafka_input_records_read_total'), { a: 8 });
  });
});
