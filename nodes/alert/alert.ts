/**
 * `alert`: Kapacitor's AlertNode inside a punchline. Every tuple is a point: its group fields (the
 * node's `group_by`, else the grouping of its input streams) are the tags that form groups, the
 * level lambdas choose its level, and the per-group state machine decides whether an event is
 * emitted. An event is published on the node's streams as the
 * tuple's fields plus the event's (`id`, `message`, `details`, `time`, `duration`, `level`,
 * `previousLevel`, `recoverable`, and `event_field` holding the exact Kapacitor JSON and newline,
 * encoded once here: outputs write that text as it is when their settings say so, kafka_output
 * with `value_format: "alert"`, file_output with `raw_field`), then `topic` (Kapacitor's
 * `.topic()`) and `taskName`, which the handler specs of an `alert_handlers` node match on.
 *
 * A batch tuple (a window's: an array of points in `points_field`) is alerted on as Kapacitor
 * alerts on a batch (`AlertEngine.processBatch`): each point is evaluated, the batch takes the
 * highest level (the lowest with `all`), and the event's series holds every point. The event tuple
 * is the batch tuple plus the event's fields; the `*_field` copies are also written into each point,
 * as Kapacitor writes them into each point of the batch it passes on.
 *
 * Acks: the incoming tuple is acked whether or not it raises an event (no event is a deliberate
 * drop); an event is anchored to the tuple that caused it. A tuple whose time field is not a time,
 * or whose templates cannot render, is rejected (`_ppf_errors` when published, else dropped).
 *
 * The groups' states (levels, history, stateful functions, previous levels) live in executors:
 * with `executors > 1` the runtime sends each group to one executor (fields grouping on the group
 * fields; every tuple to one executor when ungrouped). With `changelog`, they are restored from a
 * compacted topic before the first tuple, and each processed group's snapshot is published on the
 * changelog stream, anchored to the tuple, for a kafka_output to write (state-changelog.ts).
 */
import { map } from 'rxjs';
import { Counter } from 'prom-client';
import { ack, batchOperator, compileExtension, dataStreams, defineNode, drop, perStream, reject, tupleTimeNs } from '../../src/runtime/node-api.js';
import type { FieldValue, Fields, FieldUse, NodeContext, Outcome, SettingsProblem, Tuple } from '../../src/runtime/node-api.js';
import { PunchlineError } from '../../src/core/errors.js';
import { compileLambda } from '../../src/libraries/lambda/index.js';
import { checkLambdaSetting } from '../../src/libraries/lambda/lambda-setting.js';
import { lambdaFailureCounter } from '../../src/libraries/lambda/lambda-metrics.js';
import { AlertEngine, compileAlertTemplates, encodeAlertEventRecord, InhibitorLookup, LEVELS } from '../../src/libraries/alerting/index.js';
import type { AlertBatchPoint, AlertEvent, AlertLevel, LevelLambdas } from '../../src/libraries/alerting/index.js';
import { formatGoValue, formatRfc3339Nano } from '../../src/libraries/template/index.js';
import { registeredMetric } from '../../src/core/registered-metric.js';
import type { AlertSettings } from './settings.generated.js';
import { AlertChangelog, checkChangelog } from './state-changelog.js';

const LAMBDA_SETTINGS = ['crit', 'warn', 'info', 'crit_reset', 'warn_reset', 'info_reset'] as const;

function eventsCounter(ctx: NodeContext): Counter {
  const name = 'punchline_alert_events_total';
  return registeredMetric(ctx.metrics, name, Counter, () => new Counter({ name, help: 'Alert events emitted, by level.', labelNames: ['tenant', 'channel', 'punchline', 'component', 'level'], registers: [ctx.metrics] }));
}

function inhibitedCounter(ctx: NodeContext): Counter {
  const name = 'punchline_alert_inhibited_total';
  return registeredMetric(ctx.metrics, name, Counter, () => new Counter({ name, help: 'Alert events not emitted because an inhibit of an alert suppressed them (Kapacitor\'s alerts_inhibited).', labelNames: ['tenant', 'channel', 'punchline', 'component'], registers: [ctx.metrics] }));
}

