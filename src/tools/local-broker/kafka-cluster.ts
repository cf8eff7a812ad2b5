/**
 * A real Apache Kafka cluster on loopback: one or more KRaft nodes, each a combined broker and
 * controller in its own JVM, for the demo (`punchline kafka start`), the test harness and anything
 * else that needs a broker without Docker.
 *
 * Lifecycle:
 * - {@link startKafkaCluster} fetches the jars (once per version), formats storage, launches every
 *   node and resolves only once each node answers a metadata request listing the whole cluster.
 *   Given the state folder of a stopped cluster, it restarts it on the same ports and data.
 * - {@link openKafkaCluster} attaches to the cluster of a state folder from another process (for
 *   `status` and `stop`), starting nothing.
 * - {@link KafkaCluster.stop} stops every node cleanly; whoever started the cluster owns that call.
 *   Unless `keepRunningAfterExit` is set, nodes are also killed when the starting process exits
 *   (not on signals: a program that wants a clean stop on Ctrl-C must call `stop()` itself).
 *
 * Everything a cluster is lives in its state folder: `cluster.json` (layout, users), `tls/`,
 * and per node `node-<id>/` with `server.properties`, `data/`, `broker.log` and `broker.pid`.
 */
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { PunchlineError } from '../../core/errors.js';
import type { ErrorContext, PunchlineErrorOptions } from '../../core/errors.js';
import {
  brokerLogFile,
  brokerPidFile,
  formatNodeStorage,
  runningBrokerPid,
  runningBrokerPidSync,
  serverPropertiesFile,
  spawnBroker,
  terminateProcess,
} from './broker-process.js';
import type { JvmLaunch, LaunchedBroker } from './broker-process.js';
import { CLIENT_AUTH_MODES, manifestPath, readManifest, writeManifest } from './cluster-manifest.js';
import type { ClientAuth, ClusterManifest, KafkaNodePorts } from './cluster-manifest.js';
import { ensureKafkaJars } from './kafka-jars.js';
import { DEFAULT_KAFKA_VERSION, minimumJavaFor, parseKafkaVersion } from './kafka-version.js';
import type { KafkaVersion } from './kafka-version.js';
import { explainingLines, indentExcerpt, readTail } from './log-excerpt.js';
import { requireJava, requireOpenssl } from './prerequisites.js';
import { waitForGroupCoordinator, waitForMetadata } from './readiness.js';
import { resolveSaslUsers, scramFormatArguments } from './sasl-users.js';
import type { SaslUser, SaslUserRequest } from './sasl-users.js';
import { enabledSaslMechanisms, loggingConfigPath, nodeDir, renderLoggingConfig, renderServerProperties } from './server-properties.js';
import { acquireStartLock } from './start-lock.js';
import { findFreePorts, findPortOwner, isPortFree, LOOPBACK } from './tcp-ports.js';
import { generateBrokerTlsMaterial } from './tls-material.js';

/** Options of {@link startKafkaCluster}. Every field is optional. */
export interface StartKafkaClusterOptions {
  /** Kafka version from Maven Central; default {@link DEFAULT_KAFKA_VERSION}. */
  readonly version?: string;
  /** Number of nodes, each a broker and a controller; default 1. Internal topics get min(3, nodes) replicas. */
  readonly nodes?: number;
  /** Adds the SSL and SASL_SSL listeners, a generated CA and certificates, and SASL users. */
  readonly security?: boolean;
  /** Client certificates on the SSL listener; default `required` (SASL_SSL never asks for one). */
  readonly clientAuth?: ClientAuth;
  /** Accept OAUTHBEARER with unsigned JWS tokens on SASL_SSL; default true when `security` is on. */
  readonly oauthBearer?: boolean;
  /** The SASL users to create; default one per mechanism (see `DEFAULT_SASL_USERS`). */
  readonly users?: readonly SaslUserRequest[];
  /** Password for users that do not bring their own; default: a generated one per user. */
  readonly password?: string;
  /**
   * Where the cluster keeps its files. Default: a new temporary folder, deleted by `stop()` (and
   * kept after a failed start, for its logs).
   * A folder holding a stopped cluster is resumed (same ports, data and users) when the other
   * options match it; an empty or missing folder gets a new cluster.
   */
  readonly stateDir?: string;
  /** Delete the (stopped) cluster in `stateDir` first and make a new one. */
  readonly fresh?: boolean;
  /**
   * Fixed ports from a base instead of free ones: node i listens on base+i (PLAINTEXT),
   * base+100+i (SSL), base+200+i (SASL_SSL) and base+300+i (CONTROLLER). Default: free ports.
   */
  readonly basePort?: number;
  /** Maximum heap of each node's JVM in MiB; default 512. */
  readonly heapMb?: number;
  /** Leave the nodes running when this process exits (the CLI); default false. */
  readonly keepRunningAfterExit?: boolean;
  /** How long nodes may take to answer metadata; default 90 s. */
  readonly readyTimeoutMs?: number;
  /** Told what is happening, in sentences, during a slow start (download, format, launch). */
  readonly onProgress?: (message: string) => void;
}

