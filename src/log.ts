import pino, { type Logger } from 'pino';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import type { Config } from './config';

/** JSON lines for machines by default; `pretty` for a person at a terminal (`npm start`). */
export function createLogger(level: Config['logLevel'], pretty = false): Logger {
  return pino({
    level,
    transport: pretty
      ? { target: 'pino-pretty', options: { ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' } }
      : undefined,
  });
}

const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Lets the Temporal SDK's own messages reach the same log, with the same format. */
export function temporalLogger(log: Logger): TemporalLogger {
  const at =
    (level: LogLevel) =>
    (message: string, meta?: LogMetadata): void =>
      log[levels[level]](meta ?? {}, message);
  return {
    log: (level, message, meta) => at(level)(message, meta),
    trace: at('TRACE'),
    debug: at('DEBUG'),
    info: at('INFO'),
    warn: at('WARN'),
    error: at('ERROR'),
  };
}
