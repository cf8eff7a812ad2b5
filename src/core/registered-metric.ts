/**
 * Metric families are registered once per registry: several executors, nodes or copies of a
 * module share one registry, and prom-client refuses a second metric of the same name.
 */
import type { Metric, Registry } from 'prom-client';

/** A metric class of prom-client (`Counter`, `Gauge`, `Histogram`, `Summary`). */
export type MetricKind<M extends Metric> = abstract new (...args: never[]) => M;

/**
 * The metric `name` of `registry` when it is there, else the one `create` makes; `create` must
 * register it in `registry` under `name`. Throws when `name` is taken by a metric of another kind.
 */
export function registeredMetric<M extends Metric>(registry: Registry, name: string, kind: MetricKind<M>, create: () => M): M {
  const existing = registry.getSingleMetric(name);
  if (existing === undefined) {
    const created = create();
    if (registry.getSingleMetric(name) !== created) throw new Error(`metric ${name}: the metric created for it is not registered under that name`);
    return created;
  }
  if (existing instanceof kind) return existing;
  throw new Error(`metric ${name} is already registered as a ${existing.constructor.name}, not a ${kind.name}`);
}