/** How clients reach the secured listeners, and as whom. */
export interface KafkaSecurityDetails {
  /** `127.0.0.1:port` of every node's SSL listener. */
  readonly sslBootstrapServers: readonly string[];
  /** `127.0.0.1:port` of every node's SASL_SSL listener. */
  readonly saslSslBootstrapServers: readonly string[];
  /** Client certificates on the SSL listener. */
  readonly clientAuth: ClientAuth;
  /** The CA that signed the broker certificate (PEM); clients trust it. */
  readonly caPath: string;
  /** A client certificate and key (PEM) signed by the CA, subject `CN=punchline-client`. */
  readonly clientCertPath: string;
  readonly clientKeyPath: string;
  /** The users of SCRAM-SHA-256, SCRAM-SHA-512 and PLAIN. */
  readonly users: readonly SaslUser[];
  /** Mechanisms the SASL_SSL listener accepts, e.g. `['SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN', 'OAUTHBEARER']`. */
  readonly saslMechanisms: readonly string[];
  /** Whether OAUTHBEARER accepts unsigned tokens (`alg: none`, `sub` and `exp` claims). */
  readonly oauthBearer: boolean;
}

/** One node of a cluster and its files. */
export interface KafkaNodeDetails {
  readonly id: number;
  readonly ports: KafkaNodePorts;
  /** The node's JVM output, appended across restarts. */
  readonly logFile: string;
  readonly pidFile: string;
  readonly propertiesFile: string;
}

/** How {@link KafkaCluster.stop} and {@link KafkaCluster.stopBroker} stop a JVM. */
export interface StopOptions {
  /** SIGKILL without a clean shutdown: a crash, or a fast teardown of throwaway data. */
  readonly kill?: boolean;
}

/** What {@link KafkaCluster.health} says about one node. */
export interface KafkaNodeHealth {
  readonly id: number;
  /** The JVM's pid, `undefined` when it does not run. */
  readonly pid: number | undefined;
  readonly answersMetadata: boolean;
}

/** A cluster as plain data: what another process needs to connect (JSON-serialisable). */
export interface KafkaClusterDetails {
  readonly version: string;
  readonly clusterId: string;
  readonly stateDir: string;
  /** `127.0.0.1:port` of every node's PLAINTEXT listener. */
  readonly bootstrapServers: readonly string[];
  readonly security: KafkaSecurityDetails | null;
  readonly nodes: readonly KafkaNodeDetails[];
  readonly logFiles: readonly string[];
}

const DEFAULT_HEAP_MB = 512;
const DEFAULT_READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 30_000;
const MAX_NODES = 9;
/** Marks a folder as a punchline state folder, so clearing it after a failed start is safe. */
const STATE_MARKER = '.punchline-kafka-state';

/**
 * A handle on a local cluster. Methods take node *indexes* (0 … nodes-1), which are also the
 * nodes' `node.id`s. It holds no connection: any number of handles, in any processes, may point
 * at the same state folder; pid files say what runs.
 */
