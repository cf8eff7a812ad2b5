/**
 * `window`: Kapacitor's WindowNode inside a punchline. Each group (the values of `group_by`) has
 * its own window, by event time (`period_ms`, `every_ms`, `align`, `fill_period`) or by count
 * (`period_count`, `every_count`); `group-windows.ts` keeps them as Kapacitor does. A window is
 * emitted as one batch tuple: the group fields, the window's time in the time field, and its
 * points (each the fields of a received tuple, time normalised to epoch ms) in `points_field`.
 *
 * Acks: a tuple is held, without an outcome, until no later window can contain it; then it is
 * acked. A batch tuple is emitted anchored to every tuple it holds (an `emit` outcome, which
 * resolves none of them; see `group-windows.ts`), so a failure downstream fails them all, and
 * none is acked before every batch holding it is, however many windows overlap. At a stop, the tuples still held are failed, so that
 * the input replays them and the next run rebuilds their windows. A tuple whose time field is not
 * a time is rejected. With `idle_timeout_ms`, a wall-clock tick closes the windows of silent
 * groups. The groups are the node's effective grouping: its `group_by`, else the one of its input
 * streams (Kapacitor's groupBy, inherited), which its batches pass on. With `executors > 1` the
 * runtime sends each group to one executor (fields grouping on it), so every window sees its group
 * whole.
 */
import { EMPTY, concatMap, connect, endWith, ignoreElements, interval, map, merge, takeUntil } from 'rxjs';
import { ack, compileExtension, dataStreams, defineNode, emitAnchoredTo, ERRORS_STREAM, fail, perStream, reject, tupleTimeMs } from '../../src/runtime/node-api.js';
import type { FieldValue, Fields, FieldUse, Outcome, SettingsProblem, Tuple } from '../../src/runtime/node-api.js';
import { PunchlineError } from '../../src/core/errors.js';
import { CountWindow, TimeWindow } from './group-windows.js';
import type { GroupWindow, WindowStep } from './group-windows.js';
import type { WindowSettings } from './settings.generated.js';

/** The field of the batch tuple (and of its points) holding the time: `time_field`, else `time`. */
function timeNameOf(settings: WindowSettings): string {
  return settings.time_field ?? 'time';
}

/** One group: its window, its fields, and what the idle timeout needs. */
interface Group {
  readonly window: GroupWindow<Tuple>;
  readonly fields: Fields;
  /** Event time of the last point or barrier. */
  lastTime: number;
  /** `Date.now()` of the last point or barrier. */
  lastActivity: number;
}

