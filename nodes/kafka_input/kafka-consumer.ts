/**
 * One running `kafka_input` executor: a kafkajs group member that emits every record it reads as
 * a tuple, tracks each record's ack per partition, replays or stops on failures, and commits only
 * what is acked.
 *
 * Lifecycle (see `InputInstance` in `src/runtime/node-api.ts`):
 * - `start()` reads the topic's partitions (and, for the strategies that commit nothing, the start
 *   offsets), joins the group and resolves once the first assignment arrived; it rejects with a
 *   translated error (unreachable broker, refused credentials, unknown topic).
 * - Records flow from kafkajs' `eachBatch`: before each emission the executor waits for capacity
 *   (`topology.max.spout.pending`) and for the load controller, heart-beating meanwhile so the
 *   group keeps it.
 * - `stop()` stops emitting and pauses fetching; the group membership stays, so that `close()`,
 *   called once in-flight tuples are resolved, can commit, then leave the group. Nothing is ever
 *   committed in `stop()`.
 * - A fail-stop (`fail_action: exit`) or a header `CRASH` stops at once through `sink.fatal` and
 *   leaves the group without committing anything more.
 *
 * Rebalances: kafkajs revokes every partition at each rebalance (eager protocol) and reassigns.
 * When the assignment arrives, partitions no longer assigned have their tracker revoked (their
 * late acks are ignored, so they can never be committed by this member), partitions kept resume
 * where this member stood (kafkajs would rewind them to the last commit), new ones start per the
 * strategy. Before rejoining, the acked offsets are committed (best effort).
 */
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import type { DeliveryHandle, Fields, InputInstance, InputSink, NodeContext } from '../../src/runtime/node-api.js';
import { ERRORS_STREAM } from '../../src/runtime/node-api.js';
import { PunchlineError, recordCoordinates } from '../../src/core/errors.js';
import { resolveCluster } from '../../src/libraries/kafka/cluster-resolution.js';
import type { ResolvedCluster } from '../../src/libraries/kafka/cluster-resolution.js';
import { createKafkaClient } from '../../src/libraries/kafka/client-factory.js';
import { translateKafkaError } from '../../src/libraries/kafka/kafka-errors.js';
import type { DecodeError } from '../../src/libraries/codecs/decode-error.js';
import { PartitionTracker } from './partition-tracker.js';
import { RecordDecoder } from './record-decoding.js';
import type { RecordPart } from './record-decoding.js';
import type { HeaderDecodingProblem } from './header-fields.js';
import { commitsOffsets, resolveEphemeralStarts } from './offset-strategies.js';
import { consumerGroupId } from './settings-checks.js';
import { pinningAssigner } from './partition-assigner.js';
import type { MemberClaims } from './partition-assigner.js';
import { AdaptiveWindow, TokenBucket, UNLIMITED } from './load-control.js';
import type { LoadController } from './load-control.js';
import { KafkaInputMetrics, PartitionCounters } from './metrics.js';
import type { AssignedPartition, DecodeErrorCount, MetricsSource } from './metrics.js';
import { NodeRunState } from './run-state.js';
import type { TopicPreparation } from './run-state.js';
import type { KafkaInputSettings } from './settings.generated.js';

/** Longest wait for capacity between two heartbeats (the group must hear from us). */
const HEARTBEAT_WAIT_MS = 1000;
/** Kafka's default fetch wait: an idle member answers group events within this delay. */
const FETCH_MAX_WAIT_MS = 500;
/**
 * A partition stops being read while it tracks `max(MIN_TRACKED, TRACKED_PER_PENDING × max
 * pending)` records: acked records stay tracked behind an older unacked one until it resolves (at
 * worst at its timeout), and at 100k records/s that could otherwise be millions.
 */
