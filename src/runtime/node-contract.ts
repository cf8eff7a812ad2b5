/**
 * The node authoring contract: the only part of the runtime that nodes under `nodes/` see.
 *
 * A punchline is a DAG of three kinds of node:
 * - an **input** reads records from the outside world and emits tuples, each with a
 *   {@link DeliveryHandle} the runtime calls exactly once: `ack` when every tuple derived from it
 *   reached an end, `fail` when a branch failed or the tuple timed out;
 * - a **bolt** is a pure RxJS operator: for every tuple it receives it yields exactly one
 *   {@link Outcome} saying what became of that tuple (emissions, a deliberate drop, or a failure);
 * - an **output** is an operator too, with side effects and a lifecycle: it yields the outcome of a
 *   tuple only once the outside world has confirmed it (written, flushed, acknowledged).
 *
 * Tuples travel between nodes in arrays: what an input emits in one turn of its loop (without
 * awaiting) goes to each subscriber as one array, and what a node yields for one array of outcomes
 * goes on as one array per subscriber. A node takes them one by one (an `OperatorFunction<Tuple,
 * Outcome>`) or as arrays ({@link BatchOperator}); either way each tuple gets its own outcome, and
 * acks, failures, replays, timeouts and max pending stay per record.
 *
 * The runtime does all delivery bookkeeping from outcomes: anchoring emissions to the tuple they
 * came from, fan-out to every subscriber, acks, timeouts, back-pressure and metrics. A node never
 * acks by hand, and a tuple can never be forgotten: an operator that swallows a tuple without an
 * outcome leaves it pending until `topology.message.timeout.secs` fails it.
 */
import type { OperatorFunction } from 'rxjs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { PunchlineError } from '../core/errors.js';
import type { PlatformConfig } from './config/platform-config.js';
import { bytesAsBase64 } from '../core/bytes-as-base64.js';
import type { Fields } from '../core/fields.js';
import type { SettingsProblem } from '../core/settings-problem.js';
import type { ThrottledLog } from './throttled-log.js';

export type { FieldValue, Fields } from '../core/fields.js';
export type { SettingsProblem } from '../core/settings-problem.js';

/**
 * A tuple travelling through the DAG. Its fields are exactly the fields the publishing node
 * declared for the stream (a declared field the node did not set is `null`).
 */
export interface Tuple {
  /** The stream it was published on. */
  readonly stream: string;
  /** The component that published it. */
  readonly source: string;
  readonly fields: Fields;
  /** Opaque delivery bookkeeping of the runtime: nodes must pass the tuple back untouched in its outcome. */
  readonly anchor: unknown;
}

/** A tuple a node emits, derived from the tuple it is processing. */
export interface Emission {
  readonly stream: string;
  readonly fields: Fields;
}

/**
 * What became of one input tuple of a bolt or output. Exactly one outcome per tuple received
 * (besides any number of `emit`s, which are not its outcome).
 * - `ack`: processed; its emissions (possibly none: an output that wrote it) carry its anchor on.
 * - `drop`: deliberately not passed on (a filter's `where` was false): counts as delivered.
 * - `fail`: the tuple failed; the originating input replays or stops per its settings.
 * - `emit`: emissions anchored to `input` and the tuples of `alsoAnchoredTo` (Storm's
 *   multi-anchoring), none of which it resolves: each still gets its own outcome later (or right
 *   after, in the same batch of outcomes), so it must not be resolved yet. For a node holding
 *   tuples that go into several of its emissions (a window's batch belongs to every point it holds,
 *   and a sliding window's point is in several batches): a failure downstream fails every point
 *   of the batch, and a point's record is acked only once every batch holding it is.
 */
export type Outcome =
  | { readonly type: 'ack'; readonly input: Tuple; readonly emissions: readonly Emission[] }
  | { readonly type: 'drop'; readonly input: Tuple; readonly reason: string }
  | { readonly type: 'fail'; readonly input: Tuple; readonly error: PunchlineError }
  | { readonly type: 'emit'; readonly input: Tuple; readonly emissions: readonly Emission[]; readonly alsoAnchoredTo?: readonly Tuple[] };

