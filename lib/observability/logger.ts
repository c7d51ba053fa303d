/**
 * A small structured logger whose every line passes through the redaction module.
 * JSON lines by default (for containers and log shippers); `pretty` prints
 * `LEVEL message key=value` for people at a terminal.
 */
import { redact, redactValue } from '../http/redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: 'json' | 'pretty';
  stream?: NodeJS.WritableStream;
  now?: () => Date;
}

/** @example createLogger({ level: 'info', format: 'pretty', stream: process.stderr }).info('run started', { resource: 'incidents' }) */
export function createLogger(options: LoggerOptions = {}, bound: LogFields = {}): Logger {
  const threshold = ORDER[options.level ?? 'info'];
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? (() => new Date());
  const write = (level: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields) => {
    if (ORDER[level] < threshold) return;
    const merged = redactValue({ ...bound, ...fields }) as LogFields;
    stream.write(
      options.format === 'pretty'
        ? `${level.toUpperCase().padEnd(5)} ${redact(message)}${formatPretty(merged)}\n`
        : `${JSON.stringify({ time: now().toISOString(), level, msg: redact(message), ...merged }, errorReplacer)}\n`,
    );
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

function formatPretty(fields: LogFields): string {
  const parts = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v, errorReplacer)}`);
  return parts.length ? ` ${parts.join(' ')}` : '';
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code === undefined ? {} : { code }) };
  }
  return typeof value === 'bigint' ? value.toString() : value;
}

/** A logger that writes nothing (tests, library use). */
export const silentLogger: Logger = createLogger({ level: 'silent' });
