/**
 * A running punchline: every node instantiated, wired as RxJS pipelines, and the delivery
 * contract enforced from the outcomes bolts and outputs yield.
 *
 * Lifecycle: `start()` starts outputs, then bolts, then inputs (so nothing is emitted before its
 * destination is ready). `stop()` is the graceful stop: inputs stop fetching; the streams complete
 * from the inputs down so that outputs flush what they buffer; in-flight tuples are awaited for at
 * most `topology.drain.timeout.secs` (the rest are failed); outputs close, then inputs close
 * (committing what was acked). `result` resolves once, with the exit code: 0 after a graceful
 * stop, `FAIL_STOP` when an input asked for a fail-stop, `FATAL` when a node could not start or
 * crashed (those two do not drain: they stop at once, committing nothing more).
 */
import { Subject } from 'rxjs';
import type { Subscription } from 'rxjs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Fields, InputInstance, InputSink, NodeContext, Outcome, OutputInstance, StreamDeclaration, Tuple, DeliveryHandle } from './node-contract.js';
import type { PlatformConfig } from './config/platform-config.js';
import type { NodeDeclaration, Punchline } from './config/punchline.js';
import { PunchlineError, asPunchlineError } from '../core/errors.js';
import { EXIT } from './exit-codes.js';
import { dataStreams } from './node-contract.js';
import { ThrottledLog } from './throttled-log.js';
import { DeliveryTracker, InFlightCounter, TupleTree } from './delivery-tracker.js';
import { NodeMetrics } from './node-metrics.js';
import { compileProjection } from './field-layouts.js';
import type { NodeCounters } from './node-metrics.js';

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
    readonly anchor: TupleTree,
    /** `performance.now()` when it was delivered (the publisher's clock reading, shared by its copies). */
    readonly receivedAt: number,
  ) {}
}

/** Where a published stream goes: one receiver per subscribing component. */
interface Receiver {
  readonly component: string;
  deliver(tuple: DeliveredTuple): void;
}

/** A published stream of a node and its precomputed projection. */
interface Publication {
  readonly fields: readonly string[];
  readonly project: (fields: Fields) => Fields;
  readonly receivers: Receiver[];
}

/** One node at run time. */
class RunningNode {
  readonly publications = new Map<string, Publication>();
  readonly counters: NodeCounters;
  readonly label: string;
  /** Upstream components whose streams have not completed yet. */
  openUpstreams = 0;
  readonly subscribers = new Set<RunningNode>();
  readonly inputs: Subject<Tuple>[] = [];
  readonly pipelines: Promise<void>[] = [];
  /** The running pipelines, unsubscribed by an abort so that no timer keeps the process alive. */
  readonly subscriptions: Subscription[] = [];
  readonly outputs: OutputInstance[] = [];
  readonly sources: InputInstance[] = [];
  private nextExecutor = 0;
  /** Streams emitted on without being declared, warned about once each. */
  readonly undeclaredWarned = new Set<string>();
  /** The node's scope, shared by its executors (`NodeContext.shared`). */
  readonly scope = new Map<string, unknown>();
  /** Created with the first executor's context. */
  throttledLog: ThrottledLog | undefined;

  constructor(
    readonly declaration: NodeDeclaration,
    metrics: NodeMetrics,
    identity: Punchline['identity'],
  ) {
    this.label = `${declaration.type}[${declaration.component}]`;
    this.counters = metrics.forNode({ tenant: identity.tenant, channel: identity.channel, punchline: identity.name, component: declaration.component });
    for (const publish of declaration.publish) this.publications.set(publish.stream, { fields: publish.fields, project: compileProjection(publish.fields), receivers: [] });
  }

