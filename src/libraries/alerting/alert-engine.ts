/**
 * The alert state machine behind the `alert` bolt, free of RxJS and I/O: feed it points, it returns
 * the events Kapacitor would have emitted for them.
 *
 * Per point: choose the level (see level-choice.ts), record it in the group's history, update
 * flapping, then decide:
 * - no event when the group flaps (flapping detection on), or with `state_changes_only` when the
 *   level did not change and the max interval (if any) since the last trigger has not elapsed;
 * - otherwise, when the level is not OK or it changed: the group triggers (`last_triggered = time`,
 *   and `first_triggered = time` when the previous entry was OK); with `no_recoveries` an OK level
 *   then gives no event; else the event is built with `duration = last - first`;
 * - an OK point with no change gives nothing.
 * `previousLevel` is the level of the last event emitted for the same id.
 *
 * Inhibition (Kapacitor's `.category()` / `.inhibit()`, see inhibitors.ts): when a group triggers,
 * its inhibitors are set on unless its level is OK; then an event whose category and tags an
 * inhibitor of the shared lookup matches is not emitted (its group's state has advanced all the
 * same, and it is not the previous level of the next event of its id, as Kapacitor does not store
 * it in its topic either).
 *
 * A batch (a window's points, see {@link AlertEngine.processBatch}) follows Kapacitor's
 * `BufferedBatch`: every point is given a level from the same current level, the batch takes the
 * highest (the lowest with `all`), and its event carries the fields of the first point at the
 * highest level, the whole batch as its series, and the time of that point (the batch's own time
 * with `all` or when the level is OK).
 */
import { PunchlineError } from '../../core/errors.js';
import type { Fields } from '../../core/fields.js';
import type { AlertEvent, AlertEventSeries } from './alert-event.js';
import { levelOfRank, levelRank, type AlertLevel } from './alert-levels.js';
import { compileAlertTemplates, renderAlertTemplates, type AlertServerInfo, type AlertTemplates } from './alert-templates.js';
import { AlertGroupState, restoreGroupState, snapshotGroupState, type AlertGroupSnapshot } from './group-state.js';
import { LevelChooser, type LambdaFailureListener, type LevelLambdas } from './level-choice.js';
import type { Inhibitor, InhibitorLookup, InhibitSpec } from './inhibitors.js';

/** How an alert behaves: Kapacitor's AlertNode properties. */
export interface AlertEngineOptions {
  /** `TaskName` in templates: the punchline and component, e.g. `mytenant/cpu_alert`. */
  readonly taskName: string;
  /** The fields that form groups (Kapacitor's group-by tags). Empty or absent: one group. */
  readonly groupBy?: readonly string[];
  /** The level lambdas, compiled as conditions. */
  readonly lambdas: LevelLambdas;
  /** Templates; a missing one takes Kapacitor's default. */
  readonly id?: string;
  readonly message?: string;
  readonly details?: string;
  /** Size of the level history per group (default 21, at least 2). */
  readonly history?: number;
  /** Flapping detection: thresholds in 0..1, `low` to stop, `high` to start flapping. */
  readonly flapping?: { readonly low: number; readonly high: number };
  /** Emit only when the level changes. */
  readonly stateChangesOnly?: boolean;
  /** With `stateChangesOnly`: emit anyway when this much time passed since the last trigger, in ns. */
  readonly stateChangesOnlyMaxIntervalNs?: bigint;
  /** For batches: the level is the lowest of the points' (every point must match), not the highest (Kapacitor `.all()`). */
  readonly all?: boolean;
  /** Never emit OK (recovery) events; events then say `"recoverable":false`. */
  readonly noRecoveries?: boolean;
  /** Adds `ServerInfo` to the template data, as Kapacitor 1.5+ does. */
  readonly serverInfo?: AlertServerInfo;
  /** Told about every lambda evaluation that failed: count it, log it at debug level. */
  readonly onLambdaFailure?: LambdaFailureListener;
  /** The category of the events (Kapacitor `.category()`), which inhibitors match; default "". */
  readonly category?: string;
  /** Kapacitor `.inhibit(category, tags…)`: the inhibitors each group sets in `inhibitors`. */
  readonly inhibit?: readonly InhibitSpec[];
  /** The inhibitors of the alerts this one shares them with: both those it sets and those it obeys. */
  readonly inhibitors?: InhibitorLookup;
  /** Told about every event not emitted because it is inhibited. */
  onInhibited?(): void;
}

