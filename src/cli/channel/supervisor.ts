/**
 * The channel supervisor: runs each punchline of a channel (each replica) as a `punchline run`
 * child process and keeps it running by the restart policy (`restart-policy.ts`), as Punch's Shiva
 * or systemd would. Every process has its own process group, so a Ctrl-C reaches the supervisor
 * alone, which then stops each punchline once with SIGTERM (a second signal would make a
 * punchline stop without draining).
 *
 * Lifecycle: `start()` spawns every process; `stop()` cancels pending restarts, sends SIGTERM to
 * each running process, waits for them to drain and exit, and sends SIGKILL to those still running
 * after `drainTimeoutMs`. Each change of a process is written to the status file.
 *
 * Every process serves its live page and `/api/snapshot` on a port of 127.0.0.1 the supervisor
 * picks free before each start (`--http-port`) and writes to the status (`httpPort`), where
 * `punchline ui` and `punchline top` of the channel find it. A port taken by another program in
 * between makes that run exit 1, and its restart gets another port.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { runNodeFlags } from '../young-generation.js';
import { decideAfterExit, describeExit } from './restart-policy.js';
import type { ProcessExit, RestartPolicy } from './restart-policy.js';
import type { ChannelStatus, InstanceStatus } from './channel-state.js';

/** The CLI entry: TypeScript under tsx when running from the sources, JavaScript once built. */
const MAIN = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../main.ts' : '../main.js', import.meta.url));

/** One process of the channel to run. */
export interface SupervisedPunchline {
  /** The punchline file's path. */
  readonly file: string;
  readonly replica: number;
  /** Replicas of this punchline: the log file names the replica only when there are several. */
  readonly replicas: number;
}

/** How the supervisor runs the processes. */
export interface SupervisorOptions {
  readonly policy: RestartPolicy;
  readonly drainTimeoutMs: number;
  readonly logDir: string;
  /** Extra arguments of `punchline run` (`--config <file>`). */
  readonly runArguments: readonly string[];
  readonly logger: Logger;
  /** Called after every change, with the status to write. */
  readonly onChange: (status: ChannelStatus) => void;
}

interface Instance {
  readonly spec: SupervisedPunchline;
  readonly status: InstanceStatus;
  child?: ChildProcess;
  exited?: Promise<void>;
  timer?: NodeJS.Timeout;
  failures: number;
  started: number;
}

/** Supervises the processes of one channel. */
export class ChannelSupervisor {
  readonly #options: SupervisorOptions;
  readonly #instances: Instance[];
  readonly #status: ChannelStatus;
  #stopping = false;