export class KafkaCluster implements KafkaClusterDetails {
  readonly version: string;
  readonly clusterId: string;
  readonly stateDir: string;
  readonly bootstrapServers: readonly string[];
  readonly security: KafkaSecurityDetails | null;
  readonly nodes: readonly KafkaNodeDetails[];
  readonly logFiles: readonly string[];
  /** The base port the listeners were laid out from, `null` when they were picked free. */
  readonly basePort: number | null;
  readonly #manifest: ClusterManifest;
  readonly #ownsStateDir: boolean;
  readonly #keepRunningAfterExit: boolean;
  readonly #readyTimeoutMs: number;
  readonly #onProgress: (message: string) => void;
  #exitHookInstalled = false;

  /** @internal Use {@link startKafkaCluster} or {@link openKafkaCluster}. */
  constructor(stateDir: string, manifest: ClusterManifest, options: { ownsStateDir: boolean; keepRunningAfterExit: boolean; readyTimeoutMs: number; onProgress: (message: string) => void }) {
    this.stateDir = stateDir;
    this.#manifest = manifest;
    this.#ownsStateDir = options.ownsStateDir;
    this.#keepRunningAfterExit = options.keepRunningAfterExit;
    this.#readyTimeoutMs = options.readyTimeoutMs;
    this.#onProgress = options.onProgress;
    this.version = manifest.version;
    this.clusterId = manifest.clusterId;
    this.nodes = manifest.nodes.map(({ id, ports }) => ({
      id,
      ports,
      logFile: brokerLogFile(stateDir, id),
      pidFile: brokerPidFile(stateDir, id),
      propertiesFile: serverPropertiesFile(stateDir, id),
    }));
    this.logFiles = this.nodes.map((node) => node.logFile);
    this.basePort = manifest.basePort;
    this.bootstrapServers = manifest.nodes.map((node) => `${LOOPBACK}:${node.ports.plaintext}`);
    const security = manifest.security;
    this.security = security === null ? null : {
      sslBootstrapServers: manifest.nodes.map((node) => `${LOOPBACK}:${node.ports.ssl ?? 0}`),
      saslSslBootstrapServers: manifest.nodes.map((node) => `${LOOPBACK}:${node.ports.saslSsl ?? 0}`),
      clientAuth: security.clientAuth,
      caPath: security.tls.caPath,
      clientCertPath: security.tls.clientCertPath,
      clientKeyPath: security.tls.clientKeyPath,
      users: security.users,
      saslMechanisms: enabledSaslMechanisms(manifest),
      oauthBearer: security.oauthBearer,
    };
  }

