/**
 * The {@link GroupConsumer} of @platformatic/kafka, for clusters declared with
 * `client: "platformatic"`. The library's group membership (join, sync, heartbeats on a timer,
 * rejoin at a rebalance, leave) is used as it is, with the caller's assignor as the group's only
 * protocol; its message streams are not: they cannot pause one partition nor seek. This member
 * runs its own fetch loop instead, with `Consumer.fetch`: per partition, the position where the
 * next fetch starts (the group's commit, else the earliest offset, when the partition is
 * assigned; moved by a seek or by what a batch resolved), one request per leader, each
 * partition's records handed over as one batch, one batch at a time, while the next fetch is
 * already under way (one fetch ahead, as the Java client does; kafkajs waits).
 *
 * Where the library differs from kafkajs, this says otherwise:
 * - a group with a single member is given every partition without the assignor running: the
 *   member then plans its own assignment with the assignor (so a pinned lone member keeps to its
 *   partition);
 * - its fetch limits are not Java's (50 MB in all, one fetch per partition): 10 MB in all and
 *   1 MB per partition here, like Java's and kafkajs' defaults;
 * - fetches go over connections of their own, as the library's streams do: on the group's
 *   connection a commit or a heartbeat would wait behind the fetch the broker holds (up to the
 *   fetch's wait), and one fetch is nearly always under way here;
 * - heartbeats run on their own: a batch's `heartbeat()` only says whether the group rebalances;
 *   the rebalancing handler runs as the library learns it, while it already rejoins;
 * - a rejoin the library gave up (its retries spent while the coordinator moved or its broker was
 *   down) leaves the member out of the group for good: this member joins again, with back-off, for
 *   as long as the error is one a retry can fix, as kafkajs restarts a crashed consumer; a fatal
 *   one (a refused login, a denied group) stops it.
 */
import { ConnectionPool, Consumer, FetchIsolationLevels, IS_CONTROL, ListOffsetTimestamps } from '@platformatic/kafka';
import type { ClusterMetadata, ConsumerGroupJoinPayload, ExtendedGroupProtocolSubscription, fetchV17, GroupPartitionsAssignments, RecordsBatch } from '@platformatic/kafka';
import type { Logger } from 'pino';
import type { ResolvedCluster } from './cluster-resolution.js';
import { effective } from './cluster-resolution.js';
import type { ConsumedBatch, ConsumedHeaders, ConsumedRecord, ConsumerHandlers, GroupAssignor, GroupConsumer, GroupConsumerOptions, TopicPartitionOffset } from './group-consumer.js';
import { classifyKafkaError } from './error-classification.js';
import { GroupRejoin } from './group-rejoin.js';
import { translateKafkaError } from './kafka-errors.js';
import { exponentialRetryDelay, platformaticConnection } from './platformatic-connection.js';

/** What a fetch returns at most, in all and per partition (Java's and kafkajs' defaults). */
const FETCH_MAX_BYTES = 10 * 1024 * 1024;
const FETCH_MAX_BYTES_PER_PARTITION = 1024 * 1024;
/** How long the loop waits when it has nothing to fetch (paused, rebalancing, nothing assigned). */
const IDLE_MS = 100;
/** How long the loop waits after a fetch failed with a retriable error. */
const RETRY_MS = 1000;
/** Retries of a failed request (a join, a fetch, a commit), with exponential delays: about 25 s in all. */
const RETRIES = 8;
const MAX_RETRY_DELAY_MS = 5000;
/** While fetches fail, at most one log line per this delay. */
const OUTAGE_LOG_INTERVAL_MS = 60_000;
/** Record batch attribute: the timestamps are the broker's append time (the batch's max timestamp). */
const LOG_APPEND_TIME = 0x08;

/** What one round of fetches brought back, and from where each partition was asked. */
interface FetchRound {
  readonly generation: number;
  readonly requested: ReadonlyMap<number, { readonly offset: bigint; readonly seeks: number }>;
  readonly responses: readonly fetchV17.FetchResponse[];
  /** Where each partition's next fetch starts if its batch resolves every record fetched. */
  readonly next: ReadonlyMap<number, bigint>;
}

/** A stretch of failed fetches: when it began, how often they failed, when it was last told. */
interface Outage {
  readonly since: number;
  failures: number;
  loggedAt: number;
}

