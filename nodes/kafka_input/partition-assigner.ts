/**
 * The partition assigner every `kafka_input` group member uses: Kafka's group protocol with
 * partition pinning.
 *
 * Punch's `partition: 3` makes a node consume only partition 3. The Java client does that with
 * `assign()`, outside any group; kafkajs has no `assign()`, so pinning goes through the group
 * protocol instead: each member announces the partitions it requires in its member metadata
 * (`userData`), and the group leader, running this assigner, gives each pinned member exactly its
 * partitions and shares the others among the members that pinned nothing. A pinned member thus
 * never gets another partition, and its partition is never given to anyone else while it is in
 * the group. Every member of a group must run this assigner (punchline members do, on either client);
 * a member with another protocol (a Java consumer, say) is refused by the broker with
 * `INCONSISTENT_GROUP_PROTOCOL`.
 *
 * The sharing is sticky: members also announce what they currently own, and keep it when the
 * fair share allows, so a member joining or leaving moves as few partitions as possible (with
 * Kafka's eager rebalancing every moved partition is re-read from its last commit).
 */
import type { Logger } from 'pino';
import type { GroupAssignor } from '../../src/libraries/kafka/group-consumer.js';

/** Name of the group protocol; every member must announce the same. */
export const ASSIGNER_NAME = 'punchline-pinning';
const VERSION = 1;

/** What a member announces in its metadata. */
export interface MemberClaims {
  /** Partitions it must get and the only ones it may get; `null` when it takes a share of the rest. */
  readonly pinned: readonly number[] | null;
  /** Partitions it owns now, by topic. */
  readonly owned: Readonly<Record<string, readonly number[]>>;
}

/** One member as the leader sees it. */
export interface GroupMemberClaims extends MemberClaims {
  readonly memberId: string;
  readonly topics: readonly string[];
}

/** A problem the leader found while assigning (logged, never fatal). */
export interface AssignmentConflict {
  readonly topic: string;
  readonly partition: number;
  readonly message: string;
}

/**
 * The assignment of `partitions` (by topic) to `members`, with the conflicts met. Pure and
 * deterministic: members are considered in memberId order.
 */
export function planAssignment(
  partitionsByTopic: ReadonlyMap<string, readonly number[]>,
  members: readonly GroupMemberClaims[],
): { assignment: Map<string, Record<string, number[]>>; conflicts: AssignmentConflict[] } {
  const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const assignment = new Map<string, Record<string, number[]>>(sorted.map((m) => [m.memberId, {}]));
  const conflicts: AssignmentConflict[] = [];
  const give = (memberId: string, topic: string, partition: number): void => {
    const byTopic = assignment.get(memberId) as Record<string, number[]>;
    (byTopic[topic] ??= []).push(partition);
  };

  for (const [topic, partitions] of partitionsByTopic) {
    const subscribed = sorted.filter((m) => m.topics.includes(topic));
    const existing = new Set(partitions);
    const claimed = new Map<number, string>();

    // Pins first; a partition pinned twice goes to its current owner, else to the first member.
    const pinned = subscribed.filter((m) => m.pinned !== null);
    const byOwnership = [...pinned].sort((a, b) => Number(ownsAny(b, topic, b.pinned)) - Number(ownsAny(a, topic, a.pinned)));
    for (const member of byOwnership) {
      for (const partition of member.pinned ?? []) {
        if (!existing.has(partition)) {
          conflicts.push({ topic, partition, message: `member ${member.memberId} pins partition ${partition}, which topic "${topic}" does not have (${partitions.length} partitions)` });
          continue;
        }
        const holder = claimed.get(partition);
        if (holder !== undefined) {
          if (holder !== member.memberId) conflicts.push({ topic, partition, message: `partition ${partition} is pinned by members ${holder} and ${member.memberId}: only ${holder} gets it` });
          continue;
        }
        claimed.set(partition, member.memberId);
        give(member.memberId, topic, partition);
      }
    }

    // The rest is shared fairly among the members that pinned nothing, keeping what they own.
    const sharing = subscribed.filter((m) => m.pinned === null);
    const free = partitions.filter((p) => !claimed.has(p)).sort((a, b) => a - b);
    if (sharing.length === 0) continue;
    const base = Math.floor(free.length / sharing.length);
    let extra = free.length % sharing.length;
    const freeSet = new Set(free);
    const ownedFree = (m: GroupMemberClaims): number[] => (m.owned[topic] ?? []).filter((p) => freeSet.has(p));
    const targets = new Map(sharing.map((m) => [m.memberId, base]));
    // Extra slots go first to the members that already own more than the base share.
    for (const member of [...sharing].sort((a, b) => ownedFree(b).length - ownedFree(a).length)) {
      if (extra === 0) break;
      targets.set(member.memberId, base + 1);
      extra--;
    }
    const counts = new Map(sharing.map((m) => [m.memberId, 0]));
    const taken = new Set<number>();
    for (const member of sharing) {
      for (const partition of ownedFree(member).sort((a, b) => a - b)) {
        if (taken.has(partition) || (counts.get(member.memberId) as number) >= (targets.get(member.memberId) as number)) continue;
        taken.add(partition);
        counts.set(member.memberId, (counts.get(member.memberId) as number) + 1);
        give(member.memberId, topic, partition);
      }
    }
    let next = 0;
    for (const partition of free) {
      if (taken.has(partition)) continue;
      // Round robin over members still below their target, starting after the last one served.
      for (let tried = 0; tried < sharing.length; tried++) {
        const member = sharing[(next + tried) % sharing.length] as GroupMemberClaims;
        if ((counts.get(member.memberId) as number) < (targets.get(member.memberId) as number)) {
          counts.set(member.memberId, (counts.get(member.memberId) as number) + 1);
          give(member.memberId, topic, partition);
          next = (next + tried + 1) % sharing.length;
          break;
        }
      }
    }
  }
  for (const byTopic of assignment.values()) for (const list of Object.values(byTopic)) list.sort((a, b) => a - b);
  return { assignment, conflicts };
}