const TRACKED_PER_PENDING = 20;
const MIN_TRACKED = 100_000;
/** How long a fail-stop waits to leave the group before stopping the punchline anyway. */
const LEAVE_GROUP_MS = 3000;
/** At most one log line per kind of decoding error in this interval (counts are in the metrics). */
const LOG_INTERVAL_MS = 10_000;

/** A decoding error tuple, kept apart from record fields so a replay goes to `_ppf_errors` again. */
class ErrorTuple {
  constructor(readonly fields: Fields) {}
}

/** What a tracker keeps of an emitted record to re-emit it. */
type Payload = Fields | ErrorTuple;
type Tracker = PartitionTracker<Payload>;

/** A failed record waiting for its smart replay. */
interface Replay {
  readonly tracker: Tracker;
  readonly seq: number;
  readonly epoch: number;
}

/**
 * The ack handle of one emission: one small object per record, routing the runtime's single call
 * back to the record's tracker entry.
 */
class RecordHandle implements DeliveryHandle {
  constructor(
    private readonly owner: KafkaConsumerInstance,
    private readonly tracker: Tracker,
    private readonly seq: number,
    private readonly epoch: number,
  ) {}

  ack(): void {
    this.owner.acked(this.tracker, this.seq, this.epoch);
  }

  fail(error: PunchlineError): void {
    this.owner.failed(this.tracker, this.seq, this.epoch, error);
  }
}

/** One executor of a `kafka_input` node. */
export class KafkaConsumerInstance implements InputInstance, MetricsSource {
  readonly labels: Readonly<Record<string, string>>;
  readonly partitionCounters = new Map<number, PartitionCounters>();
  readonly decodeErrors = new Map<string, DecodeErrorCount>();
  rebalances = 0;
  commitFailures = 0;

  readonly #settings: KafkaInputSettings;
  readonly #ctx: NodeContext;
  readonly #label: string;
  readonly #logger: Logger;
  readonly #topic: string;
  readonly #committing: boolean;
  readonly #smartReplay: boolean;
  readonly #maxPending: number;
  /** Records a partition may track (read, not yet below the commit point) before reading pauses. */
  readonly #maxTracked: number;
  readonly #decoder: RecordDecoder;
  readonly #run: NodeRunState;
  readonly #metrics: KafkaInputMetrics;
  readonly #load: LoadController;
  readonly #trackers = new Map<number, Tracker>();
  #replays: Replay[] = [];
  #replayHead = 0;
  #replayScheduled = false;

  #sink: InputSink | undefined;
  #cluster: ResolvedCluster | undefined;
  #consumer: Consumer | undefined;
  #preparation: TopicPreparation | undefined;
  #joins = 0;
  #onFirstJoin: ((error?: PunchlineError) => void) | undefined;

  /** No more emissions (stop, fail-stop, fatal). */
  #stopping = false;
  /** Stopped by a fail-stop or a fatal error: nothing may be committed any more. */
  #halted = false;
  #activeBatches = 0;
  #batchesIdle: (() => void)[] = [];
  #wakers: (() => void)[] = [];
  /** Milliseconds the load controller asked to wait, or -1 when waiting for capacity. */
  #wait = 0;
  #commitTimer: NodeJS.Timeout | undefined;
  #orphanTimer: NodeJS.Timeout | undefined;
  #commits: Promise<void> = Promise.resolve();
  #released: Promise<void> | undefined;
  readonly #lastLogged = new Map<string, { at: number; suppressed: number }>();

