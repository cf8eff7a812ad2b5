/**
 * kafkajs logs routed into our structured logger, at the same levels, with kafkajs' namespace and
 * fields kept as structured fields. kafkajs' own console logger is never used.
 */
import { logLevel } from 'kafkajs';
import type { logCreator, LogEntry } from 'kafkajs';
import type { Logger } from 'pino';

/** A kafkajs `logCreator` writing into `logger`. */
export function kafkajsLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, logger: _name, ...fields } = log;
      const entry = { kafkajs: namespace, ...fields };
      const text = `kafkajs: ${message}`;
      // kafkajs logs every retried failure as an error; the failures that matter reach us as
      // thrown errors, translated with their fix. Its errors are our warnings.
      if (level === logLevel.ERROR || level === logLevel.WARN) logger.warn(entry, text);
      else if (level === logLevel.INFO) logger.debug(entry, text); // kafkajs is chatty at info
      else logger.trace(entry, text);
    };
}

/** The kafkajs level matching our logger's (kafkajs filters before calling the creator). */
export function kafkajsLevel(logger: Logger): logLevel {
  switch (logger.level) {
    case 'trace':
      return logLevel.DEBUG;
    case 'debug':
      return logLevel.INFO;
    case 'info':
    case 'warn':
      return logLevel.WARN;
    default:
      return logLevel.ERROR;
  }
}
