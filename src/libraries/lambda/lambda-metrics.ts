/**
 * `punchline_lambda_failures_total`: lambdas that could not be evaluated on a tuple (a missing
 * field, a type mismatch…), by node, setting and kind of failure. A failed lambda never crashes a
 * bolt: it counts as not matching (or the tuple is rejected), and is counted here.
 */
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { registeredMetric } from '../../core/registered-metric.js';
import { LambdaEvaluationError } from './index.js';

const NAME = 'punchline_lambda_failures_total';

/** Counts a lambda failure of the node's `setting`; returns the failure kind. */
export type LambdaFailureCounter = (setting: string, error: unknown) => string;

function counter(registry: Registry): Counter {
  return registeredMetric(registry, NAME, Counter, () =>
    new Counter({
      name: NAME,
      help: 'Lambda evaluations that failed on a tuple, by node, setting and kind (missing-field, type-mismatch, invalid-argument, division-by-zero).',
      labelNames: ['tenant', 'channel', 'punchline', 'component', 'setting', 'failure'],
      registers: [registry],
    }),
  );
}

/** Where a node's lambda failures are counted and logged (a node's context is one). */
export interface LambdaFailureScope {
  /** The node's `type[component]`, the prefix of its log lines. */
  readonly label: string;
  readonly logger: Logger;
  readonly metrics: Registry;
  readonly metricLabels: Readonly<Record<'tenant' | 'channel' | 'punchline' | 'component', string>>;
}

/** A failure counter bound to a node; failures are logged at debug level with the reason. */
export function lambdaFailureCounter(ctx: LambdaFailureScope): LambdaFailureCounter {
  const metric = counter(ctx.metrics);
  return (setting, error) => {
    const failure = error instanceof LambdaEvaluationError ? error.failure : 'error';
    metric.inc({ ...ctx.metricLabels, setting, failure });
    ctx.logger.debug({ setting, failure, reason: error instanceof Error ? error.message : String(error) }, `${ctx.label}: ${setting} lambda failed`);
    return failure;
  };
}
