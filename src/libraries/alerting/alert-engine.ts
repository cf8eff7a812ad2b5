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
 */
import { PunchlineError } from '../../core/errors.js';
import type { Fields } from '../../core/fields.js';
import type { AlertEvent } from './alert-event.js';
import { levelOfRank, type AlertLevel } from './alert-levels.js';
import { compileAlertTemplates, renderAlertTemplates, type AlertServerInfo, type AlertTemplates } from './alert-templates.js';
import { AlertGroupState } from './group-state.js';
import { LevelChooser, type LambdaFailureListener, type LevelLambdas } from './level-choice.js';

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
  /** Never emit OK (recovery) events; events then say `"recoverable":false`. */
  readonly noRecoveries?: boolean;
  /** Adds `ServerInfo` to the template data, as Kapacitor 1.5+ does. */
  readonly serverInfo?: AlertServerInfo;
  /** Told about every lambda evaluation that failed: count it, log it at debug level. */
  readonly onLambdaFailure?: LambdaFailureListener;
}

/** One point to alert on. */
export interface AlertPoint {
  /** The measurement name (`Name` in templates, `data.series[0].name`). */
  readonly name: string;
  /** The point time, nanoseconds since the Unix epoch (see `epochMsToNs` for millisecond inputs). */
  readonly time: bigint;
  /** The group-by values, as strings (`Tags` in templates and in the event). */
  readonly tags: Readonly<Record<string, string>>;
  /** The fields reported with the event (`Fields` in templates, the event's columns). */
  readonly fields: Fields;
  /** What the lambdas read; defaults to `fields`. Pass the whole tuple to let lambdas see the group-by fields too. */
  readonly scope?: Fields;
}

/** The default size of the level history. */
export const DEFAULT_HISTORY = 21;

/** The alert engine of one `alert` bolt instance. Build it once; call {@link AlertEngine.process} per point. */
export class AlertEngine {
  private readonly groups = new Map<string, AlertGroupState>();
  private readonly previousLevels = new Map<string, AlertLevel>();
  private readonly chooser: LevelChooser;
  private readonly templates: AlertTemplates;
  private readonly groupBy: readonly string[];
  private readonly historySize: number;

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
    let group = this.groups.get(groupId);
    if (group === undefined) {
      group = new AlertGroupState(this.historySize, this.chooser.newStates());
      this.groups.set(groupId, group);
    }
    const rank = this.chooser.choose(group, point.scope ?? point.fields, Number(point.time) / 1e6);
    group.record(rank);
    const options = this.options;
    if (options.flapping !== undefined) group.updateFlapping(options.flapping.low, options.flapping.high);
    const interval = options.stateChangesOnlyMaxIntervalNs ?? 0n;
    const expired = !group.changed && interval !== 0n && (group.lastTriggered === undefined || point.time - group.lastTriggered >= interval);

    if ((options.flapping !== undefined && group.flapping) || (options.stateChangesOnly === true && !group.changed && !expired)) return undefined;
    if (rank === 0 && !group.changed) return undefined;
    group.triggered(point.time);
    if (options.noRecoveries === true && rank === 0) return undefined;
    return this.event(point, groupId, levelOfRank(rank), group.duration());
  }

  /** `k1=v1,k2=v2` over the sorted group-by names, or `nil` without grouping, as Kapacitor's `.Group`. */
  private groupId(tags: Readonly<Record<string, string>>): string {
    if (this.groupBy.length === 0) return 'nil';
    let id = '';
    for (const name of this.groupBy) id += `${id === '' ? '' : ','}${name}=${tags[name] ?? ''}`;
    return id;
  }

  private event(point: AlertPoint, group: string, level: AlertLevel, duration: bigint): AlertEvent {
    const { id, message, details } = renderAlertTemplates(this.templates, {
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
    const previousLevel = this.previousLevels.get(id) ?? 'OK';
    this.previousLevels.set(id, level);
    return {
      id,
      message,
      details,
      time: point.time,
      duration,
      level,
      data: { name: point.name, tags: point.tags, fields: point.fields },
      previousLevel,
      recoverable: this.options.noRecoveries !== true,
    };
  }
}