/** Raised by a batch's heartbeat when the group rebalances: the batch is abandoned. */
class GroupRebalancing extends Error {
  readonly type = 'REBALANCE_IN_PROGRESS';
  constructor() {
    super('the group is rebalancing');
  }
}

export class PlatformaticGroupConsumer implements GroupConsumer {
  readonly #consumer: Consumer<Buffer, Buffer, Buffer, Buffer>;
  /** The fetches' connections, apart from the group's (commits, heartbeats, joins, metadata). */
  readonly #fetchConnections: ConnectionPool;
  readonly #topic: string;
  readonly #cluster: ResolvedCluster;
  readonly #logger: Logger;
  readonly #options: GroupConsumerOptions;
  #handlers: ConsumerHandlers | undefined;
  /** The partitions owned, with the offset the next fetch starts at (undefined until known). */
  #positions = new Map<number, bigint | undefined>();
  /** Seeks per partition: a batch fetched before a seek of its partition is stale. */
  readonly #seeks = new Map<number, number>();
  /** Bumped when a rebalance starts and at each assignment: what was fetched before is stale. */
  #generation = 0;
  #rebalancing = false;
  /** What the rebalancing handler does, for a heartbeat to wait for before it rejects. */
  #rebalanceHandled: Promise<void> = Promise.resolve();
  /** The group generation the assignor planned as leader (a lone member's is planned at join). */
  #plannedGeneration = -1;
  #pausedAll = false;
  readonly #paused = new Set<number>();
  #closed = false;
  #idle: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  /** Joins again after the library's rejoin gave up, until it succeeds. */
  readonly #rejoin: GroupRejoin;
  /** Fetches failing since. */
  #fetchOutage: Outage | undefined;