/** One point to alert on. */
export interface AlertPoint {
  /** The measurement name (`Name` in templates, `data.series[0].name`). */
  readonly name: string;
  /** The point time, nanoseconds since the Unix epoch (the node API's `tupleTimeNs` reads it from a tuple). */
  readonly time: bigint;
  /** The group-by values, as strings (`Tags` in templates and in the event). */
  readonly tags: Readonly<Record<string, string>>;
  /** The fields reported with the event (`Fields` in templates, the event's columns). */
  readonly fields: Fields;
  /** What the lambdas read; defaults to `fields`. Pass the whole tuple to let lambdas see the group-by fields too. */
  readonly scope?: Fields;
}

/** One point of a batch: its time, its data, and what the lambdas read. */
export interface AlertBatchPoint {
  /** The point time, nanoseconds since the Unix epoch. */
  readonly time: bigint;
  /** The point's data fields (a row of the event's series; `Fields` in templates when it is the highest point). */
  readonly fields: Fields;
  /** What the lambdas read; defaults to `fields`. */
  readonly scope?: Fields;
}

/** A batch to alert on, as a window emits it: one group, its time, its points oldest first. */
export interface AlertBatch {
  /** The measurement name. */
  readonly name: string;
  /** The batch time (a window's end), nanoseconds since the Unix epoch. */
  readonly time: bigint;
  /** The group-by values, as strings. */
  readonly tags: Readonly<Record<string, string>>;
  readonly points: readonly AlertBatchPoint[];
}

/** The default size of the level history. */
export const DEFAULT_HISTORY = 21;

/** The alert engine of one `alert` bolt instance. Build it once; call {@link AlertEngine.process} per point. */
export class AlertEngine {
  private readonly groups = new Map<string, AlertGroupState>();
  private readonly previousLevels = new Map<string, AlertLevel>();
  /** The ids each group's events had: whose previous levels belong in the group's snapshot. */
  private readonly idsOfGroup = new Map<string, Set<string>>();
  private readonly chooser: LevelChooser;
  private readonly templates: AlertTemplates;
  private readonly groupBy: readonly string[];
  private readonly historySize: number;
  /** Each group's inhibitors (with `inhibit`), created with the tags of its first point or batch after the engine started. */
  private readonly inhibitorsOfGroup = new Map<string, readonly Inhibitor[]>();

  /** Throws `E_TEMPLATE` for an invalid template, `E_CONFIG_INVALID` for inconsistent options. */
  constructor(private readonly options: AlertEngineOptions) {
    const flapping = options.flapping;
    if (flapping !== undefined && !(flapping.low >= 0 && flapping.high <= 1 && flapping.low <= flapping.high)) {
      throw new PunchlineError('E_CONFIG_INVALID', `flapping thresholds must satisfy 0 <= low <= high <= 1, got low ${flapping.low} and high ${flapping.high}`);
    }
    this.groupBy = [...(options.groupBy ?? [])].sort();
    this.historySize = Math.max(2, options.history ?? DEFAULT_HISTORY);
    this.chooser = new LevelChooser(options.lambdas, options.onLambdaFailure ?? (() => undefined));
    this.templates = compileAlertTemplates(options, options.serverInfo !== undefined);
  }

  /** How many groups the engine keeps state for. */
  get groupCount(): number {
    return this.groups.size;
  }