/**
 * The batch form of a bolt's or an output's operator. Tuples travel the DAG in arrays (the records
 * an input emitted in one turn of its loop, a fetch's partition batch for kafka_input; what a node
 * yielded for one array): this form receives each array whole and yields outcomes in arrays, one
 * outcome per tuple received, in any order and spread over any number of arrays. It is the form
 * of the hot nodes: one RxJS emission per array rather than per tuple. A node written per tuple,
 * an `OperatorFunction<Tuple, Outcome>`, is fed the tuples one by one by the runtime.
 */
export interface BatchOperator {
  readonly batches: OperatorFunction<readonly Tuple[], readonly Outcome[]>;
}

/** What a bolt's `create` or an output's `write` is: per tuple (simple nodes) or per batch (see {@link BatchOperator}). */
export type NodeOperator = OperatorFunction<Tuple, Outcome> | BatchOperator;

/** The batch form of an operator: `batches` maps each array of tuples to the outcomes of (some of) them. */
export function batchOperator(batches: OperatorFunction<readonly Tuple[], readonly Outcome[]>): BatchOperator {
  return { batches };
}

/** The outcome of a tuple that was processed, with what it gave. */
export function ack(input: Tuple, ...emissions: Emission[]): Outcome {
  return { type: 'ack', input, emissions };
}

/** Emissions anchored to tuples not resolved yet, resolving none of them (see {@link Outcome}). */
export function emitAnchoredTo(anchors: readonly [Tuple, ...Tuple[]], ...emissions: Emission[]): Outcome {
  const [input, ...others] = anchors;
  return { type: 'emit', input, emissions, alsoAnchoredTo: others };
}

/** The outcome of a tuple deliberately not passed on. It counts as delivered. */
export function drop(input: Tuple, reason: string): Outcome {
  return { type: 'drop', input, reason };
}

/** The outcome of a tuple that failed. */
export function fail(input: Tuple, error: PunchlineError): Outcome {
  return { type: 'fail', input, error };
}

/** The stream every node may emit what it could not process on (decoding errors, rejected records). */
export const ERRORS_STREAM = '_ppf_errors';

/** The streams of `publish` that carry data: every one but {@link ERRORS_STREAM}. */
export function dataStreams(publish: readonly StreamDeclaration[]): StreamDeclaration[] {
  return publish.filter((p) => p.stream !== ERRORS_STREAM);
}

/** Whether the node publishes {@link ERRORS_STREAM}, so that rejected tuples are kept there rather than dropped. */
export function publishesErrors(publish: readonly StreamDeclaration[]): boolean {
  return publish.some((p) => p.stream === ERRORS_STREAM);
}

/** Who runs this punchline: the labels of every metric and the default Kafka consumer group. */
export interface PunchlineIdentity {
  readonly tenant: string;
  readonly channel: string;
  readonly name: string;
}

/** One `publish` entry of a node: a stream and the fields its tuples carry. */
export interface StreamDeclaration {
  readonly stream: string;
  readonly fields: readonly string[];
  /** Kapacitor's groupBy on the stream: the nodes downstream inherit it (see {@link DefinitionBase.groupBy}). */
  readonly group_by?: readonly string[];
}

