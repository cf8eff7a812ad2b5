/**
 * `alert`: Kapacitor's AlertNode inside a punchline. Every tuple is a point: its `group_by` fields
 * are the tags that form groups, the level lambdas choose its level, and the per-group state
 * machine decides whether an event is emitted. An event is published on the node's streams as the
 * tuple's fields plus the event's (`id`, `message`, `details`, `time`, `duration`, `level`,
 * `previousLevel`, `recoverable`, and `event_field` holding the exact Kapacitor JSON and newline,
 * encoded once here: outputs write that text as it is when their settings say so, kafka_output
 * with `value_format: "alert"`, file_output with `raw_field`).
 *
 * Acks: the incoming tuple is acked whether or not it raises an event (no event is a deliberate
 * drop); an event is anchored to the tuple that caused it. A tuple whose time field is not a time,
 * or whose templates cannot render, is rejected (`_ppf_errors` when published, else dropped).
 *
 * The groups' states (levels, history, stateful functions, previous levels) live in one executor:
 * `executors > 1` is refused at start (the runtime dispatches tuples round-robin, which would
 * split every group between executors).
 */
import { map } from 'rxjs';
import { Counter } from 'prom-client';
import { ack, compileExtension, dataStreams, defineNode, drop, perStream, reject, tupleTimeMs } from '../../src/runtime/node-api.js';
import type { FieldValue, Fields, FieldUse, NodeContext, SettingsProblem } from '../../src/runtime/node-api.js';
import { PunchlineError } from '../../src/core/errors.js';
import { compileLambda } from '../../src/libraries/lambda/index.js';
import { checkLambdaSetting } from '../../src/libraries/lambda/lambda-setting.js';
import { lambdaFailureCounter } from '../../src/libraries/lambda/lambda-metrics.js';
import { AlertEngine, compileAlertTemplates, encodeAlertEventRecord, epochMsToNs } from '../../src/libraries/alerting/index.js';
import type { AlertEvent, LevelLambdas } from '../../src/libraries/alerting/index.js';
import { formatGoValue, formatRfc3339Nano } from '../../src/libraries/template/index.js';
import { registeredMetric } from '../../src/core/registered-metric.js';
import type { AlertSettings } from './settings.generated.js';

const LAMBDA_SETTINGS = ['crit', 'warn', 'info', 'crit_reset', 'warn_reset', 'info_reset'] as const;

function eventsCounter(ctx: NodeContext): Counter {
  const name = 'punchline_alert_events_total';
  return registeredMetric(ctx.metrics, name, Counter, () => new Counter({ name, help: 'Alert events emitted, by level.', labelNames: ['tenant', 'channel', 'punchline', 'component', 'level'], registers: [ctx.metrics] }));
}

/** Fields that describe the point rather than being data: excluded from the event data by default. */
function isBookkeeping(field: string, settings: AlertSettings): boolean {
  return field.startsWith('_ppf_') || settings.group_by.includes(field) || field === settings.name_field || field === settings.time_field;
}

/** A field an event adds to the tuple: its name, and how its value comes from the event. */
type EventField = readonly [name: string, value: (event: AlertEvent) => FieldValue];

/**
 * The fields an event adds to the tuple: its own, in the order of Kapacitor's JSON, the event
 * JSON in `event_field`, then the copies the Kapacitor field settings ask for.
 */
function eventFields(settings: AlertSettings): EventField[] {
  const duration = (event: AlertEvent): number => Number(event.duration);
  const fields: EventField[] = [
    ['id', (event) => event.id],
    ['message', (event) => event.message],
    ['details', (event) => event.details],
    ['time', (event) => formatRfc3339Nano(event.time)],
    ['duration', duration],
    ['level', (event) => event.level],
    ['previousLevel', (event) => event.previousLevel],
    ['recoverable', (event) => event.recoverable],
    [settings.event_field, encodeAlertEventRecord],
  ];
  const copies: readonly (readonly [string | undefined, EventField[1]])[] = [
    [settings.level_field, (event) => event.level],
    [settings.message_field, (event) => event.message],
    [settings.id_field, (event) => event.id],
    [settings.duration_field, duration],
  ];
  for (const [name, value] of copies) if (name !== undefined) fields.push([name, value]);
  return fields;
}

/** What the bolt knows of the tuples of one incoming stream (they all carry the same fields). */
interface StreamLayout {
  /** The fields that are the event's data. */
  readonly dataFields: readonly string[];
  /** Builds the event tuple: the incoming fields plus the added ones. */
  readonly withEvent: (fields: Fields, added: readonly FieldValue[]) => Fields;
}