  /**
   * Processes one point and returns the event it produces, if any. Throws `E_TEMPLATE` when a
   * template fails to render (the group's state is updated all the same, as in Kapacitor).
   */
  process(point: AlertPoint): AlertEvent | undefined {
    const groupId = this.groupId(point.tags);
    const group = this.groupState(groupId);
    const rank = this.chooser.choose(group, point.scope ?? point.fields, Number(point.time) / 1e6);
    group.record(rank);
    const options = this.options;
    if (options.flapping !== undefined) group.updateFlapping(options.flapping.low, options.flapping.high);
    const interval = options.stateChangesOnlyMaxIntervalNs ?? 0n;
    const expired = !group.changed && interval !== 0n && (group.lastTriggered === undefined || point.time - group.lastTriggered >= interval);

    if ((options.flapping !== undefined && group.flapping) || (options.stateChangesOnly === true && !group.changed && !expired)) return undefined;
    if (rank === 0 && !group.changed) return undefined;
    group.triggered(point.time);
    this.setInhibitors(groupId, point.tags, rank);
    if (options.noRecoveries === true && rank === 0) return undefined;
    return this.event(point, groupId, group, levelOfRank(rank), group.duration());
  }

  /**
   * Processes one batch (Kapacitor's `BufferedBatch`) and returns its event, if any. An empty batch
   * changes nothing and gives nothing. Each point is given a level from the group's level before
   * the batch (its lambdas, stateful ones included, see every point in order); the batch's level is
   * the highest (the lowest with `all`); the event's fields are those of the first point at the
   * highest level, its time that point's (the batch time with `all` or at OK), its series every
   * point. Unlike a single point, a batch going back to OK reports its recovery even while the
   * group flaps, as Kapacitor does. Throws `E_TEMPLATE` as {@link AlertEngine.process} does.
   */
  processBatch(batch: AlertBatch): AlertEvent | undefined {
    if (batch.points.length === 0) return undefined;
    const groupId = this.groupId(batch.tags);
    const group = this.groupState(groupId);
    const current = group.currentRank;
    let lowest = 3;
    let highest = 0;
    let highestPoint: AlertBatchPoint | undefined;
    for (const point of batch.points) {
      const rank = this.chooser.chooseFrom(current, group, point.scope ?? point.fields, Number(point.time) / 1e6);
      if (rank < lowest) lowest = rank;
      if (rank > highest || highestPoint === undefined) {
        highest = rank;
        highestPoint = point;
      }
    }
    const options = this.options;
    const all = options.all === true;
    const rank = all ? lowest : highest;
    const time = all || rank === 0 || highestPoint === undefined ? batch.time : highestPoint.time;
    group.record(rank);
    if (options.flapping !== undefined) group.updateFlapping(options.flapping.low, options.flapping.high);
    const interval = options.stateChangesOnlyMaxIntervalNs ?? 0n;
    const expired = !group.changed && interval !== 0n && (group.lastTriggered === undefined || time - group.lastTriggered >= interval);
    const suppressed = (options.flapping !== undefined && group.flapping) || (options.stateChangesOnly === true && !group.changed && !expired);
    if (!((group.changed && rank === 0) || (rank !== 0 && !suppressed))) return undefined;
    group.triggered(time);
    this.setInhibitors(groupId, batch.tags, rank);
    if (options.noRecoveries === true && rank === 0) return undefined;
    const fields = highestPoint?.fields ?? {};
    return this.event({ name: batch.name, time, tags: batch.tags, fields }, groupId, group, levelOfRank(rank), group.duration(), batch.points);
  }

  /** The group a point of these tags belongs to: the key of its state and snapshot. */
  groupIdOf(tags: Readonly<Record<string, string>>): string {
    return this.groupId(tags);
  }

  /** The state of `groupId` as a snapshot (for a changelog), undefined for a group never seen. */
  snapshot(groupId: string): AlertGroupSnapshot | undefined {
    const group = this.groups.get(groupId);
    if (group === undefined) return undefined;
    const previous: Record<string, number> = {};
    for (const id of this.idsOfGroup.get(groupId) ?? []) previous[id] = levelRank(this.previousLevels.get(id) ?? 'OK');
    return snapshotGroupState(group, previous);
  }

