/**
 * The JVM processes of a local cluster: launching a node (and StorageTool before its first start),
 * its pid file, telling whether a recorded pid is still *our* broker, and stopping it.
 *
 * Nodes run in their own process group (`detached`), so a Ctrl-C meant for the program that
 * started them does not kill them behind its back: whoever owns the cluster stops it explicitly.
 * Before a pid from a pid file is signalled, its command line must carry the node's marker
 * (`-Dpunchline.kafka.node=<node dir>`), so a pid reused by an unrelated process is never killed.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PunchlineError } from '../../core/errors.js';
import { runProgram } from './external-program.js';
import { kafkaClasspath } from './kafka-jars.js';
import type { KafkaVersion } from './kafka-version.js';
import { explainingLines, indentExcerpt } from './log-excerpt.js';
import { loggingConfigPath, loggingSystemProperty, nodeDir } from './server-properties.js';

/** What launching any Kafka JVM of a cluster needs. */
export interface JvmLaunch {
  readonly java: string;
  readonly libsDir: string;
  readonly version: KafkaVersion;
  readonly stateDir: string;
}

/** The log file of node `id`: the JVM's stdout and stderr, appended across restarts. */
export function brokerLogFile(stateDir: string, id: number): string {
  return join(nodeDir(stateDir, id), 'broker.log');
}

/** The pid file of node `id`, present while `start` believes it runs. */
export function brokerPidFile(stateDir: string, id: number): string {
  return join(nodeDir(stateDir, id), 'broker.pid');
}

/** The `server.properties` of node `id`. */
export function serverPropertiesFile(stateDir: string, id: number): string {
  return join(nodeDir(stateDir, id), 'server.properties');
}

/** The command-line marker that ties a JVM to the node folder it serves. */
function nodeMarker(stateDir: string, id: number): string {
  return `-Dpunchline.kafka.node=${nodeDir(stateDir, id)}`;
}

/**
 * Heap and GC settings: small, since a laptop or a 2-core CI runner may hold five brokers, with
 * the G1 settings Kafka's own start script uses. A broker that runs out of memory exits instead
 * of limping on, so the failure shows in its log and in `status`.
 */
function jvmOptions(heapMb: number): string[] {
  return [
    `-Xms${Math.min(256, heapMb)}m`,
    `-Xmx${heapMb}m`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
  ];
}

/**
 * Formats node `id`'s storage with StorageTool (cluster id, static controller quorum, SCRAM users
 * in the bootstrap metadata). Throws `E_BROKER_START` with StorageTool's explanation on failure.
 */
export async function formatNodeStorage(launch: JvmLaunch, id: number, clusterId: string, extraArguments: readonly string[]): Promise<void> {
  const result = await runProgram(launch.java, [
    '-Xmx256m',
    loggingSystemProperty(launch.version, loggingConfigPath(launch.stateDir, launch.version, 'tool')),
    '-cp', kafkaClasspath(launch.libsDir),
    'kafka.tools.StorageTool', 'format',
    '--cluster-id', clusterId,
    '--config', serverPropertiesFile(launch.stateDir, id),
    ...extraArguments,
  ], { timeoutMs: 120_000 });
  if (result.code !== 0) {
    throw new PunchlineError('E_BROKER_START', `formatting the storage of node ${id}: kafka StorageTool failed (exit ${result.code ?? result.signal ?? '?'}):${indentExcerpt(explainingLines(result.output, 8))}`, {
      hint: `check ${serverPropertiesFile(launch.stateDir, id)}; delete ${nodeDir(launch.stateDir, id)} to start this node anew`,
    });
  }
}

/** A node JVM this process launched. */
export interface LaunchedBroker {
  readonly pid: number;
  /** How the JVM ended (`exited with code 1`), or `undefined` while it runs. */
  exitReason(): string | undefined;
}

/**
 * Launches node `id` in the background and records its pid. Resolves once the JVM process exists
 * (not once Kafka is ready: see `readiness.ts`); {@link LaunchedBroker.exitReason} tells an early
 * death at once, however early. The child is unreferenced: it never keeps the event loop alive.
 */
