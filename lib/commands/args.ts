/** Flag parsing shared by the sub-commands: node's parseArgs, with usage errors as ConfigError (exit 2). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/** @example const { values } = parseFlags('run', argv, { config: { type: 'string', short: 'c' } }) */
export function parseFlags<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true });
  } catch (error) {
    throw new ConfigError(`${command}: ${(error as Error).message}. See rest2kafka ${command} --help.`, { code: 'USAGE' });
  }
}

/** The value of a required string flag, or a usage error naming it. */
export function requireFlag(command: string, name: string, value: string | undefined): string {
  if (!value) throw new ConfigError(`${command}: --${name} is required. See rest2kafka ${command} --help.`, { code: 'USAGE' });
  return value;
}

/** A positive integer flag, at most `max`, or a usage error. */
export function intFlag(command: string, name: string, value: string | undefined, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? 'a positive integer' : `an integer from 1 to ${max}`;
    throw new ConfigError(`${command}: --${name} must be ${range}, got "${value}"`, { code: 'USAGE' });
  }
  return n;
}