  constructor(status: Omit<ChannelStatus, 'instances' | 'state'>, punchlines: readonly SupervisedPunchline[], options: SupervisorOptions) {
    this.#options = options;
    this.#instances = punchlines.map((spec) => {
      const name = basename(spec.file).replace(/\.json5$/, '');
      const log = join(options.logDir, spec.replicas > 1 ? `${name}.${spec.replica}.log` : `${name}.log`);
      return { spec, status: { punchline: basename(spec.file), replica: spec.replica, state: 'starting', restarts: 0, log }, failures: 0, started: 0 };
    });
    this.#status = { ...status, state: 'starting', instances: this.#instances.map((i) => i.status) };
  }

  /** The current status (the object the status file is written from). */
  get status(): ChannelStatus {
    return this.#status;
  }

  /** Starts every process. */
  async start(): Promise<void> {
    await Promise.all(this.#instances.map((instance) => this.#spawn(instance)));
    if (this.#stopping) return;
    this.#status.state = 'running';
    this.#changed();
  }

  /** Stops every process gracefully (SIGTERM, drain, SIGKILL after the drain timeout). */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#status.state = 'stopping';
    for (const instance of this.#instances) {
      clearTimeout(instance.timer);
      if (instance.status.state === 'backoff') {
        instance.status.state = 'stopped';
        delete instance.status.nextStartAt;
      }
      if (instance.child !== undefined) {
        instance.status.state = 'stopping';
        instance.child.kill('SIGTERM');
      }
    }
    this.#changed();
    const running = this.#instances.filter((i) => i.exited !== undefined);
    const drained = Promise.all(running.map((i) => i.exited ?? Promise.resolve()));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([drained.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), this.#options.drainTimeoutMs)))]);
    clearTimeout(timer);
    if (timedOut) {
      for (const instance of running) {
        if (instance.child === undefined) continue;
        this.#options.logger.warn({ punchline: instance.status.punchline, replica: instance.status.replica, pid: instance.child.pid }, `${instance.status.punchline} did not stop within ${this.#options.drainTimeoutMs} ms: killing it.`);
        instance.child.kill('SIGKILL');
      }
      await drained;
    }
    this.#status.state = 'stopped';
    this.#changed();
  }

  async #spawn(instance: Instance): Promise<void> {
    delete instance.status.nextStartAt;
    const port = await freePort();
    if (this.#stopping) {
      instance.status.state = 'stopped';
      return;
    }
    const log = openSync(instance.status.log, 'a');
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, [...runNodeFlags(process.execArgv, process.env.NODE_OPTIONS), ...(MAIN.endsWith('.ts') ? ['--import', 'tsx'] : []), MAIN, 'run', instance.spec.file, '--http-port', String(port), ...this.#options.runArguments], {
        stdio: ['ignore', log, log],
        detached: true,
        env: { ...process.env, PUNCHLINE_REPLICA: String(instance.spec.replica) },
      });
    } finally {
      closeSync(log);
    }
    instance.child = child;
    instance.started = Date.now();
    instance.status.state = 'running';
    instance.status.startedAt = new Date(instance.started).toISOString();
    if (child.pid !== undefined) instance.status.pid = child.pid;
    instance.status.httpPort = port;
    this.#options.logger.info({ punchline: instance.status.punchline, replica: instance.status.replica, pid: child.pid }, `Started ${instance.status.punchline} (replica ${instance.status.replica}, pid ${String(child.pid)}).`);
    instance.exited = new Promise((resolve) => {
      child.once('error', (error) => {
        this.#options.logger.error({ punchline: instance.status.punchline, err: error }, `Could not start ${instance.status.punchline}: ${error.message}`);
      });
      child.once('close', (code, signal) => {
        void this.#onExit(instance, { code, signal }).finally(resolve);
      });
    });
    this.#changed();
  }

  async #onExit(instance: Instance, exit: ProcessExit): Promise<void> {
    const ranMs = Date.now() - instance.started;
    delete instance.child;
    delete instance.exited;
    delete instance.status.pid;
    delete instance.status.httpPort;
    const detail = await lastErrorLine(instance.status.log);
    instance.status.lastExit = { code: exit.code, signal: exit.signal, at: new Date().toISOString(), reason: describeExit(exit), ...(detail !== undefined && { detail }) };
    const where = `${instance.status.punchline} (replica ${instance.status.replica})`;
    if (this.#stopping) {
      instance.status.state = 'stopped';
      this.#options.logger.info({ punchline: instance.status.punchline, replica: instance.status.replica, code: exit.code, signal: exit.signal }, `${where} stopped: ${describeExit(exit)}.`);
      this.#changed();
      return;
    }
    const decision = decideAfterExit(exit, instance.failures, ranMs, this.#options.policy);
    instance.failures = decision.failures;
    if (decision.action === 'leave_down') {
      instance.status.state = decision.state;
      const why = { finished: 'it ended', invalid: 'fix the punchline or its config, then restart the channel', crash_loop: `${decision.failures} failed runs in a row` }[decision.state];
      const log = decision.state === 'finished' ? this.#options.logger.info.bind(this.#options.logger) : this.#options.logger.error.bind(this.#options.logger);
      log({ punchline: instance.status.punchline, replica: instance.status.replica, code: exit.code, signal: exit.signal, detail }, `${where} ${describeExit(exit)}; not restarted (${why}). Its log: ${instance.status.log}`);
      this.#changed();
      return;
    }
    instance.status.state = 'backoff';
    instance.status.nextStartAt = new Date(Date.now() + decision.delayMs).toISOString();
    this.#options.logger.warn(
      { punchline: instance.status.punchline, replica: instance.status.replica, code: exit.code, signal: exit.signal, detail, delayMs: decision.delayMs },
      `${where} ${describeExit(exit)}; restarting in ${decision.delayMs} ms (failure ${decision.failures} of at most ${this.#options.policy.maxRestarts} in a row).`,
    );
    instance.timer = setTimeout(() => {
      if (this.#stopping) return;
      instance.status.restarts++;
      this.#spawn(instance).catch((error: unknown) => this.#options.logger.error({ punchline: instance.status.punchline, replica: instance.status.replica, err: error }, `Could not restart ${where}: ${String(error)}`));
    }, decision.delayMs);
    this.#changed();
  }

  #changed(): void {
    this.#options.onChange(this.#status);
  }
}

/** A port of 127.0.0.1 free now (the system's pick). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The last line of a log that says what went wrong: `punchline: …` from the CLI, else the last error of the punchline's JSON log. */
async function lastErrorLine(file: string): Promise<string | undefined> {
  let text: string;
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, 16_384);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      text = buffer.toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    if (line.startsWith('punchline: ')) {
      // An invalid punchline: its diagnostics are printed above the summary; the first error says the most.
      let first = i;
      while (first > 0 && !(lines[first - 1] ?? '{').startsWith('{') && !(lines[first - 1] ?? '').startsWith('punchline: ')) first--;
      const diagnostic = lines.slice(first, i).find((above) => !/ {2}warning: /.test(above));
      return clip(diagnostic ?? line.slice('punchline: '.length));
    }
    if (line.startsWith('{')) {
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string };
        if ((entry.level ?? 0) >= 50 && entry.msg !== undefined) return clip(entry.msg);
      } catch {
        // a line cut by the 16 KiB window: skip it
      }
    }
  }
  return undefined;
}

function clip(text: string): string {
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}