/** What the runtime gives a node when it builds it. */
export interface NodeContext {
  /** The node's component name (unique in the punchline). */
  readonly component: string;
  readonly type: string;
  /** `type[component]`, the prefix of every error and log line of this node. */
  readonly label: string;
  readonly punchline: PunchlineIdentity;
  /** Which instance this is (0-based) among the node's `executors`. */
  readonly executor: number;
  readonly executors: number;
  /** The streams and fields this node publishes. */
  readonly publish: readonly StreamDeclaration[];
  /**
   * The node's effective grouping (Kapacitor's groupBy): its own (`groupBy` of its definition),
   * else the one its input streams carry; `[]` when ungrouped. Fixed at validation.
   */
  readonly groupBy: readonly string[];
  /** The platform config: named Kafka clusters and the like. */
  readonly platform: PlatformConfig;
  /**
   * A file a setting names (a handler spec, a schema), as the node opens it: a relative path is
   * taken from the punchline file's folder, so a punchline runs the same from any directory.
   */
  resolvePath(path: string): string;
  /** The punchline-level settings (`topology.*`), as written. */
  readonly topology: TopologySettings;
  /** A child logger carrying the node's labels. */
  readonly logger: Logger;
  /**
   * Warnings that may repeat per record, logged at most once per interval and key. Shared by the
   * node's executors, so the throttling is per node.
   */
  readonly throttledLog: ThrottledLog;
  /**
   * The node's own scope, shared by all its executors: the value under `key`, created by the
   * first executor that asks (executors are created one after the other, so `create` runs once).
   * What a node's executors share (a consumer's run state, metric sources) lives here, never in a
   * module global or a map keyed on something else; it lives as long as the run.
   */
  shared<T>(key: string, create: () => T): T;
  /**
   * A connection every node of the run may use, under `key` (by convention `<library>:<what>`,
   * e.g. one Kafka producer per cluster): created by the first node that asks, kept for the run.
   * For clients, pools and run-wide services (the alerting library's inhibitors, Kapacitor's alert
   * service), never for data: nodes exchange data through tuples alone.
   */
  connection<T>(key: string, create: () => T): T;
  /** The registry to add node-specific metrics to; label them with {@link NodeContext.metricLabels}. */
  readonly metrics: Registry;
  /** tenant, channel, punchline, component: the labels every metric of this node carries. */
  readonly metricLabels: Readonly<Record<'tenant' | 'channel' | 'punchline' | 'component', string>>;
}

/** The `settings` block of a punchline: Storm/Punch names accepted as written. */
export interface TopologySettings {
  readonly 'topology.max.spout.pending': number;
  readonly 'topology.message.timeout.secs': number;
  readonly 'topology.enable.message.timeouts': boolean;
  /** 0 turns acking off (at-most-once); any other value keeps it on. */
  readonly 'topology.acker.executors': number;
  /** The most a graceful stop takes, whatever the nodes do; in-flight tuples get it less a reserve for closing (see `Topology.stop`). */
  readonly 'topology.drain.timeout.secs': number;
}

/**
 * Called exactly once per emitted tuple by the runtime, with the `token` the tuple was emitted
 * with (see {@link InputSink.emit}; 0 when the input gave none). An input emitting many records
 * can give them all one handle and tell them apart by their tokens (a partition's sequence
 * numbers), rather than build a handle object per record.
 */
export interface DeliveryHandle {
  /** Every tuple derived from this one reached an end. */
  ack(token: number): void;
  /** A branch failed, or the tuple was not acked in time. */
  fail(error: PunchlineError, token: number): void;
}

/**
 * What an input emits into, one sink per input instance. Lifecycle: the runtime calls
 * {@link InputInstance.start} with the sink; the input emits until {@link InputInstance.stop};
 * from the moment stop() is called {@link capacity} no longer waits and {@link stopping} is true;
 * once stop() resolved (or the runtime gave up on it) the sink is sealed: an `emit` fails its
 * handle at once. The same holds after a fail-stop or a fatal error elsewhere in the run, which
 * call stop() and never close().
 */