  constructor(settings: KafkaInputSettings, ctx: NodeContext) {
    this.#settings = settings;
    this.#ctx = ctx;
    this.#label = ctx.label;
    this.#logger = ctx.logger;
    this.#topic = settings.topic;
    this.#committing = commitsOffsets(settings.start_offset_strategy);
    this.#smartReplay = settings.smart_replay;
    this.#maxPending = ctx.topology['topology.max.spout.pending'];
    this.#maxTracked = Math.max(MIN_TRACKED, TRACKED_PER_PENDING * this.#maxPending);
    this.#decoder = new RecordDecoder(settings, ctx.label);
    this.#run = NodeRunState.of(ctx);
    this.#metrics = KafkaInputMetrics.of(ctx);
    this.labels = ctx.metricLabels;
    const now = performance.now();
    switch (settings.load_control) {
      case 'rate':
        this.#load = this.#run.rateController(() => new TokenBucket(settings.load_control_records_per_second ?? Infinity, now));
        break;
      case 'adaptative':
        this.#load = new AdaptiveWindow(this.#maxPending, now);
        break;
      case 'none':
        this.#load = UNLIMITED;
        break;
    }
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  async start(sink: InputSink): Promise<void> {
    this.#sink = sink;
    const settings = this.#settings;
    const cluster = resolveCluster({ clusterId: settings.brokers, bootstrapServers: settings['bootstrap.servers'], path: '/settings/brokers' }, this.#ctx.platform);
    this.#cluster = cluster;
    const kafka = createKafkaClient(cluster, this.#logger);
    this.#preparation = await this.#run.prepare(() => this.#prepare(kafka));
    if (settings.partition !== undefined && settings.partition >= this.#preparation.partitions) {
      throw new PunchlineError('E_CONFIG_INVALID', `${this.#label}: partition ${settings.partition} does not exist: topic "${this.#topic}" has ${this.#preparation.partitions} partitions`, {
        context: { node: this.#label, path: '/settings/partition' },
      });
    }
    const groupId = consumerGroupId(settings, this.#ctx.punchline, this.#ctx.component, this.#run.nonce);
    const sessionTimeout = settings.session_timeout_ms;
    const consumer = kafka.consumer({
      groupId,
      partitionAssigners: [pinningAssigner(() => this.#claims(), this.#logger)],
      sessionTimeout,
      heartbeatInterval: Math.min(3000, Math.floor(sessionTimeout / 3)),
      maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
      allowAutoTopicCreation: false,
    });
    this.#consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => this.#onGroupJoin(event.payload.memberAssignment));
    consumer.on(consumer.events.REBALANCING, () => void this.#commit('rebalance'));
    consumer.on(consumer.events.CRASH, (event) => this.#onCrash(event.payload.error, event.payload.restart));
    consumer.on(consumer.events.COMMIT_OFFSETS, (event) => this.#onCommitted(event.payload.topics));
    const joined = new Promise<void>((resolve, reject) => (this.#onFirstJoin = (error) => (error === undefined ? resolve() : reject(error))));
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: this.#topic, fromBeginning: true });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.#onBatch(payload) });
      await joined;
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw this.#translate(error, `joining group "${groupId}" on topic "${this.#topic}"`);
    }
    this.#metrics.add(this);
    if (this.#committing) {
      this.#commitTimer = setInterval(() => void this.#commit('interval'), settings.auto_commit_interval);
      this.#commitTimer.unref();
    }
    this.#logger.info({ topic: this.#topic, groupId, strategy: settings.start_offset_strategy, partitions: [...this.#trackers.keys()] }, `${this.#label}: consuming ${this.#topic}`);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake();
    try {
      this.#consumer?.pause([{ topic: this.#topic }]);
    } catch {
      // The consumer is not running (it crashed or never joined): nothing to pause.
    }
    if (this.#activeBatches > 0) await new Promise<void>((resolve) => this.#batchesIdle.push(resolve));
    // A fatal error elsewhere stops inputs without closing them; release the group in the end anyway.
    const grace = (this.#ctx.topology['topology.drain.timeout.secs'] + 30) * 1000;
    this.#orphanTimer ??= setTimeout(() => void this.#release('not closed after a stop'), grace);
    this.#orphanTimer.unref();
  }

  async close(): Promise<void> {
    clearTimeout(this.#orphanTimer);
    clearInterval(this.#commitTimer);
    await this.#commit('stop');
    await this.#release('closed');
  }

  // ---- emission -------------------------------------------------------------------------------

  /**
   * Emits the records of one fetched batch. The per-record work is kept to what must be checked
   * per record: the offsets read are resolved once, when the batch ends (kafkajs fetches from the
   * last resolved offset; a seek made meanwhile still wins, it is applied before the next fetch),
   * and the group's state (a seek or a rebalance: `isStale`, `isRunning`) can only change while
   * the loop waits, so it is checked after a wait. A rewind or a revocation during an emission
   * shows in the tracker's epoch and revoked flag, read for every record.
   */
  async #onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const tracker = this.#trackers.get(batch.partition);
    if (tracker === undefined || this.#stopping) return;
    this.#activeBatches++;
    let lastEmitted: string | undefined;
    try {
      tracker.highWatermark = Number(batch.highWatermark);
      const epoch = tracker.epoch;
      const counters = this.#countersOf(batch.partition);
      const heartbeat = (): Promise<void> => payload.heartbeat();
      for (const message of batch.messages) {
        const offset = Number(message.offset);
        // Read already (a re-fetch after a rebalance or a retry): emitted once is enough.
        if (tracker.position !== undefined && offset < tracker.position) continue;
        if (tracker.size >= this.#maxTracked || !this.#mayEmit()) {
          if (tracker.size >= this.#maxTracked && !(await this.#awaitTrackerRoom(tracker, heartbeat))) return;
          if (!this.#mayEmit() && !(await this.#awaitTurn(heartbeat))) return;
          // A seek or a rebalance while waiting: this batch is no longer what to read.
          if (payload.isStale() || !payload.isRunning()) return;
        }
        if (tracker.revoked || tracker.epoch !== epoch) return;
        if (!this.#emitRecord(tracker, counters, batch.topic, message, offset)) return;
        lastEmitted = message.offset;
      }
    } finally {
      if (lastEmitted !== undefined) payload.resolveOffset(lastEmitted);
      if (--this.#activeBatches === 0 && this.#batchesIdle.length > 0) {
        const waiters = this.#batchesIdle;
        this.#batchesIdle = [];
        for (const resolve of waiters) resolve();
      }
    }
  }

  /** Whether one record may be emitted now; counts it against the load controller when so. */
  #mayEmit(): boolean {
    if (this.#stopping) return false;
    const sink = this.#sink as InputSink;
    if (sink.pending >= this.#maxPending) {
      this.#wait = -1;
      return false;
    }
    if (this.#load === UNLIMITED) return true;
    this.#wait = this.#load.admit(sink.pending, performance.now());
    return this.#wait === 0;
  }

  /** Waits until a record may be emitted (true) or the executor stops (false), heart-beating meanwhile. */
  async #awaitTurn(heartbeat?: () => Promise<void>): Promise<boolean> {
    while (!this.#stopping) {
      if (this.#wait < 0) await Promise.race([(this.#sink as InputSink).capacity(), this.#nextWake(HEARTBEAT_WAIT_MS)]);
      else await this.#nextWake(Math.min(this.#wait, HEARTBEAT_WAIT_MS));
      // Throws when the group is rebalancing: kafkajs then rejoins, and this batch is abandoned.
      if (heartbeat !== undefined) await heartbeat();
      if (this.#mayEmit()) return true;
    }
    return false;
  }

  /**
   * Waits until the partition tracks fewer than {@link #maxTracked} records (its oldest record was
   * acked or timed out), heart-beating meanwhile. False when the executor stops or loses the
   * partition. This bounds memory while one slow tuple holds a partition's commit point.
   */
  async #awaitTrackerRoom(tracker: Tracker, heartbeat: () => Promise<void>): Promise<boolean> {
    while (!this.#stopping && !tracker.revoked && tracker.size >= this.#maxTracked) {
      await this.#nextWake(HEARTBEAT_WAIT_MS);
      await heartbeat();
    }
    return !this.#stopping && !tracker.revoked;
  }

  /** Resolves at the next ack, fail or stop, or after `ms`. */
  #nextWake(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wakers.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #wake(): void {
    if (this.#wakers.length === 0) return;
    const wakers = this.#wakers;
    this.#wakers = [];
    for (const wake of wakers) wake();
  }

  /** Decodes and emits one record. False when the executor must stop (a header CRASH). */
  #emitRecord(tracker: Tracker, counters: PartitionCounters, topic: string, message: KafkaMessage, offset: number): boolean {
    const decoded = this.#decoder.decode({
      topic,
      partition: tracker.partition,
      offset,
      timestamp: message.timestamp,
      key: message.key ?? null,
      value: message.value ?? null,
      headers: message.headers,
    });
    counters.read++;
    let payload: Payload;
    if (decoded.ok) {
      if (decoded.headerProblems.length > 0 && !this.#applyHeaderPolicy(decoded.headerProblems, topic)) return false;
      payload = decoded.fields;
    } else {
      this.#countDecodeError(topic, decoded.part, decoded.error);
      this.#logThrottled(`decode:${decoded.part}:${decoded.error.kind}`, decoded.error.message, { part: decoded.part, kind: decoded.error.kind });
      payload = new ErrorTuple(decoded.fields);
    }
    const seq = tracker.append(offset, this.#smartReplay ? payload : undefined, this.#clock());
    if (offset < tracker.rereadUntil) counters.replayed++;
    this.#emit(tracker, seq, tracker.epoch, payload, counters);
    return true;
  }

  #emit(tracker: Tracker, seq: number, epoch: number, payload: Payload, counters: PartitionCounters): void {
    counters.emitted++;
    const handle = new RecordHandle(this, tracker, seq, epoch);
    if (payload instanceof ErrorTuple) (this.#sink as InputSink).emit(payload.fields, handle, ERRORS_STREAM);
    else (this.#sink as InputSink).emit(payload, handle);
  }

  /** CRASH stops the punchline; WARN logs (throttled); PASS logs at debug level. All are counted. */
  #applyHeaderPolicy(problems: readonly HeaderDecodingProblem[], topic: string): boolean {
    for (const problem of problems) {
      this.#countDecodeError(topic, 'header', problem.error);
      switch (problem.policy) {
        case 'CRASH':
          this.#halt(problem.error);
          return false;
        case 'WARN':
          this.#logThrottled(`header:${problem.header}:${problem.error.kind}`, `${problem.error.message}; the field is null`, { header: problem.header, field: problem.field, kind: problem.error.kind });
          break;
        case 'PASS':
          this.#logger.debug({ header: problem.header, field: problem.field, kind: problem.error.kind }, `${problem.error.message}; the field is null`);
          break;
      }
    }
    return true;
  }

  // ---- acks, failures, replays ----------------------------------------------------------------

  /** @internal Called by a record's handle when its tuple tree is acked. */
  acked(tracker: Tracker, seq: number, epoch: number): void {
    const now = this.#clock();
    const latency = tracker.ack(seq, epoch, now);
    if (latency < 0) return;
    this.#countersOf(tracker.partition).acked++;
    this.#load.acked(latency, now);
    this.#wake();
  }

  /** @internal Called by a record's handle when its tuple tree failed or timed out. */
  failed(tracker: Tracker, seq: number, epoch: number, error: PunchlineError): void {
    if (tracker.fail(seq, epoch) === 'stale') return;
    this.#countersOf(tracker.partition).failed++;
    this.#wake();
    // During a stop nothing is replayed; the record stays below the commit point for the next run.
    if (this.#stopping) return;
    const offset = String(tracker.offsetOf(seq));
    const coordinates = recordCoordinates(tracker.topic, tracker.partition, offset);
    if (this.#settings.fail_action === 'exit') {
      this.#halt(
        new PunchlineError('E_FAIL_STOP', `${this.#label}: record ${coordinates} failed with fail_action "exit": stopping without committing past it: ${error.message}`, {
          cause: error,
          context: { node: this.#label, topic: tracker.topic, partition: tracker.partition, offset },
        }),
      );
      return;
    }
    this.#logThrottled('replay', `${this.#label}: record ${coordinates} failed (${error.message}); replaying`, { code: error.code });
    if (this.#smartReplay) {
      this.#replays.push({ tracker, seq, epoch });
      this.#scheduleReplays();
      return;
    }
    const rewindTo = tracker.rewind(seq, epoch);
    if (rewindTo !== undefined) this.#seek(tracker.partition, rewindTo);
  }

  /**
   * Re-emits failed records from memory (smart replay) on a later turn of the event loop: a
   * failure reported synchronously inside `emit` must not re-emit from within that call, and a
   * record that keeps failing must not monopolise the loop.
   */
  #scheduleReplays(): void {
    if (this.#replayScheduled) return;
    this.#replayScheduled = true;
    setImmediate(() => void this.#pumpReplays());
  }

  async #pumpReplays(): Promise<void> {
    try {
      // Only the replays queued so far: those that fail again are taken at the next turn.
      const end = this.#replays.length;
      while (this.#replayHead < end) {
        if (!this.#mayEmit() && !(await this.#awaitTurn())) return;
        const replay = this.#replays[this.#replayHead++] as Replay;
        const payload = replay.tracker.reemit(replay.seq, replay.epoch, this.#clock());
        if (payload === undefined) continue;
        const counters = this.#countersOf(replay.tracker.partition);
        counters.replayed++;
        this.#emit(replay.tracker, replay.seq, replay.epoch, payload, counters);
      }
    } finally {
      this.#replays = this.#replays.slice(this.#replayHead);
      this.#replayHead = 0;
      this.#replayScheduled = false;
      if (this.#replays.length > 0 && !this.#stopping) this.#scheduleReplays();
    }
  }

  /**
   * Stops at once (fail-stop: exit code 3; a fatal error: 1) committing nothing more. Emission
   * stops now; the group is left first (bounded to {@link LEAVE_GROUP_MS}), because the process
   * exits as soon as `sink.fatal` is called and a member that vanishes without leaving keeps its
   * partitions for a whole session timeout, delaying the restart that resumes from the last commit.
   */
  #halt(error: PunchlineError): void {
    if (this.#halted) return;
    this.#halted = true;
    this.#stopping = true;
    clearInterval(this.#commitTimer);
    this.#wake();
    const left = this.#release(error.code === 'E_FAIL_STOP' ? 'fail-stop' : 'fatal error');
    let timer: NodeJS.Timeout | undefined;
    const bounded = new Promise<void>((resolve) => (timer = setTimeout(resolve, LEAVE_GROUP_MS)));
    void Promise.race([left, bounded]).then(() => {
      clearTimeout(timer);
      (this.#sink as InputSink).fatal(error);
    });
  }

  // ---- group membership -----------------------------------------------------------------------

  /** What this member tells the group leader: its pinned partition, and what it owns now. */
  #claims(): MemberClaims {
    const pinned = this.#settings.partition;
    return { pinned: pinned === undefined ? null : [pinned], owned: { [this.#topic]: [...this.#trackers.keys()] } };
  }

  #onGroupJoin(assignment: Readonly<Record<string, number[]>>): void {
    const assigned = new Set(assignment[this.#topic] ?? []);
    if (this.#joins++ > 0) this.rebalances++;
    const revoked: number[] = [];
    for (const [partition, tracker] of this.#trackers) {
      if (assigned.has(partition)) continue;
      tracker.revoke();
      this.#trackers.delete(partition);
      revoked.push(partition);
    }
    const added: number[] = [];
    for (const partition of assigned) {
      const kept = this.#trackers.get(partition);
      if (kept !== undefined) {
        // kafkajs rewinds every partition to its last commit at a rebalance: resume where we stood.
        if (kept.position !== undefined) this.#seek(partition, kept.position);
        continue;
      }
      added.push(partition);
      const tracker: Tracker = new PartitionTracker(this.#topic, partition, this.#smartReplay);
      if (!this.#committing) {
        // An ephemeral group has no commits: resume from the previous owner in this run, else the strategy's start.
        const start = this.#run.lastTrackers.get(partition)?.committable() ?? this.#preparation?.starts?.get(partition);
        if (start !== undefined) {
          tracker.position = start;
          this.#seek(partition, start);
        }
      }
      this.#run.lastTrackers.set(partition, tracker);
      this.#trackers.set(partition, tracker);
    }
    this.#logger.info({ topic: this.#topic, partitions: [...assigned].sort((a, b) => a - b), added, revoked }, `${this.#label}: partitions assigned`);
    const onFirstJoin = this.#onFirstJoin;
    this.#onFirstJoin = undefined;
    onFirstJoin?.();
  }

  #seek(partition: number, offset: number): void {
    try {
      this.#consumer?.seek({ topic: this.#topic, partition, offset: String(offset) });
    } catch (error) {
      this.#logger.warn({ partition, offset, err: error }, `${this.#label}: could not move partition ${partition} to offset ${offset}`);
    }
  }

  /** kafkajs crashed the consumer: it left the group, so every in-flight record is someone else's now. */
  #onCrash(error: Error, restart: boolean): void {
    for (const tracker of this.#trackers.values()) tracker.revoke();
    this.#trackers.clear();
    const translated = this.#translate(error, `consuming topic "${this.#topic}"`);
    const onFirstJoin = this.#onFirstJoin;
    if (onFirstJoin !== undefined) {
      this.#onFirstJoin = undefined;
      onFirstJoin(translated);
      return;
    }
    if (this.#stopping) return;
    if (restart) {
      this.#logger.warn({ code: translated.code }, `${translated.message}; the consumer restarts and rejoins the group`);
      return;
    }
    this.#halt(translated);
  }

  // ---- commits --------------------------------------------------------------------------------

  /** Commits, one at a time, the offset below which all is acked, for each assigned partition that moved. */
  #commit(reason: 'interval' | 'rebalance' | 'stop'): Promise<void> {
    this.#commits = this.#commits.then(() => this.#commitNow(reason));
    return this.#commits;
  }

  async #commitNow(reason: string): Promise<void> {
    const consumer = this.#consumer;
    if (!this.#committing || this.#halted || consumer === undefined || this.#released !== undefined) return;
    const offsets: { topic: string; partition: number; offset: string }[] = [];
    for (const tracker of this.#trackers.values()) {
      const offset = tracker.committable();
      if (offset === undefined || offset === tracker.lastCommitted) continue;
      offsets.push({ topic: this.#topic, partition: tracker.partition, offset: String(offset) });
    }
    if (offsets.length === 0) return;
    const started = performance.now();
    try {
      await consumer.commitOffsets(offsets);
      this.#metrics.commitLatency.observe(this.labels, (performance.now() - started) / 1000);
      this.#logger.debug({ reason, offsets }, `${this.#label}: committed`);
    } catch (error) {
      this.commitFailures++;
      const translated = this.#translate(error, 'committing offsets');
      this.#logger.warn({ reason, code: translated.code, offsets }, `${translated.message} (the next commit retries)`);
    }
  }

  /** kafkajs confirmed a commit: the committed offsets to report. */
  #onCommitted(topics: readonly { topic: string; partitions: readonly { partition: number | string; offset: string }[] }[]): void {
    for (const { topic, partitions } of topics) {
      if (topic !== this.#topic) continue;
      for (const { partition, offset } of partitions) {
        const tracker = this.#trackers.get(Number(partition));
        if (tracker !== undefined) tracker.lastCommitted = Number(offset);
      }
    }
  }

  /** Leaves the group and closes the connections (once). Commits nothing. */
  #release(reason: string): Promise<void> {
    this.#released ??= (async () => {
      clearTimeout(this.#orphanTimer);
      clearInterval(this.#commitTimer);
      for (const tracker of this.#trackers.values()) tracker.revoke();
      this.#trackers.clear();
      try {
        await this.#consumer?.disconnect();
      } catch (error) {
        this.#logger.warn({ err: error, reason }, `${this.#label}: leaving the group failed; the broker will expire this member`);
      }
      this.#logger.debug({ reason }, `${this.#label}: left the group`);
    })();
    return this.#released;
  }

  // ---- preparation and helpers ----------------------------------------------------------------

  /** Checks the topic exists, counts its partitions and computes ephemeral start offsets. */
  async #prepare(kafka: ReturnType<typeof createKafkaClient>): Promise<TopicPreparation> {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const topics = await admin.listTopics();
      if (!topics.includes(this.#topic)) {
        throw new PunchlineError('E_KAFKA_PROTOCOL', `${this.#label}: topic "${this.#topic}" does not exist on kafka cluster "${(this.#cluster as ResolvedCluster).id}"`, {
          hint: 'create it (see the channel_structure of the channel), or fix the topic name',
          retriable: true,
        });
      }
      const metadata = await admin.fetchTopicMetadata({ topics: [this.#topic] });
      const partitions = metadata.topics[0]?.partitions.length ?? 0;
      const starts = this.#committing ? undefined : await resolveEphemeralStarts(admin, this.#settings, this.#logger, this.#label);
      return { partitions, starts };
    } catch (error) {
      throw this.#translate(error, `reading topic "${this.#topic}"`);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** The time of emissions and acks, for the load controller only: 0 without one (reading the clock twice per record costs). */
  #clock(): number {
    return this.#load === UNLIMITED ? 0 : performance.now();
  }

  #translate(error: unknown, action: string): PunchlineError {
    if (error instanceof PunchlineError) return error;
    return translateKafkaError(error, this.#cluster as ResolvedCluster, action).within(this.#label, { node: this.#label });
  }

  #countersOf(partition: number): PartitionCounters {
    let counters = this.partitionCounters.get(partition);
    if (counters === undefined) {
      counters = new PartitionCounters({ ...this.labels, topic: this.#topic, partition: String(partition) });
      this.partitionCounters.set(partition, counters);
    }
    return counters;
  }

  #countDecodeError(topic: string, part: RecordPart, error: DecodeError): void {
    const key = `${part}\u0000${error.kind}`;
    let count = this.decodeErrors.get(key);
    if (count === undefined) {
      count = { labels: { ...this.labels, topic, part, kind: error.kind }, count: 0 };
      this.decodeErrors.set(key, count);
    }
    count.count++;
  }

  /** Logs a warning at most once per interval per key, saying how many were not logged. */
  #logThrottled(key: string, message: string, fields: Record<string, unknown>): void {
    const now = performance.now();
    const last = this.#lastLogged.get(key);
    if (last !== undefined && now - last.at < LOG_INTERVAL_MS) {
      last.suppressed++;
      return;
    }
    const suppressed = last?.suppressed ?? 0;
    this.#lastLogged.set(key, { at: now, suppressed: 0 });
    this.#logger.warn({ ...fields, ...(suppressed > 0 && { similarNotLogged: suppressed }) }, message);
  }

  // ---- metrics source -------------------------------------------------------------------------

  *assigned(): Iterable<AssignedPartition> {
    for (const tracker of this.#trackers.values()) {
      yield {
        labels: this.#countersOf(tracker.partition).labels,
        committed: () => tracker.lastCommitted,
        lag: () => {
          const point = this.#committing ? tracker.lastCommitted : tracker.committable();
          return tracker.highWatermark === undefined || point === undefined ? undefined : Math.max(0, tracker.highWatermark - point);
        },
      };
    }
  }

  window(): number {
    return this.#load.window;
  }
}