  /** A short description for messages: `1-node Kafka 3.9.1 plaintext`, `3-node Kafka 4.1.2 secured (client auth required)`. */
  summary(): string {
    return describeManifest(this.#manifest);
  }

  /** The cluster as plain data, e.g. to hand to test processes through an environment variable. */
  details(): KafkaClusterDetails {
    const { version, clusterId, stateDir, bootstrapServers, security, nodes, logFiles } = this;
    return { version, clusterId, stateDir, bootstrapServers, security, nodes, logFiles };
  }

  /** The pid of every node's JVM, `undefined` for a node that is not running. */
  async pids(): Promise<(number | undefined)[]> {
    return Promise.all(this.nodes.map((node) => runningBrokerPid(this.stateDir, node.id)));
  }

  /**
   * Each node's pid and whether it answers a metadata request within `timeoutMs` — what `status`
   * reports, since a live JVM is not necessarily a serving broker.
   */
  async health(timeoutMs = 3_000): Promise<KafkaNodeHealth[]> {
    const pids = await this.pids();
    return Promise.all(this.nodes.map(async (node, index) => {
      const pid = pids[index];
      if (pid === undefined) return { id: node.id, pid, answersMetadata: false };
      const outcome = await waitForMetadata({ address: `${LOOPBACK}:${node.ports.plaintext}`, expectedIds: [], deadline: Date.now() + timeoutMs, abandon: () => undefined });
      return { id: node.id, pid, answersMetadata: outcome.ready };
    }));
  }

  /** Whether node `index`'s JVM is running (not necessarily serving yet). */
  async isBrokerRunning(index: number): Promise<boolean> {
    return (await runningBrokerPid(this.stateDir, this.#node(index).id)) !== undefined;
  }

  /**
   * Stops node `index` cleanly (SIGTERM: controlled shutdown moves its partition leaderships away
   * first), SIGKILL after 30 s; with `kill`, SIGKILL at once, as a crash would. Its ports and data
   * stay reserved for {@link startBroker}.
   */
  async stopBroker(index: number, options: StopOptions = {}): Promise<void> {
    const { id } = this.#node(index);
    const pid = await runningBrokerPid(this.stateDir, id);
    if (pid !== undefined) await stopProcess(pid, options);
    await rm(brokerPidFile(this.stateDir, id), { force: true });
  }

  /**
   * Starts node `index` again with the same ports, data and configuration, and resolves once it
   * answers metadata that lists every running node. Does nothing if it already runs.
   */
  async startBroker(index: number): Promise<void> {
    const { id } = this.#node(index);
    if ((await runningBrokerPid(this.stateDir, id)) !== undefined) return;
    try {
      await this.launch([index]);
    } catch (error) {
      throw inContext(error, `starting node ${id}`);
    }
  }

  /**
   * Stops every node (SIGTERM to all at once, SIGKILL after 30 s; with `kill`, SIGKILL at once)
   * and, if the state folder was a temporary one made by {@link startKafkaCluster}, deletes it.
   * Safe to call twice, and from any process.
   */
  async stop(options: StopOptions = {}): Promise<void> {
    const pids = await this.pids();
    await Promise.all(pids.flatMap((pid) => (pid === undefined ? [] : [stopProcess(pid, options)])));
    await Promise.all(this.nodes.map((node) => rm(node.pidFile, { force: true })));
    if (this.#exitHookInstalled) process.off('exit', this.#killOnExit);
    this.#exitHookInstalled = false;
    if (this.#ownsStateDir) await rm(this.stateDir, { recursive: true, force: true });
  }

  /**
   * @internal Launches the given nodes (configuration regenerated from the manifest) and waits
   * until each answers metadata listing every node meant to run. On failure the nodes launched
   * here are killed and the error quotes the log lines that explain it.
   */
  async launch(indexes: readonly number[]): Promise<void> {
    const version = parseKafkaVersion(this.version);
    const java = await requireJava(minimumJavaFor(version), 'checking java');
    const libsDir = await ensureKafkaJars(version.text, { onProgress: this.#onProgress });
    const launch: JvmLaunch = { java: java.executable, libsDir, version, stateDir: this.stateDir };
    await writeConfiguration(this.stateDir, this.#manifest, version);
    const launching = indexes.map((index) => this.#node(index));
    for (const node of launching) await assertPortsFree(node);

    const alreadyRunning = (await this.pids()).flatMap((pid, index) => (pid === undefined || indexes.includes(index) ? [] : [this.#node(index).id]));
    const expectedIds = [...alreadyRunning, ...launching.map((node) => node.id)].sort((a, b) => a - b);
    this.#installExitHook();
    const children = new Map<number, LaunchedBroker>();
    try {
      for (const node of launching) children.set(node.id, await spawnBroker(launch, node.id, this.#manifest.heapMb));
      this.#onProgress(`waiting for ${launching.length === 1 ? `node ${launching[0]?.id ?? ''}` : `${launching.length} nodes`} to answer metadata`);
      const deadline = Date.now() + this.#readyTimeoutMs;
      const outcomes = await Promise.all(launching.map(async (node) => {
        const outcome = await waitForMetadata({
          address: `${LOOPBACK}:${node.ports.plaintext}`,
          expectedIds,
          deadline,
          abandon: () => {
            for (const [id, broker] of children) {
              const exit = broker.exitReason();
              if (exit !== undefined) return `node ${id} ${exit} while starting`;
            }
            return undefined;
          },
        });
        return { node, outcome };
      }));
      // Nodes that were already running must see the newcomers too before the caller goes on.
      const peers = this.nodes.filter((node) => alreadyRunning.includes(node.id));
      outcomes.push(...(await Promise.all(peers.map(async (node) => ({
        node,
        outcome: await waitForMetadata({ address: `${LOOPBACK}:${node.ports.plaintext}`, expectedIds, deadline, abandon: () => undefined }),
      })))));
      const failed = outcomes.find(({ outcome }) => !outcome.ready);
      if (failed !== undefined && !failed.outcome.ready) {
        const dead = [...children].find(([, broker]) => broker.exitReason() !== undefined)?.[0];
        throw await startFailure(this.stateDir, dead ?? failed.node.id, failed.outcome.reason);
      }
      if (this.nodes.length > 1 && expectedIds.length === this.nodes.length) {
        const coordinator = await waitForGroupCoordinator(this.bootstrapServers, deadline);
        if (!coordinator.ready) throw await startFailure(this.stateDir, launching[0]?.id ?? 0, coordinator.reason);
      }
    } catch (error) {
      await Promise.all([...children].map(async ([id, broker]) => {
        if (broker.exitReason() === undefined) await terminateProcess(broker.pid, 5_000);
        await rm(brokerPidFile(this.stateDir, id), { force: true });
      }));
      throw error;
    }
  }

  #node(index: number): KafkaNodeDetails {
    const node = this.nodes[index];
    if (node === undefined) throw new PunchlineError('E_USAGE', `kafka cluster: no node ${index} (the cluster has nodes 0 to ${this.nodes.length - 1})`);
    return node;
  }

  #installExitHook(): void {
    if (this.#keepRunningAfterExit || this.#exitHookInstalled) return;
    process.on('exit', this.#killOnExit);
    this.#exitHookInstalled = true;
  }

  /** Last resort when the owner exits without `stop()`: no broker outlives it, no temp folder is left. */
  readonly #killOnExit = (): void => {
    for (const node of this.nodes) {
      const pid = runningBrokerPidSync(this.stateDir, node.id);
      if (pid !== undefined) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
    if (this.#ownsStateDir) rmSync(this.stateDir, { recursive: true, force: true });
  };
}

/**
 * `E_USAGE`: the state folder holds a cluster whose options differ from the requested ones.
 * `running` says whether it runs, which decides the fix (stop it first, or start it fresh); a
 * caller that words the fix in its own terms (the CLI's options) reads it instead of the message.
 */
export class StateFolderMismatchError extends PunchlineError {
  constructor(message: string, readonly running: boolean, options: PunchlineErrorOptions = {}) {
    super('E_USAGE', message, options);
  }

  /** Keeps the class and `running` through added context. */
  override within(prefix: string, context: ErrorContext = {}): StateFolderMismatchError {
    const wrapped = new StateFolderMismatchError(`${prefix}: ${this.message}`, this.running, {
      cause: this.cause,
      context: { ...this.context, ...context },
      retriable: this.retriable,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
    });
    wrapped.stack = this.stack;
    return wrapped;
  }
}

/**
 * Starts a local cluster (or resumes the stopped one in `options.stateDir`) and resolves once
 * every node answers a metadata request listing the whole cluster.
 *
 * Throws a `PunchlineError`: `E_USAGE` for invalid options or a state folder holding a different
 * cluster, `E_PREREQUISITE` when java, mvn (first start of a version) or openssl (security) is
 * missing, `E_PORT_IN_USE` naming the port and its owner, `E_BROKER_START` quoting the log lines
 * that explain a failed download, format or launch. Nothing is left running after a failure.
 */
export async function startKafkaCluster(options: StartKafkaClusterOptions = {}): Promise<KafkaCluster> {
  try {
    return await startOrResume(options);
  } catch (error) {
    throw inContext(error, 'kafka start');
  }
}

async function startOrResume(options: StartKafkaClusterOptions): Promise<KafkaCluster> {
  const settings = validateOptions(options);
  const ownsStateDir = options.stateDir === undefined;
  const stateDir = options.stateDir === undefined ? await mkdtemp(join(tmpdir(), 'punchline-kafka-')) : resolve(options.stateDir);
  await mkdir(stateDir, { recursive: true });
  const release = await acquireStartLock(stateDir);
  const handleOptions = {
    ownsStateDir,
    keepRunningAfterExit: options.keepRunningAfterExit ?? false,
    readyTimeoutMs: options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
    onProgress: options.onProgress ?? (() => undefined),
  };
  try {
    let manifest = await readManifest(stateDir);
    if (manifest !== undefined && options.fresh === true) {
      const running = await new KafkaCluster(stateDir, manifest, handleOptions).pids();
      if (running.some((pid) => pid !== undefined)) {
        throw new PunchlineError('E_USAGE', `the cluster in ${stateDir} is running, so it cannot be started fresh`, { hint: 'stop it first' });
      }
      await clearStateDir(stateDir);
      manifest = undefined;
    }
    if (manifest !== undefined) {
      const cluster = new KafkaCluster(stateDir, manifest, handleOptions);
      const pids = await cluster.pids();
      const mismatches = describeMismatches(manifest, settings, options);
      if (mismatches.length > 0) {
        const running = pids.some((pid) => pid !== undefined);
        throw new StateFolderMismatchError(`${stateDir} holds a ${running ? 'running' : 'stopped'} ${describeManifest(manifest)} cluster, which does not match the requested ${mismatches.join(', ')}`, running, {
          hint: running ? 'stop it first to change its options, or use its own options' : 'start it with its own options, or start fresh (deleting its data)',
        });
      }
      const stopped = pids.flatMap((pid, index) => (pid === undefined ? [index] : []));
      if (stopped.length > 0) await cluster.launch(stopped);
      return cluster;
    }
    const leftovers = (await readdir(stateDir)).filter((name) => name !== 'start.lock');
    if (leftovers.length > 0 && !leftovers.includes(STATE_MARKER)) {
      throw new PunchlineError('E_USAGE', `${stateDir} is not empty and holds no punchline kafka cluster`, { hint: 'choose an empty or new folder' });
    }
    await clearStateDir(stateDir); // What a failed creation left for diagnosis.
    await writeFile(join(stateDir, STATE_MARKER), 'A punchline kafka state folder: `punchline kafka stop --delete-data` or deleting it is safe when nothing runs.\n');
    try {
      manifest = await createCluster(stateDir, settings, options, handleOptions.onProgress);
      const cluster = new KafkaCluster(stateDir, manifest, handleOptions);
      await cluster.launch(cluster.nodes.map((_, index) => index));
      return cluster;
    } catch (error) {
      // Keep the logs the error points at, but never resume a cluster that did not come up once.
      await rm(manifestPath(stateDir), { force: true });
      throw error;
    }
  } finally {
    await release();
  }
}

/**
 * A handle on the cluster whose state folder is `stateDir`, whether or not it runs, or
 * `undefined` if the folder holds none. Starts nothing; the handle never kills the cluster when
 * this process exits.
 */
export async function openKafkaCluster(stateDir: string): Promise<KafkaCluster | undefined> {
  const absolute = resolve(stateDir);
  const manifest = await readManifest(absolute);
  if (manifest === undefined) return undefined;
  return new KafkaCluster(absolute, manifest, { ownsStateDir: false, keepRunningAfterExit: true, readyTimeoutMs: DEFAULT_READY_TIMEOUT_MS, onProgress: () => undefined });
}

interface ValidSettings {
  readonly version: KafkaVersion;
  readonly nodes: number;
  readonly security: boolean;
  readonly clientAuth: ClientAuth;
  readonly oauthBearer: boolean;
  readonly heapMb: number;
}

function validateOptions(options: StartKafkaClusterOptions): ValidSettings {
  const version = parseKafkaVersion(options.version ?? DEFAULT_KAFKA_VERSION);
  const nodes = options.nodes ?? 1;
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES) {
    throw new PunchlineError('E_USAGE', `nodes must be a whole number from 1 to ${MAX_NODES}, not ${nodes}`);
  }
  const clientAuth = options.clientAuth ?? 'required';
  if (!CLIENT_AUTH_MODES.includes(clientAuth)) {
    throw new PunchlineError('E_USAGE', `client auth must be one of ${CLIENT_AUTH_MODES.join(', ')}, not ${String(clientAuth)}`);
  }
  const heapMb = options.heapMb ?? DEFAULT_HEAP_MB;
  if (!Number.isInteger(heapMb) || heapMb < 128) throw new PunchlineError('E_USAGE', `heap must be at least 128 MiB, not ${heapMb}`);
  if (options.basePort !== undefined) {
    const top = options.basePort + 300 + nodes - 1;
    if (!Number.isInteger(options.basePort) || options.basePort < 1024 || top > 65535) {
      throw new PunchlineError('E_USAGE', `base port ${options.basePort} must be from 1024 to ${65535 - 300 - nodes + 1} (ports up to base+${300 + nodes - 1} are used)`);
    }
  }
  if (options.security === true) resolveSaslUsers(options.users, options.password); // Validates names and passwords before anything starts.
  return { version, nodes, security: options.security === true, clientAuth, oauthBearer: options.oauthBearer ?? true, heapMb };
}

function describeMismatches(manifest: ClusterManifest, settings: ValidSettings, options: StartKafkaClusterOptions): string[] {
  const mismatches: string[] = [];
  if (manifest.version !== settings.version.text) mismatches.push(`version ${settings.version.text}`);
  if (manifest.nodes.length !== settings.nodes) mismatches.push(`${settings.nodes} node(s)`);
  if ((manifest.security !== null) !== settings.security) mismatches.push(settings.security ? 'security on' : 'security off');
  if (manifest.security !== null && options.clientAuth !== undefined && manifest.security.clientAuth !== options.clientAuth) mismatches.push(`client auth ${options.clientAuth}`);
  if (options.basePort !== undefined && manifest.basePort !== options.basePort) mismatches.push(`port ${options.basePort}`);
  if (manifest.security !== null && options.password !== undefined && manifest.security.users.some((user) => user.password !== options.password)) {
    mismatches.push('the given password');
  }
  return mismatches;
}

/** `3-node Kafka 3.9.1 with security` — how a manifest is named in messages. */
export function describeManifest(manifest: ClusterManifest): string {
  return `${manifest.nodes.length}-node Kafka ${manifest.version} ${manifest.security === null ? 'plaintext' : `secured (client auth ${manifest.security.clientAuth})`}`;
}

async function createCluster(stateDir: string, settings: ValidSettings, options: StartKafkaClusterOptions, onProgress: (message: string) => void): Promise<ClusterManifest> {
  const java = await requireJava(minimumJavaFor(settings.version), 'checking java');
  const libsDir = await ensureKafkaJars(settings.version.text, { onProgress });
  const portsPerNode = settings.security ? 4 : 2;
  const ports = options.basePort !== undefined
    ? layoutFromBase(options.basePort, settings.nodes, settings.security)
    : chunk(await findFreePorts(settings.nodes * portsPerNode), portsPerNode).map(([plaintext = 0, controller = 0, ssl, saslSsl]) =>
        settings.security ? { plaintext, controller, ssl, saslSsl } : { plaintext, controller });
  const nodes = ports.map((nodePorts, id) => ({ id, ports: nodePorts }));
  for (const node of nodes) await assertPortsFree(node);

  let security: ClusterManifest['security'] = null;
  if (settings.security) {
    await requireOpenssl('checking openssl');
    onProgress('generating a CA and broker/client certificates with openssl');
    const tls = await generateBrokerTlsMaterial(join(stateDir, 'tls'));
    security = { clientAuth: settings.clientAuth, tls, users: resolveSaslUsers(options.users, options.password), oauthBearer: settings.oauthBearer };
  }
  const manifest: ClusterManifest = {
    format: 1,
    version: settings.version.text,
    clusterId: newClusterId(),
    createdAt: new Date().toISOString(),
    basePort: options.basePort ?? null,
    heapMb: settings.heapMb,
    nodes,
    security,
  };
  await writeManifest(stateDir, manifest);
  await writeConfiguration(stateDir, manifest, settings.version);
  onProgress(`formatting the storage of ${nodes.length} node(s)`);
  const launch: JvmLaunch = { java: java.executable, libsDir, version: settings.version, stateDir };
  const scram = security === null ? [] : scramFormatArguments(security.users);
  await Promise.all(nodes.map((node) => formatNodeStorage(launch, node.id, manifest.clusterId, scram)));
  return manifest;
}

/** Node i: base+i PLAINTEXT, base+100+i SSL, base+200+i SASL_SSL, base+300+i CONTROLLER. */
function layoutFromBase(base: number, nodes: number, security: boolean): KafkaNodePorts[] {
  return Array.from({ length: nodes }, (_, i) => (security
    ? { plaintext: base + i, ssl: base + 100 + i, saslSsl: base + 200 + i, controller: base + 300 + i }
    : { plaintext: base + i, controller: base + 300 + i }));
}

async function writeConfiguration(stateDir: string, manifest: ClusterManifest, version: KafkaVersion): Promise<void> {
  await writeFile(loggingConfigPath(stateDir, version, 'broker'), renderLoggingConfig(version, 'broker'));
  await writeFile(loggingConfigPath(stateDir, version, 'tool'), renderLoggingConfig(version, 'tool'));
  for (const [index, node] of manifest.nodes.entries()) {
    await mkdir(nodeDir(stateDir, node.id), { recursive: true });
    await writeFile(serverPropertiesFile(stateDir, node.id), renderServerProperties(manifest, index, stateDir, version), { mode: 0o600 });
  }
}

async function assertPortsFree(node: { readonly id: number; readonly ports: KafkaNodePorts }): Promise<void> {
  const listeners: [string, number | undefined][] = [
    ['plaintext', node.ports.plaintext], ['ssl', node.ports.ssl], ['sasl_ssl', node.ports.saslSsl], ['controller', node.ports.controller],
  ];
  for (const [listener, port] of listeners) {
    if (port === undefined || (await isPortFree(port))) continue;
    const owner = await findPortOwner(port);
    const by = owner === undefined ? '' : ` by pid ${owner.pid} (${owner.command})`;
    throw new PunchlineError('E_PORT_IN_USE', `port ${port} (${listener} listener of node ${node.id}) is in use${by}`, {
      hint: 'choose other ports or stop the program holding it',
    });
  }
}

/** Builds the error of a failed launch from the log of the node that explains it. */
async function startFailure(stateDir: string, id: number, message: string): Promise<PunchlineError> {
  const logFile = brokerLogFile(stateDir, id);
  const tail = await readTail(logFile);
  const lastRun = tail.slice(tail.lastIndexOf('[punchline] starting node'));
  const lines = explainingLines(lastRun, 10);
  const portClash = lines.some((line) => line.includes('Address already in use'));
  return new PunchlineError(portClash ? 'E_PORT_IN_USE' : 'E_BROKER_START', `${message}; from ${logFile}:${indentExcerpt(lines)}`, {
    hint: portClash ? 'another program took one of the ports; start again (free ports) or choose other ports' : `read ${logFile} for the whole story`,
  });
}

async function clearStateDir(stateDir: string): Promise<void> {
  for (const name of await readdir(stateDir)) if (name !== 'start.lock') await rm(join(stateDir, name), { recursive: true, force: true });
}

async function stopProcess(pid: number, options: StopOptions): Promise<void> {
  await terminateProcess(pid, options.kill === true ? 0 : STOP_GRACE_MS, options.kill === true ? 'SIGKILL' : 'SIGTERM');
}

/** Prefixes a PunchlineError's message with `context` (once), keeping its code, hint and cause. */
function inContext(error: unknown, context: string): unknown {
  if (!(error instanceof PunchlineError) || error.message.startsWith(`${context}:`)) return error;
  return error.within(context);
}

/**
 * A Kafka cluster id: 16 random bytes in URL-safe base64 without padding, as `kafka-storage
 * random-uuid` makes, and like it never starting with '-' (StorageTool would take it for an option).
 */
function newClusterId(): string {
  for (;;) {
    const id = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));
}
