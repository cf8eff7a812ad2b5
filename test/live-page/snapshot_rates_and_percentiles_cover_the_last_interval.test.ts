/**
 * The live snapshot's numbers, from the registry's series alone: rates are the counters' change
 * over the seconds since the previous snapshot, latency percentiles are those of the tuples
 * resolved in that interval (interpolated in their histogram bucket, as Prometheus'
 * histogram_quantile does), a node's lag is the sum of its `*_lag` series, and a snapshot asked
 * for again within half a second is the same one (so rates stay per second whoever asks).
 */
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Gauge, Registry } from 'prom-client';
import { parseJson5Document } from '../../src/runtime/validation/json5-document.js';
import { validatePunchlineDocument } from '../../src/runtime/config/load-punchline.js';
import { DEFAULT_PLATFORM_CONFIG } from '../../src/runtime/config/load-platform-config.js';
import { NodeMetrics } from '../../src/runtime/node-metrics.js';
import { LiveView } from '../../src/runtime/live-view.js';
import { NODE_CATALOGUE } from '../../nodes/index.js';

test('rates and percentiles cover the interval since the previous snapshot', async () => {
  const { punchline } = validatePunchlineDocument(
    parseJson5Document(
      '/tests/acme/ops/counted.json5',
      `{ version: "1", type: "punchline", dag: [
        { type: "generator_input", component: "gen", settings: { messages: [{ n: 1 }] }, publish: [{ stream: "s", fields: ["n"] }] },
        { type: "print_output", component: "out", subscribe: [{ component: "gen", stream: "s" }] },
      ] }`,
    ),
    NODE_CATALOGUE,
    DEFAULT_PLATFORM_CONFIG,
  );
  assert.ok(punchline);
  const registry = new Registry();
  const metrics = new NodeMetrics(registry);
  const labels = (component: string): Record<'tenant' | 'channel' | 'punchline' | 'component', string> => ({ tenant: 'acme', channel: 'ops', punchline: 'counted', component });
  const gen = metrics.forNode(labels('gen'));
  metrics.forNode(labels('out'));
  const edge = metrics.forEdge({ ...labels('gen'), stream: 's', target: 'out' });
  const lag = new Gauge({ name: 'punchline_kafka_input_lag', help: 'lag', labelNames: ['tenant', 'channel', 'punchline', 'component', 'topic', 'partition'], registers: [registry] });
  lag.set({ ...labels('gen'), topic: 't', partition: '0' }, 7);
  lag.set({ ...labels('gen'), topic: 't', partition: '1' }, 5);

  mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  try {
    const view = new LiveView(punchline, registry, { ready: true, recentTuples: () => [] });
    const first = await view.snapshot();
    assert.equal(first.intervalSeconds, null);
    assert.equal(first.nodes[0]?.rates, null);
    assert.equal(first.nodes[0]?.latencyMs, null);
    assert.equal(first.nodes[0]?.lag, 12);
    assert.deepEqual(first.nodes[0]?.series, [
      { metric: 'punchline_kafka_input_lag', labels: { topic: 't', partition: '0' }, value: 7 },
      { metric: 'punchline_kafka_input_lag', labels: { topic: 't', partition: '1' }, value: 5 },
    ]);
    assert.equal(first.nodes[1]?.lag, null);

    // 2 s later: 500 received, 400 acked, 300 along the edge; 50 trees acked in 0.8 ms, 50 in 4 ms.
    gen.received += 500;
    gen.acked += 400;
    edge.tuples += 300;
    for (let i = 0; i < 50; i++) gen.observeLatency(0.8);
    for (let i = 0; i < 50; i++) gen.observeLatency(4);
    mock.timers.tick(2000);
    const second = await view.snapshot();
    assert.equal(second.intervalSeconds, 2);
    assert.deepEqual(second.nodes[0]?.rates, { received: 250, emitted: 0, acked: 200, failed: 0, dropped: 0 });
    assert.deepEqual(second.nodes[0]?.counts, { received: 500, emitted: 0, acked: 400, failed: 0, dropped: 0 });
    // p50: rank 50 ends the ≤1 ms bucket; p95 and p99: ranks 95 and 99 inside (2.5 ms, 5 ms], 45 and 49 of its 50.
    const latency = second.nodes[0]?.latencyMs;
    assert.ok(latency);
    assert.equal(latency.p50.toFixed(6), '1.000000');
    assert.equal(latency.p95.toFixed(6), '4.750000');
    assert.equal(latency.p99.toFixed(6), '4.950000');
    assert.deepEqual(
      second.edges.map((e) => [e.from, e.to, e.stream, e.tuples, e.rate]),
      [['gen', 'out', 's', 300, 150]],
    );

    // Asked again at once: the same snapshot, not a new interval of 0 s.
    assert.equal(await view.snapshot(), second);

    // A quiet interval: no rate, no latency, the counts stay.
    mock.timers.tick(1000);
    const third = await view.snapshot();
    assert.deepEqual(third.nodes[0]?.rates, { received: 0, emitted: 0, acked: 0, failed: 0, dropped: 0 });
    assert.equal(third.nodes[0]?.latencyMs, null);
    assert.equal(third.nodes[0]?.counts.acked, 400);
  } finally {
    mock.timers.reset();
  }
});