function ownsAny(member: GroupMemberClaims, topic: string, partitions: readonly number[] | null): boolean {
  const owned = member.owned[topic] ?? [];
  return (partitions ?? []).some((p) => owned.includes(p));
}

/** Encodes a member's claims as the `userData` of its group metadata. */
export function encodeClaims(claims: MemberClaims): Buffer {
  return Buffer.from(JSON.stringify({ v: VERSION, pinned: claims.pinned, owned: claims.owned }), 'utf8');
}

/** Decodes claims; a member without readable claims shares the rest and owns nothing. */
export function decodeClaims(userData: Buffer | null | undefined): MemberClaims {
  if (userData === null || userData === undefined || userData.length === 0) return { pinned: null, owned: {} };
  try {
    const parsed = JSON.parse(userData.toString('utf8')) as { pinned?: unknown; owned?: unknown };
    const pinned = Array.isArray(parsed.pinned) && parsed.pinned.every((p) => Number.isInteger(p)) ? (parsed.pinned as number[]) : null;
    const owned: Record<string, number[]> = {};
    if (parsed.owned !== null && typeof parsed.owned === 'object') {
      for (const [topic, list] of Object.entries(parsed.owned as Record<string, unknown>)) {
        if (Array.isArray(list)) owned[topic] = list.filter((p): p is number => Number.isInteger(p));
      }
    }
    return { pinned, owned };
  } catch {
    return { pinned: null, owned: {} };
  }
}

/**
 * The assignor of one member, for either client library. `claims()` is read at every join, so a
 * member announces what it owns at that moment.
 */
export function pinningAssignor(claims: () => MemberClaims, logger: Logger): GroupAssignor {
  return {
    name: ASSIGNER_NAME,
    version: VERSION,
    userData: () => encodeClaims(claims()),
    assign(partitionsByTopic, members) {
      const decoded = members.map(({ memberId, topics, userData }) => ({ memberId, topics, ...decodeClaims(userData) }));
      const { assignment, conflicts } = planAssignment(partitionsByTopic, decoded);
      for (const conflict of conflicts) logger.warn({ topic: conflict.topic, partition: conflict.partition }, `partition assignment: ${conflict.message}`);
      return assignment;
    },
  };
}
