/**
 * Structured logs: JSON lines on stderr (stdout belongs to outputs such as `print_output`), made
 * human readable when stderr is a terminal. Secrets never reach a log line: known secret keys are
 * redacted by pino, and values from `${ENV}` substitution are masked where configs are printed.
 */
import { pino } from 'pino';
import type { Logger } from 'pino';
import pretty from 'pino-pretty';
import { PunchlineError } from '../core/errors.js';

export type { Logger };

/** Keys whose values are never logged, wherever they appear in a logged object. */
export const SECRET_KEYS = ['password', 'secret', 'client_secret', 'token', 'access_token', 'key_pem', 'sasl.password'];

export interface LoggerOptions {
  /** `trace` … `fatal`, or `silent`. Default `info`, or `$PUNCHLINE_LOG_LEVEL`. */
  readonly level?: string;
  /** Force (or refuse) the human-readable format; default: when stderr is a TTY. */
  readonly pretty?: boolean;
  /** Where to write; default stderr. */
  readonly destination?: NodeJS.WritableStream;
}

/** The levels `--log-level` and `PUNCHLINE_LOG_LEVEL` accept, most verbose first. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/**
 * `level` when it is a known level (or undefined), else an `E_USAGE` error naming `origin` (the
 * option or variable it came from) and the levels there are. Pino would throw a bare
 * `unknown level` from deep inside its constructor.
 */
export function checkLogLevel(level: string | undefined, origin: string): string | undefined {
  if (level === undefined || (LOG_LEVELS as readonly string[]).includes(level)) return level;
  const lower = level.toLowerCase();
  const hint = (LOG_LEVELS as readonly string[]).includes(lower) ? `levels are lowercase: "${lower}"` : `use one of ${LOG_LEVELS.join(', ')}`;
  throw new PunchlineError('E_USAGE', `${origin} "${level}" is not a log level`, { hint });
}

/** Builds the process logger; an unknown level is an `E_USAGE` error. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = checkLogLevel(options.level, 'log level') ?? checkLogLevel(process.env.PUNCHLINE_LOG_LEVEL || undefined, 'PUNCHLINE_LOG_LEVEL') ?? 'info';
  const redact = { paths: SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]), censor: '***' };
  const humans = options.pretty ?? (options.destination === undefined && process.stderr.isTTY);
  if (humans) {
    return pino({ level, redact }, pretty({ destination: options.destination ?? 2, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }));
  }
  return pino({ level, redact, base: undefined, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } }, options.destination ?? pino.destination({ fd: 2, sync: true }));
}
