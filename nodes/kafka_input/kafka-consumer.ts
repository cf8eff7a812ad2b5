/**
 * One running `kafka_input` executor: a consumer group member that emits every record it reads as
 * a tuple, tracks each record's ack per partition, replays or stops on failures, and commits only
 * what is acked.
 *
 * Lifecycle (see `InputInstance` in `src/runtime/node-api.ts`):
 * - `start()` reads the topic's partitions (and, for the strategies that commit nothing, the start
 *   offsets), joins the group and resolves once the first assignment arrived; it rejects with a
 *   translated error (unreachable broker, refused credentials, unknown topic).
 * - Records flow from the consumer's batches (`GroupConsumer` of the Kafka library, on the client
 *   library the cluster names): before each emission the executor waits for capacity
 *   (`topology.max.spout.pending`) and for the load controller, heart-beating meanwhile so the
 *   group keeps it.
 * - `stop()` stops emitting and pauses fetching; the group membership stays, so that `close()`,
 *   called once in-flight tuples are resolved, can commit, then leave the group. Nothing is ever
 *   committed in `stop()`.
 * - A fail-stop (`fail_action: exit`) or a key, value or header under `on_decoding_error: CRASH`
 *   that does not decode (only when asked for: the default is `DEAD_LETTER`) stops at once through `sink.fatal` and leaves the group without committing
 *   anything more.
 *
 * The executor runs parts that each have one job: {@link GroupMembership} (the partitions owned,
 * and what an assignment changes), {@link EmissionGate} (back-pressure and load control),
 * {@link ReplayQueue} (what a failure leads to), {@link OffsetCommitter} (what is committed, when).
 * It wires them to the group consumer and the runtime's sink, and decodes and emits the records. Each
 * assignment and each ack that moves a commit point is reported to the committer (it commits the
 * first acked progress after a join, and after every half `max_uncommitted_records` acked records).
 * When a heartbeat learns that the group rebalances, the acked offsets are committed before the
 * batch gives up and the consumer rejoins (a rebalance the client finds itself is committed best effort).
 */
import type { Logger } from 'pino';
import type { DeliveryHandle, Fields, InputInstance, InputSink, NodeContext, StreamDeclaration, ThrottledLog } from '../../src/runtime/node-api.js';
import { dataStreams, ERRORS_STREAM, publishesErrors } from '../../src/runtime/node-api.js';
import { PunchlineError } from '../../src/core/errors.js';
import { resolveCluster } from '../../src/libraries/kafka/cluster-resolution.js';
import type { ResolvedCluster } from '../../src/libraries/kafka/cluster-resolution.js';
import { createClusterAdmin } from '../../src/libraries/kafka/cluster-admin.js';
import { createGroupConsumer } from '../../src/libraries/kafka/group-consumer.js';
import type { ConsumedBatch, ConsumedRecord, GroupConsumer } from '../../src/libraries/kafka/group-consumer.js';
import { translateKafkaError } from '../../src/libraries/kafka/kafka-errors.js';
import type { PartitionTracker } from './partition-tracker.js';
import { RecordDecoder, reportDecodingProblem } from './record-decoding.js';
import type { DecodingProblem } from './record-decoding.js';
import { JoinedRecord } from './joined-handle.js';
import { commitsOffsets, resolveEphemeralStarts } from './offset-strategies.js';
import { consumerGroupId } from './settings-checks.js';
import { pinningAssignor } from './partition-assigner.js';
import { AdaptiveWindow, TokenBucket, UNLIMITED } from './load-control.js';
import type { LoadController } from './load-control.js';
import { EmissionGate } from './emission-gate.js';
import { GroupMembership } from './group-membership.js';
import { OffsetCommitter } from './offset-committer.js';
import { ReplayQueue } from './replay-queue.js';
import { ExecutorCounts, KafkaInputMetrics } from './metrics.js';
import type { AssignedPartition, DecodeErrorCount, MetricsSource, PartitionCounters } from './metrics.js';
import { NodeRunState } from './run-state.js';
import type { TopicPreparation } from './run-state.js';
import type { KafkaInputSettings } from './settings.generated.js';
import { recordedRecordOf } from './record-tap.js';
import type { RecordTap } from './record-tap.js';

