/**
 * A consumer group's position in its topics: per partition the committed offset, the end offset
 * (the log end offset Kafka's `kafka-consumer-groups` shows) and the lag between them, and the
 * member that holds the partition. What `punchline groups` and `punchline channel status` show.
 */
import type { ClusterAdmin, GroupMember } from './cluster-admin.js';

/** One partition of a group. */
export interface PartitionPosition {
  readonly topic: string;
  readonly partition: number;
  /** Undefined when the group committed nothing for it. */
  readonly committed: number | undefined;
  /** The offset the next record will get. */
  readonly end: number;
  /** The log start offset (records before it were deleted). */
  readonly start: number;
  /** `end - committed`; undefined without a committed offset (as the Java tool's `-`). */
  readonly lag: number | undefined;
  /** The member holding it (`consumer id`), when the group is active. */
  readonly memberId: string | undefined;
  readonly clientId: string | undefined;
  readonly host: string | undefined;
}

/** A group, its state and its partitions. */
export interface GroupPosition {
  readonly groupId: string;
  /** Kafka's group state: Stable, Empty, PreparingRebalance, Dead… */
  readonly state: string;
  readonly members: readonly GroupMember[];
  readonly partitions: readonly PartitionPosition[];
  /** The sum of the lags known. */
  readonly totalLag: number;
}

/** The members and state of `groupId` (`Dead` without members when it does not exist). */
export async function describeGroup(admin: ClusterAdmin, groupId: string): Promise<{ state: string; members: readonly GroupMember[] }> {
  const [group] = await admin.describeGroups([groupId]);
  return { state: group?.state ?? 'Dead', members: group?.members ?? [] };
}

/**
 * The position of `groupId` in the topics it committed offsets for (or in `topics` when given:
 * partitions without a commit are listed too, with no committed offset).
 */
export async function groupPosition(admin: ClusterAdmin, groupId: string, topics?: readonly string[]): Promise<GroupPosition> {
  const [{ state, members }, committed] = await Promise.all([describeGroup(admin, groupId), admin.committedOffsets(groupId, topics)]);
  const holder = new Map<string, GroupMember>();
  for (const member of members) for (const { topic, partitions } of member.assignment) for (const partition of partitions) holder.set(`${topic}/${partition}`, member);
  const positions: PartitionPosition[] = [];
  for (const { topic, partitions } of committed) {
    if (partitions.length === 0) continue;
    const ends = new Map((await admin.topicOffsets(topic)).map((o) => [o.partition, { end: Number(o.high), start: Number(o.low) }]));
    for (const { partition, offset } of partitions) {
      const value = Number(offset);
      const { end, start } = ends.get(partition) ?? { end: 0, start: 0 };
      const member = holder.get(`${topic}/${partition}`);
      positions.push({
        topic,
        partition,
        committed: value >= 0 ? value : undefined,
        end,
        start,
        lag: value >= 0 ? Math.max(0, end - value) : undefined,
        memberId: member?.memberId,
        clientId: member?.clientId,
        host: member?.host,
      });
    }
  }
  positions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  return { groupId, state, members, partitions: positions, totalLag: positions.reduce((sum, p) => sum + (p.lag ?? 0), 0) };
}