/** Fields that describe the point rather than being data: excluded from the event data by default. */
function isBookkeeping(field: string, settings: AlertSettings, groupBy: readonly string[]): boolean {
  return field.startsWith('_ppf_') || groupBy.includes(field) || settings.tags.includes(field) || field === settings.tags_field || field === settings.name_field || field === settings.time_field;
}

/** The tag names a tuple lists in `tags_field` (the metric codecs' `_tags`). */
function listedTags(listed: readonly FieldValue[]): readonly string[] {
  return listed.filter((name): name is string => typeof name === 'string');
}

/** Adds to `tags` each of `names` the point has and `tags` does not hold yet, as Go prints it. */
function addTags(tags: Record<string, string>, fields: Fields, names: readonly string[]): void {
  for (const field of names) {
    const value = fields[field];
    if (value !== undefined && value !== null && !Object.hasOwn(tags, field)) tags[field] = formatGoValue(value);
  }
}

/** The fields a lambda on batches reads: known to be in the points, whatever the streams declare. */
function batchLambdaFields(source: string): readonly string[] {
  try {
    return compileLambda(source).fields;
  } catch {
    return [];
  }
}

/** A field an event adds to the tuple: its name, and how its value comes from the event. */
type EventField = readonly [name: string, value: (event: AlertEvent) => FieldValue];

/**
 * The fields an event adds to the tuple: its own, in the order of Kapacitor's JSON, the event
 * JSON in `event_field`, then the copies the Kapacitor field settings ask for.
 */