/** Kafka's default fetch wait: an idle member answers group events within this delay. */
const FETCH_MAX_WAIT_MS = 500;
/** How long a new owner waits at most for the previous owner in this process to settle its records. */
const HAND_OVER_MAX_MS = 30_000;
const HAND_OVER_POLL_MS = 20;
/** How long a fail-stop waits to leave the group before stopping the punchline anyway. */
const LEAVE_GROUP_MS = 3000;
/**
 * `max_uncommitted_records` by default, in `topology.max.spout.pending`s: a progress commit every
 * max pending acked records (half the bound) leaves room for a full max pending in flight, so
 * reading does not wait for commits, and a crash replays at most twice max pending.
 */
const UNCOMMITTED_PER_PENDING = 2;

/** A decoding error tuple, kept apart from record fields so a replay goes to `_ppf_errors` again. */
class ErrorTuple {
  constructor(readonly fields: Fields) {}
}

/**
 * The tuples of a record that gives several (the lines of line protocol, a Telegraf batch):
 * emitted together, each with a handle joined to the record's (see {@link JoinedRecord}).
 */
class RecordTuples {
  constructor(readonly tuples: readonly (Fields | ErrorTuple)[]) {}
}

/** What a tracker keeps of an emitted record to re-emit it. */
type Payload = Fields | ErrorTuple | RecordTuples;
type Tracker = PartitionTracker<Payload>;

/**
 * The ack handle of a partition's records emitted at one epoch of its tracker (a fetched batch,
 * a replay): the runtime hands each record's sequence number back as its token, so a batch of
 * records needs one handle, not one object per record.
 */
class PartitionHandle implements DeliveryHandle {
  constructor(
    private readonly owner: KafkaConsumerInstance,
    private readonly tracker: Tracker,
    private readonly epoch: number,
  ) {}

  ack(seq: number): void {
    this.owner.acked(this.tracker, seq, this.epoch);
  }

  fail(error: PunchlineError, seq: number): void {
    this.owner.failed(this.tracker, seq, this.epoch, error);
  }
}

/** Emits one tuple: a decoding error tuple on `_ppf_errors`, fields on the node's streams. */
function emitTuple(sink: InputSink, tuple: Fields | ErrorTuple, handle: DeliveryHandle, token: number): void {
  if (tuple instanceof ErrorTuple) sink.emit(tuple.fields, handle, ERRORS_STREAM, false, token);
  else sink.emit(tuple, handle, undefined, false, token);
}

/**
 * Whether the fields {@link RecordDecoder.publishedFields} builds are what every data stream of
 * the node gets (they all declare the same fields, in the same order; the schema makes each name
 * unique): the runtime can then deliver them without its copy per stream.
 */
function publishedFieldsAreLaidOut(streams: readonly StreamDeclaration[]): boolean {
  const first = streams[0];
  if (first === undefined) return false;
  return streams.every((stream) => stream.fields.length === first.fields.length && stream.fields.every((name, index) => name === first.fields[index]));
}

/** The load controller `settings.load_control` asks for; `rate` is the node's, shared by its executors. */
function loadController(settings: KafkaInputSettings, maxPending: number, run: NodeRunState): LoadController {
  const now = performance.now();
  switch (settings.load_control) {
    case 'rate':
      return run.rateController(() => new TokenBucket(settings.load_control_records_per_second ?? Infinity, now));
    case 'adaptative':
      return new AdaptiveWindow(maxPending, now);
    case 'none':
      return UNLIMITED;
  }
}

/** One executor of a `kafka_input` node. */
export class KafkaConsumerInstance implements InputInstance, MetricsSource {
  readonly labels: Readonly<Record<string, string>>;

  readonly #settings: KafkaInputSettings;
  readonly #ctx: NodeContext;
  readonly #label: string;
  readonly #logger: Logger;
  readonly #throttledLog: ThrottledLog;
  readonly #topic: string;
  readonly #committing: boolean;
  readonly #smartReplay: boolean;
  readonly #decoder: RecordDecoder;
  /** The decoder's published fields are each data stream's projection already (emitted as they are). */
  readonly #laidOut: boolean;
  /** Whether error tuples reach a stream, or are dropped (counted, and said in the warning). */
  readonly #publishesErrors: boolean;
  readonly #run: NodeRunState;
  readonly #metrics: KafkaInputMetrics;
  readonly #counts: ExecutorCounts;
  readonly #gate: EmissionGate;
  readonly #membership: GroupMembership<Payload>;
  readonly #replays: ReplayQueue<Payload>;
  readonly #committer: OffsetCommitter;
  /** Told every record read (`punchline run --record`). */
  readonly #tap: RecordTap | undefined;

  #sink: InputSink | undefined;
  #cluster: ResolvedCluster | undefined;
  #consumer: GroupConsumer | undefined;

