/**
 * `punchline channel start|stop|status|restart <tenant>/<channel>`: a channel run as a whole, from
 * its `channel_structure.json5`, as Punch's `channelctl` does. `start` creates or checks the
 * channel's topics, then supervises each punchline (each replica) as a child process
 * (`channel/supervisor.ts`): in the foreground (for systemd and containers), or in the background
 * with `--daemon`. One supervisor per channel: it holds a lock in the channel's state folder
 * (`channel/channel-state.ts`), so two starts cannot race; the punchline processes a supervisor
 * killed with -9 left behind are stopped before the new ones start.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import lockfile from 'proper-lockfile';
import { PunchlineError } from '../core/errors.js';
import { CHANNEL_STRUCTURE_FILE, readChannelStructure } from '../runtime/config/channel-structure.js';
import type { ChannelStructure } from '../runtime/config/channel-structure.js';
import { findPlatformConfig, loadPlatformConfig } from '../runtime/config/load-platform-config.js';
import { PACKAGE_ROOT } from '../core/package-root.js';
import type { PlatformConfig } from '../runtime/config/platform-config.js';
import { createLogger } from '../runtime/logging.js';
import type { Logger } from '../runtime/logging.js';
import { formatDiagnostic } from '../runtime/validation/diagnostic.js';
import { EXIT } from '../runtime/exit-codes.js';
import { ensureChannelTopics } from './channel/channel-topics.js';
import { defaultStateDir, lockFile, readStatus, writeStatus } from './channel/channel-state.js';
import type { ChannelStatus } from './channel/channel-state.js';
import { ChannelSupervisor } from './channel/supervisor.js';
import type { SupervisedPunchline } from './channel/supervisor.js';
import { DEFAULT_RESTART_POLICY } from './channel/restart-policy.js';
import type { RestartPolicy } from './channel/restart-policy.js';
import { channelLag, renderStatus } from './channel/channel-report.js';
import { kubernetesManifests, systemdUnits } from './channel/channel-export.js';
import type { ExportedChannel, ExportedFile } from './channel/channel-export.js';

interface ChannelOptions {
  readonly punchlines?: string;
  readonly config?: string;
  readonly stateDir?: string;
}

interface StartOptions extends ChannelOptions {
  readonly daemon?: boolean;
  readonly alter?: boolean;
  readonly drainTimeoutMs: string;
  readonly maxRestarts: string;
  readonly backoffMs: string;
}

/** A channel found on disk: its folder, structure and platform config, and its state folder. */
interface Channel {
  readonly tenant: string;
  readonly channel: string;
  readonly dir: string;
  readonly structure: ChannelStructure;
  readonly platform: PlatformConfig;
  readonly stateDir: string;
}

/** How long `start --daemon` waits for the supervisor to report its processes started. */
const DAEMON_START_TIMEOUT_MS = 120_000;
/** How long the lock may go without a refresh before another start may take it (a supervisor killed with -9). */
const LOCK_STALE_MS = 10_000;

/**
 * Finds `<tenant>/<channel>` under the punchlines folder (`--punchlines`, `$PUNCHLINE_PUNCHLINES`,
 * else `./punchlines`), or takes a path to a channel folder.
 */