function eventFields(settings: AlertSettings, topic: string, taskName: string): EventField[] {
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
    ['topic', () => topic],
    ['taskName', () => taskName],
  ];
  const copies: readonly (readonly [string | undefined, EventField[1]])[] = [
    [settings.level_field, (event) => event.level],
    [settings.message_field, (event) => event.message],
    [settings.id_field, (event) => event.id],
    [settings.duration_field, duration],
    [settings.level_tag, (event) => event.level],
    [settings.id_tag, (event) => event.id],
  ];
  for (const [name, value] of copies) if (name !== undefined) fields.push([name, value]);
  // Kapacitor's .idTag()/.levelTag(): the copies are tags of the point the alert passes on.
  const addedTags = [settings.level_tag, settings.id_tag].filter((name) => name !== undefined);
  if (addedTags.length > 0) fields.push([settings.tags_field, (event) => [...Object.keys(event.data.tags).filter((tag) => !addedTags.includes(tag)), ...addedTags]]);
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
      // A batch's lambdas read the fields of its points, which no stream declares.
      if (source !== undefined) problems.push(...checkLambdaSetting(source, `/settings/${name}`, settings.points_field === undefined ? scope.fieldsIn : batchLambdaFields(source), { predicate: true }));
    }
    if (settings.all && settings.points_field === undefined) problems.push({ path: '/settings/all', message: 'all only applies to batches (with points_field): a single point has one level', severity: 'warning' });
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
    if (settings.changelog !== undefined) problems.push(...checkChangelog(settings.changelog, scope.publish, scope.platform));
    // An inhibitor holds its group's value of each tag: one the points never carry as a tag is always empty.
    const tagsListed = scope.fieldsIn.has(settings.tags_field);
    settings.inhibit.forEach(({ tags }, i) =>
      tags.forEach((tag, t) => {
        if (!tagsListed && !scope.groupBy.includes(tag) && !settings.tags.includes(tag)) {
          problems.push({ path: `/settings/inhibit/${i}/tags/${t}`, message: `"${tag}" is not a tag of this alert's points: its value is always empty, so only events without a "${tag}" tag are inhibited`, hint: `group by "${tag}", or list it in tags`, severity: 'warning' });
        }
      }),
    );
    return problems;
  },
  groupBy: (settings) => settings.group_by,
  groupingFields: (_settings, groupBy) => groupBy,
  fieldsRead(settings) {
    const reads: FieldUse[] = [];
    if (settings.points_field === undefined) {
      for (const name of LAMBDA_SETTINGS) {
        const source = settings[name];
        if (source !== undefined) for (const field of compileLambda(source).fields) reads.push({ field, path: `/settings/${name}` });
      }
    } else {
      reads.push({ field: settings.points_field, path: '/settings/points_field' });
      if (settings.time_field === undefined) reads.push({ field: 'time', path: '/settings/points_field' });
    }
    (settings.group_by ?? []).forEach((field, i) => reads.push({ field, path: `/settings/group_by/${i}` }));
    settings.tags.forEach((field, i) => reads.push({ field, path: `/settings/tags/${i}` }));
    (settings.data_fields ?? []).forEach((field, i) => reads.push({ field, path: `/settings/data_fields/${i}` }));
    if (settings.name_field !== undefined) reads.push({ field: settings.name_field, path: '/settings/name_field' });
    if (settings.time_field !== undefined) reads.push({ field: settings.time_field, path: '/settings/time_field' });
    return reads;
  },
  create(settings, ctx) {
    const sources: Record<string, string> = {};
    for (const name of LAMBDA_SETTINGS) if (settings[name] !== undefined) sources[name] = settings[name];
    const failed = lambdaFailureCounter(ctx, { sources, outcome: 'the tuple does not match' });
    const eventsMetric = eventsCounter(ctx);
    // Events are counted in plain numbers and added to the metric once per batch of tuples:
    // prom-client hashes the labels on every inc (about half a microsecond per event).
    const eventCounts = LEVELS.map((level) => ({ level, counter: eventsMetric.labels({ ...ctx.metricLabels, level }), pending: 0 }));
    const countEvent = (level: AlertLevel): void => {
      for (const count of eventCounts) if (count.level === level) count.pending++;
    };
    const addEventCounts = (): void => {
      for (const count of eventCounts) {
        if (count.pending > 0) count.counter.inc(count.pending);
        count.pending = 0;
      }
    };
    const lambdas: { -readonly [K in keyof LevelLambdas]: LevelLambdas[K] } = {};
    for (const name of LAMBDA_SETTINGS) {
      const source = settings[name];
      if (source !== undefined) lambdas[name] = compileLambda(source, { predicate: true });
    }
    const taskName = settings.task_name ?? ctx.punchline.name;
    const groupBy = ctx.groupBy;
    const inhibitedMetric = inhibitedCounter(ctx).labels(ctx.metricLabels);
    /** Whether the last point's event was inhibited, for its drop reason. */
    let inhibited = false;
    const engine = new AlertEngine({
      taskName,
      groupBy,
      lambdas,
      id: settings.id,
      message: settings.message,
      details: settings.details,
      history: settings.history,
      ...(settings.flapping !== undefined && { flapping: settings.flapping }),
      stateChangesOnly: settings.state_changes_only,
      ...(settings.state_changes_only_max_interval_ms !== undefined && { stateChangesOnlyMaxIntervalNs: BigInt(settings.state_changes_only_max_interval_ms) * 1_000_000n }),
      noRecoveries: settings.no_recoveries,
      all: settings.all,
      onLambdaFailure: (role, error) => failed(role, error),
      ...(settings.category !== undefined && { category: settings.category }),
      inhibit: settings.inhibit.map(({ category, tags }) => ({ category, tags })),
      // Kapacitor's alert service holds the inhibitors of every task: here, of every alert node of the process.
      inhibitors: ctx.connection('alerting:inhibitors', () => new InhibitorLookup()),
      onInhibited: () => {
        inhibited = true;
        inhibitedMetric.inc();
      },
    });
    const noEvent = (): string => (inhibited ? 'inhibited' : 'no alert event');
    const published = dataStreams(ctx.publish).filter(({ stream }) => stream !== settings.changelog?.stream);
    const streams = published.map((p) => p.stream);
    const changelog = settings.changelog === undefined ? undefined : new AlertChangelog(engine, settings.changelog, ctx, settings.topic ?? `${ctx.punchline.name}:${ctx.component}`);
    // The runtime keeps only the fields the streams declare: the event's other fields (a time
    // formatted, the JSON when no stream declares it) are neither worked out nor copied.
    const declared = new Set(published.flatMap((p) => p.fields));
    const allAdded = eventFields(settings, settings.topic ?? `${ctx.punchline.name}:${ctx.component}`, taskName);
    const added = allAdded.filter(([name]) => declared.has(name));
    const addedNames = added.map(([name]) => name);
    const addedValues = added.map(([, value]) => value);
    /** The values the event adds to the tuple, in the order of `addedNames`. */
    const addedOf = (event: AlertEvent): FieldValue[] => {
      const values: FieldValue[] = [];
      for (const value of addedValues) values.push(value(event));
      return values;
    };
    const layoutOf = perStream(
      (names): StreamLayout => ({
        dataFields: settings.data_fields ?? names.filter((f) => !isBookkeeping(f, settings, groupBy)),
        withEvent: compileExtension(
          names.filter((name) => declared.has(name)),
          addedNames,
        ),
      }),
    );
    /** The point's tags: the group's (empty when missing, as Kapacitor's group keys), then those of `tags` and `tags_field` it has. */
    const tagsOf = (fields: Fields): Record<string, string> => {
      const tags: Record<string, string> = {};
      for (const field of groupBy) tags[field] = fields[field] === undefined || fields[field] === null ? '' : formatGoValue(fields[field]);
      addTags(tags, fields, settings.tags);
      const listed = fields[settings.tags_field];
      if (Array.isArray(listed)) addTags(tags, fields, listedTags(listed as readonly FieldValue[]));
      return tags;
    };
    /** The group a tuple belongs to: the key of its state in the changelog. */
    const groupOf = (fields: Fields): string => engine.groupIdOf(tagsOf(fields));
    const nameOf = (fields: Fields): string => {
      const nameValue = settings.name_field === undefined ? settings.name : fields[settings.name_field];
      return nameValue === undefined || nameValue === null ? '' : formatGoValue(nameValue);
    };
    const dataOf = (fields: Fields, layout: StreamLayout, tags: Readonly<Record<string, string>>): Fields => {
      const data: Record<string, FieldValue> = {};
      for (const name of layout.dataFields) if (settings.data_fields !== undefined || !Object.hasOwn(tags, name)) data[name] = fields[name] ?? null;
      return data;
    };
    const batchTime = settings.time_field ?? 'time';
    const pointsField = settings.points_field;
    const isBatchBookkeeping = (field: string): boolean => field.startsWith('_ppf_') || groupBy.includes(field) || settings.tags.includes(field) || field === settings.tags_field || field === settings.name_field || field === batchTime;
    const copyNames = new Set([settings.level_field, settings.message_field, settings.id_field, settings.duration_field].filter((name) => name !== undefined));
    const pointCopies = allAdded.filter(([name]) => copyNames.has(name));

    /** The batch's points for the engine: their times, data fields, and a scope with the group fields. */
    const batchPoints = (fields: Fields, pointsField: string, raw: readonly FieldValue[]): AlertBatchPoint[] | string => {
      const group: Record<string, FieldValue> = {};
      for (const field of groupBy) group[field] = fields[field] ?? null;
      const points: AlertBatchPoint[] = [];
      for (const item of raw) {
        const point = item !== null && typeof item === 'object' && !Array.isArray(item) && !(item instanceof Uint8Array) ? (item as Fields) : undefined;
        const time = point === undefined ? undefined : tupleTimeNs(point, batchTime);
        if (point === undefined || time === undefined) return `a point of "${pointsField}" has no time in "${batchTime}": ${JSON.stringify(item)}`;
        const data: Record<string, FieldValue> = {};
        for (const name of settings.data_fields ?? Object.keys(point).filter((f) => !isBatchBookkeeping(f))) data[name] = point[name] ?? null;
        points.push({ time, fields: data, scope: { ...group, ...point } });
      }
      return points;
    };

    const onBatch = (tuple: Tuple, pointsField: string, raw: readonly FieldValue[]): Outcome => {
      const fields = tuple.fields;
      const time = tupleTimeNs(fields, batchTime);
      if (time === undefined) return reject(tuple, new PunchlineError('E_TUPLE_FAILED', `${ctx.label}: field "${batchTime}" of the batch is not a time: ${JSON.stringify(fields[batchTime] ?? null)}`), ctx.publish);
      const points = batchPoints(fields, pointsField, raw);
      if (typeof points === 'string') return reject(tuple, new PunchlineError('E_TUPLE_FAILED', `${ctx.label}: ${points}`), ctx.publish);
      let event: AlertEvent | undefined;
      inhibited = false;
      try {
        event = engine.processBatch({ name: nameOf(fields), time, tags: tagsOf(fields), points });
      } catch (error) {
        if (error instanceof PunchlineError) return reject(tuple, error.within(ctx.label), ctx.publish);
        throw error;
      }
      if (event === undefined) return drop(tuple, points.length === 0 ? 'an empty batch' : noEvent());
      countEvent(event.level);
      const withCopies =
        pointCopies.length === 0
          ? fields
          : {
              ...fields,
              [pointsField]: raw.map((item) => {
                const point: Record<string, FieldValue> = { ...(item as Fields) };
                for (const [name, value] of pointCopies) point[name] = value(event);
                return point;
              }),
            };
      const out = layoutOf(tuple).withEvent(withCopies, addedOf(event));
      return ack(tuple, ...streams.map((stream) => ({ stream, fields: out })));
    };

    /** What becomes of a point (or a window's batch of points). */
    const outcomeOf = (tuple: Tuple): Outcome => {
      const fields = tuple.fields;
      if (pointsField !== undefined) {
        const raw = fields[pointsField];
        if (Array.isArray(raw)) return onBatch(tuple, pointsField, raw as readonly FieldValue[]);
        return reject(tuple, new PunchlineError('E_TUPLE_FAILED', `${ctx.label}: field "${pointsField}" is not an array of points (is a window upstream, with the same points_field?)`), ctx.publish);
      }
      const layout = layoutOf(tuple);
      const time = tupleTimeNs(fields, settings.time_field);
      if (time === undefined) {
        return reject(tuple, new PunchlineError('E_TUPLE_FAILED', `${ctx.label}: field "${String(settings.time_field)}" is not a time: ${JSON.stringify(fields[settings.time_field ?? ''] ?? null)}`), ctx.publish);
      }
      let event: AlertEvent | undefined;
      inhibited = false;
      try {
        const tags = tagsOf(fields);
        event = engine.process({ name: nameOf(fields), time, tags, fields: dataOf(fields, layout, tags), scope: fields });
      } catch (error) {
        if (error instanceof PunchlineError) return reject(tuple, error.within(ctx.label), ctx.publish);
        throw error;
      }
      if (event === undefined) return drop(tuple, noEvent());
      countEvent(event.level);
      const out = layout.withEvent(fields, addedOf(event));
      return ack(tuple, ...streams.map((stream) => ({ stream, fields: out })));
    };

    // Without a changelog each point is processed at once: the batch form, an array at a time.
    if (changelog === undefined) {
      return batchOperator((batches) =>
        batches.pipe(
          map((tuples) => {
            const outcomes = tuples.map(outcomeOf);
            addEventCounts();
            return outcomes;
          }),
        ),
      );
    }
    const counted = (tuple: Tuple): Outcome => {
      const outcome = outcomeOf(tuple);
      addEventCounts();
      return outcome;
    };
    return (tuples) => tuples.pipe(changelog.restoredFirst(groupOf), map(counted), changelog.withStates(groupOf));
  },
});
