/**
 * `punchline_lambda_failures_total`: lambdas that could not be evaluated on a tuple (a missing
 * field, a type mismatch…), by node, setting and kind of failure. A failed lambda never crashes a
 * bolt: it counts as not matching (or the tuple is rejected), and is counted here.
 *
 * A lambda that fails on every tuple (`"host" > 10` on a string field) is a settings mistake the
 * counter alone hides, so each failure is also a warning, throttled per setting and failure kind
 * (the first at once, then at most one an interval), naming the field's type and value.
 */
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { registeredMetric } from '../../core/registered-metric.js';
import { LambdaEvaluationError } from './index.js';
import type { TypeMismatchDetail } from './lambda-errors.js';

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
  /** The node's throttled warnings (the node API's `ThrottledLog`): at most one a key and interval. */
  readonly throttledLog: { warn(key: string, fields: Record<string, unknown>, message: string): void };
}

/** What the warnings of a node's lambda failures say besides the error. */
export interface LambdaFailureWording {
  /** The source of each setting's lambda, by setting (`crit`, `where`, an eval's `as`…). */
  readonly sources: Readonly<Record<string, string>>;
  /** What a failure does to the tuple, e.g. `the tuple does not match`, `the tuple is rejected`. */
  readonly outcome: string;
}

const COMPARISONS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);

/** `an int`, `a string`: a type name with its article. */
function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** `a number`, `a string`… : what the other operand's type reads as in a sentence. */
function kindOf(type: string): string {
  return type === 'int' || type === 'float' ? 'a number' : article(type);
}

/** `compares a string field "host" ("web-1") with a number`: what the lambda did with the field. */
function describeMismatch(m: TypeMismatchDetail): string {
  const field = `${article(m.fieldType)} field "${m.field}" (${m.fieldValue})`;
  const other = m.otherType === undefined ? undefined : m.otherField === undefined ? kindOf(m.otherType) : `the ${m.otherType} field "${m.otherField}"`;
  if (other === undefined) return `applies ${m.operator} to ${field}`;
  if (COMPARISONS.has(m.operator)) return `compares ${field} with ${other}`;
  if (m.operator === '=~' || m.operator === '!~') return `matches ${field} against ${other}`;
  return `applies ${m.operator} to ${field} and ${other}`;
}

/**
 * A failure counter bound to a node. Every failure is counted and logged at debug level with the
 * reason; it is also a warning, once per setting and failure kind and then at most one an interval
 * (the node's throttled log), saying what the lambda met and what happened to the tuple.
 */
export function lambdaFailureCounter(ctx: LambdaFailureScope, wording: LambdaFailureWording): LambdaFailureCounter {
  const metric = counter(ctx.metrics);
  return (setting, error) => {
    const failure = error instanceof LambdaEvaluationError ? error.failure : 'error';
    metric.inc({ ...ctx.metricLabels, setting, failure });
    const reason = error instanceof Error ? error.message : String(error);
    ctx.logger.debug({ setting, failure, reason }, `${ctx.label}: ${setting} lambda failed`);
    const source = wording.sources[setting];
    const mismatch = error instanceof LambdaEvaluationError ? error.mismatch : undefined;
    const what = mismatch === undefined ? reason : describeMismatch(mismatch);
    const lambda = source === undefined ? '' : `${source} `;
    const said = mismatch === undefined ? `${source === undefined ? '' : `${source}: `}${what}` : `${lambda}${what}`;
    ctx.throttledLog.warn(
      `lambda:${setting}:${failure}`,
      { setting, failure, ...(error instanceof LambdaEvaluationError && error.field !== undefined && { field: error.field }), ...(mismatch !== undefined && { fieldType: mismatch.fieldType }), reason },
      `${ctx.label}: ${setting} lambda failed (${failure}): ${said}; ${wording.outcome} — counted in ${NAME}`,
    );
    return failure;
  };
}
