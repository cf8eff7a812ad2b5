/**
 * `alert_handlers`: Kapacitor's alert topics and their handlers (`kapacitor define-topic-handler`)
 * as an output. It subscribes to the streams of alert bolts; each event tuple names its topic (the
 * bolt's `topic`) and holds the event's JSON. The handler specs (files named in `specs`) of that
 * topic whose `match` passes each get the event; the tuple is acked once every one of them
 * confirmed, and failed as soon as one fails (the input then replays it or stops, as for any
 * output: a replay delivers it again to every matched handler, including those that had it).
 *
 * Events are handled one at a time, in the order they arrive, so a handler sees an episode's
 * events in order (a CRITICAL before its OK); the handlers of one event run concurrently. With
 * `executors` above 1, every event goes to the same executor, for the same reason.
 */
import { concatMap, from } from 'rxjs';
import { Counter } from 'prom-client';
import { defineNode, drop, fail, ack, reject, registeredMetric } from '../../src/runtime/node-api.js';
import type { NodeContext, Outcome, SettingsProblem, Tuple } from '../../src/runtime/node-api.js';
import { PunchlineError } from '../../src/core/errors.js';
import { decodeAlertEvent } from '../../src/libraries/alerting/index.js';
import type { AlertEvent, HandlerSpec } from '../../src/libraries/alerting/index.js';
import { LambdaEvaluationError } from '../../src/libraries/lambda/index.js';
import { loadHandlerSpecs } from './spec-files.js';
import { execDelivery, logDelivery, postDelivery, tcpDelivery } from './deliveries.js';
import type { Delivery, HandledEvent } from './deliveries.js';
import { kafkaDelivery, kafkaSpecProblems } from './kafka-delivery.js';
import type { KafkaDeliveries } from './kafka-delivery.js';
import type { AlertHandlersSettings } from './settings.generated.js';

/** The fields of the alert bolt's event tuple besides the event JSON. */
const TOPIC_FIELD = 'topic';
const TASK_NAME_FIELD = 'taskName';

function deliveriesCounter(ctx: NodeContext): Counter {
  const name = 'punchline_alert_handler_deliveries_total';
  return registeredMetric(ctx.metrics, name, Counter, () => new Counter({ name, help: 'Alert events given to a handler, by handler and outcome (delivered, failed, unmatched, match_failed).', labelNames: ['tenant', 'channel', 'punchline', 'component', 'topic', 'handler', 'outcome'], registers: [ctx.metrics] }));
}

interface Handler {
  readonly spec: HandlerSpec;
  readonly deliver: Delivery;
}

