/**
 * The processes a benchmark measures: each case runs in a child of its own, so its CPU and memory
 * are its own, and this process only watches (memory samples from `/proc/<pid>/status`, progress
 * lines, the tail of its stderr for diagnostics). Every child started here is registered and
 * killed when the run ends however it ends ({@link killAllChildren}), so a failed or interrupted
 * benchmark leaves nothing behind.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** Peak and last resident memory of a process, in bytes. */
export interface MemorySample {
  /** VmRSS: resident now. */
  readonly rss: number;
  /** VmHWM: the highest resident size so far (the kernel's own peak, between our samples too). */
  readonly hwm: number;
}

/** Reads VmRSS and VmHWM of `pid`; `undefined` once the process is gone. */
export function readMemory(pid: number): MemorySample | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

/** Clock ticks per second of `/proc/<pid>/stat` times (USER_HZ, 100 on every Linux build that matters). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU seconds `pid` has used so far (user + system, its threads included: the JVM's, libuv's),
 * `undefined` once the process is gone.
 */
export function readCpuSeconds(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

const live = new Set<ChildProcess>();

/** What {@link startChild} gives back. */
export interface Child {
  readonly process: ChildProcess;
  readonly pid: number;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  readonly exited: Promise<number | NodeJS.Signals>;
  /** Whether the process has exited. */
  hasExited(): boolean;
  /** The last lines of its stderr (and stdout lines not handed to `onLine`), for error messages. */
  tail(): string;
  /** Sends a signal, then SIGKILL after `graceMs` if it is still alive; resolves once it exited. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | NodeJS.Signals>;
}

/** Options of {@link startChild}. */
export interface ChildOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Called with each stdout line. */
  readonly onLine?: (line: string) => void;
  /** Send stdout to /dev/null instead of reading it (a case that prints every tuple). */
  readonly discardStdout?: boolean;
}

const TAIL_BYTES = 16_000;

/** Set once the benchmark is being torn down: no child may start any more. */
let refusing = false;

/** Starts `command args` as a registered child; throws once {@link killAllChildren} was told the run is over. */
export function startChild(command: string, args: readonly string[], options: ChildOptions = {}): Child {
  if (refusing) throw new Error('the benchmark is stopping: no new process');
  const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', options.discardStdout === true ? 'ignore' : 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  live.add(child);
  let tail = '';
  const keep = (text: string): void => {
    tail = (tail + text).slice(-TAIL_BYTES);
  };
  child.stderr?.setEncoding('utf8').on('data', keep);
  if (child.stdout !== null) createInterface({ input: child.stdout }).on('line', (line) => (options.onLine === undefined ? keep(`${line}\n`) : options.onLine(line)));
  let done = false;
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.on('close', (code, signal) => {
      done = true;
      live.delete(child);
      resolve(code ?? signal ?? 'SIGKILL');
    });
  });
  return {
    process: child,
    pid,
    exited,
    hasExited: () => done,
    tail: () => tail,
    async stop(signal = 'SIGTERM', graceMs = 30_000) {
      if (!done) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
  };
}

/**
 * Kills every child still running (SIGKILL): the last resort on errors and signals. With
 * `final`, no child may start afterwards (an interrupted run must not start its next case).
 */
export function killAllChildren(final = false): void {
  if (final) refusing = true;
  for (const child of live) child.kill('SIGKILL');
}
