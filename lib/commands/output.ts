/**
 * The output flags every command takes, so `--log-format json` or `-q` means the same
 * everywhere: data goes to stdout, logs (and progress) to stderr, and these flags shape the logs.
 */
import { ConfigError } from '../errors';
import { createLogger, type Logger, type LogLevel } from '../observability/logger';
import type { CommandIO } from './types';

/** parseArgs options; spread them into a command's own. */
export const OUTPUT_OPTIONS = {
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

/** The lines of `--help` for {@link OUTPUT_OPTIONS}, aligned with the other options. */
export const OUTPUT_HELP = `      --log-level L     debug | info | warn | error (default info; warn with -q)
      --log-format F    json | pretty (default: pretty on a terminal, else json)
  -q, --quiet           warnings and errors only on stderr`;

export interface OutputValues {
  'log-level'?: string;
  'log-format'?: string;
  quiet?: boolean;
}

const LEVELS: readonly string[] = ['debug', 'info', 'warn', 'error'];
const FORMATS: readonly string[] = ['json', 'pretty'];

/** True when stderr is a terminal: pretty logs and a redrawn progress line. */
export function stderrIsTty(io: CommandIO): boolean {
  return Boolean((io.stderr as { isTTY?: boolean }).isTTY);
}

/**
 * The command's logger, as its output flags ask; writes to `stream` (default stderr).
 * Throws a usage error for an unknown level or format.
 *
 * @example const logger = commandLogger('check', values, io)
 */
export function commandLogger(command: string, values: OutputValues, io: CommandIO, stream: NodeJS.WritableStream = io.stderr): Logger {
  const level = values['log-level'] ?? (values.quiet ? 'warn' : 'info');
  if (!LEVELS.includes(level)) throw new ConfigError(`${command}: --log-level must be one of ${LEVELS.join(', ')}, got "${level}"`, { code: 'USAGE' });
  const format = values['log-format'] ?? (stderrIsTty(io) ? 'pretty' : 'json');
  if (!FORMATS.includes(format)) throw new ConfigError(`${command}: --log-format must be one of ${FORMATS.join(', ')}, got "${format}"`, { code: 'USAGE' });
  return createLogger({ level: level as LogLevel, format: format as 'json' | 'pretty', stream });
}
