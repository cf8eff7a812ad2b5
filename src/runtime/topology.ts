/**
 * A running punchline: every node instantiated, wired as RxJS pipelines, and the delivery
 * contract enforced from the outcomes bolts and outputs yield.
 *
 * Lifecycle: `start()` starts outputs, then bolts, then inputs (so nothing is emitted before its
 * destination is ready). `stop()` is the graceful stop, and it returns within
 * `topology.drain.timeout.secs` whatever a node does, in four phases that share that budget:
 * 1. inputs stop fetching (their `capacity()` waits end, so an input parked behind a stuck output
 *    sees it is stopping);
 * 2. the streams complete from the inputs down so that outputs flush what they buffer, and the
 *    in-flight tuples are awaited; phases 1 and 2 end at the budget less a reserve for closing (a
 *    quarter of it, at most 5 s): then the tuples still in flight are failed (the next run replays
 *    them) and the pipelines still running are torn down, their timers with them;
 * 3. outputs close, until half the reserve is left;
 * 4. inputs close (committing what was acked), until the budget is spent.
 * A phase cut short logs which nodes it abandoned; what they still do is not awaited, and nothing
 * of the runtime's keeps the process alive after `stop()` returns. `result` resolves once, with the
 * exit code: 0 after a graceful stop, `FAIL_STOP` when an input asked for a fail-stop, `FATAL` when
 * a node could not start or crashed (those two do not drain: they stop at once, committing nothing
 * more).
 */
import { Subject, map, mergeAll } from 'rxjs';
import type { Observable, Subscription } from 'rxjs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Emission, Fields, InputInstance, InputSink, NodeContext, NodeOperator, Outcome, OutputInstance, StreamDeclaration, Tuple, DeliveryHandle } from './node-contract.js';
import type { PlatformConfig } from './config/platform-config.js';
import { pathFromPunchline } from './config/punchline.js';
import type { NodeDeclaration, Punchline } from './config/punchline.js';
import { PunchlineError, asPunchlineError } from '../core/errors.js';
import { EXIT } from './exit-codes.js';
import { dataStreams } from './node-contract.js';
import { ThrottledLog } from './throttled-log.js';
import { DeliveryTracker, InFlightCounter, TupleTree } from './delivery-tracker.js';
import type { Anchor } from './delivery-tracker.js';
import { NodeMetrics } from './node-metrics.js';
import { compileProjection } from './field-layouts.js';
import type { NodeCounters } from './node-metrics.js';
import { RecentTuples } from './recent-tuples.js';

/** How a run ended. */
export interface RunResult {
  readonly exitCode: number;
  readonly reason: string;
  readonly error?: PunchlineError;
}

/** A tuple as delivered to one subscriber: one object per delivery, so each outcome is tracked. */
class DeliveredTuple implements Tuple {
  resolved = false;
  constructor(
    readonly stream: string,
    readonly source: string,
    readonly fields: Fields,
    readonly anchor: Anchor,
    /** `performance.now()` when it was delivered (the publisher's clock reading, shared by its copies). */
    readonly receivedAt: number,
  ) {}
}

/** Where a published stream goes: one receiver per subscribing component. */
interface Receiver {
  readonly component: string;
  deliver(tuples: DeliveredTuple[]): void;
}

/** A published stream of a node and its precomputed projection. */
interface Publication {
  readonly fields: readonly string[];
  readonly project: (fields: Fields) => Fields;
  readonly receivers: Receiver[];
  /** The last tuples published on it, for the live page. */
  readonly recent: RecentTuples;
}

/** One executor of an input node and the state of the sink it emits into. */
class Source {
  /** Its `emit()` is over: its stop() resolved or was abandoned, or the run aborted. Later emits fail. */
  sealed = false;
  /** A late emit was warned about. */
  lateWarned = false;
  private stopping: Promise<void> | undefined;

  constructor(
    readonly instance: InputInstance,
    /** `type[component]`, with `#executor` when the node has several. */
    readonly label: string,
    readonly counter: InFlightCounter,
  ) {}

