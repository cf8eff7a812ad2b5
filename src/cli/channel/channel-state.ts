/**
 * Where a supervised channel keeps its state, and the status file the supervisor rewrites on every
 * change (`status.json`, replaced atomically), which `punchline channel status` and `stop` read:
 *
 * ```
 * <state dir>/supervisor.lock    held while a supervisor runs (proper-lockfile)
 * <state dir>/status.json        the supervisor's pid and each punchline process's state
 * <state dir>/supervisor.log     what a --daemon supervisor prints
 * <state dir>/logs/<name>[.<replica>].log   each punchline process's output, appended
 * ```
 *
 * The state dir defaults to `$PUNCHLINE_HOME/run/channels/<tenant>/<channel>`.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { punchlineHome } from '../../tools/local-broker/index.js';
import type { TopicOutcome } from './channel-topics.js';

/** The state of one punchline process. */
export type InstanceState = 'starting' | 'running' | 'backoff' | 'stopping' | 'finished' | 'invalid' | 'crash_loop' | 'stopped';

/** One punchline process (a replica of a punchline of the channel). */
export interface InstanceStatus {
  /** The punchline's file name in the channel folder. */
  readonly punchline: string;
  /** 0-based; a punchline without replicas has replica 0 only. */
  readonly replica: number;
  state: InstanceState;
  pid?: number;
  /** The port of 127.0.0.1 where the current process serves its live page and `/api/snapshot`. */
  httpPort?: number;
  /** ISO time the current (or last) process started. */
  startedAt?: string;
  /** Restarts since the channel started. */
  restarts: number;
  lastExit?: {
    readonly code: number | null;
    readonly signal: string | null;
    readonly at: string;
    /** What the exit code means. */
    readonly reason: string;
    /** The last error line of its log, when there is one. */
    readonly detail?: string;
  };
  /** When a restart is due (state `backoff`). */
  nextStartAt?: string;
  readonly log: string;
}

/** The whole status file. */
export interface ChannelStatus {
  readonly tenant: string;
  readonly channel: string;
  readonly supervisorPid: number;
  readonly startedAt: string;
  state: 'starting' | 'running' | 'stopping' | 'stopped';
  readonly topics: readonly TopicOutcome[];
  readonly instances: InstanceStatus[];
}

/** The default state folder of a channel. */
export function defaultStateDir(tenant: string, channel: string): string {
  return join(punchlineHome(), 'run', 'channels', tenant, channel);
}

/** The status file of a state folder. */
export function statusFile(stateDir: string): string {
  return join(stateDir, 'status.json');
}

/** The lock file a running supervisor holds. */
export function lockFile(stateDir: string): string {
  return join(stateDir, 'supervisor.lock');
}

/** Writes the status atomically (a reader never sees half a file). */
export async function writeStatus(stateDir: string, status: ChannelStatus): Promise<void> {
  const file = statusFile(stateDir);
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(status, null, 2)}\n`);
  await rename(temporary, file);
}

/** The last status written, or undefined when the channel never ran with this state folder. */
export async function readStatus(stateDir: string): Promise<ChannelStatus | undefined> {
  try {
    return JSON.parse(await readFile(statusFile(stateDir), 'utf8')) as ChannelStatus;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