export async function spawnBroker(launch: JvmLaunch, id: number, heapMb: number): Promise<LaunchedBroker> {
  const logFile = brokerLogFile(launch.stateDir, id);
  const log = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    writeSync(log, `\n[punchline] starting node ${id} (Kafka ${launch.version.text}) at ${new Date().toISOString()}\n`);
    child = spawn(launch.java, [
      ...jvmOptions(heapMb),
      nodeMarker(launch.stateDir, id),
      `-Dkafka.logs.dir=${nodeDir(launch.stateDir, id)}`,
      loggingSystemProperty(launch.version, loggingConfigPath(launch.stateDir, launch.version, 'broker')),
      '-cp', kafkaClasspath(launch.libsDir),
      'kafka.Kafka', serverPropertiesFile(launch.stateDir, id),
    ], { cwd: nodeDir(launch.stateDir, id), detached: true, stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
  let exit: string | undefined;
  child.once('exit', (code, signal) => {
    exit = signal === null ? `exited with code ${code ?? '?'}` : `was killed by ${signal}`;
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new PunchlineError('E_PREREQUISITE', `starting node ${id}: cannot run ${launch.java}: ${error.message}`, {
      cause: error,
      hint: 'install a Java runtime (e.g. `apt-get install -y openjdk-17-jre-headless`) or set JAVA_HOME',
    })));
  });
  child.unref();
  const pid = child.pid ?? 0;
  await writeFile(brokerPidFile(launch.stateDir, id), `${pid}\n`);
  return { pid, exitReason: () => exit };
}

/**
 * The pid of node `id` if its pid file names a live process that is this node's JVM, else
 * `undefined` (and a stale pid file is removed).
 */
export async function runningBrokerPid(stateDir: string, id: number): Promise<number | undefined> {
  const pidFile = brokerPidFile(stateDir, id);
  const text = await readFile(pidFile, 'utf8').catch(() => undefined);
  const pid = text === undefined ? Number.NaN : Number.parseInt(text.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (isProcessAlive(pid) && (await commandLineOf(pid))?.includes(nodeMarker(stateDir, id)) === true) return pid;
  await rm(pidFile, { force: true });
  return undefined;
}

/** The same check as {@link runningBrokerPid}, synchronously, for `process.on('exit')` handlers. */
export function runningBrokerPidSync(stateDir: string, id: number): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(brokerPidFile(stateDir, id), 'utf8').trim(), 10);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return undefined;
  if (existsSync('/proc')) {
    const cmdline = (() => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      } catch {
        return '';
      }
    })();
    if (!cmdline.includes(nodeMarker(stateDir, id))) return undefined;
  }
  return pid;
}

/** Whether `pid` is a live process (a zombie awaiting its parent counts as dead). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // No /proc (macOS): kill(0) is all we have.
  }
}

/**
 * Stops a process: SIGTERM (a Kafka broker then shuts down cleanly: controlled shutdown, flushed
 * logs), SIGKILL if it is still alive after `graceMs`; or SIGKILL straight away when `first` says
 * so. Resolves once it is gone, saying how.
 */
export async function terminateProcess(pid: number, graceMs: number, first: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<'terminated' | 'killed'> {
  if (!signal(pid, first)) return 'terminated';
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return 'terminated';
    await sleep(100);
  }
  signal(pid, 'SIGKILL');
  for (let i = 0; i < 100 && isProcessAlive(pid); i++) await sleep(50);
  return 'killed';
}

function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

async function commandLineOf(pid: number): Promise<string | undefined> {
  if (existsSync('/proc')) {
    return readFile(`/proc/${pid}/cmdline`, 'utf8').then((text) => text.replace(/\0/g, ' '), () => undefined);
  }
  const result = await runProgram('ps', ['-o', 'command=', '-p', String(pid)], { timeoutMs: 10_000 }).catch(() => undefined);
  return result?.code === 0 ? result.output : undefined;
}