  /**
   * Calls the input's stop() (once, whoever asks: a graceful stop, then an abort), then ends its
   * capacity() waits, so that a waiter wakes to find the input stopping.
   */
  stop(): Promise<void> {
    if (this.stopping === undefined) {
      try {
        this.stopping = this.instance.stop();
      } catch (error) {
        this.stopping = Promise.reject(asPunchlineError(error, 'E_NODE_CRASHED', this.label));
      }
      this.counter.stop();
    }
    return this.stopping;
  }
}

/** A step of a phase of the stop, named for the log when it is abandoned. */
interface Step {
  readonly label: string;
  run(): Promise<void>;
}

/** Awaits `work` until `deadline` (a `performance.now()` reading): whether it settled in time. Rejects if it rejects in time. */
async function within(work: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - performance.now()), false)));
  try {
    return await Promise.race([work.then(() => true as const), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * FNV-1a (32 bits) of the values of `fields` in `tuple`, each written as JSON and separated by a
 * byte no JSON text holds: equal values give equal hashes, in every run and process.
 */
function groupHash(fields: Fields, names: readonly string[]): number {
  let hash = 0x811c9dc5;
  for (const name of names) {
    const text = JSON.stringify(fields[name] ?? null);
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    hash = Math.imul(hash ^ 0x1f, 0x01000193);
  }
  return hash >>> 0;
}

/** One node at run time. */
class RunningNode {
  readonly publications = new Map<string, Publication>();
  readonly counters: NodeCounters;
  readonly label: string;
  /** Upstream components whose streams have not completed yet. */
  openUpstreams = 0;
  readonly subscribers = new Set<RunningNode>();
  /** One per executor: the arrays of tuples it receives. */
  readonly inputs: Subject<readonly Tuple[]>[] = [];
  readonly pipelines: Promise<void>[] = [];
  /** Every pipeline of the node completed. */
  pipelinesDone = false;
  /** The running pipelines, unsubscribed by an abort so that no timer keeps the process alive. */
  readonly subscriptions: Subscription[] = [];
  readonly outputs: OutputInstance[] = [];
  readonly sources: Source[] = [];
  private nextExecutor = 0;
  /** The fields that choose the executor of a tuple (fields grouping), or undefined for round robin. */
  private readonly grouping: readonly string[] | undefined;
  /** Streams emitted on without being declared, warned about once each. */
  readonly undeclaredWarned = new Set<string>();
  /** The node's scope, shared by its executors (`NodeContext.shared`). */
  readonly scope = new Map<string, unknown>();
  /** Created with the first executor's context. */
  throttledLog: ThrottledLog | undefined;
  /** The deliveries of the current turn, in the order they were published: receiver and tuple, side by side. */
  private queuedReceivers: Receiver[] = [];
  private queuedTuples: DeliveredTuple[] = [];
  /** An input's delivery at the end of its turn is queued (a microtask). */
  flushQueued = false;

  constructor(
    readonly declaration: NodeDeclaration,
    metrics: NodeMetrics,
    identity: Punchline['identity'],
  ) {
    this.label = `${declaration.type}[${declaration.component}]`;
    this.grouping = declaration.definition.groupingFields?.(declaration.settings, declaration.groupBy);
    this.counters = metrics.forNode({ tenant: identity.tenant, channel: identity.channel, punchline: identity.name, component: declaration.component });
    for (const publish of declaration.publish) this.publications.set(publish.stream, { fields: publish.fields, project: compileProjection(publish.fields), receivers: [], recent: new RecentTuples() });
  }

  /**
   * Hands an array of tuples to the node: each tuple to the executor of its group (fields
   * grouping), else to the next one, round robin; each executor gets its share as one array.
   */
  deliver(tuples: DeliveredTuple[]): void {
    this.counters.received += tuples.length;
    this.counters.pending += tuples.length;
    const inputs = this.inputs;
    if (inputs.length === 1) {
      (inputs[0] as Subject<readonly Tuple[]>).next(tuples);
      return;
    }
    const shares: DeliveredTuple[][] = inputs.map(() => []);
    for (const tuple of tuples) (shares[this.executorOf(tuple)] as DeliveredTuple[]).push(tuple);
    shares.forEach((share, executor) => {
      if (share.length > 0) (inputs[executor] as Subject<readonly Tuple[]>).next(share);
    });
  }

  private executorOf(tuple: DeliveredTuple): number {
    const executors = this.inputs.length;
    if (this.grouping !== undefined) return groupHash(tuple.fields, this.grouping) % executors;
    const executor = this.nextExecutor;
    this.nextExecutor = (executor + 1) % executors;
    return executor;
  }

  /** Keeps `tuple` for `receiver` until the end of the turn ({@link flush}). */
  buffer(receiver: Receiver, tuple: DeliveredTuple): void {
    this.queuedReceivers.push(receiver);
    this.queuedTuples.push(tuple);
  }

  /**
   * Delivers what the turn published, in the order it was published, consecutive tuples for the
   * same receiver as one array: a chain gets the turn whole, while a fan-out keeps the order of
   * records across its receivers (each gets record n before any receiver gets record n + 1, as
   * inhibitions between alerts need). A delivery may run nodes downstream, and their acks an
   * input's handles, which may publish again: those are delivered too before it returns.
   */
  flush(): void {
    while (this.queuedTuples.length > 0) {
      const receivers = this.queuedReceivers;
      const tuples = this.queuedTuples;
      this.queuedReceivers = [];
      this.queuedTuples = [];
      for (let start = 0; start < tuples.length; ) {
        const receiver = receivers[start] as Receiver;
        let end = start + 1;
        while (end < tuples.length && receivers[end] === receiver) end++;
        receiver.deliver(start === 0 && end === tuples.length ? tuples : tuples.slice(start, end));
        start = end;
      }
    }
  }

  /** How many tuple copies publishing on `stream` creates. */
  deliveriesOf(stream: string): number {
    return this.publications.get(stream)?.receivers.length ?? 0;
  }
}

/** Options of a run besides the punchline itself. */
export interface TopologyOptions {
  readonly platform: PlatformConfig;
  readonly logger: Logger;
  readonly registry: Registry;
}

/** A punchline being run. Build it, `start()` it, then await `result`. */
export class Topology {
  readonly result: Promise<RunResult>;
  private finish!: (result: RunResult) => void;
  private readonly nodes: RunningNode[];
  private readonly byComponent = new Map<string, RunningNode>();
  private readonly tracker: DeliveryTracker;
  private readonly metrics: NodeMetrics;
  private state: 'created' | 'starting' | 'running' | 'stopping' | 'stopped' = 'created';
  private endedInputs = 0;
  /** False with `topology.acker.executors: 0`: inputs' tuples are acked on emission. */
  private readonly acking: boolean;
  /** The anchor of tuples when acking is off: already settled, so outcomes change nothing. */
  private readonly untracked: TupleTree;
  private inputInstances = 0;

  constructor(
    private readonly punchline: Punchline,
    private readonly options: TopologyOptions,
  ) {
    this.result = new Promise((resolve) => (this.finish = resolve));
    this.metrics = new NodeMetrics(options.registry);
    const topology = punchline.topology;
    this.tracker = new DeliveryTracker(topology['topology.enable.message.timeouts'] ? topology['topology.message.timeout.secs'] * 1000 : undefined, {
      acked: (tree, now) => {
        const node = this.inputOf(tree);
        node.counters.acked++;
        node.counters.pending--;
        node.counters.observeLatency(now - tree.emittedAt);
      },
      failed: (tree) => {
        this.inputOf(tree).counters.failed++;
      },
      // A failed tree is in flight until its last copy has left the nodes: it holds its place in max pending till then.
      released: (tree) => {
        this.inputOf(tree).counters.pending--;
      },
    });
    this.acking = topology['topology.acker.executors'] !== 0;
    this.untracked = new TupleTree({ ack: () => undefined, fail: () => undefined }, 0, new InFlightCounter(Infinity), 0);
    this.untracked.settled = true;
    this.nodes = punchline.nodes.map((declaration) => new RunningNode(declaration, this.metrics, punchline.identity));
    for (const node of this.nodes) this.byComponent.set(node.declaration.component, node);
    for (const node of this.nodes) {
      for (const { component, stream } of node.declaration.subscribe) {
        const upstream = this.byComponent.get(component) as RunningNode;
        const edge = this.metrics.forEdge({ ...upstream.counters.labels, stream, target: node.declaration.component });
        upstream.publications.get(stream)?.receivers.push({
          component: node.declaration.component,
          deliver: (tuples) => {
            edge.tuples += tuples.length;
            node.deliver(tuples);
          },
        });
        if (!upstream.subscribers.has(node)) {
          upstream.subscribers.add(node);
          node.openUpstreams++;
        }
      }
    }
  }

  /** Whether every node started and the punchline is processing (for `/healthz`). */
  get ready(): boolean {
    return this.state === 'running';
  }

  /** Tuple trees in flight across all inputs. */
  get inFlight(): number {
    return this.tracker.size;
  }

  /** The last tuples `component` published on `stream` (newest first, projected to the stream's fields), for the live page. */
  recentTuples(component: string, stream: string): ReturnType<RecentTuples['list']> {
    return this.byComponent.get(component)?.publications.get(stream)?.recent.list() ?? [];
  }

  private readonly owners = new Map<InFlightCounter, RunningNode>();
  /** Clients shared by the nodes of this run (`NodeContext.connection`). */
  private readonly connections = new Map<string, unknown>();
  private inputOf(tree: TupleTree): RunningNode {
    return this.owners.get(tree.owner) as RunningNode;
  }

  private context(node: RunningNode, executor: number): NodeContext {
    const { declaration } = node;
    return {
      component: declaration.component,
      type: declaration.type,
      label: node.label,
      punchline: this.punchline.identity,
      executor,
      executors: declaration.executors,
      publish: declaration.publish,
      groupBy: declaration.groupBy,
      platform: this.options.platform,
      resolvePath: (path) => pathFromPunchline(this.punchline.file, path),
      topology: this.punchline.topology,
      logger: this.options.logger.child({ component: declaration.component, node: declaration.type, ...(declaration.executors > 1 && { executor }) }),
      metrics: this.options.registry,
      metricLabels: node.counters.labels,
      throttledLog: (node.throttledLog ??= new ThrottledLog(this.options.logger.child({ component: declaration.component, node: declaration.type }))),
      shared: <T>(key: string, create: () => T): T => {
        if (!node.scope.has(key)) node.scope.set(key, create());
        return node.scope.get(key) as T;
      },
      connection: <T>(key: string, create: () => T): T => {
        if (!this.connections.has(key)) this.connections.set(key, create());
        return this.connections.get(key) as T;
      },
    };
  }

  /** Starts every node. Rejects (and resolves `result` with FATAL) when one cannot start. */
  async start(): Promise<void> {
    this.state = 'starting';
    try {
      for (const node of this.nodes) {
        if (node.declaration.definition.kind !== 'input') this.buildProcessors(node);
      }
      for (const node of this.nodes) {
        for (const output of node.outputs) await output.start?.();
      }
      for (const node of this.nodes) {
        if (node.declaration.definition.kind === 'input') await this.startInputs(node);
      }
    } catch (error) {
      const failure = asPunchlineError(error, 'E_NODE_CRASHED');
      this.abort(EXIT.FATAL, failure);
      throw failure;
    }
    if (this.state === 'starting') this.state = 'running';
  }

  private buildProcessors(node: RunningNode): void {
    const { declaration } = node;
    const definition = declaration.definition;
    for (let executor = 0; executor < declaration.executors; executor++) {
      const ctx = this.context(node, executor);
      const subject = new Subject<readonly Tuple[]>();
      let operator: NodeOperator;
      if (definition.kind === 'bolt') {
        operator = definition.create(declaration.settings, ctx);
      } else if (definition.kind === 'output') {
        const output = definition.create(declaration.settings, ctx);
        node.outputs.push(output);
        operator = output.write;
      } else {
        throw new Error(`${node.label} is not a processor`);
      }
      node.inputs.push(subject);
      // The batch form takes the arrays as they come; a node written per tuple is fed them one by one.
      const outcomes: Observable<readonly Outcome[]> = 'batches' in operator ? subject.pipe(operator.batches) : subject.pipe(mergeAll(), operator, map((outcome) => [outcome]));
      node.pipelines.push(
        new Promise<void>((resolve) => {
          const subscription = outcomes.subscribe({
            next: (batch) => this.onOutcomes(node, batch),
            error: (error: unknown) => {
              this.abort(EXIT.FATAL, asPunchlineError(error, 'E_NODE_CRASHED', node.label));
              resolve();
            },
            complete: () => resolve(),
          });
          node.subscriptions.push(subscription);
        }),
      );
    }
    void Promise.all(node.pipelines).then(() => {
      node.pipelinesDone = true;
      this.completeDownstream(node);
    });
  }

  private async startInputs(node: RunningNode): Promise<void> {
    const { declaration } = node;
    const definition = declaration.definition;
    if (definition.kind !== 'input') return;
    for (let executor = 0; executor < declaration.executors; executor++) {
      const ctx = this.context(node, executor);
      const instance = definition.create(declaration.settings, ctx);
      const counter = new InFlightCounter(this.punchline.topology['topology.max.spout.pending']);
      const source = new Source(instance, declaration.executors > 1 ? `${node.label}#${executor}` : node.label, counter);
      node.sources.push(source);
      this.inputInstances++;
      this.owners.set(counter, node);
      await instance.start(this.sinkFor(node, source));
    }
  }

  private sinkFor(node: RunningNode, source: Source): InputSink {
    const defaultStreams = dataStreams(node.declaration.publish);
    // Subscriptions are wired when the topology is built: what one record on the default streams gives is known now.
    let defaultDeliveries = 0;
    for (const s of defaultStreams) defaultDeliveries += node.deliveriesOf(s.stream);
    const counter = source.counter;
    let ended = false;
    return {
      emit: (fields: Fields, handle: DeliveryHandle, stream?: string, laidOut = false, token = 0) => {
        if (source.sealed) {
          this.refuseLateEmit(source, handle, token);
          return;
        }
        let streams = defaultStreams;
        let deliveries = defaultDeliveries;
        if (stream !== undefined) {
          streams = node.declaration.publish.filter((p) => p.stream === stream);
          deliveries = 0;
          for (const s of streams) deliveries += node.deliveriesOf(s.stream);
        }
        node.counters.received++;
        node.counters.pending++;
        node.counters.emitted += deliveries;
        if (deliveries === 0) node.counters.dropped++;
        if (stream !== undefined && streams.length === 0) this.warnUndeclared(node, stream);
        const now = performance.now();
        if (!this.acking) {
          // At-most-once: the record counts as delivered as soon as it is emitted.
          handle.ack(token);
          node.counters.acked++;
          node.counters.pending--;
          this.publish(node, this.untracked, streams, fields, laidOut, now);
          return;
        }
        const tree = this.tracker.begin(handle, token, counter, deliveries, now);
        // Also with no subscriber: the tuple is kept among the stream's last ones (the live page's errors panel).
        this.publish(node, tree, streams, fields, laidOut, now);
      },
      capacity: () => counter.capacity(),
      get pending() {
        return counter.count;
      },
      get stopping() {
        return !counter.open;
      },
      end: () => {
        if (ended) return;
        ended = true;
        if (++this.endedInputs === this.inputInstances) void this.stop('all inputs ended');
      },
      fatal: (error: PunchlineError) => this.abort(error.code === 'E_FAIL_STOP' ? EXIT.FAIL_STOP : EXIT.FATAL, error),
    };
  }

  /** Publishes an input's record on `streams`; `laidOut` fields are each stream's projection already (see {@link InputSink.emit}). */
  private publish(node: RunningNode, tree: TupleTree, streams: readonly StreamDeclaration[], fields: Fields, laidOut: boolean, now: number): void {
    for (const { stream } of streams) {
      const publication = node.publications.get(stream) as Publication;
      const projected = laidOut ? fields : publication.project(fields);
      publication.recent.add(projected);
      if (publication.receivers.length === 0) continue;
      for (const receiver of publication.receivers) node.buffer(receiver, new DeliveredTuple(stream, node.declaration.component, projected, tree, now));
    }
    // What the input emits in this turn of its loop travels as one array: delivered once the turn ends.
    if (!node.flushQueued) {
      node.flushQueued = true;
      queueMicrotask(() => {
        node.flushQueued = false;
        node.flush();
      });
    }
  }

  /** An emit after the input's stop() resolved or was given up on: nothing would carry the tuple, so it fails at once. */
  private refuseLateEmit(source: Source, handle: DeliveryHandle, token: number): void {
    if (!source.lateWarned) {
      source.lateWarned = true;
      this.options.logger.warn({ input: source.label }, `${source.label} emitted after its stop: the tuple is failed, not delivered (a bug in the node, or a stop that was abandoned)`);
    }
    handle.fail(new PunchlineError('E_TUPLE_FAILED', `${source.label}: emitted after its stop`), token);
  }

  private warnUndeclared(node: RunningNode, stream: string): void {
    if (node.undeclaredWarned.has(stream)) return;
    node.undeclaredWarned.add(stream);
    this.options.logger.warn({ component: node.declaration.component, stream }, `${node.label} emitted on stream "${stream}" that it does not publish: those tuples are dropped and counted; declare the stream in its publish to route them`);
  }

  /** The outcomes a node yielded together; what they emit goes on as one array per subscriber. */
  private onOutcomes(node: RunningNode, outcomes: readonly Outcome[]): void {
    const now = performance.now();
    for (const outcome of outcomes) {
      if (this.state === 'stopped') return;
      this.onOutcome(node, outcome, now);
    }
    node.flush();
  }

  private onOutcome(node: RunningNode, outcome: Outcome, now: number): void {
    const input = outcome.input;
    if (!(input instanceof DeliveredTuple)) {
      this.abort(EXIT.FATAL, new PunchlineError('E_NODE_CRASHED', `${node.label}: yielded an outcome for a tuple it did not receive (a bug in the node)`));
      return;
    }
    if (input.resolved) {
      this.options.logger.error({ component: node.declaration.component }, `${node.label} yielded two outcomes for one tuple; the second is ignored (a bug in the node)`);
      return;
    }
    const counters = node.counters;
    const own = input.anchor;
    if (outcome.type === 'emit') {
      // Not the tuple's outcome: it stays unresolved, its copy still in the node.
      const anchor = outcome.alsoAnchoredTo === undefined || outcome.emissions.length === 0 ? own : this.jointAnchor(node, own, outcome.alsoAnchoredTo);
      if (anchor !== undefined) this.publishEmissions(node, anchor, outcome.emissions, now);
      return;
    }
    input.resolved = true;
    counters.pending--;
    counters.observeLatency(now - input.receivedAt);
    switch (outcome.type) {
      case 'ack': {
        counters.acked++;
        this.publishEmissions(node, own, outcome.emissions, now);
        this.tracker.resolve(own, now);
        return;
      }
      case 'drop':
        counters.dropped++;
        this.tracker.resolve(own, now);
        return;
      case 'fail':
        counters.failed++;
        this.tracker.fail(own, outcome.error.within(node.label));
        return;
    }
  }

  /** Delivers a node's emissions, anchored to `anchor`, to their subscribers (none when the anchor's trees all failed). */
  private publishEmissions(node: RunningNode, anchor: Anchor, emissions: readonly Emission[], now: number): void {
    if (emissions.length === 0 || this.tracker.failed(anchor)) return;
    const counters = node.counters;
    let deliveries = 0;
    for (const emission of emissions) deliveries += node.deliveriesOf(emission.stream);
    this.tracker.extend(anchor, deliveries);
    counters.emitted += deliveries;
    for (const emission of emissions) {
      const publication = node.publications.get(emission.stream);
      if (publication === undefined) this.warnUndeclared(node, emission.stream);
      if (publication === undefined) {
        counters.dropped++;
        continue;
      }
      const projected = publication.project(emission.fields);
      publication.recent.add(projected);
      if (publication.receivers.length === 0) {
        counters.dropped++;
        continue;
      }
      for (const receiver of publication.receivers) node.buffer(receiver, new DeliveredTuple(emission.stream, node.declaration.component, projected, anchor, now));
    }
  }

  /**
   * The anchor of an emission anchored to `own` and to the tuples of `others` (each tree once),
   * or undefined, the run aborted, when a node anchors to a tuple it did not receive or already
   * resolved (a bug in the node: the tree could be complete already).
   */
  private jointAnchor(node: RunningNode, own: Anchor, others: readonly Tuple[]): Anchor | undefined {
    const trees = new Set<TupleTree>(own instanceof TupleTree ? [own] : own);
    for (const other of others) {
      if (!(other instanceof DeliveredTuple) || other.resolved) {
        this.abort(EXIT.FATAL, new PunchlineError('E_NODE_CRASHED', `${node.label}: anchored an emission to a tuple it did not receive or had already resolved (a bug in the node)`));
        return undefined;
      }
      const anchor = other.anchor;
      if (anchor instanceof TupleTree) trees.add(anchor);
      else for (const member of anchor) trees.add(member);
    }
    return trees.size === 1 ? own : [...trees];
  }

  /** Completes the streams of the nodes downstream of `node` once all their upstreams completed. */
  private completeDownstream(node: RunningNode): void {
    node.flush();
    for (const subscriber of node.subscribers) {
      if (--subscriber.openUpstreams === 0) for (const subject of subscriber.inputs) subject.complete();
    }
  }

  /**
   * The graceful stop (see the file's comment for its phases). Returns within
   * `topology.drain.timeout.secs`, whatever the nodes do. Safe to call more than once; later calls
   * await the first.
   */
  async stop(reason: string): Promise<RunResult> {
    if (this.state === 'stopping' || this.state === 'stopped') return this.result;
    this.state = 'stopping';
    const logger = this.options.logger;
    const budgetMs = this.punchline.topology['topology.drain.timeout.secs'] * 1000;
    const end = performance.now() + budgetMs;
    const closeReserveMs = Math.min(budgetMs / 4, 5000);
    const drainEnd = end - closeReserveMs;
    logger.info({ reason, inFlight: this.tracker.size }, 'stopping: inputs stop fetching, in-flight tuples drain');
    const inputs = this.nodes.filter((n) => n.declaration.definition.kind === 'input');
    const sources = inputs.flatMap((n) => n.sources);
    try {
      const unstopped = await this.phase(
        sources.map((source) => ({
          label: source.label,
          run: async () => {
            try {
              await source.stop();
            } finally {
              source.sealed = true;
            }
          },
        })),
        drainEnd,
        false,
      );
      for (const source of sources) source.sealed = true;
      if (unstopped.length > 0) logger.warn({ inputs: unstopped }, `stop: ${unstopped.join(', ')} did not stop in time; what they emit from now on is failed`);
      if (this.aborted) return this.result;

      for (const node of inputs) this.completeDownstream(node);
      const pipelines = Promise.all(this.nodes.flatMap((n) => n.pipelines));
      const drained = await within(Promise.all([pipelines, this.tracker.idle()]), drainEnd);
      if (this.aborted) return this.result;
      if (!drained) {
        const abandoned = this.tracker.failAll(new PunchlineError('E_TUPLE_FAILED', `not acked before the drain timeout (${budgetMs / 1000}s) of a stop`));
        const running = this.nodes.filter((n) => n.declaration.definition.kind !== 'input' && !n.pipelinesDone).map((n) => n.label);
        // Tear down what has not completed (a write that never yields): its timers must not outlive the run.
        for (const node of this.nodes) for (const subscription of node.subscriptions) subscription.unsubscribe();
        logger.warn({ abandoned, running }, `drain timed out: ${abandoned} in-flight tuples failed (the next run replays them)${running.length > 0 ? `; ${running.join(', ')} had not finished and were torn down` : ''}`);
      }

      const outputs = this.nodes.flatMap((n) => n.outputs.map((output) => ({ label: n.label, run: async () => await output.close?.() })));
      const unclosedOutputs = await this.phase(outputs, end - closeReserveMs / 2, true);
      if (unclosedOutputs.length > 0) logger.warn({ outputs: unclosedOutputs }, `stop: ${unclosedOutputs.join(', ')} did not close in time, abandoned`);
      if (this.aborted) return this.result;

      const unclosedInputs = await this.phase(sources.map((source) => ({ label: source.label, run: () => source.instance.close() })), end, true);
      if (unclosedInputs.length > 0) logger.warn({ inputs: unclosedInputs }, `stop: ${unclosedInputs.join(', ')} did not close in time, abandoned: what they had not committed is replayed by the next run`);
      if (this.aborted) return this.result;
    } catch (error) {
      this.abort(EXIT.FATAL, asPunchlineError(error, 'E_NODE_CRASHED', 'stopping'));
      return this.result;
    }
    this.tracker.stop();
    this.state = 'stopped';
    const totals = Object.fromEntries(inputs.map((n) => [n.declaration.component, { acked: n.counters.acked, failed: n.counters.failed }]));
    logger.info({ reason, inputs: totals }, 'stopped');
    this.finish({ exitCode: EXIT.OK, reason });
    return this.result;
  }

  /** Whether an abort ended the run while a stop was under way. */
  private get aborted(): boolean {
    return this.state === 'stopped';
  }

  /**
   * Runs the steps of a stop phase, all at once or one after the other, until they are done or
   * `deadline` (a `performance.now()` reading) passes; resolves with the labels of those not done
   * in time (running or never started). A step that rejects in time rejects the phase; one that
   * rejects after it was abandoned is logged.
   */
  private async phase(steps: readonly Step[], deadline: number, sequential: boolean): Promise<string[]> {
    const done = new Set<Step>();
    let abandoned = false;
    const runStep = async (step: Step): Promise<void> => {
      try {
        await step.run();
        done.add(step);
      } catch (error) {
        if (!abandoned) throw error;
        this.options.logger.warn({ node: step.label, err: error }, `${step.label} failed after it was abandoned by the stop`);
      }
    };
    const work = sequential
      ? (async () => {
          for (const step of steps) {
            if (abandoned) return;
            await runStep(step);
          }
        })()
      : Promise.all(steps.map(runStep));
    try {
      await within(work, deadline);
    } finally {
      abandoned = true;
    }
    return steps.filter((step) => !done.has(step)).map((step) => step.label);
  }

  /** Stops at once, without draining or committing: fail-stop and fatal errors. */
  private abort(exitCode: number, error: PunchlineError): void {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.tracker.stop();
    // Best effort, not awaited: stop fetching (and end capacity() waits), tear the pipelines down
    // (their timers too) and release the outputs. Never close() an input: closing commits.
    for (const node of this.nodes) {
      for (const source of node.sources) {
        source.stop().catch(() => undefined);
        source.sealed = true;
      }
      for (const subscription of node.subscriptions) subscription.unsubscribe();
      for (const output of node.outputs) output.close?.().catch(() => undefined);
    }
    this.options.logger.error({ code: error.code, exitCode }, error.describe());
    this.finish({ exitCode, reason: error.message, error });
  }
}
