/**
 * The alert state's changelog: a compacted Kafka topic holding, per alert group, the latest
 * snapshot of its state (`AlertEngine.snapshot`), keyed `<alert topic>/<group>`, valued
 * `{"writer", "state"}` (writer: the executor of the process that wrote it). The alert bolt
 * publishes the snapshot of each group it processes on its `changelog.stream`, anchored to the
 * point, and a `kafka_output` writes that stream to the topic; so a point's input offset is
 * committed only once its group's new state is in the changelog.
 *
 * The bolt follows the topic for the whole run (a consumer of a group of its own that commits
 * nothing). Before the first point of a group, and whenever another writer wrote the group since
 * (its partition moved here after a rebalance), it catches up with the topic's end and restores the
 * group from the latest snapshot: after a restart, and after a rebalance, a group continues with
 * the state its previous owner wrote.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { concatMap, finalize, from, map, of } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import type { Logger } from 'pino';
import { ack } from '../../src/runtime/node-api.js';
import type { Fields, NodeContext, Outcome, PlatformConfig, SettingsProblem, StreamDeclaration, Tuple } from '../../src/runtime/node-api.js';
import { PunchlineError } from '../../src/core/errors.js';
import type { AlertEngine } from '../../src/libraries/alerting/index.js';
import { createClusterAdmin } from '../../src/libraries/kafka/cluster-admin.js';
import type { ClusterAdmin } from '../../src/libraries/kafka/cluster-admin.js';
import { createGroupConsumer, wholeTopicAssignor } from '../../src/libraries/kafka/group-consumer.js';
import type { ConsumedBatch, GroupConsumer } from '../../src/libraries/kafka/group-consumer.js';
import { checkClusterReference, resolveCluster } from '../../src/libraries/kafka/cluster-resolution.js';
import type { ResolvedCluster } from '../../src/libraries/kafka/cluster-resolution.js';
import { translateKafkaError } from '../../src/libraries/kafka/kafka-errors.js';

/** How long catching up with the changelog's end may take before the bolt gives up (and the run stops). */
const READ_TIMEOUT_MS = 120_000;

/** A changelog record as read: the snapshot, who wrote it, at which offset of its partition. */
interface ChangelogEntry {
  readonly writer: string;
  /** Undefined when the record is not one of ours (not JSON, no state). */
  readonly snapshot: unknown;
  /** A key stays on one partition, so its offsets grow. */
  readonly offset: number;
}

/**
 * Follows the changelog topic from its beginning for the whole run: the latest entry of every
 * group of the alert, and how far it has read, so a caller can wait until it has read everything
 * written before now. One per node, shared by its executors; disconnected when the last one lets go.
 */
class ChangelogTail {
  readonly #latest = new Map<string, ChangelogEntry>();
  readonly #positions = new Map<number, number>();
  readonly #admin: ClusterAdmin;
  readonly #consumer: GroupConsumer;
  readonly #logger: Logger;
  #started: Promise<void> | undefined;
  #failure: Error | undefined;
  /** Its users (the executors), each told of every entry of the alert as it is read. */
  readonly #readers = new Set<EntryReader>();