export interface InputSink {
  /**
   * Emits one record. Without `stream` it is published on every stream the node declares, except
   * `_ppf_errors`; each stream gets the fields its declaration lists (missing ones are `null`).
   * `handle` is called exactly once, possibly synchronously inside this call. The record is in
   * flight (it counts in {@link pending}) from this call on; it is delivered, with every record
   * emitted in the same turn of the input's loop, as one array, once the turn ends (a microtask):
   * an input that emits a fetch's records without awaiting sends them down the DAG as one batch.
   *
   * `laidOut` says that `fields` is already what each of those streams gets: exactly the fields
   * it declares, in its order, `null` where missing (an input that decodes straight into its
   * published fields, when every stream it emits on declares the same ones). The runtime then
   * hands this object on as it is instead of building a copy per stream; the input must not
   * change it afterwards. Left out, the runtime projects the fields, whatever they hold.
   *
   * `token` is handed back to `handle` with the outcome (0 by default): what lets one handle
   * serve many records.
   */
  emit(fields: Fields, handle: DeliveryHandle, stream?: string, laidOut?: boolean, token?: number): void;
  /**
   * Resolves once this instance has fewer than `topology.max.spout.pending` tuples in flight, or
   * once the run stops or aborts (stop() was called on this instance): it never rejects and never
   * outlives the run. Inputs await it before fetching or emitting more: this is the
   * back-pressure. After awaiting it, check {@link stopping} (or the input's own stop flag)
   * before emitting: room is not guaranteed once the run is stopping.
   */
  capacity(): Promise<void>;
  /** Tuples emitted and not yet acked or failed. */
  readonly pending: number;
  /** True from the moment the runtime called {@link InputInstance.stop} on this instance. */
  readonly stopping: boolean;
  /** A bounded input has emitted everything: the punchline may stop once all is acked. */
  end(): void;
  /**
   * Stops the punchline at once with a non-zero exit code, without draining (fail-stop).
   * The input must not commit past the failed record before calling it.
   */
  fatal(error: PunchlineError): void;
}

/**
 * A running input instance. The runtime calls start() once; then stop() once, on a graceful stop
 * and on a fail-stop or fatal error alike; then close() once, only after a graceful stop. A
 * graceful stop is bounded by `topology.drain.timeout.secs`: stop() and close() that have not
 * resolved by their phase's deadline are abandoned (logged, not awaited), and the process may exit
 * while they run. The input owns its own teardown: it must leave no timer or socket that keeps the
 * process alive after close(), or after stop() when close() never comes.
 */
export interface InputInstance {
  /**
   * Starts emitting into `sink`. Resolves once the input is running (connected, subscribed);
   * rejects with a PunchlineError when it cannot start (unreachable broker, bad credentials).
   * Emitting happens after it resolves, from the input's own loop or callbacks.
   */
  start(sink: InputSink): Promise<void>;
  /**
   * Stops fetching. Resolves when the input will emit nothing more; what it emits after that
   * fails. Set the input's stop flag before its first `await`: the runtime ends the sink's
   * capacity() waits right after calling it, and a woken loop must see it is stopping. A
   * rejection during a graceful stop ends the run with FATAL. Called once.
   */
  stop(): Promise<void>;
  /**
   * Called after in-flight tuples are resolved (or failed at the drain deadline), never after a
   * fail-stop or fatal error: commit what was acked and release. Bounded by the end of the drain
   * timeout; a rejection ends the run with FATAL.
   */
  close(): Promise<void>;
}

/**
 * A running output instance. The runtime calls start() once, subscribes `write` to its input
 * tuples, and on a graceful stop completes them and calls close() once. Outputs close before
 * inputs do, so an input commits only what an output confirmed.
 */
export interface OutputInstance {
  /**
   * Turns the tuples it receives into one outcome each, once the outside world confirmed them.
   * On a graceful stop its input completes and it should complete once what it holds is flushed;
   * if it has not by the drain deadline (a write that never returns) the runtime unsubscribes it,
   * which must tear down its timers. A fail-stop or fatal error unsubscribes it at once.
   */
  readonly write: NodeOperator;
  /** Called before any tuple arrives: connect. Rejects when it cannot start. */
  start?(): Promise<void>;
  /**
   * Called once `write` completed (so pending batches are flushed) or was torn down at the drain
   * deadline, and also, not awaited, after a fail-stop or fatal error: release connections and
   * files. Bounded by the graceful stop's deadline: a close that has not resolved by then is
   * abandoned (logged), and the process may exit while it runs.
   */
  close?(): Promise<void>;
}

/** A field a node reads from its input tuples, and where in the node it is named. */
export interface FieldUse {
  readonly field: string;
  /** JSON pointer relative to the node's declaration in the dag, e.g. `/settings/group_by/0`. */
  readonly path: string;
}