  /**
   * Replaces the state of `groupId` with a snapshot's (a restart or a rebalance restoring it from
   * the changelog). Returns why not, leaving the group as it was, when the snapshot does not fit
   * this alert (see {@link restoreGroupState}).
   */
  restore(groupId: string, snapshot: unknown): string | undefined {
    const group = new AlertGroupState(this.historySize, this.chooser.newStates());
    const problem = restoreGroupState(group, snapshot);
    if (problem !== undefined) return problem;
    this.groups.set(groupId, group);
    const ids = new Set<string>();
    for (const [id, rank] of Object.entries((snapshot as AlertGroupSnapshot).previousLevels)) {
      this.previousLevels.set(id, levelOfRank(rank));
      ids.add(id);
    }
    this.idsOfGroup.set(groupId, ids);
    return undefined;
  }

  private groupState(groupId: string): AlertGroupState {
    let group = this.groups.get(groupId);
    if (group === undefined) {
      group = new AlertGroupState(this.historySize, this.chooser.newStates());
      this.groups.set(groupId, group);
    }
    return group;
  }

  /** `k1=v1,k2=v2` over the sorted group-by names, or `nil` without grouping, as Kapacitor's `.Group`. */
  private groupId(tags: Readonly<Record<string, string>>): string {
    if (this.groupBy.length === 0) return 'nil';
    let id = '';
    for (const name of this.groupBy) id += `${id === '' ? '' : ','}${name}=${tags[name] ?? ''}`;
    return id;
  }

  /** A group triggered at level `rank`: its inhibitors are on unless it is OK (Kapacitor's `alertState.triggered`). */
  private setInhibitors(groupId: string, tags: Readonly<Record<string, string>>, rank: number): void {
    const { inhibit, inhibitors } = this.options;
    if (inhibit === undefined || inhibit.length === 0 || inhibitors === undefined) return;
    let own = this.inhibitorsOfGroup.get(groupId);
    if (own === undefined) this.inhibitorsOfGroup.set(groupId, (own = inhibit.map((spec) => inhibitors.add(spec, tags))));
    for (const inhibitor of own) inhibitor.on = rank !== 0;
  }

  /** The event of a trigger, or undefined when an inhibitor suppresses it. */
  private event(point: AlertPoint, group: string, state: AlertGroupState, level: AlertLevel, duration: bigint, rows?: readonly AlertBatchPoint[]): AlertEvent | undefined {
    if (this.options.inhibitors?.isInhibited(this.options.category ?? '', point.tags) === true) {
      this.options.onInhibited?.();
      return undefined;
    }
    const rendered = renderAlertTemplates(this.templates, {
      name: point.name,
      taskName: this.options.taskName,
      group,
      tags: point.tags,
      fields: point.fields,
      level,
      time: point.time,
      duration,
      serverInfo: this.options.serverInfo,
    });
    const last = state.lastEventId;
    const sameId = last === rendered.id;
    const id = sameId ? last : rendered.id;
    const previousLevel = this.previousLevels.get(id) ?? 'OK';
    this.previousLevels.set(id, level);
    if (!sameId) {
      let ids = this.idsOfGroup.get(group);
      if (ids === undefined) this.idsOfGroup.set(group, (ids = new Set()));
      ids.add(id);
      state.lastEventId = id;
    }
    const data: AlertEventSeries =
      rows === undefined ? { name: point.name, tags: point.tags, fields: point.fields } : { name: point.name, tags: point.tags, fields: point.fields, rows: rows.map(({ time, fields }) => ({ time, fields })) };
    return {
      id,
      message: rendered.message,
      details: rendered.details,
      time: point.time,
      duration,
      level,
      data,
      previousLevel,
      recoverable: this.options.noRecoveries !== true,
    };
  }
}
