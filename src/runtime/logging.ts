/**
 * Structured logs: JSON lines on stderr (stdout belongs to outputs such as `print_output`), made
 * human readable when stderr is a terminal. Secrets never reach a log line: known secret keys are
 * redacted by pino, and values from `${ENV}` substitution are masked where configs are printed.
 */
import { pino } from 'pino';
import type { Logger } from 'pino';
import pretty from 'pino-pretty';

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

/** Builds the process logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.PUNCHLINE_LOG_LEVEL ?? 'info';
  const redact = { paths: SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]), censor: '***' };
  const humans = options.pretty ?? (options.destination === undefined && process.stderr.isTTY);
  if (humans) {
    return pino({ level, redact }, pretty({ destination: 2, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }));
  }
  return pino({ level, redact, base: undefined, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } }, options.destination ?? pino.destination({ fd: 2, sync: true }));
}