  constructor(
    private readonly cluster: ResolvedCluster,
    private readonly topic: string,
    private readonly prefix: string,
    logger: Logger,
  ) {
    this.#logger = logger;
    // Both on the client library the cluster names; the group commits nothing, so a new member
    // (a new group) reads from the earliest offset.
    this.#admin = createClusterAdmin(cluster, logger);
    this.#consumer = createGroupConsumer(cluster, logger, {
      groupId: `punchline-changelog-${randomUUID()}`,
      topic,
      // The tail's group has one member, the tail itself (a group id of its own).
      assignor: wholeTopicAssignor('punchline-changelog-tail'),
      sessionTimeoutMs: 30_000,
      heartbeatIntervalMs: 3_000,
      maxWaitMs: 5_000,
    });
  }

  /** True once following the topic failed for good: the next `caughtUp` throws why. */
  get failed(): boolean {
    return this.#failure !== undefined;
  }

  /** Registers a user (an executor), told of every entry read, and starts following the topic, once. */
  open(reader: EntryReader): Promise<void> {
    this.#readers.add(reader);
    this.#started ??= this.#start();
    return this.#started;
  }

  async #start(): Promise<void> {
    const { topic, cluster } = this;
    try {
      await this.#admin.connect();
      await this.#consumer.run({
        eachBatch: (batch) => this.#read(batch),
        assigned: (partitions) => this.#logger.debug({ topic, partitions }, `following the alert state changelog ${topic}`),
        rebalancing: () => Promise.resolve(),
        committed: () => undefined,
        // A tail that stopped would leave every group believing it is the only writer: a crash the
        // client does not restart from fails the next point instead (see `failed`).
        crashed: (error, restart) => {
          this.#logger.warn({ topic, restart, err: translateKafkaError(error, cluster, `following the alert state changelog ${topic}`).message }, `the alert state changelog ${topic} stopped being followed${restart ? ', restarting' : ''}`);
          if (!restart) this.#failure = error instanceof Error ? error : new Error(String(error));
        },
      });
    } catch (error) {
      throw translateKafkaError(error, cluster, `following the alert state changelog ${topic}`);
    }
  }

  #read(batch: ConsumedBatch): Promise<void> {
    for (const message of batch.messages) {
      const key = message.key?.toString('utf8');
      if (key?.startsWith(this.prefix) === true) {
        const group = key.slice(this.prefix.length);
        if (message.value === null) this.#latest.delete(group);
        else {
          const entry = { ...parseEntry(message.value.toString('utf8')), offset: Number(message.offset) };
          this.#latest.set(group, entry);
          for (const reader of this.#readers) reader(group, entry);
        }
      }
      this.#positions.set(batch.partition, Number(message.offset) + 1);
      batch.resolveOffset(message.offset);
    }
    return Promise.resolve();
  }

  /** The latest entry of `group`, as far as read. */
  latest(group: string): ChangelogEntry | undefined {
    return this.#latest.get(group);
  }

  /** Resolves once everything written to the topic before this call has been read. */
  async caughtUp(): Promise<void> {
    let ends: [number, number][];
    try {
      ends = (await this.#admin.topicOffsets(this.topic)).map((o) => [o.partition, Number(o.high)]);
    } catch (error) {
      throw translateKafkaError(error, this.cluster, `reading the end of the alert state changelog ${this.topic}`);
    }
    const deadline = Date.now() + READ_TIMEOUT_MS;
    for (;;) {
      if (this.#failure !== undefined) throw translateKafkaError(this.#failure, this.cluster, `following the alert state changelog ${this.topic}`);
      // A compacted partition may hold no record at its last offsets: the consumer's position is what counts.
      if (ends.every(([partition, end]) => end === 0 || (this.#positions.get(partition) ?? 0) >= end)) return;
      if (Date.now() > deadline) throw new PunchlineError('E_KAFKA_PROTOCOL', `the alert state changelog ${this.topic} was not read to its end within ${READ_TIMEOUT_MS / 1000} s`);
      await sleep(5);
    }
  }

  /** Lets go of a user; the last one disconnects. */
  async close(reader: EntryReader): Promise<void> {
    this.#readers.delete(reader);
    if (this.#readers.size > 0) return;
    await Promise.allSettled([this.#consumer.disconnect(), this.#admin.disconnect()]);
  }
}

/** Told of each entry of a group as the tail reads it, in the order of the topic. */
type EntryReader = (group: string, entry: ChangelogEntry) => void;

function parseEntry(text: string): { writer: string; snapshot: unknown } {
  try {
    const { writer, state } = JSON.parse(text) as { writer?: unknown; state?: unknown };
    return { writer: typeof writer === 'string' ? writer : '', snapshot: state };
  } catch {
    return { writer: '', snapshot: undefined };
  }
}

/** The `changelog` settings of the alert bolt. */
export interface ChangelogSettings {
  readonly cluster?: string;
  readonly topic: string;
  readonly stream: string;
}

/** The cluster of the changelog: its `cluster`, else the platform's only cluster. */
function changelogCluster(settings: ChangelogSettings, platform: PlatformConfig): string | undefined {
  if (settings.cluster !== undefined) return settings.cluster;
  const ids = Object.keys(platform.kafka.clusters);
  return ids.length === 1 ? ids[0] : undefined;
}

/** Validation of the changelog settings: a known cluster, and the stream published. */
export function checkChangelog(settings: ChangelogSettings, publish: readonly StreamDeclaration[], platform: PlatformConfig): SettingsProblem[] {
  const problems = checkClusterReference({ clusterId: changelogCluster(settings, platform), path: '/settings/changelog' }, platform);
  const stream = publish.find((p) => p.stream === settings.stream);
  if (stream === undefined || !['state_key', 'state'].every((f) => stream.fields.includes(f))) {
    problems.push({ path: '/settings/changelog/stream', message: `the state is restored from ${settings.topic} but never written: publish the stream "${settings.stream}" with the fields state_key and state`, hint: `route it to a kafka_output writing ${settings.topic}, key_fields ["state_key"], value_format "string", value_field "state"`, severity: 'error' });
  }
  return problems;
}

/**
 * One executor's side of the changelog: restores a group from the changelog before its first
 * point here and whenever another writer wrote it since, then adds the snapshot of each processed
 * point's group to the point's outcome, on the changelog stream.
 */
export class AlertChangelog {
  /** Who this executor of this process is, in the records it writes. */
  readonly #writer: string;
  readonly #tail: ChangelogTail;
  /** Per group seen here: the offset of the entry it was last restored from (-1: none). */
  readonly #adopted = new Map<string, number>();
  /** Per group written here: whether the tail has read one of this executor's own entries yet. */
  readonly #ownRead = new Set<string>();
  /** The groups another writer wrote after an entry of this executor, not said yet. */
  readonly #taken = new Set<string>();
  readonly #read: EntryReader = (group, entry) => {
    if (entry.writer === this.#writer) this.#ownRead.add(group);
    else if (this.#ownRead.has(group)) this.#taken.add(group);
  };
  #logged = false;

  constructor(
    private readonly engine: AlertEngine,
    private readonly settings: ChangelogSettings,
    private readonly ctx: NodeContext,
    /** The alert's topic: the prefix of its keys, so alerts can share a changelog topic. */
    private readonly alertTopic: string,
  ) {
    this.#writer = `${randomUUID()}/${ctx.executor}`;
    this.#tail = ctx.shared('alert:changelog', () => {
      const cluster = resolveCluster({ clusterId: changelogCluster(settings, ctx.platform), path: '/settings/changelog' }, ctx.platform);
      return new ChangelogTail(cluster, settings.topic, `${alertTopic}/`, ctx.logger);
    });
  }

  /**
   * Holds a point back until its group is restored when it must be (its first point here, or
   * another writer wrote it since); lets go of the changelog when the stream ends.
   */
  restoredFirst(groupOf: (fields: Fields) => string): OperatorFunction<Tuple, Tuple> {
    let opened: Promise<void> | undefined;
    return (tuples) =>
      tuples.pipe(
        concatMap((tuple) => {
          const group = groupOf(tuple.fields);
          if (opened !== undefined && !this.#mustRestore(group)) {
            this.#sayIfTaken(group);
            return of(tuple);
          }
          opened ??= this.#tail.open(this.#read);
          return from(
            opened
              .then(() => this.#restore(group))
              .then(() => {
                this.#sayIfTaken(group);
                return tuple;
              }),
          );
        }),
        finalize(() => {
          if (opened !== undefined) void this.#tail.close(this.#read);
        }),
      );
  }

  #mustRestore(group: string): boolean {
    const adopted = this.#adopted.get(group);
    if (adopted === undefined || this.#tail.failed) return true;
    const latest = this.#tail.latest(group);
    return latest !== undefined && latest.writer !== this.#writer && latest.offset > adopted;
  }

  async #restore(group: string): Promise<void> {
    await this.#tail.caughtUp();
    const latest = this.#tail.latest(group);
    const adopted = this.#adopted.get(group) ?? -1;
    if (latest !== undefined && latest.writer !== this.#writer && latest.offset > adopted) {
      const problem = latest.snapshot === undefined ? 'not a state record' : this.engine.restore(group, latest.snapshot);
      if (problem !== undefined) this.ctx.logger.warn({ group, topic: this.settings.topic }, `${this.ctx.label}: the state of group ${group} in ${this.settings.topic} is not restored, the group starts afresh: ${problem}`);
      else if (!this.#logged) {
        this.#logged = true;
        this.ctx.logger.info({ group, topic: this.settings.topic }, `${this.ctx.label}: alert state restored from ${this.settings.topic} (group ${group}; the others as their points come)`);
      } else this.ctx.logger.debug({ group, topic: this.settings.topic }, `${this.ctx.label}: alert state of group ${group} restored`);
    }
    this.#adopted.set(group, latest?.offset ?? -1);
  }

  /**
   * Says so when another writer wrote the group after this executor did, and a point of it comes
   * here again: both processes see its points, unless a rebalance moved its partition away and
   * back (several times means a group on two partitions). Read from the topic's order, not from
   * what is latest when the point comes: two processes whose outputs write each other's states
   * just after the other's next point would otherwise each only ever see their own last write.
   */
  #sayIfTaken(group: string): void {
    if (!this.#taken.delete(group)) return;
    this.ctx.throttledLog.warn('changelog:taken', { group, topic: this.settings.topic }, `${this.ctx.label}: group ${group} was written by another process after this one: its points reach two processes (is the input partitioned by the group_by fields?), or its partition came back after a rebalance`);
  }

  /** Adds the snapshot of the point's group to its outcome (a dropped point is acked with it). */
  withStates(groupOf: (fields: Fields) => string): OperatorFunction<Outcome, Outcome> {
    return map((outcome) => {
      if (outcome.type === 'fail' || outcome.type === 'emit') return outcome;
      const group = groupOf(outcome.input.fields);
      const snapshot = this.engine.snapshot(group);
      if (snapshot === undefined) return outcome;
      const state = { stream: this.settings.stream, fields: { state_key: `${this.alertTopic}/${group}`, state: JSON.stringify({ writer: this.#writer, state: snapshot }) } };
      return outcome.type === 'drop' ? ack(outcome.input, state) : { ...outcome, emissions: [...outcome.emissions, state] };
    });
  }
}