/** What a node's {@link DefinitionBase.check} may look at besides its settings. */
export interface CheckScope {
  /** The node's own `publish` declaration. */
  readonly publish: readonly StreamDeclaration[];
  /** The fields of every stream the node subscribes to. */
  readonly fieldsIn: ReadonlySet<string>;
  /** As {@link NodeContext.groupBy}: the node's effective grouping. */
  readonly groupBy: readonly string[];
  readonly platform: PlatformConfig;
  /** As {@link NodeContext.resolvePath}: a relative path from the punchline file's folder. */
  resolvePath(path: string): string;
}

interface DefinitionBase<S> {
  /** The node `type` used in punchlines; also its folder under `nodes/`. */
  readonly type: string;
  /** The settings schema file under `schemas/nodes/` (or an absolute path); ajv fills its defaults before `create`. */
  readonly schema: string;
  /**
   * Semantic checks the schema cannot express (lambda syntax, templates, a header field that is
   * not published, an unknown cluster id...), run by `punchline validate` and before every run.
   */
  check?(settings: S, scope: CheckScope): readonly SettingsProblem[];
  /** Fields this node reads from the tuples it receives, so the graph check can verify they are published. */
  fieldsRead?(settings: S): readonly FieldUse[];
  /**
   * The grouping the node's settings set (Kapacitor's groupBy on it), overriding the one its
   * input streams carry, for itself and the nodes downstream; undefined: it inherits. A node that
   * defines it uses groups: validation requires its inherited group fields in its input and its
   * input streams to agree on one grouping.
   */
  groupBy?(settings: S): readonly string[] | undefined;
  /**
   * Storm's fields grouping: with `executors > 1`, the tuples whose values of these fields are equal
   * all go to the same executor, so a node keeping state per group (an alert, a window) sees each
   * group whole; `groupBy` is the node's effective grouping. Without it (or undefined), tuples are
   * dealt round robin; with no field, every tuple goes to one executor.
   */
  groupingFields?(settings: S, groupBy: readonly string[]): readonly string[] | undefined;
}

/** An input node type. */
export interface InputDefinition<S> extends DefinitionBase<S> {
  readonly kind: 'input';
  create(settings: S, ctx: NodeContext): InputInstance;
}

/** A bolt node type: a pure operator factory, no side effects, no subscriptions inside. */
export interface BoltDefinition<S> extends DefinitionBase<S> {
  readonly kind: 'bolt';
  create(settings: S, ctx: NodeContext): NodeOperator;
}

/** An output node type. */
export interface OutputDefinition<S> extends DefinitionBase<S> {
  readonly kind: 'output';
  create(settings: S, ctx: NodeContext): OutputInstance;
}

/**
 * A node definition as the runtime holds it: settings are `unknown` until ajv has validated them
 * against the node's schema, from which the settings type `S` is generated.
 */
export type NodeDefinition = InputDefinition<unknown> | BoltDefinition<unknown> | OutputDefinition<unknown>;

/**
 * Declares a node type, erasing its settings type for the catalogue. This is sound because the
 * runtime only ever passes settings that ajv validated against `schema`, and `S` is generated from
 * that schema (`settings.generated.ts`).
 */
export function defineNode<S>(definition: InputDefinition<S> | BoltDefinition<S> | OutputDefinition<S>): NodeDefinition {
  return definition;
}

/**
 * The outcome of a tuple a node can never process (a field of the wrong shape, a template that
 * cannot render): emitted on `_ppf_errors` with the reason when the node publishes that stream,
 * else dropped with the reason. It is not failed: a replay would fail again, forever.
 */
export function reject(input: Tuple, error: PunchlineError, publish: readonly StreamDeclaration[]): Outcome {
  if (!publishesErrors(publish)) return drop(input, error.message);
  const document = JSON.stringify(input.fields, bytesAsBase64);
  return ack(input, { stream: ERRORS_STREAM, fields: { ...input.fields, _ppf_error_message: error.message, _ppf_error_document: document } });
}