export const alert = defineNode<AlertSettings>({
  type: 'alert',
  kind: 'bolt',
  schema: 'alert.schema.json',
  check(settings, scope) {
    const problems: SettingsProblem[] = [];
    const levels = LAMBDA_SETTINGS.filter((name) => name.indexOf('_') < 0 && settings[name] !== undefined);
    if (levels.length === 0) problems.push({ path: '/settings', message: 'an alert needs at least one of crit, warn, info', severity: 'error' });
    for (const name of LAMBDA_SETTINGS) {
      const source = settings[name];
      if (source !== undefined) problems.push(...checkLambdaSetting(source, `/settings/${name}`, scope.fieldsIn, { predicate: true }));
    }
    for (const reset of ['crit_reset', 'warn_reset', 'info_reset'] as const) {
      const level = reset.replace('_reset', '') as 'crit' | 'warn' | 'info';
      if (settings[reset] !== undefined && settings[level] === undefined) problems.push({ path: `/settings/${reset}`, message: `${reset} without ${level} never applies`, severity: 'warning' });
    }
    for (const template of ['id', 'message', 'details'] as const) {
      try {
        compileAlertTemplates({ [template]: settings[template] });
      } catch (error) {
        if (!(error instanceof PunchlineError)) throw error;
        problems.push({ path: `/settings/${template}`, message: error.message, ...(error.hint !== undefined && { hint: error.hint }), severity: 'error' });
      }
    }
    if (settings.name_field !== undefined && settings.name !== 'alert') {
      problems.push({ path: '/settings/name_field', message: 'give the measurement either with name or with name_field, not both', severity: 'error' });
    }
    if (settings.state_changes_only_max_interval_ms !== undefined && !settings.state_changes_only) {
      problems.push({ path: '/settings/state_changes_only_max_interval_ms', message: 'only applies with state_changes_only: true', severity: 'warning' });
    }
    if (settings.flapping !== undefined && settings.flapping.low > settings.flapping.high) {
      problems.push({ path: '/settings/flapping', message: 'flapping.low must not be above flapping.high', severity: 'error' });
    }
    return problems;
  },
  fieldsRead(settings) {
    const reads: FieldUse[] = [];
    for (const name of LAMBDA_SETTINGS) {
      const source = settings[name];
      if (source !== undefined) for (const field of compileLambda(source).fields) reads.push({ field, path: `/settings/${name}` });
    }
    settings.group_by.forEach((field, i) => reads.push({ field, path: `/settings/group_by/${i}` }));
    (settings.data_fields ?? []).forEach((field, i) => reads.push({ field, path: `/settings/data_fields/${i}` }));
    if (settings.name_field !== undefined) reads.push({ field: settings.name_field, path: '/settings/name_field' });
    if (settings.time_field !== undefined) reads.push({ field: settings.time_field, path: '/settings/time_field' });
    return reads;
  },
  create(settings, ctx) {
    if (ctx.executors > 1) {
      throw new PunchlineError('E_CONFIG_INVALID', `${ctx.label}: executors ${ctx.executors}: an alert keeps each group's levels, history and lambda state in one executor, and the runtime dispatches tuples round-robin, which would split every group`, { hint: 'set executors: 1' });
    }
    const sources: Record<string, string> = {};
    for (const name of LAMBDA_SETTINGS) if (settings[name] !== undefined) sources[name] = settings[name];
    const failed = lambdaFailureCounter(ctx, { sources, outcome: 'the tuple does not match' });
    const eventsMetric = eventsCounter(ctx);
    const eventsByLevel = new Map(['OK', 'INFO', 'WARNING', 'CRITICAL'].map((level) => [level, eventsMetric.labels({ ...ctx.metricLabels, level })]));
    const lambdas: { -readonly [K in keyof LevelLambdas]: LevelLambdas[K] } = {};
    for (const name of LAMBDA_SETTINGS) {
      const source = settings[name];
      if (source !== undefined) lambdas[name] = compileLambda(source, { predicate: true });
    }
    const engine = new AlertEngine({
      taskName: settings.task_name ?? ctx.punchline.name,
      groupBy: settings.group_by,
      lambdas,
      id: settings.id,
      message: settings.message,
      details: settings.details,
      history: settings.history,
      ...(settings.flapping !== undefined && { flapping: settings.flapping }),
      stateChangesOnly: settings.state_changes_only,
      ...(settings.state_changes_only_max_interval_ms !== undefined && { stateChangesOnlyMaxIntervalNs: BigInt(settings.state_changes_only_max_interval_ms) * 1_000_000n }),
      noRecoveries: settings.no_recoveries,
      onLambdaFailure: (role, error) => failed(role, error),
    });
    const streams = dataStreams(ctx.publish).map((p) => p.stream);
    const added = eventFields(settings);
    const addedNames = added.map(([name]) => name);
    const layoutOf = perStream((names): StreamLayout => ({ dataFields: settings.data_fields ?? names.filter((f) => !isBookkeeping(f, settings)), withEvent: compileExtension(names, addedNames) }));
    const dataOf = (fields: Fields, layout: StreamLayout): Fields => {
      const data: Record<string, FieldValue> = {};
      for (const name of layout.dataFields) data[name] = fields[name] ?? null;
      return data;
    };
    return (tuples) =>
      tuples.pipe(
        map((tuple) => {
          const fields = tuple.fields;
          const layout = layoutOf(tuple);
          const timeMs = tupleTimeMs(fields, settings.time_field);
          if (timeMs === undefined) {
            return reject(tuple, new PunchlineError('E_TUPLE_FAILED', `${ctx.label}: field "${String(settings.time_field)}" is not a time: ${JSON.stringify(fields[settings.time_field ?? ''] ?? null)}`), ctx.publish);
          }
          const tags: Record<string, string> = {};
          for (const field of settings.group_by) tags[field] = fields[field] === undefined || fields[field] === null ? '' : formatGoValue(fields[field]);
          const nameValue = settings.name_field === undefined ? settings.name : fields[settings.name_field];
          const name = nameValue === undefined || nameValue === null ? '' : formatGoValue(nameValue);
          let event: AlertEvent | undefined;
          try {
            event = engine.process({ name, time: epochMsToNs(timeMs), tags, fields: dataOf(fields, layout), scope: fields });
          } catch (error) {
            if (error instanceof PunchlineError) return reject(tuple, error.within(ctx.label), ctx.publish);
            throw error;
          }
          if (event === undefined) return drop(tuple, 'no alert event');
          eventsByLevel.get(event.level)?.inc();
          const out = layout.withEvent(fields, added.map(([, value]) => value(event)));
          return ack(tuple, ...streams.map((stream) => ({ stream, fields: out })));
        }),
      );
  },
});