export const alertHandlers = defineNode<AlertHandlersSettings>({
  type: 'alert_handlers',
  kind: 'output',
  schema: 'alert_handlers.schema.json',
  check(settings, scope) {
    const problems: SettingsProblem[] = [];
    const { specs, problems: specProblems } = loadHandlerSpecs(settings.specs.map((file) => scope.resolvePath(file)));
    for (const p of specProblems) problems.push({ path: `/settings/specs/${p.index}`, message: p.message, ...(p.hint !== undefined && { hint: p.hint }), severity: 'error' });
    specs.forEach((spec, index) => problems.push(...kafkaSpecProblems(spec, index, scope.platform)));
    return problems;
  },
  // Every event to one executor: each handler sees the events in the order they were raised.
  groupingFields: () => [],
  fieldsRead: (settings) => [
    { field: settings.event_field, path: '/settings/event_field' },
    { field: TOPIC_FIELD, path: '/settings' },
    { field: TASK_NAME_FIELD, path: '/settings' },
  ],
  create(settings, ctx) {
    const { specs, problems } = loadHandlerSpecs(settings.specs.map((file) => ctx.resolvePath(file)));
    const [first] = problems;
    if (first !== undefined) throw new PunchlineError('E_CONFIG_INVALID', `${ctx.label}: ${first.message}`, first.hint === undefined ? {} : { hint: first.hint });
    const kafka: KafkaDeliveries = new Map();
    const byTopic = new Map<string, Handler[]>();
    for (const spec of specs) {
      const deliver = deliveryOf(spec, ctx, kafka);
      byTopic.set(spec.topic, [...(byTopic.get(spec.topic) ?? []), { spec, deliver }]);
    }
    const counter = deliveriesCounter(ctx);
    const count = (spec: HandlerSpec, outcome: string): void => counter.inc({ ...ctx.metricLabels, topic: spec.topic, handler: spec.id, outcome });

    const handle = async (tuple: Tuple): Promise<Outcome> => {
      const json = tuple.fields[settings.event_field];
      const topic = tuple.fields[TOPIC_FIELD];
      if (typeof json !== 'string' || typeof topic !== 'string') {
        return reject(tuple, new PunchlineError('E_TUPLE_FAILED', `${ctx.label}: a tuple without an alert event: "${settings.event_field}" and "${TOPIC_FIELD}" must be texts (is an alert bolt upstream?)`), ctx.publish);
      }
      let event: AlertEvent;
      try {
        event = decodeAlertEvent(json);
      } catch (error) {
        if (error instanceof PunchlineError) return reject(tuple, error.within(`${ctx.label}: field "${settings.event_field}"`), ctx.publish);
        throw error;
      }
      const taskName = tuple.fields[TASK_NAME_FIELD];
      const matched = (byTopic.get(topic) ?? []).filter(({ spec }) => {
        if (spec.match === undefined) return true;
        try {
          const passes = spec.match.test({ level: event.level, previousLevel: event.previousLevel, name: event.data.name, taskName: typeof taskName === 'string' ? taskName : '', duration: event.duration, tags: event.data.tags });
          if (!passes) count(spec, 'unmatched');
          return passes;
        } catch (error) {
          if (!(error instanceof LambdaEvaluationError)) throw error;
          count(spec, 'match_failed');
          ctx.throttledLog.warn(`match:${topic}/${spec.id}:${error.failure}`, { topic, handler: spec.id, event: event.id }, `handler "${spec.id}" of topic "${topic}": its match rule failed on an event, taken as no match: ${error.message}`);
          return false;
        }
      });
      if (matched.length === 0) return drop(tuple, `no handler of topic "${topic}" matched`);
      const handled: HandledEvent = { json, event };
      const results = await Promise.allSettled(matched.map(({ deliver }) => deliver(handled)));
      let failure: PunchlineError | undefined;
      results.forEach((result, i) => {
        const spec = (matched[i] as Handler).spec;
        count(spec, result.status === 'fulfilled' ? 'delivered' : 'failed');
        if (result.status === 'rejected' && failure === undefined) {
          const reason: unknown = result.reason;
          const error = reason instanceof PunchlineError ? reason : new PunchlineError('E_TUPLE_FAILED', String(reason), { cause: reason });
          failure = error.within(`handler "${spec.id}" (${spec.kind}) of topic "${topic}", event ${event.id} ${event.level}`);
        }
      });
      return failure === undefined ? ack(tuple) : fail(tuple, failure);
    };

    return {
      write: (tuples) => tuples.pipe(concatMap((tuple) => from(handle(tuple)))),
      async start() {
        for (const producer of kafka.values()) await producer.start();
      },
      async close() {
        for (const producer of kafka.values()) await producer.close();
      },
    };
  },
});

function deliveryOf(spec: HandlerSpec, ctx: NodeContext, kafka: KafkaDeliveries): Delivery {
  switch (spec.kind) {
    case 'log':
      return logDelivery(spec.options);
    case 'post':
      return postDelivery(spec.options);
    case 'exec':
      return execDelivery(spec.options);
    case 'tcp':
      return tcpDelivery(spec.options);
    case 'kafka':
      return kafkaDelivery(spec.options, ctx, kafka);
  }
}