async function findChannel(reference: string, options: ChannelOptions): Promise<Channel> {
  const root = resolve(options.punchlines ?? (process.env.PUNCHLINE_PUNCHLINES || 'punchlines'));
  const asPath = resolve(reference);
  const dir = existsSync(join(asPath, CHANNEL_STRUCTURE_FILE)) ? asPath : join(root, reference);
  const file = join(dir, CHANNEL_STRUCTURE_FILE);
  if (!existsSync(file)) {
    throw new PunchlineError('E_USAGE', `no channel "${reference}": ${file} does not exist`, { hint: 'name a channel as <tenant>/<channel> under --punchlines <folder> (default ./punchlines), or give its folder' });
  }
  const platform = await loadPlatformConfig(options.config, file);
  const { structure, diagnostics } = await readChannelStructure(file, platform);
  if (structure === undefined) throw new PunchlineError('E_CONFIG_INVALID', `${file} is invalid:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  const channel = basename(dir);
  const tenant = basename(dirname(dir));
  return { tenant, channel, dir, structure, platform, stateDir: resolve(options.stateDir ?? defaultStateDir(tenant, channel)) };
}

function positiveInteger(text: string, option: string, minimum = 0): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < minimum) throw new PunchlineError('E_USAGE', `${option} ${text} is not an integer ≥ ${minimum}`);
  return value;
}

/** Whether a supervisor holds the channel's lock. */
async function supervised(stateDir: string): Promise<boolean> {
  if (!existsSync(lockFile(stateDir))) return false;
  return lockfile.check(stateDir, { lockfilePath: lockFile(stateDir), realpath: false, stale: LOCK_STALE_MS });
}

/**
 * Stops the punchline processes a previous supervisor left running (it was killed with -9: its
 * children live on), so that the channel does not run twice. A process counts as one of them only
 * while its command line still runs the punchline file the status names (a pid may be reused).
 */
async function stopOrphans(stateDir: string, drainTimeoutMs: number, logger: Logger): Promise<void> {
  const previous = await readStatus(stateDir);
  const orphans: number[] = [];
  for (const instance of previous?.instances ?? []) {
    if (instance.pid === undefined) continue;
    const commandLine = await readFile(`/proc/${instance.pid}/cmdline`, 'utf8').catch(() => '');
    if (!commandLine.split('\0').some((word) => word.endsWith(`/${instance.punchline}`))) continue;
    logger.warn({ punchline: instance.punchline, replica: instance.replica, pid: instance.pid }, `${instance.punchline} (pid ${instance.pid}) still runs from a supervisor that is gone: stopping it first.`);
    process.kill(instance.pid, 'SIGTERM');
    orphans.push(instance.pid);
  }
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + drainTimeoutMs;
  while (orphans.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of orphans.filter(alive)) process.kill(pid, 'SIGKILL');
}

/** Runs the supervisor in this process until SIGINT/SIGTERM, then stops the channel gracefully. */
async function startForeground(channel: Channel, options: StartOptions, logger: Logger): Promise<void> {
  const policy: RestartPolicy = {
    ...DEFAULT_RESTART_POLICY,
    initialBackoffMs: positiveInteger(options.backoffMs, '--backoff-ms', 1),
    maxRestarts: positiveInteger(options.maxRestarts, '--max-restarts'),
  };
  const drainTimeoutMs = positiveInteger(options.drainTimeoutMs, '--drain-timeout-ms', 1);
  const logDir = join(channel.stateDir, 'logs');
  await mkdir(logDir, { recursive: true });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(channel.stateDir, {
      lockfilePath: lockFile(channel.stateDir),
      realpath: false,
      stale: LOCK_STALE_MS,
      onCompromised: (error) => logger.error({ err: error }, `The lock of the channel was taken from this supervisor: ${error.message}`),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    const status = await readStatus(channel.stateDir);
    throw new PunchlineError('E_USAGE', `channel ${channel.tenant}/${channel.channel} is already supervised${status === undefined ? '' : ` by pid ${status.supervisorPid}`} (state folder ${channel.stateDir})`, {
      hint: `punchline channel status ${channel.tenant}/${channel.channel}, or stop it first`,
    });
  }
  await stopOrphans(channel.stateDir, drainTimeoutMs, logger);
  const stop = new Promise<NodeJS.Signals>((resolveStop) => {
    process.once('SIGINT', () => resolveStop('SIGINT'));
    process.once('SIGTERM', () => resolveStop('SIGTERM'));
  });
  // The supervisor lives until a signal, also when no punchline process runs (none started, all ended).
  const keepAlive = setInterval(() => undefined, 2 ** 30);
  let supervisor: ChannelSupervisor | undefined;
  let writes = Promise.resolve();
  const save = (status: ChannelStatus): void => {
    const copy = structuredClone(status);
    writes = writes.then(() => writeStatus(channel.stateDir, copy)).catch((error: unknown) => logger.error({ err: error }, `Cannot write the channel status: ${String(error)}`));
  };
  try {
    const topics = await ensureChannelTopics(channel.structure, channel.platform, logger, { alter: options.alter === true });
    const punchlines: SupervisedPunchline[] = channel.structure.punchlines
      .filter((p) => p.start)
      .flatMap((p) => Array.from({ length: p.replicas }, (_, replica) => ({ file: join(channel.dir, p.file), replica, replicas: p.replicas })));
    supervisor = new ChannelSupervisor(
      { tenant: channel.tenant, channel: channel.channel, supervisorPid: process.pid, startedAt: new Date().toISOString(), topics },
      punchlines,
      { policy, drainTimeoutMs, logDir, runArguments: options.config === undefined ? [] : ['--config', resolve(options.config)], logger, onChange: save },
    );
    await supervisor.start();
    logger.info({ channel: `${channel.tenant}/${channel.channel}`, processes: punchlines.length, logs: logDir }, `Channel ${channel.tenant}/${channel.channel} started: ${punchlines.length} punchline process(es), logs in ${logDir}.`);
    const signal = await stop;
    logger.info({ signal }, `Stopping channel ${channel.tenant}/${channel.channel}: the punchlines drain and commit.`);
    await supervisor.stop();
  } finally {
    clearInterval(keepAlive);
    await writes;
    await release();
  }
}

/**
 * Starts the supervisor as a background process and returns once its punchlines are started. The
 * topics are prepared here first, so that their errors reach the caller (the supervisor checks
 * them again, finding them ready).
 */
async function startDaemon(channel: Channel, argv: readonly string[], alter: boolean, logger: Logger): Promise<void> {
  if (await supervised(channel.stateDir)) {
    const status = await readStatus(channel.stateDir);
    throw new PunchlineError('E_USAGE', `channel ${channel.tenant}/${channel.channel} is already supervised${status === undefined ? '' : ` by pid ${status.supervisorPid}`}`, { hint: 'stop it first, or use restart' });
  }
  await ensureChannelTopics(channel.structure, channel.platform, logger, { alter });
  await mkdir(channel.stateDir, { recursive: true });
  const logFile = join(channel.stateDir, 'supervisor.log');
  const log = openSync(logFile, 'a');
  const args = argv.filter((a) => a !== '--daemon');
  const child = spawn(process.execPath, [...process.execArgv, ...args], { stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  child.unref();
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const deadline = Date.now() + DAEMON_START_TIMEOUT_MS;
  for (;;) {
    const status = await readStatus(channel.stateDir).catch(() => undefined);
    if (status !== undefined && status.supervisorPid === child.pid && status.state === 'running') break;
    const code = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 200))]);
    if (code !== undefined) throw new PunchlineError('E_NODE_CRASHED', `the channel supervisor exited (code ${String(code)}) while starting; see ${logFile}`);
    if (Date.now() > deadline) throw new PunchlineError('E_NODE_CRASHED', `the channel supervisor did not start its punchlines within ${DAEMON_START_TIMEOUT_MS / 1000} s; see ${logFile}`);
  }
  logger.info({ pid: child.pid, log: logFile }, `Channel ${channel.tenant}/${channel.channel} supervised in the background by pid ${String(child.pid)}; its log: ${logFile}.`);
}

/** Asks the supervisor to stop and waits until it released the channel. */
async function stopChannel(channel: Channel, waitMs: number): Promise<boolean> {
  const status = await readStatus(channel.stateDir);
  if (status === undefined || !(await supervised(channel.stateDir))) return false;
  try {
    process.kill(status.supervisorPid, 'SIGTERM');
  } catch {
    return false;
  }
  const deadline = Date.now() + waitMs;
  while (await supervised(channel.stateDir)) {
    if (Date.now() > deadline) throw new PunchlineError('E_NODE_CRASHED', `the supervisor of ${channel.tenant}/${channel.channel} (pid ${status.supervisorPid}) did not stop within ${waitMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return true;
}

function stateDirOption(command: Command): Command {
  return command
    .option('--punchlines <folder>', 'the folder of <tenant>/<channel> folders (default: $PUNCHLINE_PUNCHLINES, else ./punchlines)')
    .option('--config <file>', 'platform config (default: $PUNCHLINE_CONFIG, else platform.json5 next to or above the channel)')
    .option('--state-dir <folder>', 'where the supervisor keeps its lock, status and logs (default: $PUNCHLINE_HOME/run/channels/<tenant>/<channel>)');
}

function startOptions(command: Command): Command {
  return stateDirOption(command)
    .option('--daemon', 'run the supervisor in the background and return once the punchlines are started')
    .option('--alter', 'add partitions to the channel topics that have fewer than declared')
    .option('--drain-timeout-ms <ms>', 'on stop, how long punchlines may drain before they are killed', '30000')
    .option('--max-restarts <n>', 'failed runs in a row restarted before a punchline is left down (crash loop)', String(DEFAULT_RESTART_POLICY.maxRestarts))
    .option('--backoff-ms <ms>', 'the pause before the first restart, doubled after each failure (at most 60 s)', String(DEFAULT_RESTART_POLICY.initialBackoffMs));
}

/** Registers `channel` and its subcommands. */
export function registerChannelCommand(program: Command): void {
  const channel = program.command('channel').description("run a channel: its topics, and its punchlines supervised (restarted after a crash or a fail-stop)");
  const logger = (): Logger => createLogger();

  startOptions(channel.command('start'))
    .description('create or check the channel topics, then run and supervise its punchlines (foreground; --daemon: background)')
    .argument('<channel>', '<tenant>/<channel>, or a channel folder')
    .action(async (reference: string, options: StartOptions) => {
      const found = await findChannel(reference, options);
      if (options.daemon === true) await startDaemon(found, process.argv.slice(1), options.alter === true, logger());
      else await startForeground(found, options, logger());
    });

  stateDirOption(channel.command('stop'))
    .description('stop the channel gracefully: each punchline drains and commits; exits 0')
    .argument('<channel>', '<tenant>/<channel>, or a channel folder')
    .option('--wait-ms <ms>', 'how long to wait for the supervisor to finish', '120000')
    .action(async (reference: string, options: ChannelOptions & { waitMs: string }) => {
      const found = await findChannel(reference, options);
      const stopped = await stopChannel(found, positiveInteger(options.waitMs, '--wait-ms', 1));
      process.stdout.write(stopped ? `channel ${found.tenant}/${found.channel} stopped\n` : `channel ${found.tenant}/${found.channel} is not running\n`);
    });

  stateDirOption(channel.command('status'))
    .description('each punchline process: state, pid, uptime, restarts, last exit and why, consumer lag')
    .argument('<channel>', '<tenant>/<channel>, or a channel folder')
    .option('--json', 'print the status as JSON')
    .option('--no-lag', 'do not ask Kafka for the consumer lag')
    .action(async (reference: string, options: ChannelOptions & { json?: boolean; lag: boolean }) => {
      const found = await findChannel(reference, options);
      const status = await readStatus(found.stateDir);
      const running = await supervised(found.stateDir);
      const lag = options.lag ? await channelLag(found.dir, found.structure, found.platform, logger()) : [];
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify({ channel: `${found.tenant}/${found.channel}`, supervised: running, status: status ?? null, lag }, null, 2)}\n`);
      } else {
        process.stdout.write(renderStatus(`${found.tenant}/${found.channel}`, running, status, lag, Date.now()));
      }
      if (!running) process.exitCode = EXIT.FATAL;
    });

  stateDirOption(channel.command('export'))
    .description('write the channel as Kubernetes manifests (--kubernetes) or systemd units (--systemd), to run it on other machines')
    .argument('<channel>', '<tenant>/<channel>, or a channel folder')
    .option('--kubernetes <folder>', 'a ConfigMap of the channel files and a Deployment per punchline (replicas, probes on /healthz, metrics port)')
    .option('--systemd <folder>', 'a template unit per punchline (%i: the replica) and a target for the channel')
    .option('--image <image>', 'the container image that holds punchline', 'punchline:latest')
    .option('--namespace <namespace>', 'the Kubernetes namespace of the objects')
    .action(async (reference: string, options: ChannelOptions & { kubernetes?: string; systemd?: string; image: string; namespace?: string }) => {
      if (options.kubernetes === undefined && options.systemd === undefined) throw new PunchlineError('E_USAGE', 'give --kubernetes <folder>, --systemd <folder>, or both');
      const found = await findChannel(reference, options);
      const exported: ExportedChannel = { ...found, platformFile: findPlatformConfig(options.config, join(found.dir, CHANNEL_STRUCTURE_FILE)) };
      const written: string[] = [];
      const write = async (folder: string, files: readonly ExportedFile[]): Promise<void> => {
        await mkdir(folder, { recursive: true });
        for (const file of files) {
          await writeFile(join(folder, file.name), file.text);
          written.push(join(folder, file.name));
        }
      };
      if (options.kubernetes !== undefined) await write(options.kubernetes, await kubernetesManifests(exported, { image: options.image, ...(options.namespace !== undefined && { namespace: options.namespace }) }));
      if (options.systemd !== undefined) {
        // The units run this very CLI (its node, its loader when run from the sources), from the package folder.
        const exec = [process.execPath, ...process.execArgv, resolve(process.argv[1] ?? '')];
        await write(options.systemd, systemdUnits(exported, { exec, workingDirectory: PACKAGE_ROOT }));
      }
      process.stdout.write(`${written.join('\n')}\n`);
    });

  startOptions(channel.command('restart'))
    .description('stop the channel if it runs, then start it (with the options of start)')
    .argument('<channel>', '<tenant>/<channel>, or a channel folder')
    .action(async (reference: string, options: StartOptions) => {
      const found = await findChannel(reference, options);
      await stopChannel(found, 120_000);
      const argv = process.argv.slice(1).map((a) => (a === 'restart' ? 'start' : a));
      if (options.daemon === true) await startDaemon(found, argv, options.alter === true, logger());
      else await startForeground(found, options, logger());
    });
}
