/**
 * Executors, nodes and module copies share a registry: asking twice for a metric gives the one
 * already registered, another registry gets its own, and a name taken by another kind is an error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Gauge, Registry } from 'prom-client';
import { registeredMetric } from './registered-metric.js';

const NAME = 'punchline_test_things_total';

function things(registry: Registry): Counter {
  return registeredMetric(registry, NAME, Counter, () => new Counter({ name: NAME, help: 'Things.', labelNames: ['kind'], registers: [registry] }));
}

test('two calls on one registry give the same metric', () => {
  const registry = new Registry();
  const first = things(registry);
  assert.equal(things(registry), first);
  assert.equal(registry.getSingleMetric(NAME), first);
});

test('another registry gets a metric of its own', () => {
  const one = new Registry();
  const other = new Registry();
  assert.notEqual(things(one), things(other));
});

test('a name taken by another kind of metric throws, naming the metric', () => {
  const registry = new Registry();
  new Gauge({ name: NAME, help: 'Not a counter.', registers: [registry] });
  assert.throws(() => things(registry), (error: Error) => error.message.includes(NAME) && error.message.includes('Gauge'));
});

test('a create that does not register its metric under the name throws', () => {
  const registry = new Registry();
  assert.throws(() => registeredMetric(registry, NAME, Counter, () => new Counter({ name: NAME, help: 'Unregistered.', registers: [] })), new RegExp(NAME));
});
