/**
 * The logger: pino for structured JSON lines (containers and log shippers), a plain
 * `LEVEL message key=value` form for people at a terminal. Every line passes through the
 * redaction module first — pino's own `redact` only masks known key paths, while a secret can
 * sit anywhere in a message or a URL (node-fetch errors print the whole URL) — and pino's key
 * paths are kept on top as a second guard for fields that are secret by name.
 */
import pino from 'pino';
import { redact, redactValue } from '../secrets/redact';

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

/** Field names whose values are secret whatever they hold, at the top level or one object down. */
const SECRET_KEYS = ['password', 'client_secret', 'api_key', 'token', 'access_token', 'authorization', 'Authorization', 'cookie'];
const SECRET_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`]);

/** @example createLogger({ level: 'info', format: 'pretty', stream: process.stderr }).info('run started', { resource: 'incidents' }) */
export function createLogger(options: LoggerOptions = {}, bound: LogFields = {}): Logger {
  return options.format === 'pretty' ? prettyLogger(options, bound) : jsonLogger(options, bound);
}

function jsonLogger(options: LoggerOptions, bound: LogFields): Logger {
  const now = options.now ?? (() => new Date());
  const root = pino(
    {
      level: options.level ?? 'info',
      base: null,
      timestamp: () => `,"time":"${now().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: SECRET_PATHS, censor: '***' },
    },
    (options.stream ?? process.stderr) as pino.DestinationStream,
  );
  const wrap = (instance: pino.Logger): Logger => {
    const write = (level: Exclude<LogLevel, 'silent'>) => (message: string, fields?: LogFields) => {
      if (!instance.isLevelEnabled(level)) return;
      instance[level](fields ? plain(fields) : {}, redact(message));
    };
    return {
      debug: write('debug'),
      info: write('info'),
      warn: write('warn'),
      error: write('error'),
      child: (fields) => wrap(instance.child(plain(fields))),
    };
  };
  return wrap(Object.keys(bound).length ? root.child(plain(bound)) : root);
}

function prettyLogger(options: LoggerOptions, bound: LogFields): Logger {
  const threshold = ORDER[options.level ?? 'info'];
  const stream = options.stream ?? process.stderr;
  const write = (level: Exclude<LogLevel, 'silent'>) => (message: string, fields?: LogFields) => {
    if (ORDER[level] < threshold) return;
    stream.write(`${level.toUpperCase().padEnd(5)} ${redact(message)}${formatPretty(plain({ ...bound, ...fields }))}\n`);
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (fields) => prettyLogger(options, { ...bound, ...fields }),
  };
}

/** Fields as plain, redacted JSON values: errors become `{ name, message, code }`, bigints strings. */
function plain(fields: LogFields): LogFields {
  return JSON.parse(JSON.stringify(redactValue(fields), errorReplacer) ?? '{}') as LogFields;
}

function formatPretty(fields: LogFields): string {
  const parts = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
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
export const silentLogger: Logger = createLogger({ level: 'silent', format: 'pretty' });