  /** Hands a tuple to the next executor of this node, round robin. */
  deliver(tuple: DeliveredTuple): void {
    this.counters.received++;
    this.counters.pending++;
    const subject = this.inputs[this.nextExecutor] as Subject<Tuple>;
    this.nextExecutor = (this.nextExecutor + 1) % this.inputs.length;
    subject.next(tuple);
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
    this.untracked = new TupleTree({ ack: () => undefined, fail: () => undefined }, new InFlightCounter(Infinity), 0);
    this.untracked.settled = true;
    this.nodes = punchline.nodes.map((declaration) => new RunningNode(declaration, this.metrics, punchline.identity));
    for (const node of this.nodes) this.byComponent.set(node.declaration.component, node);
    for (const node of this.nodes) {
      for (const { component, stream } of node.declaration.subscribe) {
        const upstream = this.byComponent.get(component) as RunningNode;
        upstream.publications.get(stream)?.receivers.push({ component: node.declaration.component, deliver: (t) => node.deliver(t) });
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
      platform: this.options.platform,
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
      const subject = new Subject<Tuple>();
      let operator;
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
      node.pipelines.push(
        new Promise<void>((resolve) => {
          const subscription = subject.pipe(operator).subscribe({
            next: (outcome) => this.onOutcome(node, outcome),
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
    void Promise.all(node.pipelines).then(() => this.completeDownstream(node));
  }

  private async startInputs(node: RunningNode): Promise<void> {
    const { declaration } = node;
    const definition = declaration.definition;
    if (definition.kind !== 'input') return;
    for (let executor = 0; executor < declaration.executors; executor++) {
      const ctx = this.context(node, executor);
      const instance = definition.create(declaration.settings, ctx);
      node.sources.push(instance);
      this.inputInstances++;
      const counter = new InFlightCounter(this.punchline.topology['topology.max.spout.pending']);
      this.owners.set(counter, node);
      await instance.start(this.sinkFor(node, counter));
    }
  }

  private sinkFor(node: RunningNode, counter: InFlightCounter): InputSink {
    const defaultStreams = dataStreams(node.declaration.publish);
    let ended = false;
    return {
      emit: (fields: Fields, handle: DeliveryHandle, stream?: string) => {
        const streams: readonly StreamDeclaration[] = stream === undefined ? defaultStreams : node.declaration.publish.filter((p) => p.stream === stream);
        let deliveries = 0;
        for (const s of streams) deliveries += node.deliveriesOf(s.stream);
        node.counters.received++;
        node.counters.pending++;
        node.counters.emitted += deliveries;
        if (deliveries === 0) node.counters.dropped++;
        if (stream !== undefined && streams.length === 0) this.warnUndeclared(node, stream);
        const now = performance.now();
        if (!this.acking) {
          // At-most-once: the record counts as delivered as soon as it is emitted.
          handle.ack();
          node.counters.acked++;
          node.counters.pending--;
          if (deliveries > 0) this.publish(node, this.untracked, streams, fields, now);
          return;
        }
        const tree = this.tracker.begin(handle, counter, deliveries, now);
        if (deliveries > 0) this.publish(node, tree, streams, fields, now);
      },
      capacity: () => counter.capacity(),
      get pending() {
        return counter.count;
      },
      end: () => {
        if (ended) return;
        ended = true;
        if (++this.endedInputs === this.inputInstances) void this.stop('all inputs ended');
      },
      fatal: (error: PunchlineError) => this.abort(error.code === 'E_FAIL_STOP' ? EXIT.FAIL_STOP : EXIT.FATAL, error),
    };
  }

  private publish(node: RunningNode, tree: TupleTree, streams: readonly StreamDeclaration[], fields: Fields, now: number): void {
    for (const { stream } of streams) {
      const publication = node.publications.get(stream) as Publication;
      if (publication.receivers.length === 0) continue;
      const projected = publication.project(fields);
      for (const receiver of publication.receivers) {
        receiver.deliver(new DeliveredTuple(stream, node.declaration.component, projected, tree, now));
      }
    }
  }

  private warnUndeclared(node: RunningNode, stream: string): void {
    if (node.undeclaredWarned.has(stream)) return;
    node.undeclaredWarned.add(stream);
    this.options.logger.warn({ component: node.declaration.component, stream }, `${node.label} emitted on stream "${stream}" that it does not publish: those tuples are dropped and counted; declare the stream in its publish to route them`);
  }

  private onOutcome(node: RunningNode, outcome: Outcome): void {
    const input = outcome.input;
    if (!(input instanceof DeliveredTuple)) {
      this.abort(EXIT.FATAL, new PunchlineError('E_NODE_CRASHED', `${node.label}: yielded an outcome for a tuple it did not receive (a bug in the node)`));
      return;
    }
    if (input.resolved) {
      this.options.logger.error({ component: node.declaration.component }, `${node.label} yielded two outcomes for one tuple; the second is ignored (a bug in the node)`);
      return;
    }
    input.resolved = true;
    const counters = node.counters;
    counters.pending--;
    const now = performance.now();
    counters.observeLatency(now - input.receivedAt);
    const tree = input.anchor;
    switch (outcome.type) {
      case 'ack': {
        counters.acked++;
        if (outcome.emissions.length > 0 && !tree.failed) {
          let deliveries = 0;
          for (const emission of outcome.emissions) deliveries += node.deliveriesOf(emission.stream);
          this.tracker.extend(tree, deliveries);
          counters.emitted += deliveries;
          for (const emission of outcome.emissions) {
            const publication = node.publications.get(emission.stream);
            if (publication === undefined) this.warnUndeclared(node, emission.stream);
            if (publication === undefined || publication.receivers.length === 0) {
              counters.dropped++;
              continue;
            }
            const projected = publication.project(emission.fields);
            for (const receiver of publication.receivers) receiver.deliver(new DeliveredTuple(emission.stream, node.declaration.component, projected, tree, now));
          }
        }
        this.tracker.resolve(tree, now);
        return;
      }
      case 'drop':
        counters.dropped++;
        this.tracker.resolve(tree, now);
        return;
      case 'fail':
        counters.failed++;
        this.tracker.fail(tree, outcome.error.within(node.label));
        return;
    }
  }

  /** Completes the streams of the nodes downstream of `node` once all their upstreams completed. */
  private completeDownstream(node: RunningNode): void {
    for (const subscriber of node.subscribers) {
      if (--subscriber.openUpstreams === 0) for (const subject of subscriber.inputs) subject.complete();
    }
  }

  /** The graceful stop. Safe to call more than once; later calls await the first. */
  async stop(reason: string): Promise<RunResult> {
    if (this.state === 'stopping' || this.state === 'stopped') return this.result;
    this.state = 'stopping';
    const logger = this.options.logger;
    logger.info({ reason, inFlight: this.tracker.size }, 'stopping: inputs stop fetching, in-flight tuples drain');
    const inputs = this.nodes.filter((n) => n.declaration.definition.kind === 'input');
    try {
      await Promise.all(inputs.flatMap((n) => n.sources.map((s) => s.stop())));
      for (const node of inputs) this.completeDownstream(node);
      const drainMs = this.punchline.topology['topology.drain.timeout.secs'] * 1000;
      const pipelines = Promise.all(this.nodes.flatMap((n) => n.pipelines));
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        Promise.all([pipelines, this.tracker.idle()]).then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), drainMs))),
      ]);
      clearTimeout(timer);
      if (!drained) {
        const abandoned = this.tracker.failAll(new PunchlineError('E_TUPLE_FAILED', `not acked before the drain timeout (${drainMs / 1000}s) of a stop`));
        logger.warn({ abandoned }, 'drain timed out: in-flight tuples failed, they will be replayed by the next run');
      }
      for (const node of this.nodes) for (const output of node.outputs) await output.close?.();
      for (const node of inputs) for (const source of node.sources) await source.close();
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

  /** Stops at once, without draining or committing: fail-stop and fatal errors. */
  private abort(exitCode: number, error: PunchlineError): void {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.tracker.stop();
    // Best effort, not awaited: stop fetching, tear the pipelines down (their timers too) and
    // release the outputs. Never close() an input: closing commits.
    for (const node of this.nodes) {
      for (const source of node.sources) source.stop().catch(() => undefined);
      for (const subscription of node.subscriptions) subscription.unsubscribe();
      for (const output of node.outputs) output.close?.().catch(() => undefined);
    }
    this.options.logger.error({ code: error.code, exitCode }, error.describe());
    this.finish({ exitCode, reason: error.message, error });
  }
}
