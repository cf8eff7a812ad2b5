/**
 * Runs the external programs the broker needs (java, mvn, openssl) and captures what they print,
 * so a failure can be reported with the lines that explain it instead of a bare exit code.
 */
import { spawn } from 'node:child_process';

/** What a finished program printed and how it ended. */
export interface ProgramResult {
  /** The exit code, or `null` when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** stdout and stderr interleaved in arrival order. */
  readonly output: string;
}

/** Options of {@link runProgram}. */
export interface RunProgramOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Kill the program after this long; default 10 minutes (a cold Maven download is the slowest user). */
  readonly timeoutMs?: number;
}

/** Raised when the program itself cannot be found, so callers can name the missing prerequisite. */
export class ProgramNotFoundError extends Error {
  override readonly name = 'ProgramNotFoundError';
  constructor(readonly program: string) {
    super(`${program} was not found`);
  }
}

/**
 * Runs `program args…` to completion. Resolves with the result whatever the exit code; rejects only
 * when the program cannot be started ({@link ProgramNotFoundError} when it is not installed).
 */
export function runProgram(program: string, args: readonly string[], options: RunProgramOptions = {}): Promise<ProgramResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? new ProgramNotFoundError(program) : error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output: Buffer.concat(chunks).toString('utf8') });
    });
  });
}
