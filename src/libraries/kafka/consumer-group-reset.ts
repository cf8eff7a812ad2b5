/**
 * Moving a consumer group's committed offsets, with the rules of Kafka's own
 * `kafka-consumer-groups --reset-offsets`: the new offset of each partition is computed from the
 * partition's log start and end offsets (an offset outside them is clamped into them), the group
 * must have no member (Kafka refuses to move the offsets of an active group: its members would
 * commit over them), and computing is separate from applying (a dry run shows the plan).
 */
import { PunchlineError } from '../../core/errors.js';
import type { ClusterAdmin } from './cluster-admin.js';
import { describeGroup } from './consumer-group-offsets.js';

/** Where to move the offsets (one of Kafka's tool's `--to-…` / `--shift-by` options). */
export type ResetTarget =
  | { readonly to: 'earliest' }
  | { readonly to: 'latest' }
  | { readonly to: 'offset'; readonly offset: number }
  | { readonly to: 'datetime'; readonly timestampMs: number }
  | { readonly to: 'shift'; readonly by: number };

/** Which partitions: a topic, and some of its partitions or all of them. */
export interface ResetScope {
  readonly topic: string;
  readonly partitions?: readonly number[];
}

/** One partition's move. */
export interface PlannedReset {
  readonly topic: string;
  readonly partition: number;
  /** The committed offset now; undefined when the group committed nothing there. */
  readonly current: number | undefined;
  readonly target: number;
}

/**
 * The new offset of every partition in `scopes`, as Kafka's tool computes it: earliest and latest
 * are the log start and end; an offset, and a shift of the committed offset, are clamped between
 * them; a datetime is the offset of the first record
 * whose timestamp is at or after it, or the log end when there is none.
 * @throws {PunchlineError} `E_USAGE` naming a topic or partition that does not exist, or a
 * partition without a committed offset to shift.
 */
export async function planReset(admin: ClusterAdmin, groupId: string, scopes: readonly ResetScope[], target: ResetTarget): Promise<PlannedReset[]> {
  const plan: PlannedReset[] = [];
  const existing = new Set(await admin.listTopics());
  for (const scope of scopes) {
    if (!existing.has(scope.topic)) throw new PunchlineError('E_USAGE', `topic "${scope.topic}" does not exist`);
    const bounds = await admin.topicOffsets(scope.topic);
    const all = bounds.map((b) => b.partition).sort((a, b) => a - b);
    const wanted = scope.partitions ?? all;
    const unknown = wanted.filter((p) => !all.includes(p));
    if (unknown.length > 0) throw new PunchlineError('E_USAGE', `topic "${scope.topic}" has no partition ${unknown.join(', ')} (it has ${all.length})`);
    const committed = new Map(((await admin.committedOffsets(groupId, [scope.topic]))[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    const byTime = target.to === 'datetime' ? new Map((await admin.offsetsAtTime(scope.topic, target.timestampMs)).map((o) => [o.partition, Number(o.offset)])) : undefined;
    for (const partition of wanted) {
      const bound = bounds.find((b) => b.partition === partition);
      const start = Number(bound?.low ?? 0);
      const end = Number(bound?.high ?? 0);
      const clamp = (offset: number): number => Math.min(end, Math.max(start, offset));
      const now = committed.get(partition);
      const current = now !== undefined && now >= 0 ? now : undefined;
      let offset: number;
      switch (target.to) {
        case 'earliest':
          offset = start;
          break;
        case 'latest':
          offset = end;
          break;
        case 'offset':
          offset = clamp(target.offset);
          break;
        case 'shift':
          if (current === undefined) throw new PunchlineError('E_USAGE', `group "${groupId}" has no committed offset on ${scope.topic}/${partition} to shift`, { hint: 'reset it to an offset, the earliest, the latest or a datetime instead' });
          offset = clamp(current + target.by);
          break;
        case 'datetime':
          offset = byTime?.get(partition) ?? end;
          break;
      }
      plan.push({ topic: scope.topic, partition, current, target: offset });
    }
  }
  return plan;
}

/**
 * Commits the planned offsets for the group.
 * @throws {PunchlineError} `E_USAGE` when the group has members (the state Kafka refuses to reset).
 */
export async function applyReset(admin: ClusterAdmin, groupId: string, plan: readonly PlannedReset[]): Promise<void> {
  const { state, members } = await describeGroup(admin, groupId);
  if (members.length > 0 || (state !== 'Empty' && state !== 'Dead')) {
    throw new PunchlineError('E_USAGE', `consumer group "${groupId}" is ${state} with ${members.length} member(s): offsets can only be reset while the group is inactive`, {
      hint: 'stop its consumers first (punchline channel stop), then reset',
    });
  }
  const byTopic = new Map<string, { partition: number; offset: string }[]>();
  for (const { topic, partition, target } of plan) byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partition, offset: String(target) }]);
  for (const [topic, partitions] of byTopic) await admin.setCommittedOffsets(groupId, topic, partitions);
}