  constructor(cluster: ResolvedCluster, logger: Logger, options: GroupConsumerOptions) {
    const { timeoutMs } = effective(cluster.config);
    const { assignor } = options;
    this.#topic = options.topic;
    this.#cluster = cluster;
    this.#logger = logger.child({ cluster: cluster.id });
    this.#options = options;
    this.#rejoin = new GroupRejoin(this.#logger, options.topic, options.groupId);
    // A JoinGroup is held by the broker until every member rejoined, up to the rebalance timeout.
    const rebalanceTimeout = Math.max(options.sessionTimeoutMs, 30_000);
    const connection = platformaticConnection(cluster);
    this.#fetchConnections = new ConnectionPool(connection.clientId, { ...connection, requestTimeout: options.maxWaitMs + timeoutMs });
    this.#consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
      ...connection,
      groupId: options.groupId,
      timeout: timeoutMs,
      requestTimeout: rebalanceTimeout + timeoutMs,
      // Like kafkajs' defaults: a coordinator still loading or moving (a new group, a loaded broker)
      // answers again within seconds, not within the library's default 1.5 s of retries.
      retries: RETRIES,
      retryDelay: exponentialRetryDelay(MAX_RETRY_DELAY_MS),
      autocreateTopics: false,
      sessionTimeout: options.sessionTimeoutMs,
      rebalanceTimeout,
      heartbeatInterval: options.heartbeatIntervalMs,
      protocols: [{ name: assignor.name, version: assignor.version }],
      protocolsMetadata: () => assignor.userData(),
      partitionAssigner: (memberId, members, topics, metadata) => this.#assign(assignor, members, topics, metadata),
      isolationLevel: FetchIsolationLevels.READ_COMMITTED,
      minBytes: 1,
      maxBytes: FETCH_MAX_BYTES,
      maxBytesPerPartition: FETCH_MAX_BYTES_PER_PARTITION,
      maxWaitTime: options.maxWaitMs,
    });
    const contacts = cluster.contacts;
    if (contacts !== undefined) {
      this.#consumer.on('client:broker:connect', (event: { broker?: { host?: string; port?: number } }) => {
        if (event.broker?.host !== undefined) contacts.answered(`${event.broker.host}:${String(event.broker.port)}`, 'Metadata'); // connected: no role is known from it
      });
    }
  }

  /** The leader's assignment: the assignor's plan, in the library's form. */
  #assign(assignor: GroupAssignor, members: Map<string, ExtendedGroupProtocolSubscription>, topics: Set<string>, metadata: ClusterMetadata): GroupPartitionsAssignments[] {
    this.#plannedGeneration = this.#consumer.generationId;
    const partitionsByTopic = new Map<string, number[]>();
    for (const topic of topics) partitionsByTopic.set(topic, [...Array(metadata.topics.get(topic)?.partitionsCount ?? 0).keys()]);
    const decoded = [...members.values()].map((m) => ({ memberId: m.memberId, topics: m.topics ?? [], userData: userDataOf(m.metadata) }));
    return [...assignor.assign(partitionsByTopic, decoded)].map(([memberId, byTopic]) => ({
      memberId,
      assignments: new Map(Object.entries(byTopic).map(([topic, partitions]) => [topic, { topic, partitions }])),
    }));
  }

  async run(handlers: ConsumerHandlers): Promise<void> {
    this.#handlers = handlers;
    const consumer = this.#consumer;
    consumer.on('consumer:group:join', (payload) => this.#joined(payload));
    consumer.on('consumer:group:rebalance', () => {
      if (this.#rebalancing) return;
      this.#rebalancing = true;
      this.#generation++;
      this.#rebalanceHandled = handlers.rebalancing();
    });
    // A rejoin the library gave up: the member is out of the group until it joins again.
    consumer.on('error', (error: Error) => this.#rejoinFailed(error));
    consumer.topics.trackAll(this.#topic);
    await consumer.joinGroup({});
    void this.#loop();
  }

  /** A (re)join completed: the new assignment replaces the old one. */
  #joined(payload: ConsumerGroupJoinPayload): void {
    const topic = this.#topic;
    let partitions = payload.assignments?.find((a) => a.topic === topic)?.partitions ?? [];
    if (payload.isLeader === true && this.#plannedGeneration !== this.#consumer.generationId) {
      // A lone member: the library gave it every partition without asking the assignor.
      const { assignor } = this.#options;
      const plan = assignor.assign(new Map([[topic, partitions]]), [{ memberId: payload.memberId, topics: [topic], userData: assignor.userData() }]);
      partitions = plan.get(payload.memberId)?.[topic] ?? [];
    }
    this.#generation++;
    this.#rebalancing = false;
    this.#rejoin.joined();
    this.#positions = new Map(partitions.map((p) => [p, undefined]));
    this.#handlers?.assigned(partitions);
    this.#wake();
  }

  seek(partition: number, offset: number): void {
    if (!this.#positions.has(partition)) return;
    this.#positions.set(partition, BigInt(offset));
    this.#seeks.set(partition, (this.#seeks.get(partition) ?? 0) + 1);
  }

  pause(partitions?: readonly number[]): void {
    if (partitions === undefined) this.#pausedAll = true;
    else for (const partition of partitions) this.#paused.add(partition);
  }

  resume(partitions?: readonly number[]): void {
    if (partitions === undefined) {
      this.#pausedAll = false;
      this.#paused.clear();
    } else for (const partition of partitions) this.#paused.delete(partition);
    this.#wake();
  }

  async commitOffsets(offsets: TopicPartitionOffset[]): Promise<void> {
    await this.#consumer.commit({ offsets: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: BigInt(o.offset), leaderEpoch: -1 })) });
    const byTopic = new Map<string, { partition: number; offset: string }[]>();
    for (const { topic, partition, offset } of offsets) {
      let list = byTopic.get(topic);
      if (list === undefined) byTopic.set(topic, (list = []));
      list.push({ partition, offset });
    }
    this.#handlers?.committed([...byTopic].map(([topic, partitions]) => ({ topic, partitions })));
  }

  async disconnect(): Promise<void> {
    this.#closed = true;
    this.#rejoin.stop();
    this.#wake();
    await this.#consumer.close();
    await this.#fetchConnections.close();
  }

  // ---- the fetch loop --------------------------------------------------------------------------

  /**
   * Fetches and delivers, one fetch ahead: as soon as a round of fetches answered, the next one
   * is sent from where each partition's records end, while this round's batches are handed over.
   * A partition whose batch did not resolve everything, was sought, paused or revoked meanwhile
   * has its prefetched records dropped at delivery (its position no longer matches) and fetched
   * again; at most two rounds of records (2 × 10 MB) are held.
   */
  async #loop(): Promise<void> {
    let ahead: Promise<FetchRound | undefined> | undefined;
    while (!this.#closed) {
      try {
        const round = await (ahead ?? this.#fetchRound());
        ahead = undefined;
        if (round === undefined) continue;
        this.#fetchesAnswer();
        ahead = this.#fetchRound(round);
        // Its failure is handled when it is awaited, at the next turn.
        ahead.catch(() => undefined);
        await this.#deliverRound(round);
      } catch (error) {
        ahead = undefined;
        if (this.#closed) return;
        if (!retriable(error)) {
          this.#crash(error);
          return;
        }
        this.#fetchFailed(error);
        await this.#sleep(RETRY_MS);
      }
    }
  }

  /**
   * A fetch failed with an error a retry can fix: told at the first failure, then at most once per
   * {@link OUTAGE_LOG_INTERVAL_MS} while fetches keep failing, not once per retry.
   */
  #fetchFailed(error: unknown): void {
    const now = Date.now();
    const outage = this.#fetchOutage;
    if (outage === undefined) this.#fetchOutage = { since: now, failures: 1, loggedAt: now };
    else {
      outage.failures++;
      if (now - outage.loggedAt < OUTAGE_LOG_INTERVAL_MS) return;
      outage.loggedAt = now;
    }
    const { message, code } = translateKafkaError(error, this.#cluster, `fetching topic "${this.#topic}"`);
    const since = this.#fetchOutage?.since ?? now;
    this.#logger.warn({ topic: this.#topic, code, failures: this.#fetchOutage?.failures, failingSeconds: Math.round((now - since) / 1000) }, `${message}; fetching again every ${RETRY_MS / 1000} s`);
  }

  /** Fetches answer again: told once if they had failed. */
  #fetchesAnswer(): void {
    const outage = this.#fetchOutage;
    if (outage === undefined) return;
    this.#fetchOutage = undefined;
    this.#logger.info({ topic: this.#topic, failures: outage.failures, failingSeconds: Math.round((Date.now() - outage.since) / 1000) }, `fetching topic "${this.#topic}" works again`);
  }

  /**
   * The library could not rejoin the group within its retries (or a join of ours failed): the
   * member owns nothing until it joins again ({@link GroupRejoin}). A failure a retry can fix is
   * told once to the handlers (`crashed`, restarting); a fatal one (a refused login, a denied
   * group) stops the member.
   */
  #rejoinFailed(error: unknown): void {
    if (this.#closed) return;
    if (!classifyKafkaError(error).retriable) {
      this.#crash(error);
      return;
    }
    const join = (): void => {
      if (this.#closed) return;
      this.#consumer.joinGroup({}).catch((joinError: unknown) => this.#rejoinFailed(joinError));
    };
    const began = this.#rejoin.failed(join, () => {
      const { message, code } = translateKafkaError(error, this.#cluster, `joining group "${this.#options.groupId}" on topic "${this.#topic}"`);
      return { text: message, fields: { code } };
    });
    if (began) {
      // What was fetched, and the partitions, are no longer this member's.
      this.#generation++;
      this.#rebalancing = true;
      this.#positions = new Map();
      this.#handlers?.crashed(error, true);
    }
  }

  #crash(error: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#wake();
    this.#handlers?.crashed(error, false);
  }

  /**
   * One fetch per leader of the partitions owned and not paused, each from its position; for a
   * prefetch, sent while the batches of round `after` are being read, from where those end when
   * the position is still the one `after` asked from. A prefetch never waits: with nothing to
   * fetch, or a position still unknown, there is none. Undefined when nothing was fetched.
   */
  async #fetchRound(after?: FetchRound): Promise<FetchRound | undefined> {
    const generation = this.#generation;
    const fetchable = this.#rebalancing || this.#pausedAll ? [] : [...this.#positions.keys()].filter((p) => !this.#paused.has(p));
    if (fetchable.length === 0) {
      if (after === undefined) await this.#sleep(IDLE_MS);
      return undefined;
    }
    const unknown = fetchable.filter((p) => this.#positions.get(p) === undefined);
    if (unknown.length > 0) {
      if (after === undefined) await this.#resolvePositions(unknown, generation);
      return undefined;
    }
    const metadata = await this.#consumer.metadata({ topics: [this.#topic] });
    const topicMetadata = metadata.topics.get(this.#topic);
    if (topicMetadata === undefined || this.#generation !== generation) return undefined;
    const byLeader = new Map<number, fetchV17.FetchRequestPartition[]>();
    const requested = new Map<number, { offset: bigint; seeks: number }>();
    for (const partition of fetchable) {
      const leader = topicMetadata.partitions[partition]?.leader;
      const position = this.#positions.get(partition);
      const seeks = this.#seeks.get(partition) ?? 0;
      const before = after?.requested.get(partition);
      const offset = before !== undefined && before.offset === position && before.seeks === seeks ? after?.next.get(partition) : position;
      if (leader === undefined || offset === undefined) continue;
      let list = byLeader.get(leader);
      if (list === undefined) byLeader.set(leader, (list = []));
      list.push({ partition, fetchOffset: offset, partitionMaxBytes: FETCH_MAX_BYTES_PER_PARTITION, currentLeaderEpoch: -1, lastFetchedEpoch: -1 });
      requested.set(partition, { offset, seeks });
    }
    const responses = await Promise.all([...byLeader].map(([node, partitions]) => this.#fetch(node, topicMetadata.id, partitions)));
    // Where each partition's next fetch starts if its batch resolves every record fetched.
    const next = new Map<number, bigint>();
    for (const [partition, request] of requested) next.set(partition, request.offset);
    for (const response of responses) {
      for (const topicResponse of response.responses) {
        for (const { partitionIndex, records } of topicResponse.partitions) {
          const last = records?.at(-1);
          if (last !== undefined && requested.has(partitionIndex)) next.set(partitionIndex, last.firstOffset + BigInt(last.lastOffsetDelta) + 1n);
        }
      }
    }
    return { generation, requested, responses, next };
  }

  /** Hands over what a round fetched, partition by partition, where it is still to be read. */
  async #deliverRound({ generation, requested, responses }: FetchRound): Promise<void> {
    for (const response of responses) {
      for (const topicResponse of response.responses) {
        for (const partitionResponse of topicResponse.partitions) {
          if (this.#closed || this.#generation !== generation) return;
          const partition = partitionResponse.partitionIndex;
          const request = requested.get(partition);
          // Moved since the request (a seek, a batch not read to its end), paused, or no longer
          // owned: what came back is not to be read.
          if (request === undefined || this.#positions.get(partition) !== request.offset || (this.#seeks.get(partition) ?? 0) !== request.seeks) continue;
          if (this.#pausedAll || this.#paused.has(partition)) continue;
          await this.#deliver(partition, request.offset, partitionResponse.highWatermark, partitionResponse.records ?? [], generation);
        }
      }
    }
  }

  /** One fetch from one leader; partitions out of range restart at their earliest offset. */
  async #fetch(node: number, topicId: string, partitions: fetchV17.FetchRequestPartition[]): Promise<fetchV17.FetchResponse> {
    try {
      return await this.#consumer.fetch({ node, topics: [{ topicId, partitions }], connectionPool: this.#fetchConnections });
    } catch (error) {
      const response = (error as { response?: fetchV17.FetchResponse }).response;
      const outOfRange = response?.responses.flatMap((t) => t.partitions.filter((p) => p.errorCode === OFFSET_OUT_OF_RANGE)) ?? [];
      if (outOfRange.length === 0) throw error;
      for (const p of outOfRange) {
        this.#logger.warn({ topic: this.#topic, partition: p.partitionIndex, earliest: String(p.logStartOffset) }, 'the offset to read is out of range; reading from the earliest offset');
        // A prefetch asked from where a batch under way would end: only a position still there moves.
        const asked = partitions.find((q) => q.partition === p.partitionIndex)?.fetchOffset;
        if (asked !== undefined && this.#positions.get(p.partitionIndex) === asked) this.#positions.set(p.partitionIndex, p.logStartOffset);
      }
      return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [] };
    }
  }

  /** Hands the records of one partition over as one batch, and moves its position after what the batch resolved. */
  async #deliver(partition: number, from: bigint, highWatermark: bigint, batches: readonly RecordsBatch[], generation: number): Promise<void> {
    const messages: ConsumedRecord[] = [];
    let last: bigint | undefined;
    for (const batch of batches) {
      last = batch.firstOffset + BigInt(batch.lastOffsetDelta);
      if ((batch.attributes & IS_CONTROL) !== 0) continue;
      const appendTime = (batch.attributes & LOG_APPEND_TIME) !== 0;
      for (const record of batch.records) {
        const offset = batch.firstOffset + BigInt(record.offsetDelta);
        if (offset < from) continue;
        messages.push({
          offset: String(offset),
          timestamp: String(appendTime ? batch.maxTimestamp : batch.firstTimestamp + record.timestampDelta),
          key: record.key,
          value: record.value,
          headers: headersOf(record.headers),
        });
      }
    }
    if (last === undefined) return;
    if (messages.length === 0) {
      // Only control records (transaction markers), or records below the position: read past them.
      if (last >= from) this.#positions.set(partition, last + 1n);
      return;
    }
    const seeks = this.#seeks.get(partition) ?? 0;
    let resolved: bigint | undefined;
    const handlers = this.#handlers as ConsumerHandlers;
    const batch: ConsumedBatch = {
      topic: this.#topic,
      partition,
      highWatermark: String(highWatermark),
      messages,
      heartbeat: async () => {
        if (!this.#rebalancing && this.#generation === generation) return;
        await this.#rebalanceHandled;
        throw new GroupRebalancing();
      },
      isStale: () => this.#generation !== generation || (this.#seeks.get(partition) ?? 0) !== seeks,
      isRunning: () => !this.#closed && !this.#rebalancing && this.#generation === generation,
      resolveOffset: (offset) => {
        resolved = BigInt(offset);
      },
    };
    try {
      await handlers.eachBatch(batch);
    } catch (error) {
      if (!(error instanceof GroupRebalancing)) this.#logger.warn({ err: error, topic: this.#topic, partition }, 'a batch failed; it is read again');
    }
    if (resolved !== undefined && !batch.isStale()) this.#positions.set(partition, resolved + 1n);
  }

  /** Where newly assigned partitions start: the group's commit, else the earliest offset. */
  async #resolvePositions(partitions: number[], generation: number): Promise<void> {
    const topic = this.#topic;
    const committed = (await this.#consumer.listCommittedOffsets({ topics: [{ topic, partitions }] })).get(topic) ?? [];
    const starts = new Map<number, bigint>();
    const missing: number[] = [];
    for (const partition of partitions) {
      const offset = committed[partition];
      if (offset !== undefined && offset >= 0n) starts.set(partition, offset);
      else missing.push(partition);
    }
    if (missing.length > 0) {
      const earliest = (await this.#consumer.listOffsetsWithTimestamps({ topics: [topic], partitions: { [topic]: missing }, timestamp: ListOffsetTimestamps.EARLIEST })).get(topic);
      for (const partition of missing) {
        const found = earliest?.get(partition);
        if (found !== undefined) starts.set(partition, found.offset);
      }
    }
    if (this.#generation !== generation) return;
    for (const [partition, offset] of starts) {
      // A seek made meanwhile wins.
      if (this.#positions.has(partition) && this.#positions.get(partition) === undefined) this.#positions.set(partition, offset);
    }
  }

  #sleep(ms: number): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#idle = undefined;
        resolve();
      }, ms);
      this.#idle = { timer, resolve };
    });
  }

  /** Ends an idle wait at once (something to fetch, or closing). */
  #wake(): void {
    const idle = this.#idle;
    if (idle === undefined) return;
    this.#idle = undefined;
    clearTimeout(idle.timer);
    idle.resolve();
  }
}

/** Kafka's OFFSET_OUT_OF_RANGE error code. */
const OFFSET_OUT_OF_RANGE = 1;

/** The assignor's announcement in a member's subscription (a Buffer, or nothing). */
function userDataOf(metadata: Buffer | string | undefined): Buffer | null {
  if (metadata === undefined) return null;
  return typeof metadata === 'string' ? Buffer.from(metadata, 'utf8') : metadata;
}

/** Headers grouped by name as kafkajs gives them (a repeated name lists its values in order). */
function headersOf(headers: readonly [Buffer | null, Buffer | null][]): ConsumedHeaders | undefined {
  if (headers.length === 0) return undefined;
  // No prototype: a header named `__proto__` is a header like any other.
  const grouped = Object.create(null) as Record<string, Buffer | Buffer[] | undefined>;
  for (const [name, value] of headers) {
    if (name === null) continue;
    const key = name.toString('utf8');
    const one = value ?? undefined;
    if (!Object.hasOwn(grouped, key)) {
      grouped[key] = one;
      continue;
    }
    const existing = grouped[key];
    if (one === undefined) continue;
    grouped[key] = Array.isArray(existing) ? [...existing, one] : existing === undefined ? [one] : [existing, one];
  }
  return grouped;
}

/** Whether a fetch error is worth retrying (a network or transient broker error). */
function retriable(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { canRetry, errors } = error as { canRetry?: unknown; errors?: unknown };
  if (canRetry === true) return true;
  return Array.isArray(errors) && errors.length > 0 && errors.every(retriable);
}