  /** Stopped by a fail-stop or a fatal error (once: the committer is frozen, the group left). */
  #halted = false;
  #activeBatches = 0;
  #batchesIdle: (() => void)[] = [];
  #orphanTimer: NodeJS.Timeout | undefined;
  #released: Promise<void> | undefined;

  constructor(settings: KafkaInputSettings, ctx: NodeContext, tap?: RecordTap) {
    this.#settings = settings;
    this.#tap = tap;
    this.#ctx = ctx;
    this.#label = ctx.label;
    this.#logger = ctx.logger;
    this.#throttledLog = ctx.throttledLog;
    this.#topic = settings.topic;
    this.#committing = commitsOffsets(settings.start_offset_strategy);
    this.#smartReplay = settings.smart_replay;
    const streams = dataStreams(ctx.publish);
    this.#decoder = new RecordDecoder(settings, ctx.label, streams.flatMap((stream) => stream.fields));
    this.#laidOut = publishedFieldsAreLaidOut(streams);
    this.#publishesErrors = publishesErrors(ctx.publish);
    this.#run = NodeRunState.of(ctx);
    this.#metrics = KafkaInputMetrics.of(ctx);
    this.labels = ctx.metricLabels;
    this.#counts = new ExecutorCounts(this.labels, this.#topic);
    const maxPending = ctx.topology['topology.max.spout.pending'];
    // What a crash makes the next run read again is bounded only where something is committed.
    const maxUncommitted = commitsOffsets(settings.start_offset_strategy) ? (settings.max_uncommitted_records ?? UNCOMMITTED_PER_PENDING * maxPending) : Infinity;
    this.#gate = new EmissionGate(maxPending, loadController(settings, maxPending, this.#run), maxUncommitted);
    this.#membership = new GroupMembership<Payload>({
      topic: this.#topic,
      label: this.#label,
      pinned: settings.partition,
      keepPayloads: this.#smartReplay,
      committing: this.#committing,
      lastTrackers: this.#run.lastTrackers,
      seek: (partition, offset) => this.#seek(partition, offset),
      logger: this.#logger,
    });
    this.#replays = new ReplayQueue<Payload>(settings, this.#label, this.#gate, this.#throttledLog, {
      emit: (tracker, seq, epoch, payload) => {
        const counters = this.#counts.of(tracker.partition);
        counters.replayed++;
        this.#emit(new PartitionHandle(this, tracker, epoch), seq, payload, counters);
      },
      seek: (partition, offset) => this.#seek(partition, offset),
      halt: (error) => this.#halt(error),
    });
    this.#committer = new OffsetCommitter({
      topic: this.#topic,
      label: this.#label,
      committing: this.#committing,
      intervalMs: settings.auto_commit_interval,
      progressRecords: Math.max(1, Math.floor(maxUncommitted / 2)),
      partitions: this.#membership.trackers,
      logger: this.#logger,
      translate: (error, action) => this.#translate(error, action),
      observeLatency: (seconds) => this.#metrics.commitLatency.observe(this.labels, seconds),
    });
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  async start(sink: InputSink): Promise<void> {
    this.#sink = sink;
    this.#gate.open(sink);
    const settings = this.#settings;
    const cluster = resolveCluster({ clusterId: settings.brokers, bootstrapServers: settings['bootstrap.servers'], path: '/settings/brokers' }, this.#ctx.platform);
    this.#cluster = cluster;
    const preparation = await this.#run.prepare(() => this.#prepare(cluster));
    this.#membership.starts = preparation.starts;
    if (settings.partition !== undefined && settings.partition >= preparation.partitions) {
      throw new PunchlineError('E_CONFIG_INVALID', `${this.#label}: partition ${settings.partition} does not exist: topic "${this.#topic}" has ${preparation.partitions} partitions`, {
        context: { node: this.#label, path: '/settings/partition' },
      });
    }
    const groupId = consumerGroupId(settings, this.#ctx.punchline, this.#ctx.component, this.#run.nonce);
    const sessionTimeout = settings.session_timeout_ms;
    const consumer = createGroupConsumer(cluster, this.#logger, {
      groupId,
      topic: this.#topic,
      assignor: pinningAssignor(() => this.#membership.claims(), this.#logger),
      sessionTimeoutMs: sessionTimeout,
      heartbeatIntervalMs: Math.min(3000, Math.floor(sessionTimeout / 3)),
      maxWaitMs: FETCH_MAX_WAIT_MS,
    });
    this.#consumer = consumer;
    this.#committer.attach(consumer);
    const joined = this.#membership.firstJoin();
    try {
      await consumer.run({
        eachBatch: (batch) => this.#onBatch(batch),
        assigned: (partitions) => {
          this.#membership.assigned({ [this.#topic]: [...partitions] });
          this.#committer.joined();
        },
        rebalancing: () => this.#committer.commit('rebalance'),
        crashed: (error, restart) => this.#onCrash(error, restart),
        committed: (topics) => {
          this.#committer.committed(topics);
          this.#gate.wake(); // reading may wait for this commit (max_uncommitted_records)
        },
      });
      await joined;
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw this.#translate(error, `joining group "${groupId}" on topic "${this.#topic}"`);
    }
    this.#metrics.add(this);
    this.#committer.startInterval();
    this.#logger.info({ topic: this.#topic, groupId, strategy: settings.start_offset_strategy, partitions: [...this.#membership.trackers.keys()] }, `${this.#label}: consuming ${this.#topic}`);
  }

  async stop(): Promise<void> {
    this.#gate.stop();
    try {
      this.#consumer?.pause();
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
    this.#committer.stopInterval();
    await this.#committer.commit('stop');
    await this.#release('closed');
  }

  // ---- emission -------------------------------------------------------------------------------

  /**
   * Emits the records of one fetched batch. The per-record work is kept to what must be checked
   * per record: the offsets read are resolved once, when the batch ends (the consumer fetches from the
   * last resolved offset; a seek made meanwhile still wins, it is applied before the next fetch),
   * and the group's state (a seek or a rebalance: `isStale`, `isRunning`) can only change while
   * the loop waits, so it is checked after a wait. A rewind or a revocation during an emission
   * shows in the tracker's epoch and revoked flag, read for every record.
   */
  async #onBatch(batch: ConsumedBatch): Promise<void> {
    const gate = this.#gate;
    const tracker = this.#membership.trackers.get(batch.partition);
    if (tracker === undefined || gate.stopping) return;
    this.#activeBatches++;
    let lastEmitted: string | undefined;
    try {
      tracker.highWatermark = Number(batch.highWatermark);
      const epoch = tracker.epoch;
      const handle = new PartitionHandle(this, tracker, epoch);
      const counters = this.#counts.of(batch.partition);
      const heartbeat = (): Promise<void> => batch.heartbeat();
      const trackers = this.#membership.trackers;
      const askCommit = (): void => this.#committer.request();
      if (tracker.handOverFrom !== undefined && !(await this.#takeOver(tracker, batch, heartbeat))) return;
      for (const message of batch.messages) {
        const offset = Number(message.offset);
        // Read already (a re-fetch after a rebalance or a retry): emitted once is enough.
        if (tracker.position !== undefined && offset < tracker.position) continue;
        if (!gate.hasCommitRoom(trackers)) {
          if (!(await gate.awaitCommitRoom(trackers, askCommit, heartbeat))) return;
          if (batch.isStale() || !batch.isRunning()) return;
        }
        if (!gate.hasRoom(tracker) || !gate.mayEmit()) {
          if (!gate.hasRoom(tracker) && !(await gate.awaitRoom(tracker, heartbeat))) return;
          if (!gate.mayEmit() && !(await gate.awaitTurn(heartbeat))) return;
          // A seek or a rebalance while waiting: this batch is no longer what to read.
          if (batch.isStale() || !batch.isRunning()) return;
        }
        if (tracker.revoked || tracker.epoch !== epoch) return;
        if (!this.#emitRecord(tracker, handle, counters, batch.topic, message, offset)) return;
        lastEmitted = message.offset;
      }
    } finally {
      if (lastEmitted !== undefined) batch.resolveOffset(lastEmitted);
      if (--this.#activeBatches === 0 && this.#batchesIdle.length > 0) {
        const waiters = this.#batchesIdle;
        this.#batchesIdle = [];
        for (const resolve of waiters) resolve();
      }
    }
  }

  /**
   * Waits until the previous owner of the partition in this process settled (every record it
   * emitted acked or failed, or {@link HAND_OVER_MAX_MS} passed), then moves the read position
   * after what it acked. False when this batch is not to be emitted: the position moved (the
   * next fetch reads from there), or the executor stops or rejoins meanwhile.
   */
  async #takeOver(tracker: Tracker, batch: ConsumedBatch, heartbeat: () => Promise<void>): Promise<boolean> {
    const previous = tracker.handOverFrom;
    if (previous === undefined) return true;
    const deadline = performance.now() + HAND_OVER_MAX_MS;
    while (!previous.settled && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, HAND_OVER_POLL_MS));
      await heartbeat();
      if (this.#gate.stopping || tracker.revoked || batch.isStale() || !batch.isRunning()) return false;
    }
    tracker.handOverFrom = undefined;
    const start = previous.committable();
    if (start === undefined || start <= (tracker.position ?? 0)) return true;
    this.#logger.debug({ topic: this.#topic, partition: tracker.partition, from: tracker.position, to: start }, `${this.#label}: partition handed over by another executor`);
    tracker.position = start;
    this.#seek(tracker.partition, start);
    return false;
  }

  /**
   * Decodes and emits one record under `handle` (the tracker's at its current epoch). False when
   * the executor must stop (a part that does not decode under CRASH).
   */
  #emitRecord(tracker: Tracker, handle: PartitionHandle, counters: PartitionCounters, topic: string, message: ConsumedRecord, offset: number): boolean {
    this.#tap?.(recordedRecordOf(topic, tracker.partition, message));
    const fields = this.#decoder.publishedFields(topic, tracker.partition, offset, message.timestamp, message.value ?? null);
    if (fields !== undefined) {
      counters.read++;
      const seq = tracker.append(offset, this.#smartReplay ? fields : undefined, this.#gate.clock());
      if (offset < tracker.rereadUntil) counters.replayed++;
      counters.emitted++;
      (this.#sink as InputSink).emit(fields, handle, undefined, this.#laidOut, seq);
      return true;
    }
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
    if (decoded.problems.length > 0 && !this.#applyDecodingPolicy(decoded.problems, topic)) return false;
    if (decoded.nullValue) this.#counts.decodeError(topic, 'value', 'null_value');
    if (decoded.tuples.length === 0) {
      // on_null_value "skip": no tuple; the record is done at once, so its offset is committed.
      const seq = tracker.append(offset, undefined, this.#gate.clock());
      this.acked(tracker, seq, tracker.epoch);
      return true;
    }
    const several = decoded.tuples.length > 1;
    const payloads = decoded.tuples.map((tuple): Fields | ErrorTuple => {
      if (tuple.error === undefined) return tuple.fields;
      // Counted with its policy above (a null value just above).
      const where = this.#publishesErrors ? 'routed to _ppf_errors' : 'dropped: the node does not publish _ppf_errors';
      this.#throttledLog.warn(
        `decode:${tuple.part}:${tuple.error.kind}`,
        { part: tuple.part, kind: tuple.error.kind, ...(tuple.error.hint !== undefined && { hint: tuple.error.hint }) },
        `${tuple.error.message}; ${several ? 'that line or metric' : 'the record'} is ${where}`,
      );
      return new ErrorTuple(tuple.fields);
    });
    const payload: Payload = several ? new RecordTuples(payloads) : (payloads[0] as Fields | ErrorTuple);
    const seq = tracker.append(offset, this.#smartReplay ? payload : undefined, this.#gate.clock());
    if (offset < tracker.rereadUntil) counters.replayed++;
    this.#emit(handle, seq, payload, counters);
    return true;
  }

  /** Emits a record's tuple, or its tuples, each acked into the record's one tracker entry (`seq`, under `handle`). */
  #emit(handle: PartitionHandle, seq: number, payload: Payload, counters: PartitionCounters): void {
    counters.emitted++;
    const sink = this.#sink as InputSink;
    if (!(payload instanceof RecordTuples)) {
      emitTuple(sink, payload, handle, seq);
      return;
    }
    const joined = new JoinedRecord(handle, seq, payload.tuples.length);
    for (const tuple of payload.tuples) emitTuple(sink, tuple, joined.handle(), 0);
  }

  /**
   * Counts every part that did not decode and applies its `on_decoding_error`: CRASH stops the
   * punchline (false); WARN and PASS are logged (their tuple is emitted with the part's fields
   * null); DEAD_LETTER made an error tuple already (logged as it is emitted).
   */
  #applyDecodingPolicy(problems: readonly DecodingProblem[], topic: string): boolean {
    for (const problem of problems) {
      this.#counts.decodeError(topic, problem.part, problem.error.kind);
      const crash = reportDecodingProblem(problem, this.#throttledLog, this.#logger);
      if (crash !== undefined) {
        this.#halt(crash);
        return false;
      }
    }
    return true;
  }

  // ---- acks and failures ----------------------------------------------------------------------

  /** @internal Called by a record's handle when its tuple tree is acked. */
  acked(tracker: Tracker, seq: number, epoch: number): void {
    const now = this.#gate.clock();
    const passed = tracker.passed;
    const latency = tracker.ack(seq, epoch, now);
    if (latency < 0) return;
    if (tracker.passed !== passed) this.#committer.advanced(tracker.passed - passed);
    this.#counts.of(tracker.partition).acked++;
    this.#gate.acked(latency, now);
  }

  /** @internal Called by a record's handle when its tuple tree failed or timed out. */
  failed(tracker: Tracker, seq: number, epoch: number, error: PunchlineError): void {
    if (tracker.fail(seq, epoch) === 'stale') return;
    this.#counts.of(tracker.partition).failed++;
    this.#gate.wake();
    this.#replays.failed(tracker, seq, epoch, error);
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
    this.#committer.freeze();
    this.#gate.stop();
    const left = this.#release(error.code === 'E_FAIL_STOP' ? 'fail-stop' : 'fatal error');
    let timer: NodeJS.Timeout | undefined;
    const bounded = new Promise<void>((resolve) => (timer = setTimeout(resolve, LEAVE_GROUP_MS)));
    void Promise.race([left, bounded]).then(() => {
      clearTimeout(timer);
      (this.#sink as InputSink).fatal(error);
    });
  }

  // ---- group ----------------------------------------------------------------------------------

  #seek(partition: number, offset: number): void {
    try {
      this.#consumer?.seek(partition, offset);
    } catch (error) {
      this.#logger.warn({ partition, offset, err: error }, `${this.#label}: could not move partition ${partition} to offset ${offset}`);
    }
  }

  /** The consumer crashed: it left the group, so every in-flight record is someone else's now. */
  #onCrash(error: unknown, restart: boolean): void {
    const translated = this.#translate(error, `consuming topic "${this.#topic}"`);
    if (this.#membership.revokeAll(translated)) return;
    if (this.#gate.stopping) return;
    if (restart) {
      this.#logger.warn({ code: translated.code }, `${translated.message}; the consumer restarts and rejoins the group`);
      return;
    }
    this.#halt(translated);
  }

  /** Leaves the group and closes the connections (once). Commits nothing. */
  #release(reason: string): Promise<void> {
    this.#released ??= (async () => {
      clearTimeout(this.#orphanTimer);
      this.#committer.freeze();
      this.#membership.revokeAll();
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
  async #prepare(cluster: ResolvedCluster): Promise<TopicPreparation> {
    const admin = createClusterAdmin(cluster, this.#logger);
    try {
      await admin.connect();
      const topics = await admin.listTopics();
      if (!topics.includes(this.#topic)) {
        throw new PunchlineError('E_KAFKA_PROTOCOL', `${this.#label}: topic "${this.#topic}" does not exist on kafka cluster "${cluster.id}"`, {
          hint: 'create it (see the channel_structure of the channel), or fix the topic name',
          retriable: true,
        });
      }
      const partitions = (await admin.partitionsOf(this.#topic)).length;
      const starts = this.#committing ? undefined : await resolveEphemeralStarts(admin, this.#settings, this.#logger, this.#label);
      return { partitions, starts };
    } catch (error) {
      throw this.#translate(error, `reading topic "${this.#topic}"`);
    } finally {
      await admin.disconnect();
    }
  }

  #translate(error: unknown, action: string): PunchlineError {
    if (error instanceof PunchlineError) return error;
    return translateKafkaError(error, this.#cluster as ResolvedCluster, action).within(this.#label, { node: this.#label });
  }

  // ---- metrics source -------------------------------------------------------------------------

  get partitionCounters(): ReadonlyMap<number, PartitionCounters> {
    return this.#counts.partitionCounters;
  }

  get decodeErrors(): ReadonlyMap<string, DecodeErrorCount> {
    return this.#counts.decodeErrors;
  }

  get rebalances(): number {
    return this.#membership.rebalances;
  }

  get commitFailures(): number {
    return this.#committer.failures;
  }

  *assigned(): Iterable<AssignedPartition> {
    for (const tracker of this.#membership.trackers.values()) {
      yield {
        labels: this.#counts.of(tracker.partition).labels,
        committed: () => tracker.lastCommitted,
        lag: () => {
          const point = this.#committing ? tracker.lastCommitted : tracker.committable();
          return tracker.highWatermark === undefined || point === undefined ? undefined : Math.max(0, tracker.highWatermark - point);
        },
      };
    }
  }

  window(): number {
    return this.#gate.window;
  }
}
