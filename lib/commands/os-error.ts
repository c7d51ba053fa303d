/**
 * Node's file and socket errors that a command did not turn into a message of its own. They
 * come from what the user asked for — a path that does not exist, a folder without write
 * permission, a port in use — so they end the command as a usage error (exit 2, one line
 * naming the path or address), not as "internal error … this is a bug".
 */
import { types } from 'node:util';
import { ConfigError, Rest2KafkaError } from '../errors';

const USER_CAUSED: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on the device',
  EADDRINUSE: 'address in use',
  EADDRNOTAVAIL: 'this machine has no such address',
};

/**
 * A {@link ConfigError} for a file-system or listen error caused by the user's input; any other
 * value is returned as it is.
 *
 * @example userFacing(Object.assign(new Error('…'), { code: 'ENOENT', syscall: 'open', path: 'x/y.avsc' }))
 * // ConfigError: open x/y.avsc: no such file or directory (ENOENT)
 */
export function userFacing(error: unknown): unknown {
  // isNativeError, not instanceof: Node's own errors can come from another realm (jest's, a vm context).
  if (!types.isNativeError(error) || error instanceof Rest2KafkaError) return error;
  const { code, syscall, path, address, port } = error as NodeJS.ErrnoException & { address?: string; port?: number };
  const why = code === undefined ? undefined : USER_CAUSED[code];
  const where = path ?? (address === undefined ? undefined : `${address}${port === undefined ? '' : `:${port}`}`);
  // Only errors that name what they touched: without a path or address the user could not act on it.
  if (why === undefined || where === undefined) return error;
  return new ConfigError(`${syscall ? `${syscall} ` : ''}${where}: ${why} (${code})`, { code: 'USAGE' });
}