export const windowBolt = defineNode<WindowSettings>({
  type: 'window',
  kind: 'bolt',
  schema: 'window.schema.json',
  check(settings, scope) {
    const problems: SettingsProblem[] = [];
    const byTime = settings.period_ms !== undefined;
    const byCount = settings.period_count !== undefined;
    if (byTime === byCount) problems.push({ path: '/settings', message: 'a window needs either period_ms (with every_ms) or period_count (with every_count)', severity: 'error' });
    if (byTime && settings.every_ms === undefined) problems.push({ path: '/settings', message: 'period_ms needs every_ms', hint: 'every_ms: 0 emits the last period at every point, as Kapacitor does without .every()', severity: 'error' });
    if (byCount && settings.every_count === undefined) problems.push({ path: '/settings', message: 'period_count needs every_count', severity: 'error' });
    if (!byTime && settings.every_ms !== undefined) problems.push({ path: '/settings/every_ms', message: 'every_ms only applies with period_ms', severity: 'error' });
    if (!byCount && settings.every_count !== undefined) problems.push({ path: '/settings/every_count', message: 'every_count only applies with period_count', severity: 'error' });
    if (byCount && settings.align) problems.push({ path: '/settings/align', message: 'only time windows can be aligned', severity: 'error' });
    if (byCount && settings.idle_timeout_ms !== undefined) problems.push({ path: '/settings/idle_timeout_ms', message: 'count windows close on counts only (Kapacitor ignores barriers there)', severity: 'error' });
    const available = new Set([...scope.groupBy, timeNameOf(settings), settings.points_field]);
    scope.publish.forEach(({ stream, fields }, s) => {
      if (stream === ERRORS_STREAM) return;
      fields.forEach((field, f) => {
        if (!available.has(field)) problems.push({ path: `/publish/${s}/fields/${f}`, message: `window does not emit field "${field}"`, hint: `a batch tuple holds the group fields${scope.groupBy.length === 0 ? ' (none here)' : ` (${scope.groupBy.join(', ')})`}, "${timeNameOf(settings)}" and "${settings.points_field}"`, severity: 'error' });
      });
    });
    return problems;
  },
  groupBy: (settings) => settings.group_by,
  groupingFields: (_settings, groupBy) => groupBy,
  fieldsRead(settings) {
    const reads: FieldUse[] = (settings.group_by ?? []).map((field, i) => ({ field, path: `/settings/group_by/${i}` }));
    if (settings.time_field !== undefined) reads.push({ field: settings.time_field, path: '/settings/time_field' });
    return reads;
  },
  create(settings, ctx) {
    const timeoutMs = ctx.topology['topology.message.timeout.secs'] * 1000;
    if (settings.period_ms !== undefined && ctx.topology['topology.enable.message.timeouts'] && settings.period_ms >= timeoutMs) {
      ctx.logger.warn({ period_ms: settings.period_ms, timeout_ms: timeoutMs }, `${ctx.label} holds points for a period of ${settings.period_ms} ms, not shorter than topology.message.timeout.secs: in a live stream they will time out and be replayed before their window closes; raise the timeout above the period`);
    }
    const timeName = timeNameOf(settings);
    const groupBy = ctx.groupBy;
    const streams = dataStreams(ctx.publish).map((p) => p.stream);
    const withTime = perStream((names) => compileExtension(names, [timeName]));
    const groups = new Map<string, Group>();
    const newWindow = (firstTime: number): GroupWindow<Tuple> =>
      settings.period_ms !== undefined ? new TimeWindow<Tuple>(firstTime, settings.period_ms, settings.every_ms ?? 0, settings.align, settings.fill_period) : new CountWindow<Tuple>(settings.period_count ?? 1, settings.every_count ?? 1, settings.fill_period);

    const outcomesOf = (group: Group, step: WindowStep<Tuple>): Outcome[] => {
      const outcomes = step.released.map((tuple) => ack(tuple));
      if (step.batch !== undefined && step.anchors !== undefined) {
        const fields: Fields = { ...group.fields, [timeName]: step.batch.time, [settings.points_field]: step.batch.points };
        // First: the tuples it is anchored to get their own outcomes after it (the released ones right after).
        outcomes.unshift(emitAnchoredTo(step.anchors, ...streams.map((stream) => ({ stream, fields }))));
      }
      return outcomes;
    };

    const onTuple = (tuple: Tuple): Outcome[] => {
      const time = tupleTimeMs(tuple.fields, settings.time_field);
      if (time === undefined) {
        return [reject(tuple, new PunchlineError('E_TUPLE_FAILED', `${ctx.label}: field "${String(settings.time_field)}" is not a time: ${JSON.stringify(tuple.fields[settings.time_field ?? ''] ?? null)}`), ctx.publish)];
      }
      const values: FieldValue[] = groupBy.map((field) => tuple.fields[field] ?? null);
      const key = JSON.stringify(values);
      let group = groups.get(key);
      if (group === undefined) {
        const fields: Record<string, FieldValue> = {};
        groupBy.forEach((field, i) => (fields[field] = values[i] ?? null));
        group = { window: newWindow(time), fields, lastTime: time, lastActivity: Date.now() };
        groups.set(key, group);
      }
      group.lastTime = time;
      group.lastActivity = Date.now();
      return outcomesOf(group, group.window.point(time, withTime(tuple)(tuple.fields, [time]), tuple));
    };

    /** Kapacitor's idle barrier: a group silent for the timeout gets a barrier that long after its last point, again and again while it holds points. */
    const onTick = (idleMs: number): Outcome[] => {
      const now = Date.now();
      const outcomes: Outcome[] = [];
      for (const group of groups.values()) {
        if (group.window.holding === 0 || now - group.lastActivity < idleMs) continue;
        group.lastTime += idleMs;
        group.lastActivity = now;
        outcomes.push(...outcomesOf(group, group.window.barrier(group.lastTime)));
      }
      return outcomes;
    };

    const onEnd = (): Outcome[] => {
      const outcomes: Outcome[] = [];
      for (const group of groups.values()) {
        for (const tuple of group.window.drain()) {
          outcomes.push(fail(tuple, new PunchlineError('E_TUPLE_FAILED', `${ctx.label}: its window was still open at the stop: the tuple is failed so that the input replays it and the next run rebuilds the window`)));
        }
      }
      groups.clear();
      return outcomes;
    };

    const idleMs = settings.idle_timeout_ms;
    return (tuples) =>
      tuples.pipe(
        connect((shared) => {
          const end = shared.pipe(ignoreElements(), endWith(undefined));
          const ticks = idleMs === undefined ? EMPTY : interval(Math.max(10, Math.min(1000, Math.floor(idleMs / 4)))).pipe(takeUntil(end), map(() => onTick(idleMs)));
          return merge(shared.pipe(map(onTuple)), ticks, end.pipe(map(onEnd)));
        }),
        concatMap((outcomes) => outcomes),
      );
  },
});
